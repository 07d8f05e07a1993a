/*
 * node.c - the node evidence document; see node.h.
 */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "evidence/node.h"
#include "util/json.h"
#include "util/log.h"
#include "util/banned.h"

/*
 * Check a node document; a bad one is named by its first bad field.
 * Returns the node object or NULL.
 */
static const cJSON *
check_node_doc(const char *where, const cJSON *doc)
{
	const char *format = json_get_str(doc, "format");
	const cJSON *node = cJSON_GetObjectItemCaseSensitive(doc, "node");
	const cJSON *fe, *os;

	if (format == NULL || strcmp(format, NODE_FORMAT) != 0) {
		log_err("%s: node evidence: field 'format' is not '%s'", where,
		    NODE_FORMAT);
		return NULL;
	}
	if (!cJSON_IsObject(node)) {
		log_err("%s: node evidence: field 'node' is not an object",
		    where);
		return NULL;
	}
	if (json_get_tristate(node, "compliant") < 0) {
		log_err("%s: node evidence: field 'node.compliant' is not a "
		    "boolean", where);
		return NULL;
	}
	fe = cJSON_GetObjectItemCaseSensitive(node, "fips_enabled");
	if (!cJSON_IsBool(fe) && !cJSON_IsNull(fe)) {
		log_err("%s: node evidence: field 'node.fips_enabled' is not "
		    "true, false or null", where);
		return NULL;
	}
	os = cJSON_GetObjectItemCaseSensitive(node, "os");
	if (os != NULL && !cJSON_IsObject(os)) {
		log_err("%s: node evidence: field 'node.os' is not an object",
		    where);
		return NULL;
	}
	if (!cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(node,
	    "reasons"))) {
		log_err("%s: node evidence: field 'node.reasons' is not an "
		    "array", where);
		return NULL;
	}
	return node;
}

/* The name a node is filed under: hostname, else machine-id. */
static const char *
node_subject(const cJSON *node)
{
	const char *s;

	if ((s = json_get_str(node, "hostname")) != NULL && *s != '\0')
		return s;
	if ((s = json_get_str(node, "machine_id")) != NULL && *s != '\0')
		return s;
	return "(unnamed node)";
}

void
node_facts_release(struct node_facts *f)
{
	free(f->reasons);
	cJSON_Delete(f->doc);
	memset(f, 0, sizeof(*f));
}

int
node_facts_of(const char *where, const char *json, size_t len,
    struct node_facts *f)
{
	const cJSON *node, *os;

	memset(f, 0, sizeof(*f));
	if ((f->doc = cJSON_ParseWithLength(json, len)) == NULL) {
		log_err("%s: node evidence is not valid JSON", where);
		return -1;
	}
	if ((node = check_node_doc(where, f->doc)) == NULL) {
		node_facts_release(f);
		return -1;
	}
	os = cJSON_GetObjectItemCaseSensitive(node, "os");
	f->subject = node_subject(node);
	f->compliant = json_get_tristate(node, "compliant");
	f->fips_enabled = json_get_tristate(node, "fips_enabled");
	f->kernel_cmdline_fips = json_get_tristate(node, "kernel_cmdline_fips");
	f->os_id = json_get_str(os, "id");
	f->os_version_id = json_get_str(os, "version_id");
	f->os_variant_id = json_get_str(os, "variant_id");
	f->os_pretty_name = json_get_str(os, "pretty_name");
	f->os_fips_variant = json_get_tristate(os, "fips_variant");
	f->kernel_release = json_get_str(node, "kernel_release");
	if ((f->reasons = json_print(cJSON_GetObjectItemCaseSensitive(node,
	    "reasons"))) == NULL) {
		node_facts_release(f);
		return -1;
	}
	return 0;
}
