/*
 * tls.c - the TLS evidence document; see tls.h.
 */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "evidence/tls.h"
#include "util/buf.h"
#include "util/json.h"
#include "util/log.h"
#include "util/banned.h"

/* One list member is a name or "PROTOCOL ID": never near this. */
#define TLS_FACT_MAX	4096

/* "WHERE: TLS evidence: field 'x' is not WANT", and NULL. */
static const cJSON *
bad_field(const char *where, const char *field, const char *want)
{
	log_err("%s: TLS evidence: field '%s' is not %s", where, field, want);
	return NULL;
}

/* The one endpoint of a fipsev-tls/1 document, checked; NULL if bad. */
static const cJSON *
check_tls_doc(const char *where, const cJSON *doc)
{
	static const char *const arrays[] = {
		"protocols", "ciphers", "groups", "sigalgs", "findings",
	};
	static const char *const fields[] = {
		"endpoints[0].protocols", "endpoints[0].ciphers",
		"endpoints[0].groups", "endpoints[0].sigalgs",
		"endpoints[0].findings",
	};
	const char *format = json_get_str(doc, "format");
	const cJSON *eps = cJSON_GetObjectItemCaseSensitive(doc, "endpoints");
	const cJSON *ep, *err;
	size_t i;

	if (format == NULL || strcmp(format, TLS_FORMAT) != 0)
		return bad_field(where, "format", "'" TLS_FORMAT "'");
	if (!cJSON_IsArray(eps) || cJSON_GetArraySize(eps) != 1)
		return bad_field(where, "endpoints", "an array of one endpoint");
	ep = cJSON_GetArrayItem(eps, 0);
	if (json_get_str(ep, "target") == NULL ||
	    *json_get_str(ep, "target") == '\0')
		return bad_field(where, "endpoints[0].target", "a string");
	if (json_get_tristate(ep, "compliant") < 0)
		return bad_field(where, "endpoints[0].compliant", "a boolean");
	for (i = 0; i < sizeof(arrays) / sizeof(arrays[0]); i++)
		if (!cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(ep,
		    arrays[i])))
			return bad_field(where, fields[i], "an array");
	if (!cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(ep,
	    "connections")))
		return bad_field(where, "endpoints[0].connections", "a number");
	err = cJSON_GetObjectItemCaseSensitive(ep, "error");
	if (!cJSON_IsString(err) && !cJSON_IsNull(err))
		return bad_field(where, "endpoints[0].error",
		    "a string or null");
	return ep;
}

/*
 * A JSON array of strings made from each element of arr: its field a, and
 * field b after a space when b is not NULL ("TLSv1.2 0xC02F"); a string
 * element as it is. NULL after logging when out of memory.
 */
static char *
facts_list(const cJSON *arr, const char *a, const char *b)
{
	cJSON *out = cJSON_CreateArray();
	const cJSON *e;
	struct buf item;
	char *s = NULL;

	buf_init(&item, TLS_FACT_MAX);
	if (out == NULL)
		goto out;
	cJSON_ArrayForEach(e, arr) {
		buf_reset(&item);
		if (cJSON_IsString(e)) {
			if (buf_puts(&item, e->valuestring) == -1)
				goto out;
		} else if (buf_puts(&item, json_str_or(e, a, "?")) == -1 ||
		    (b != NULL && buf_printf(&item, " %s",
		    json_str_or(e, b, "?")) == -1))
			goto out;
		if (json_array_add_str(out, buf_str(&item)) == -1)
			goto out;
	}
	s = json_print(out);
out:
	buf_release(&item);
	cJSON_Delete(out);
	return s;
}

void
tls_facts_release(struct tls_facts *f)
{
	free(f->protocols);
	free(f->suites);
	free(f->groups);
	free(f->sigalgs);
	cJSON_Delete(f->doc);
	memset(f, 0, sizeof(*f));
}

int
tls_facts_of(const char *where, const char *json, size_t len,
    struct tls_facts *f)
{
	const cJSON *ep;

	memset(f, 0, sizeof(*f));
	if ((f->doc = cJSON_ParseWithLength(json, len)) == NULL) {
		log_err("%s: TLS evidence is not valid JSON", where);
		return -1;
	}
	if ((ep = check_tls_doc(where, f->doc)) == NULL)
		goto bad;
	f->target = json_get_str(ep, "target");
	f->compliant = json_get_tristate(ep, "compliant");
	f->error = json_get_str(ep, "error");
	f->connections = cJSON_GetObjectItemCaseSensitive(ep,
	    "connections")->valueint;
	if ((f->protocols = facts_list(cJSON_GetObjectItemCaseSensitive(ep,
	    "protocols"), NULL, NULL)) == NULL ||
	    (f->suites = facts_list(cJSON_GetObjectItemCaseSensitive(ep,
	    "ciphers"), "protocol", "id")) == NULL ||
	    (f->groups = facts_list(cJSON_GetObjectItemCaseSensitive(ep,
	    "groups"), "name", NULL)) == NULL ||
	    (f->sigalgs = facts_list(cJSON_GetObjectItemCaseSensitive(ep,
	    "sigalgs"), "name", NULL)) == NULL) {
		log_err("%s: TLS evidence: a list member is too long, or out "
		    "of memory", where);
		goto bad;
	}
	return 0;
bad:
	tls_facts_release(f);
	return -1;
}
