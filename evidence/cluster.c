/*
 * cluster.c - the cluster evidence document; see cluster.h.
 */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "evidence/cluster.h"
#include "util/buf.h"
#include "util/json.h"
#include "util/log.h"
#include "util/banned.h"

void
cluster_facts_release(struct cluster_facts *f)
{
	free(f->release);
	free(f->findings);
	cJSON_Delete(f->doc);
	memset(f, 0, sizeof(*f));
}

int
cluster_facts_of(const char *where, const char *json, size_t len,
    struct cluster_facts *f)
{
	const cJSON *rel, *n, *d;
	const char *format;
	struct buf release;

	memset(f, 0, sizeof(*f));
	buf_init(&release, len + 2);
	if ((f->doc = cJSON_ParseWithLength(json, len)) == NULL) {
		log_err("%s: cluster evidence is not valid JSON", where);
		return -1;
	}
	format = json_get_str(f->doc, "format");
	if (format == NULL || strcmp(format, CLUSTER_FORMAT) != 0 ||
	    (f->compliant = json_get_tristate(f->doc, "compliant")) < 0 ||
	    !cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(f->doc,
	    "findings"))) {
		log_err("%s: cluster evidence: not a %s document with "
		    "'compliant' and 'findings'", where, CLUSTER_FORMAT);
		goto bad;
	}
	cJSON_ArrayForEach(n, cJSON_GetObjectItemCaseSensitive(f->doc,
	    "nodes")) {
		const char *ev = json_get_str(n, "evidence");

		f->nodes_listed++;
		f->nodes_without_evidence += ev == NULL ||
		    strcmp(ev, "collected") != 0;
	}
	cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(f->doc,
	    "delegates")) {
		f->delegates++;
		f->delegates_fips += json_get_tristate(d, "fips_enabled") == 1 &&
		    json_get_tristate(d, "fips_image") == 1;
	}

	/* The first Harness release is the one a run's history follows. */
	rel = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(f->doc, "helm"), "releases"), 0);
	f->global_fips = -1;
	f->fips_since_first_install = -1;
	if (rel != NULL) {
		if (buf_printf(&release, "%s/%s", json_str_or(rel, "namespace",
		    ""), json_str_or(rel, "name", "")) == -1 ||
		    (f->release = strdup(buf_str(&release))) == NULL) {
			log_err("%s: cluster evidence: out of memory", where);
			goto bad;
		}
		f->smp_version = json_get_str(rel, "smp_version");
		f->global_fips = json_get_tristate(rel, "global_fips");
		f->fips_since_first_install = json_get_tristate(
		    cJSON_GetObjectItemCaseSensitive(rel,
		    "fips_since_first_install"), "value");
	}
	if ((f->findings = json_print(cJSON_GetObjectItemCaseSensitive(f->doc,
	    "findings"))) == NULL)
		goto bad;
	buf_release(&release);
	return 0;
bad:
	buf_release(&release);
	cluster_facts_release(f);
	return -1;
}

const cJSON *
cluster_current_revision(const cJSON *rel)
{
	const cJSON *r, *want = cJSON_GetObjectItemCaseSensitive(rel,
	    "current_revision");

	if (!cJSON_IsNumber(want))
		return NULL;
	cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(rel,
	    "revisions"))
		if (cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(r,
		    "revision")) == want->valuedouble)
			return r;
	return NULL;
}
