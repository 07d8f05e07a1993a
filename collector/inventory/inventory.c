/*
 * inventory.c - see inventory.h.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "collector/inventory/charts.h"
#include "collector/cluster/cluster.h"
#include "collector/cluster/helm.h"
#include "collector/inventory/inventory.h"
#include "collector/inventory/matrix.h"
#include "collector/cluster/values.h"
#include "util/buf.h"
#include "util/json.h"
#include "util/log.h"
#include "util/banned.h"

/*
 * The most an item's place or finding may take: past any real one; a
 * longer one (a hostile name in it) is cut to it with ITEM_CUT.
 */
#define ITEM_TEXT_MAX	((size_t)1 << 20)
#define ITEM_CUT	" [cut: over 1 MiB]"

/* The first SMP version with FIPS mode (the seed). */
#define FIPS_BASELINE_SMP	"0.31.0"

struct inv {
	const struct matrix	*m;
	const struct chart_model *cm;
	cJSON			*items;
	cJSON			*findings;
	cJSON			*notes;
	const char		*smp;	/* the release being read, or NULL */
	int			 smp_unknown;	/* items of an install of no
						   known version */
	int			 oom;
};

/*
 * One item. supported is forced to "unknown" when why is not NULL (the
 * evidence could not say); otherwise it is the matrix's answer. module
 * names the item's module when the matrix row does not (an opt-in
 * feature belongs to the module chart that carries it); NULL takes the
 * matrix's.
 */
static void
item_in(struct inv *v, const char *module, const char *kind, const char *key,
    const char *why, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

static void
vitem(struct inv *v, const char *module, const char *kind, const char *key,
    const char *why, const char *fmt, va_list ap)
{
	struct matrix_entry e;
	struct buf seen, msg;
	char early[200];
	const char *supported;
	cJSON *o;
	int ok;

	/* Where an item was seen is part of its name: whole, never cut. */
	buf_init(&seen, ITEM_TEXT_MAX);
	buf_init(&msg, ITEM_TEXT_MAX);
	if (buf_vprintf_cut(&seen, ITEM_CUT, fmt, ap) == -1) {
		v->oom = 1;
		goto out;
	}
	matrix_lookup(v->m, kind, key != NULL ? key : "", &e);
	if (module == NULL || strcmp(e.module, "-") != 0)
		module = e.module;
	/* A row holds from its "since" version: the release's must be it. */
	if (why == NULL && e.supported && v->smp != NULL &&
	    strcmp(e.since, "-") != 0) {
		int cmp = helm_version_cmp(v->smp, e.since, &ok);

		if (!ok) {
			snprintf(early, sizeof(early), "supported in FIPS mode "
			    "from SMP %s; the version %.100s cannot be compared "
			    "with it", e.since, v->smp);
			why = early;
		} else if (cmp < 0) {
			snprintf(early, sizeof(early), "supported in FIPS mode "
			    "from SMP %s; this release runs %s", e.since,
			    v->smp);
			e.supported = 0;
			e.reference = early;
		}
	}
	/* The FIPS baseline holds for every SMP in FIPS mode; later not. */
	if (why == NULL && e.supported && v->smp_unknown &&
	    strcmp(e.since, "-") != 0 && helm_version_cmp(e.since,
	    FIPS_BASELINE_SMP, &ok) > 0 && ok) {
		snprintf(early, sizeof(early), "supported in FIPS mode from SMP "
		    "%s; the install's SMP version is not known here (no Harness "
		    "release in the cluster evidence)", e.since);
		why = early;
	}
	supported = why != NULL ? "unknown" : e.supported ? "yes" : "no";
	if ((o = cJSON_CreateObject()) == NULL ||
	    !cJSON_AddItemToArray(v->items, o) ||
	    json_add_str(o, "module", module) ||
	    json_add_str(o, "component", strcmp(e.component, "-") != 0 ?
	    e.component : key) ||
	    json_add_str(o, "kind", kind) ||
	    json_add_str(o, "key", key) ||
	    json_add_str(o, "seen_at", buf_str(&seen)) ||
	    json_add_str(o, "supported", supported) ||
	    json_add_str(o, "reason", why != NULL ? why : e.supported ? NULL :
	    e.reference) ||
	    json_add_str(o, "since", e.since) ||
	    json_add_str(o, "reference", e.reference)) {
		v->oom = 1;
		goto out;
	}
	if (strcmp(supported, "yes") == 0)
		goto out;
	if (buf_printf_cut(&msg, ITEM_CUT, "%s %s (%s) at %s: %s", kind,
	    key != NULL ? key : "?", module, buf_str(&seen), why != NULL ?
	    why : e.reference) == -1 ||
	    json_array_add_str(v->findings, buf_str(&msg)) == -1)
		v->oom = 1;
out:
	buf_release(&seen);
	buf_release(&msg);
}

static void
item_in(struct inv *v, const char *module, const char *kind, const char *key,
    const char *why, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vitem(v, module, kind, key, why, fmt, ap);
	va_end(ap);
}

static void
item(struct inv *v, const char *kind, const char *key, const char *why,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void
item(struct inv *v, const char *kind, const char *key, const char *why,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vitem(v, NULL, kind, key, why, fmt, ap);
	va_end(ap);
}

/*
 * Product modules that a global flag turns on without a sub-chart of
 * their own: the srm sub-chart ships with every CD install (condition
 * global.cd.enabled), while SRM the product is global.srm.enabled
 * (Harness's umbrella values.yaml, every version modelled).
 */
static const struct {
	const char	*flag;
	const char	*module;
} product_flags[] = {
	{ "global.srm.enabled", "srm" },
};

/* The kept umbrella sub-chart named name, or NULL. */
static const cJSON *
kept_dependency(const cJSON *deps, const char *name)
{
	const cJSON *d;

	cJSON_ArrayForEach(d, deps)
		if (json_get_str(d, "name") != NULL &&
		    strcmp(json_get_str(d, "name"), name) == 0 &&
		    json_get_tristate(d, "enabled") != 0)
			return d;
	return NULL;
}

/*
 * A module chart's condition as Helm reads one (helm
 * pkg/chartutil/dependencies.go at v3.21.4, processDependencyEnabled and
 * processDependencyConditions): the first of its comma-separated paths
 * that holds a bool decides, looked up under "PARENT." (a global. path
 * reads the same there as at the root: coalesceGlobals copies the
 * parent's global in). 1, 0, or -1 when none does (Helm then installs
 * the chart).
 */
static int
condition_value(const cJSON *values, const char *parent, const char *cond)
{
	char path[512];
	const char *p = cond;

	while (*p != '\0') {
		size_t n = strcspn(p, ",");
		const cJSON *b;
		int global = n >= 7 && strncmp(p, "global.", 7) == 0;
		int len = snprintf(path, sizeof(path), "%s%s%.*s",
		    global ? "" : parent, global ? "" : ".", (int)n, p);

		if (len > 0 && (size_t)len < sizeof(path)) {
			b = values_get(values, path);
			if (cJSON_IsBool(b))
				return cJSON_IsTrue(b);
		}
		p += n;
		if (*p == ',')
			p++;
	}
	return -1;
}

/* Is cond the condition of one of the umbrella's own sub-charts? */
static int
umbrella_condition(const struct chart_row *rows, size_t n, const char *cond)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(rows[i].parent, "harness") == 0 &&
		    strcmp(rows[i].condition, cond) == 0)
			return 1;
	return 0;
}

/* The model's row of the umbrella sub-chart name, or NULL. */
static const struct chart_row *
umbrella_row(const struct chart_row *rows, size_t n, const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < n; i++)
		if (strcmp(rows[i].parent, "harness") == 0 &&
		    strcmp(rows[i].chart, name) == 0)
			return &rows[i];
	return NULL;
}

/* The module a kept umbrella sub-chart belongs to, or NULL. */
static const char *
dep_module(const cJSON *d, const struct chart_row *rows, size_t n)
{
	const struct chart_row *r;

	if (json_get_tristate(d, "enabled") == 0 ||
	    (r = umbrella_row(rows, n, json_get_str(d, "name"))) == NULL)
		return NULL;
	return r->module;
}

/*
 * The umbrella's kept sub-charts, each as the module it belongs to
 * (harness-common is a library chart: no module, nothing runs; srm is
 * part of CD). Each module is one item, seen at the sub-charts that
 * carry it.
 */
static void
release_modules(struct inv *v, const char *where, const char *smp,
    const cJSON *deps, const struct chart_row *rows, size_t n)
{
	const cJSON *d, *e;

	cJSON_ArrayForEach(d, deps) {
		const char *name = json_get_str(d, "name");
		const char *mod, *em;
		char charts[300];
		int first = 1;

		if (name == NULL || json_get_tristate(d, "enabled") == 0)
			continue;
		if ((mod = dep_module(d, rows, n)) == NULL) {
			item(v, "module", name, "a sub-chart fipsev's model of "
			    "the Harness charts does not have: what it runs is "
			    "not known", "%s: sub-chart %s (SMP %s)", where,
			    name, smp);
			continue;
		}
		if (strcmp(mod, "-") == 0)
			continue;	/* a library chart */
		/* One item per module, at its first sub-chart. */
		for (e = deps->child; e != d && first; e = e->next)
			first = (em = dep_module(e, rows, n)) == NULL ||
			    strcmp(em, mod) != 0;
		if (!first)
			continue;
		charts[0] = '\0';
		cJSON_ArrayForEach(e, deps)
			if ((em = dep_module(e, rows, n)) != NULL &&
			    strcmp(em, mod) == 0) {
				size_t l = strlen(charts);

				snprintf(charts + l, sizeof(charts) - l, "%s%s",
				    l > 0 ? ", " : "", json_get_str(e, "name"));
			}
		item(v, "module", mod, NULL, "%s: sub-chart%s %s", where,
		    strchr(charts, ',') != NULL ? "s" : "", charts);
	}
}

/*
 * Opt-in features: a module chart's sub-chart whose condition defaults
 * to false in that version's values.yaml and is on in the release. One
 * that defaults to true is part of every install of its module, and one
 * that follows an umbrella module's own condition is that module.
 */
static void
release_features(struct inv *v, const char *where, const cJSON *eff,
    const cJSON *deps, const struct chart_row *rows, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		const struct chart_row *r = &rows[i];
		struct matrix_entry me;
		char charts[300];
		int seen = 0;

		if (strcmp(r->parent, "harness") == 0 ||
		    strcmp(r->condition, "-") == 0 ||
		    strcmp(r->def, "false") != 0 ||
		    kept_dependency(deps, r->parent) == NULL ||
		    umbrella_condition(rows, n, r->condition) ||
		    condition_value(eff, r->parent, r->condition) != 1)
			continue;
		/* Once per condition: ng-custom-dashboards and looker. */
		for (j = 0; j < i && !seen; j++)
			seen = strcmp(rows[j].condition, r->condition) == 0 &&
			    strcmp(rows[j].parent, "harness") != 0 &&
			    kept_dependency(deps, rows[j].parent) != NULL;
		if (seen)
			continue;
		charts[0] = '\0';
		for (j = i; j < n; j++)
			if (strcmp(rows[j].condition, r->condition) == 0 &&
			    strcmp(rows[j].parent, "harness") != 0) {
				size_t l = strlen(charts);

				snprintf(charts + l, sizeof(charts) - l, "%s%s",
				    l > 0 ? ", " : "", rows[j].chart);
			}
		matrix_lookup(v->m, "module", r->module, &me);
		item_in(v, strcmp(me.module, "-") != 0 ? me.module : r->module,
		    "feature", r->condition, NULL,
		    "%s: %s sub-chart%s %s (off by default)", where,
		    r->parent, strchr(charts, ',') != NULL ? "s" : "", charts);
	}
}

/*
 * CCM's cloud billing, as the chart sets it up: the umbrella values.yaml
 * (every version 0.30.0-0.45.0) ships ccm.*.cloudProviderConfig with
 * "placeHolder" values, and an install that reads AWS or GCP billing
 * data fills them in. The seed supports CCM with the Kubernetes cluster
 * cloud provider only, so a filled-in key is judged as the billing
 * connector type it stands for (Azure billing has no chart key: it is
 * seen only as a CEAzure connector).
 */
static const struct {
	const char	*path;
	const char	*connector;
} ccm_billing_keys[] = {
	{ "ccm.batch-processing.cloudProviderConfig.S3_SYNC_CONFIG_BUCKET_NAME",
	  "CEAws" },
	{ "ccm.batch-processing.cloudProviderConfig.S3_SYNC_CONFIG_REGION",
	  "CEAws" },
	{ "ccm.batch-processing.cloudProviderConfig.GCP_PROJECT_ID",
	  "GcpCloudCost" },
	{ "ccm.batch-processing.cloudProviderConfig.CLUSTER_DATA_GCS_BUCKET",
	  "GcpCloudCost" },
	{ "ccm.batch-processing.cloudProviderConfig."
	  "CLUSTER_DATA_GCS_BACKUP_BUCKET", "GcpCloudCost" },
	{ "ccm.batch-processing.cloudProviderConfig."
	  "DATA_PIPELINE_CONFIG_GCS_BASE_PATH", "GcpCloudCost" },
	{ "ccm.ce-nextgen.cloudProviderConfig.GCP_PROJECT_ID", "GcpCloudCost" },
};

/* Is billing key i filled in (not absent, empty or "placeHolder")? */
static int
ccm_billing_set(const cJSON *eff, size_t i)
{
	const cJSON *v = values_get(eff, ccm_billing_keys[i].path);
	const char *val = cJSON_GetStringValue(v);

	/* S3 bucket names may be all digits: YAML makes them numbers. */
	return cJSON_IsNumber(v) || (val != NULL && *val != '\0' &&
	    strcmp(val, "placeHolder") != 0);
}

static void
release_ccm_billing(struct inv *v, const char *where, const cJSON *eff,
    const cJSON *deps)
{
	size_t i, j;

	if (kept_dependency(deps, "ccm") == NULL)
		return;
	for (i = 0; i < sizeof(ccm_billing_keys) / sizeof(ccm_billing_keys[0]);
	    i++) {
		const char *conn = ccm_billing_keys[i].connector;
		int seen = 0;

		if (!ccm_billing_set(eff, i))
			continue;
		/* One item per billing kind, at its first key. */
		for (j = 0; j < i && !seen; j++)
			seen = strcmp(ccm_billing_keys[j].connector, conn) ==
			    0 && ccm_billing_set(eff, j);
		if (!seen)
			item(v, "connector", conn, NULL, "%s: chart value %s "
			    "(CCM cloud billing)", where,
			    ccm_billing_keys[i].path);
	}
}

/* The modules and opt-in features a Harness release runs. */
static void
from_release_at(struct inv *v, const cJSON *rel, const char *where)
{
	const cJSON *cur = cluster_current_revision(rel), *eff, *deps;
	const struct chart_row *rows;
	const char *smp = json_get_str(rel, "smp_version");
	size_t n, i;
	int exact;

	if (cur == NULL) {
		item(v, "module", "?", "the release has no current revision",
		    "%s", where);
		return;
	}
	eff = cJSON_GetObjectItemCaseSensitive(cur, "values_effective");
	deps = cJSON_GetObjectItemCaseSensitive(cur, "dependencies");
	if ((n = chart_model_rows(v->cm, smp != NULL ? smp : "", &rows,
	    &exact)) == 0) {
		item(v, "module", "?", "the release's chart version is not an "
		    "SMP version: what it installs is not known", "%s: chart "
		    "version %s", where, smp != NULL ? smp : "(none)");
		return;
	}
	v->smp = smp;
	/*
	 * Helm stores the kept sub-charts, and platform has no condition:
	 * a record without it does not say what the release runs.
	 */
	if (kept_dependency(deps, "platform") == NULL)
		item(v, "module", "platform", "the stored chart lists no "
		    "platform sub-chart, which every SMP install has: what the "
		    "release runs is not known", "%s: chart.metadata."
		    "dependencies", where);
	if (!exact) {
		char msg[900];

		snprintf(msg, sizeof(msg), "%.300s: SMP %.100s is not in "
		    "fipsev's chart model; its module charts were read as "
		    "those of SMP %s (sub-charts added since are not known)",
		    where, smp, rows[0].version);
		if (json_array_add_str(v->notes, msg) == -1)
			v->oom = 1;
	}
	release_modules(v, where, smp, deps, rows, n);
	for (i = 0; i < sizeof(product_flags) / sizeof(product_flags[0]); i++)
		if (cJSON_IsTrue(values_get(eff, product_flags[i].flag)))
			item(v, "module", product_flags[i].module, NULL,
			    "%s: %s", where, product_flags[i].flag);
	release_features(v, where, eff, deps, rows, n);
	release_ccm_billing(v, where, eff, deps);
	v->smp = NULL;
	/* What an install cannot show of STO. */
	if (kept_dependency(deps, "sto") != NULL && json_array_add_str(v->notes,
	    "STO's scanner images (sto-plugin, *-job-runner; -fips builds from "
	    "SMP 0.33.0, sto-plugin:latest-fips from 0.38.0) run as pipeline "
	    "step pods, not as workloads of the install: they are not seen "
	    "here, and are judged where a pipeline names its scanner steps") ==
	    -1)
		v->oom = 1;
}

/*
 * from_release_at() with its place named, whole, without the revision
 * number: the same modules in the next revision are the same items (the
 * cluster document has the revisions).
 */
static void
from_release(struct inv *v, const cJSON *rel)
{
	struct buf where;

	buf_init(&where, ITEM_TEXT_MAX);
	if (buf_printf_cut(&where, ITEM_CUT, "release %s/%s", json_str_or(rel,
	    "namespace", "?"), json_str_or(rel, "name", "?")) == -1)
		v->oom = 1;
	else
		from_release_at(v, rel, buf_str(&where));
	buf_release(&where);
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
			    json_str_or(img, "kind", "workload"),
			    json_str_or(img, "namespace", "?"),
			    json_str_or(img, "workload", "?"), json_str_or(img,
			    "container", "?"));
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
from_pipeline_at(struct inv *v, const cJSON *p, const char *where)
{
	const char *id = json_get_str(p, "identifier");
	const cJSON *st, *sp, *n;
	struct matrix_entry me;
	char key[200];

	if (json_get_str(p, "error") != NULL) {
		item(v, "pipeline", id, json_get_str(p, "error"), "%s", where);
		return;
	}
	/* What a template left in the YAML runs is not known. */
	cJSON_ArrayForEach(n, cJSON_GetObjectItemCaseSensitive(p,
	    "unresolved_templates"))
		item(v, "pipeline", cJSON_IsString(n) ? n->valuestring : "?",
		    "a template the API did not resolve: what it runs is not "
		    "known", "%s (template %s)", where, cJSON_IsString(n) ?
		    n->valuestring : "?");
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

/* from_pipeline_at() with its place named, whole. */
static void
from_pipeline(struct inv *v, const cJSON *p)
{
	struct buf where;

	buf_init(&where, ITEM_TEXT_MAX);
	if (buf_printf_cut(&where, ITEM_CUT, "pipeline %s/%s/%s",
	    json_str_or(p, "org", "?"), json_str_or(p, "project", "?"),
	    json_str_or(p, "identifier", "?")) == -1)
		v->oom = 1;
	else
		from_pipeline_at(v, p, buf_str(&where));
	buf_release(&where);
}

/*
 * Harness's own secret manager: identifier harnessSecretManager,
 * harnessManaged, of a type ng-manager's HarnessSMManager copies from the
 * global one (GcpKms, AwsKms or Local). Anything else flagged
 * harnessManaged is judged like a connector a user made.
 */
static int
builtin_secret_manager(const cJSON *conn)
{
	static const char *const types[] = { "GcpKms", "AwsKms", "Local" };
	const char *id = json_get_str(conn, "identifier");
	const char *type = json_get_str(conn, "type");
	size_t i;

	if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(conn,
	    "harness_managed")) || id == NULL || type == NULL ||
	    strcmp(id, "harnessSecretManager") != 0)
		return 0;
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(type, types[i]) == 0)
			return 1;
	return 0;
}

/*
 * How the account's users log in: authenticationMechanism, and for SAML
 * each identity provider in use (samlProviderType; the seed supports SAML
 * with Okta only). The server always lists a USER_PASSWORD entry, which
 * holds the login policy, so that entry alone is not judged; any other
 * one set up (LDAP, OAUTH) is, since it can sign users in or sync their
 * groups. Returns 1 when the login is SAML through Okta alone.
 */
static int
harness_login(struct inv *v, const cJSON *auth)
{
	const char *mech = json_get_str(auth, "mechanism");
	const cJSON *sa, *st;
	char key[200], prov[100];
	int n = 0, okta = 1;

	cJSON_ArrayForEach(st, cJSON_GetObjectItemCaseSensitive(auth,
	    "settings")) {
		upper(cJSON_IsString(st) ? st->valuestring : NULL, key,
		    sizeof(key));
		if (strcmp(key, "USER_PASSWORD") != 0 &&
		    strcmp(key, "SAML") != 0)
			item(v, "auth", key, NULL, "authentication settings: %s "
			    "set up", key);
	}
	if (mech == NULL) {
		if (auth != NULL && cJSON_GetObjectItemCaseSensitive(auth,
		    "settings") != NULL)
			item(v, "auth", "?", "the authentication settings name "
			    "no authenticationMechanism", "authentication "
			    "settings");
		return 0;
	}
	upper(mech, key, sizeof(key));
	if (strcmp(key, "SAML") != 0) {
		item(v, "auth", key, NULL, "authentication settings: login "
		    "mechanism");
		return 0;
	}
	cJSON_ArrayForEach(sa, cJSON_GetObjectItemCaseSensitive(auth, "saml")) {
		const char *name = json_get_str(sa, "name");

		if (json_get_tristate(sa, "authentication_enabled") == 0)
			continue;
		n++;
		upper(json_get_str(sa, "provider"), prov, sizeof(prov));
		okta &= strcmp(prov, "OKTA") == 0;
		snprintf(key, sizeof(key), "SAML:%s", prov[0] != '\0' ? prov :
		    "?");
		item(v, "auth", key, prov[0] == '\0' ? "the SAML setting names "
		    "no samlProviderType: its identity provider is not known" :
		    NULL, "authentication settings: SAML login through %s",
		    name != NULL ? name : "(unnamed)");
	}
	if (n == 0)
		item(v, "auth", "SAML:?", "the login mechanism is SAML but no "
		    "SAML setting is in use: its identity provider is not "
		    "known", "authentication settings");
	return n > 0 && okta;
}

/*
 * A user group: its notification channels; SCIM, which provisions groups
 * as externally managed (the API does not name the SCIM client, so it is
 * taken as Okta's only when the login is SAML through Okta alone); and
 * group sync from LDAP.
 */
static void
harness_user_group_at(struct inv *v, const cJSON *e, int okta,
    const char *where)
{
	const char *sso = json_get_str(e, "linked_sso_type");
	const cJSON *n;
	char key[200];

	cJSON_ArrayForEach(n, cJSON_GetObjectItemCaseSensitive(e,
	    "notifications")) {
		upper(cJSON_IsString(n) ? n->valuestring : NULL, key,
		    sizeof(key));
		item(v, "notification", key, NULL, "%s", where);
	}
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e,
	    "externally_managed")))
		item(v, "auth", "SCIM", okta ? NULL : "provisioned by SCIM, "
		    "whose client the API does not name, and the login is not "
		    "SAML through Okta alone: the SCIM provider is not known",
		    "%s (externallyManaged: provisioned by SCIM)", where);
	if (sso != NULL && strcmp(sso, "SAML") != 0) {
		upper(sso, key, sizeof(key));
		item(v, "auth", key, NULL, "%s (linked to %s)", where, key);
	}
}

/* harness_user_group_at() with its place named, whole. */
static void
harness_user_group(struct inv *v, const cJSON *e, int okta)
{
	struct buf where;

	buf_init(&where, ITEM_TEXT_MAX);
	if (buf_printf_cut(&where, ITEM_CUT, "user group %s%s%s%s%s",
	    json_str_or(e, "org", ""), json_get_str(e, "org") != NULL ? "/" : "",
	    json_str_or(e, "project", ""), json_get_str(e, "project") != NULL ?
	    "/" : "", json_str_or(e, "identifier", "?")) == -1)
		v->oom = 1;
	else
		harness_user_group_at(v, e, okta, buf_str(&where));
	buf_release(&where);
}

static void
from_harness(struct inv *v, const cJSON *h)
{
	const cJSON *e;
	char msg[300];
	int builtin = 0, okta;

	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(h,
	    "connectors")) {
		const char *org = json_get_str(e, "org");
		const char *proj = json_get_str(e, "project");

		/* Harness's own secret manager is part of Platform. */
		if (builtin_secret_manager(e)) {
			builtin++;
			continue;
		}
		item(v, "connector", json_get_str(e, "type"), json_get_str(e,
		    "type") == NULL ? "no connector type" : NULL,
		    "connector %s%s%s%s%s", org ? org : "", org ? "/" : "",
		    proj ? proj : "", proj ? "/" : "",
		    json_str_or(e, "identifier", "?"));
	}
	if (builtin > 0) {
		snprintf(msg, sizeof(msg), "%d Harness-managed connector%s "
		    "(harnessSecretManager, Harness's built-in secret manager) "
		    "%s part of Platform, not judged as connectors", builtin,
		    builtin == 1 ? "" : "s", builtin == 1 ? "is" : "are");
		if (json_array_add_str(v->notes, msg) == -1)
			v->oom = 1;
	}
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(h, "pipelines"))
		from_pipeline(v, e);
	okta = harness_login(v, cJSON_GetObjectItemCaseSensitive(h,
	    "authentication"));
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(h,
	    "user_groups"))
		harness_user_group(v, e, okta);
	/* Lists the API would not give: what they hold is not known. */
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(h, "errors"))
		item(v, "api", "Harness API", cJSON_IsString(e) ?
		    e->valuestring : "error", "Harness API");
}

/* Is an item of this kind and key in the inventory? */
static int
has_item(const struct inv *v, const char *kind, const char *key)
{
	return json_find_pair(v->items, "kind", kind, "key", key) != NULL;
}

/*
 * Email notifications in use need an SMTP server whose TLS can be judged:
 * one named in a release's values (cluster.c reads
 * global.smtpCreateSecret before redaction). In use with none found, that
 * evidence is missing.
 */
static void
smtp_server_known(struct inv *v, const cJSON *cluster)
{
	const cJSON *rel;

	if (!has_item(v, "notification", "EMAIL"))
		return;
	cJSON_ArrayForEach(rel, cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(cluster, "helm"), "releases")) {
		const cJSON *smtp = values_get(cluster_current_revision(rel),
		    "evidence.smtp");
		const char *host = json_get_str(smtp, "host");

		if (host != NULL && *host != '\0' &&
		    json_get_tristate(smtp, "enabled") != 0)
			return;
	}
	item(v, "notification", "EMAIL", "email notifications are in use, "
	    "but no release names an SMTP server (global.smtpCreateSecret."
	    "SMTP_HOST): its TLS cannot be judged", "SMTP server");
}

cJSON *
inventory_build(const struct matrix *m, const struct chart_model *cm,
    const cJSON *cluster, const cJSON *harness)
{
	struct inv v;
	cJSON *doc = cJSON_CreateObject();

	memset(&v, 0, sizeof(v));
	v.m = m;
	v.cm = cm;
	if (doc == NULL || json_add_str(doc, "format", INVENTORY_FORMAT) ||
	    json_add_str(doc, "matrix", matrix_version(m)) ||
	    (v.items = cJSON_AddArrayToObject(doc, "inventory")) == NULL ||
	    (v.findings = cJSON_AddArrayToObject(doc, "findings")) == NULL ||
	    (v.notes = cJSON_AddArrayToObject(doc, "notes")) == NULL)
		goto oom;
	if (cluster != NULL)
		from_cluster(&v, cluster);
	if (harness != NULL) {
		/*
		 * The account's items hold on the install that serves it:
		 * the cluster's Harness release (the oldest, if several).
		 */
		v.smp = cluster_release_smp(cluster, 0);
		v.smp_unknown = v.smp == NULL;
		from_harness(&v, harness);
		v.smp = NULL;
		v.smp_unknown = 0;
	}
	if (cluster != NULL && harness != NULL)
		smtp_server_known(&v, cluster);
	if (v.oom || cJSON_AddBoolToObject(doc, "compliant",
	    cJSON_GetArraySize(v.findings) == 0) == NULL)
		goto oom;
	return doc;
oom:
	log_err("out of memory building the module inventory");
	cJSON_Delete(doc);
	return NULL;
}
