/*
 * inventory.c - see inventory.h.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "inventory.h"
#include "matrix.h"
#include "values.h"
#include "util/json.h"
#include "util/log.h"
#include "util/banned.h"

struct inv {
	const struct matrix	*m;
	cJSON			*items;
	cJSON			*findings;
	int			 oom;
};

/*
 * One item. supported is forced to "unknown" when why is not NULL (the
 * evidence could not say); otherwise it is the matrix's answer.
 */
static void
item(struct inv *v, const char *kind, const char *key, const char *why,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void
item(struct inv *v, const char *kind, const char *key, const char *why,
    const char *fmt, ...)
{
	struct matrix_entry e;
	char seen[600], msg[1200];
	const char *supported;
	cJSON *o;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(seen, sizeof(seen), fmt, ap);
	va_end(ap);
	matrix_lookup(v->m, kind, key != NULL ? key : "", &e);
	supported = why != NULL ? "unknown" : e.supported ? "yes" : "no";
	if ((o = cJSON_CreateObject()) == NULL ||
	    !cJSON_AddItemToArray(v->items, o) ||
	    json_add_str(o, "module", e.module) ||
	    json_add_str(o, "component", strcmp(e.component, "-") != 0 ?
	    e.component : key) ||
	    json_add_str(o, "kind", kind) ||
	    json_add_str(o, "key", key) ||
	    json_add_str(o, "seen_at", seen) ||
	    json_add_str(o, "supported", supported) ||
	    json_add_str(o, "reason", why != NULL ? why : e.supported ? NULL :
	    e.reference) ||
	    json_add_str(o, "since", e.since) ||
	    json_add_str(o, "reference", e.reference)) {
		v->oom = 1;
		return;
	}
	if (strcmp(supported, "yes") == 0)
		return;
	snprintf(msg, sizeof(msg), "%s %s (%s) at %s: %s", kind,
	    key != NULL ? key : "?", e.module, seen, why != NULL ?
	    why : e.reference);
	if (json_array_add_str(v->findings, msg) == -1)
		v->oom = 1;
}

/* The modules a release runs: enabled flags and enabled sub-charts. */
static void
from_release(struct inv *v, const cJSON *rel)
{
	const cJSON *revs = cJSON_GetObjectItemCaseSensitive(rel, "revisions");
	const cJSON *cur = cJSON_GetArrayItem(revs, cJSON_GetArraySize(revs) -
	    1);
	const cJSON *eff = cJSON_GetObjectItemCaseSensitive(cur,
	    "values_effective");
	const cJSON *g = cJSON_GetObjectItemCaseSensitive(eff, "global");
	const cJSON *e, *d;
	struct matrix_entry me;
	char where[300];


	/*
	 * The place without the revision number: the same modules in the
	 * next revision are the same items (the cluster document has the
	 * revisions).
	 */
	snprintf(where, sizeof(where), "release %s/%s",
	    json_get_str(rel, "namespace") ? json_get_str(rel, "namespace") :
	    "?", json_get_str(rel, "name") ? json_get_str(rel, "name") : "?");
	/* global.<module>.enabled and <module>.enabled, for known modules. */
	cJSON_ArrayForEach(e, g)
		if (e->string != NULL && matrix_lookup(v->m, "module",
		    e->string, &me) == 2 && cJSON_IsTrue(
		    cJSON_GetObjectItemCaseSensitive(e, "enabled")))
			item(v, "module", e->string, NULL, "%s: global.%s.enabled",
			    where, e->string);
	cJSON_ArrayForEach(e, eff)
		if (e->string != NULL && matrix_lookup(v->m, "module",
		    e->string, &me) == 2 && cJSON_IsTrue(
		    cJSON_GetObjectItemCaseSensitive(e, "enabled")))
			item(v, "module", e->string, NULL, "%s: %s.enabled",
			    where, e->string);
	/* The stored chart lists exactly the sub-charts it enabled. */
	cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(cur,
	    "dependencies")) {
		const char *name = json_get_str(d, "name");

		if (name == NULL || json_get_tristate(d, "enabled") == 0)
			continue;
		item(v, "module", name, matrix_lookup(v->m, "module", name,
		    &me) == 0 ? "a sub-chart the support matrix does not name" :
		    NULL, "%s: sub-chart %s enabled", where, name);
	}
}

static void
from_cluster(struct inv *v, const cJSON *cluster)
{
	const cJSON *rel, *img;
	struct matrix_entry me;

	cJSON_ArrayForEach(rel, cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(cluster, "helm"), "releases"))
		from_release(v, rel);
	cJSON_ArrayForEach(img, cJSON_GetObjectItemCaseSensitive(cluster,
	    "images")) {
		const char *image = json_get_str(img, "image");

		if (image != NULL && matrix_lookup(v->m, "image", image,
		    &me) != 0)
			item(v, "image", image, NULL, "%s %s/%s container %s",
			    json_get_str(img, "kind") ? json_get_str(img,
			    "kind") : "workload", json_get_str(img,
			    "namespace") ? json_get_str(img, "namespace") : "?",
			    json_get_str(img, "workload") ? json_get_str(img,
			    "workload") : "?", json_get_str(img, "container") ?
			    json_get_str(img, "container") : "?");
	}
}

/* "MsTeams", "Email" -> "MSTEAMS", "EMAIL": one spelling for lookups. */
static void
upper(const char *s, char *out, size_t len)
{
	size_t i;

	for (i = 0; s != NULL && s[i] != '\0' && i + 1 < len; i++)
		out[i] = (char)toupper((unsigned char)s[i]);
	out[i] = '\0';
}

static void
from_pipeline(struct inv *v, const cJSON *p)
{
	const char *org = json_get_str(p, "org"), *proj = json_get_str(p,
	    "project"), *id = json_get_str(p, "identifier");
	const cJSON *st, *sp, *n;
	struct matrix_entry me;
	char where[400], key[200];

	snprintf(where, sizeof(where), "pipeline %s/%s/%s", org ? org : "?",
	    proj ? proj : "?", id ? id : "?");
	if (json_get_str(p, "error") != NULL) {
		item(v, "pipeline", id, json_get_str(p, "error"), "%s", where);
		return;
	}
	cJSON_ArrayForEach(st, cJSON_GetObjectItemCaseSensitive(p, "stages")) {
		const char *type = json_get_str(st, "type");
		const char *stage = json_get_str(st, "identifier");
		const char *infra = json_get_str(st, "infrastructure");

		if (type != NULL && strcmp(type, "Deployment") == 0)
			item(v, "deployment", json_get_str(st,
			    "deployment_type"), json_get_str(st,
			    "deployment_type") == NULL ? "no deployment type" :
			    NULL, "%s stage %s", where, stage ? stage : "?");
		cJSON_ArrayForEach(sp, cJSON_GetObjectItemCaseSensitive(st,
		    "steps")) {
			const char *stype = json_get_str(sp, "type");
			const char *sid = json_get_str(sp, "identifier");

			if (stype == NULL)
				continue;
			if (strncmp(stype, "BuildAndPush", 12) == 0) {
				snprintf(key, sizeof(key), "%s@%s", stype,
				    infra != NULL ? infra : "unknown");
				item(v, "build", key, infra == NULL ? "the "
				    "stage names no build infrastructure" :
				    NULL, "%s stage %s step %s", where,
				    stage ? stage : "?", sid ? sid : "?");
			} else if ((type != NULL &&
			    strcmp(type, "SecurityTests") == 0) ||
			    matrix_lookup(v->m, "step", stype, &me) == 2)
				/* Scanner steps, in STO stages or any other. */
				item(v, "step", stype, NULL, "%s stage %s step "
				    "%s", where, stage ? stage : "?",
				    sid ? sid : "?");
		}
	}
	cJSON_ArrayForEach(n, cJSON_GetObjectItemCaseSensitive(p,
	    "notifications")) {
		upper(cJSON_IsString(n) ? n->valuestring : NULL, key,
		    sizeof(key));
		item(v, "notification", key, NULL, "%s notification rule",
		    where);
	}
}

static void
from_harness(struct inv *v, const cJSON *h)
{
	const cJSON *e, *n, *auth;
	char key[200];

	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(h,
	    "connectors")) {
		const char *org = json_get_str(e, "org");
		const char *proj = json_get_str(e, "project");

		item(v, "connector", json_get_str(e, "type"), json_get_str(e,
		    "type") == NULL ? "no connector type" : NULL,
		    "connector %s%s%s%s%s", org ? org : "", org ? "/" : "",
		    proj ? proj : "", proj ? "/" : "",
		    json_get_str(e, "identifier") ? json_get_str(e,
		    "identifier") : "?");
	}
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(h, "pipelines"))
		from_pipeline(v, e);
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(h,
	    "user_groups"))
		cJSON_ArrayForEach(n, cJSON_GetObjectItemCaseSensitive(e,
		    "notifications")) {
			upper(cJSON_IsString(n) ? n->valuestring : NULL, key,
			    sizeof(key));
			item(v, "notification", key, NULL, "user group %s",
			    json_get_str(e, "identifier") ? json_get_str(e,
			    "identifier") : "?");
		}
	auth = cJSON_GetObjectItemCaseSensitive(h, "authentication");
	if (json_get_str(auth, "mechanism") != NULL) {
		upper(json_get_str(auth, "mechanism"), key, sizeof(key));
		item(v, "auth", key, NULL, "authentication settings: login "
		    "mechanism");
	}
	cJSON_ArrayForEach(n, cJSON_GetObjectItemCaseSensitive(auth,
	    "settings")) {
		upper(cJSON_IsString(n) ? n->valuestring : NULL, key,
		    sizeof(key));
		item(v, "auth", key, NULL, "authentication settings: %s "
		    "configured", key);
	}
	/* Lists the API would not give: what they hold is not known. */
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(h, "errors"))
		item(v, "api", "Harness API", cJSON_IsString(e) ?
		    e->valuestring : "error", "Harness API");
}

cJSON *
inventory_build(const struct matrix *m, const cJSON *cluster,
    const cJSON *harness)
{
	struct inv v;
	cJSON *doc = cJSON_CreateObject();

	memset(&v, 0, sizeof(v));
	v.m = m;
	if (doc == NULL || json_add_str(doc, "format", INVENTORY_FORMAT) ||
	    json_add_str(doc, "matrix", matrix_version(m)) ||
	    (v.items = cJSON_AddArrayToObject(doc, "inventory")) == NULL ||
	    (v.findings = cJSON_AddArrayToObject(doc, "findings")) == NULL)
		goto oom;
	if (cluster != NULL)
		from_cluster(&v, cluster);
	if (harness != NULL)
		from_harness(&v, harness);
	if (v.oom || cJSON_AddBoolToObject(doc, "compliant",
	    cJSON_GetArraySize(v.findings) == 0) == NULL)
		goto oom;
	return doc;
oom:
	log_err("out of memory building the module inventory");
	cJSON_Delete(doc);
	return NULL;
}
