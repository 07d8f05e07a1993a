/*
 * evidence_xml.c - see evidence_xml.h.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <openssl/rand.h>
#include <libxml/tree.h>
#include <libxml/xmlstring.h>

#include "report/evidence_xml.h"
#include "util/json.h"
#include "util/log.h"
#include "util/banned.h"

/* A copy of s that XML 1.0 can hold: control characters become '?'. */
static xmlChar *
clean(const char *s)
{
	size_t n = s != NULL ? strlen(s) : 0, i;
	xmlChar *c = malloc(n + 1);

	if (c == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		unsigned char b = (unsigned char)s[i];

		c[i] = b < 0x20 && b != '\t' && b != '\n' && b != '\r' ? '?' :
		    b;
		/* U+FFFE and U+FFFF are not XML characters either. */
		if (b == 0xef && i + 2 < n && (unsigned char)s[i + 1] == 0xbf &&
		    ((unsigned char)s[i + 2] == 0xbe ||
		    (unsigned char)s[i + 2] == 0xbf)) {
			c[i] = c[i + 1] = c[i + 2] = '?';
			i += 2;
		}
	}
	c[n] = '\0';
	/* Not UTF-8 at all (evidence is, but be sure): keep ASCII only. */
	if (!xmlCheckUTF8(c))
		for (i = 0; i < n; i++)
			if (c[i] >= 0x80)
				c[i] = '?';
	return c;
}

/*
 * The document as UTF-8 text, in a buffer of our own (*len bytes); the
 * document is freed either way. NULL after logging what for.
 */
static char *
dump(xmlDocPtr doc, size_t *len, const char *what)
{
	xmlChar *mem = NULL;
	char *out = NULL;
	int size = 0;

	xmlDocDumpFormatMemoryEnc(doc, &mem, &size, "UTF-8", 1);
	if (mem != NULL && size > 0 && (out = malloc((size_t)size)) != NULL) {
		memcpy(out, mem, (size_t)size);
		*len = (size_t)size;
	} else
		log_err("cannot write %s: out of memory", what);
	if (mem != NULL)
		xmlFree(mem);
	xmlFreeDoc(doc);
	return out;
}

static int
attr(xmlNodePtr n, const char *name, const char *value)
{
	xmlChar *v = clean(value != NULL ? value : "");
	int ok = v != NULL && xmlNewProp(n, (const xmlChar *)name, v) != NULL;

	free(v);
	return ok ? 0 : -1;
}

static int
num_attr(xmlNodePtr n, const char *name, const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	char buf[32];

	snprintf(buf, sizeof(buf), "%lld", json_number(v, LLONG_MIN,
	    LLONG_MAX, 0));
	return attr(n, name, buf);
}

static xmlNodePtr
text_child(xmlNodePtr parent, xmlNsPtr ns, const char *name, const char *s)
{
	xmlChar *v = clean(s != NULL ? s : "");
	xmlNodePtr n = v != NULL ? xmlNewTextChild(parent, ns,
	    (const xmlChar *)name, v) : NULL;

	free(v);
	return n;
}

char *
evidence_xml(const cJSON *run, const cJSON *eval, const cJSON *changes,
    long long previous, const cJSON *history, const struct xml_file *files,
    size_t nfiles, size_t *len)
{
	xmlDocPtr doc = xmlNewDoc((const xmlChar *)"1.0");
	xmlNodePtr root, n, list, c;
	xmlNsPtr ns;
	const cJSON *it, *e;
	const cJSON *sum = cJSON_GetObjectItemCaseSensitive(eval, "summary");
	size_t i;

	if (doc == NULL || (root = xmlNewNode(NULL,
	    (const xmlChar *)"evidence")) == NULL)
		goto oom;
	xmlDocSetRootElement(doc, root);
	if ((ns = xmlNewNs(root, (const xmlChar *)EVIDENCE_XML_NS, NULL)) ==
	    NULL)
		goto oom;
	xmlSetNs(root, ns);
	if (attr(root, "version", "1") == -1)
		goto oom;
	if ((n = xmlNewChild(root, ns, (const xmlChar *)"run", NULL)) == NULL ||
	    num_attr(n, "id", run, "id") == -1 ||
	    attr(n, "started", json_get_str(run, "started")) == -1 ||
	    attr(n, "finished", json_get_str(run, "finished")) == -1 ||
	    attr(n, "host", json_get_str(run, "host")) == -1 ||
	    attr(n, "tool-version", json_get_str(run, "tool_version")) == -1)
		goto oom;
	if ((n = xmlNewChild(root, ns, (const xmlChar *)"summary", NULL)) ==
	    NULL || attr(n, "verdict", json_get_str(eval, "verdict")) == -1 ||
	    num_attr(n, "pass", sum, "pass") == -1 ||
	    num_attr(n, "fail", sum, "fail") == -1 ||
	    num_attr(n, "missing-evidence", sum, "missing_evidence") == -1 ||
	    num_attr(n, "not-applicable", sum, "not_applicable") == -1 ||
	    num_attr(n, "nodes", sum, "nodes") == -1 ||
	    num_attr(n, "endpoints", sum, "endpoints") == -1)
		goto oom;
	/* What changed since the previous run, when there was one. */
	if (previous > 0) {
		char prev[32];

		snprintf(prev, sizeof(prev), "%lld", previous);
		if ((list = xmlNewChild(root, ns,
		    (const xmlChar *)"since-last-run", NULL)) == NULL ||
		    attr(list, "previous-run", prev) == -1)
			goto oom;
		cJSON_ArrayForEach(it, changes)
			if ((c = xmlNewChild(list, ns, (const xmlChar *)
			    "change", NULL)) == NULL ||
			    attr(c, "kind", json_get_str(it, "kind")) ||
			    attr(c, "subject", json_get_str(it, "subject")) ||
			    attr(c, "change", json_get_str(it, "change")) ||
			    attr(c, "field", json_get_str(it, "field")) ||
			    attr(c, "from", json_get_str(it, "from")) ||
			    attr(c, "to", json_get_str(it, "to")))
				goto oom;
	}
	/* Findings of the recent runs, for the chart over time. */
	if (cJSON_GetArraySize(history) > 0) {
		if ((list = xmlNewChild(root, ns, (const xmlChar *)"history",
		    NULL)) == NULL)
			goto oom;
		cJSON_ArrayForEach(it, history)
			if ((c = xmlNewChild(list, ns, (const xmlChar *)"run",
			    NULL)) == NULL || num_attr(c, "id", it, "run") ||
			    num_attr(c, "pass", it, "pass") ||
			    num_attr(c, "fail", it, "fail") ||
			    num_attr(c, "missing-evidence", it,
			    "missing_evidence"))
				goto oom;
	}
	if ((list = xmlNewChild(root, ns, (const xmlChar *)"checks", NULL)) ==
	    NULL)
		goto oom;
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(eval,
	    "checks")) {
		if ((c = xmlNewChild(list, ns, (const xmlChar *)"check",
		    NULL)) == NULL || attr(c, "id", json_get_str(it, "id")) ||
		    attr(c, "severity", json_get_str(it, "severity")) ||
		    text_child(c, ns, "title", json_get_str(it, "title")) ==
		    NULL || text_child(c, ns, "rationale", json_get_str(it,
		    "rationale")) == NULL)
			goto oom;
		cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(it,
		    "nist"))
			if (text_child(c, ns, "nist", cJSON_IsString(e) ?
			    e->valuestring : "") == NULL)
				goto oom;
	}
	if ((list = xmlNewChild(root, ns, (const xmlChar *)"findings",
	    NULL)) == NULL)
		goto oom;
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(eval,
	    "findings")) {
		if ((c = xmlNewChild(list, ns, (const xmlChar *)"finding",
		    NULL)) == NULL || attr(c, "check", json_get_str(it,
		    "check")) || attr(c, "subject", json_get_str(it,
		    "subject")) || attr(c, "result", json_get_str(it,
		    "result")) || text_child(c, ns, "reason", json_get_str(it,
		    "reason")) == NULL)
			goto oom;
		cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(it,
		    "evidence")) {
			xmlNodePtr r = xmlNewChild(c, ns,
			    (const xmlChar *)"evidence", NULL);

			if (r == NULL || attr(r, "collector", json_get_str(e,
			    "collector")) || attr(r, "subject", json_get_str(e,
			    "subject")) || attr(r, "sha256", json_get_str(e,
			    "sha256")))
				goto oom;
		}
	}
	if ((list = xmlNewChild(root, ns, (const xmlChar *)"files", NULL)) ==
	    NULL)
		goto oom;
	for (i = 0; i < nfiles; i++)
		if ((c = xmlNewChild(list, ns, (const xmlChar *)"file",
		    NULL)) == NULL || attr(c, "path", files[i].path) ||
		    attr(c, "sha256", files[i].sha256))
			goto oom;
	return dump(doc, len, "evidence.xml");
oom:
	log_err("cannot write evidence.xml: out of memory");
	xmlFreeDoc(doc);
	return NULL;
}

/* --- OSCAL ----------------------------------------------------------------- */

#define OSCAL_NS	"http://csrc.nist.gov/ns/oscal/1.0"

/* A random (version 4) UUID. */
static int
uuid4(char out[37])
{
	unsigned char b[16];

	if (RAND_bytes(b, sizeof(b)) != 1)
		return -1;
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3], b[4], b[5],
	    b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
	return 0;
}

/* <name> holding <p>text</p>, as OSCAL's markup-multiline fields want. */
static xmlNodePtr
para(xmlNodePtr parent, xmlNsPtr ns, const char *name, const char *text)
{
	xmlNodePtr d = xmlNewChild(parent, ns, (const xmlChar *)name, NULL);

	if (d == NULL || text_child(d, ns, "p", text) == NULL)
		return NULL;
	return d;
}

static xmlNodePtr
with_uuid(xmlNodePtr parent, xmlNsPtr ns, const char *name, char uuid[37])
{
	xmlNodePtr n = xmlNewChild(parent, ns, (const xmlChar *)name, NULL);

	if (n == NULL || uuid4(uuid) == -1 || attr(n, "uuid", uuid) == -1)
		return NULL;
	return n;
}

/* Lower-case a NIST id ("SC-13" -> "sc-13"), as OSCAL catalogues spell it. */
static void
control_id(const char *s, char *out, size_t len)
{
	size_t i;

	for (i = 0; s[i] != '\0' && i + 1 < len; i++)
		out[i] = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] - 'A' + 'a') :
		    s[i];
	out[i] = '\0';
}

char *
oscal_xml(const cJSON *run, const cJSON *eval, const struct xml_file *files,
    size_t nfiles, size_t *len)
{
	xmlDocPtr doc = xmlNewDoc((const xmlChar *)"1.0");
	xmlNodePtr root, meta, res, sel, bm, n, r;
	xmlNsPtr ns;
	char uuid[37], plan[37], title[300], (*res_uuid)[37] = NULL,
	    (*obs_uuid)[37] = NULL;
	const char *started = json_get_str(run, "started");
	const char *finished = json_get_str(run, "finished");
	const cJSON *c, *f, *e;
	size_t i;

	if (doc == NULL ||
	    (res_uuid = calloc(nfiles + 1, sizeof(*res_uuid))) == NULL ||
	    (obs_uuid = calloc(nfiles + 1, sizeof(*obs_uuid))) == NULL ||
	    (root = xmlNewNode(NULL, (const xmlChar *)"assessment-results")) ==
	    NULL)
		goto oom;
	xmlDocSetRootElement(doc, root);
	if ((ns = xmlNewNs(root, (const xmlChar *)OSCAL_NS, NULL)) == NULL)
		goto oom;
	xmlSetNs(root, ns);
	if (uuid4(uuid) == -1 || attr(root, "uuid", uuid) == -1 ||
	    uuid4(plan) == -1)
		goto oom;
	for (i = 0; i < nfiles; i++)
		if (uuid4(res_uuid[i]) == -1 || uuid4(obs_uuid[i]) == -1)
			goto oom;
	snprintf(title, sizeof(title), "fipsev FIPS 140 assessment, run %lld",
	    json_number(cJSON_GetObjectItemCaseSensitive(run, "id"), 0,
	    LLONG_MAX, 0));
	if ((meta = xmlNewChild(root, ns, (const xmlChar *)"metadata",
	    NULL)) == NULL || text_child(meta, ns, "title", title) == NULL ||
	    text_child(meta, ns, "last-modified", finished) == NULL ||
	    text_child(meta, ns, "version", "1") == NULL ||
	    text_child(meta, ns, "oscal-version", "1.0.6") == NULL)
		goto oom;
	/* The plan is fipsev's controls catalogue, in evidence.xml. */
	snprintf(title, sizeof(title), "#%s", plan);
	if ((n = xmlNewChild(root, ns, (const xmlChar *)"import-ap", NULL)) ==
	    NULL || attr(n, "href", title) == -1)
		goto oom;
	snprintf(title, sizeof(title), "Evidence collected by fipsev and "
	    "evaluated against its FIPS controls (evidence.xml); verdict: %s.",
	    json_str_or(eval, "verdict", "unknown"));
	if ((res = with_uuid(root, ns, "result", uuid)) == NULL ||
	    text_child(res, ns, "title", "fipsev run") == NULL ||
	    para(res, ns, "description", title) == NULL ||
	    text_child(res, ns, "start", started) == NULL ||
	    text_child(res, ns, "end", finished) == NULL ||
	    (n = xmlNewChild(res, ns, (const xmlChar *)"reviewed-controls",
	    NULL)) == NULL || (sel = xmlNewChild(n, ns,
	    (const xmlChar *)"control-selection", NULL)) == NULL)
		goto oom;
	{
		/* Each SP 800-53 control once. */
		char seen[4096] = "";

		cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(eval,
		    "checks"))
			cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(c,
			    "nist")) {
				char id[64], key[70];

				if (!cJSON_IsString(e))
					continue;
				control_id(e->valuestring, id, sizeof(id));
				snprintf(key, sizeof(key), "|%s|", id);
				if (strstr(seen, key) != NULL ||
				    strlen(seen) + strlen(key) >= sizeof(seen))
					continue;
				snprintf(seen + strlen(seen), sizeof(seen) -
				    strlen(seen), "%s", key);
				if ((n = xmlNewChild(sel, ns, (const xmlChar *)
				    "include-control", NULL)) == NULL ||
				    attr(n, "control-id", id) == -1)
					goto oom;
			}
	}
	/* One observation per evidence file. */
	for (i = 0; i < nfiles; i++) {
		snprintf(title, sizeof(title), "#%s", res_uuid[i]);
		if ((n = xmlNewChild(res, ns, (const xmlChar *)"observation",
		    NULL)) == NULL || attr(n, "uuid", obs_uuid[i]) == -1 ||
		    text_child(n, ns, "title", files[i].path) == NULL ||
		    para(n, ns, "description", "Evidence collected by "
		    "fipsev, kept byte for byte in the bundle.") == NULL ||
		    text_child(n, ns, "method", "TEST") == NULL ||
		    (r = xmlNewChild(n, ns, (const xmlChar *)"relevant-evidence",
		    NULL)) == NULL || attr(r, "href", title) == -1 ||
		    para(r, ns, "description", files[i].path) == NULL ||
		    text_child(n, ns, "collected", started) == NULL)
			goto oom;
	}
	/* One finding per check and subject that applies. */
	cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(eval,
	    "findings")) {
		const char *result = json_get_str(f, "result");
		xmlNodePtr t, s;

		if (result == NULL || strcmp(result, "not-applicable") == 0)
			continue;
		snprintf(title, sizeof(title), "%s: %.200s",
		    json_str_or(f, "check", "?"),
		    json_str_or(f, "subject", "?"));
		if ((n = with_uuid(res, ns, "finding", uuid)) == NULL ||
		    text_child(n, ns, "title", title) == NULL ||
		    para(n, ns, "description", json_get_str(f, "reason")) ==
		    NULL || (t = xmlNewChild(n, ns, (const xmlChar *)"target",
		    NULL)) == NULL || attr(t, "type", "objective-id") == -1 ||
		    attr(t, "target-id", json_get_str(f, "check")) == -1 ||
		    (s = xmlNewChild(t, ns, (const xmlChar *)"status", NULL)) ==
		    NULL || attr(s, "state", strcmp(result, "pass") == 0 ?
		    "satisfied" : "not-satisfied") == -1)
			goto oom;
		if (strcmp(result, "missing-evidence") == 0 &&
		    para(s, ns, "remarks", "The evidence for this check is "
		    "missing.") == NULL)
			goto oom;
		cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(f,
		    "evidence"))
			for (i = 0; i < nfiles; i++)
				if (json_get_str(e, "sha256") != NULL &&
				    strcmp(json_get_str(e, "sha256"),
				    files[i].sha256) == 0) {
					xmlNodePtr ro = xmlNewChild(n, ns,
					    (const xmlChar *)
					    "related-observation", NULL);

					if (ro == NULL || attr(ro,
					    "observation-uuid", obs_uuid[i]) ==
					    -1)
						goto oom;
					break;
				}
	}
	/* Every file, with its SHA-256; and the plan. */
	if ((bm = xmlNewChild(root, ns, (const xmlChar *)"back-matter",
	    NULL)) == NULL)
		goto oom;
	for (i = 0; i <= nfiles; i++) {
		xmlNodePtr h;
		const char *path = i < nfiles ? files[i].path : "evidence.xml";

		if ((n = xmlNewChild(bm, ns, (const xmlChar *)"resource",
		    NULL)) == NULL || attr(n, "uuid", i < nfiles ?
		    res_uuid[i] : plan) == -1 || text_child(n, ns, "title",
		    i < nfiles ? path : "fipsev controls (the assessment "
		    "plan), in evidence.xml") == NULL ||
		    (r = xmlNewChild(n, ns, (const xmlChar *)"rlink", NULL)) ==
		    NULL || attr(r, "href", path) == -1)
			goto oom;
		if (i < nfiles && ((h = text_child(r, ns, "hash",
		    files[i].sha256)) == NULL || attr(h, "algorithm",
		    "SHA-256") == -1))
			goto oom;
	}
	free(res_uuid);
	free(obs_uuid);
	return dump(doc, len, "the OSCAL assessment results");
oom:
	log_err("cannot write the OSCAL assessment results: out of memory");
	xmlFreeDoc(doc);
	free(res_uuid);
	free(obs_uuid);
	return NULL;
}
