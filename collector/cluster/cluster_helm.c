/*
 * cluster_helm.c - the Helm releases and their history; see cluster_int.h.
 */
#define _GNU_SOURCE	/* strcasestr */


#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "collector/cluster/helm.h"
#include "collector/cluster/values.h"
#include "util/json.h"
#include "collector/cluster/cluster_int.h"
#include "util/banned.h"

/* --- Helm ------------------------------------------------------------- */

/* A Helm release Secret: its type, or its name. */
static int
is_release_secret(const cJSON *item)
{
	const char *type = json_get_str(item, "type");
	const char *name = cluster_meta_str(item, "name");

	return (type != NULL && strcmp(type, "helm.sh/release.v1") == 0) ||
	    (name != NULL && strncmp(name, "sh.helm.release.v1.", 19) == 0);
}

/*
 * The delegate's own chart (harness/delegate-helm-chart): a release of it
 * is a delegate, judged as one (cluster_delegates()), never as an SMP install.
 */
static int
is_delegate_chart(const char *chart)
{
	return chart != NULL && strcmp(chart, "harness-delegate-ng") == 0;
}

/* The SMP chart: "harness", or "harness-..." (harness-prod...). */
static int
is_harness_chart(const char *chart)
{
	return chart != NULL && !is_delegate_chart(chart) &&
	    (strcmp(chart, "harness") == 0 ||
	    strncmp(chart, "harness-", 8) == 0);
}

/*
 * A release record of the ConfigMap driver (HELM_DRIVER=configmap): the
 * same name and owner label as the Secret (helm pkg/storage/driver
 * cfgmaps.go).
 */
static int
is_release_configmap(const cJSON *item)
{
	const char *name = cluster_meta_str(item, "name");
	const char *owner = json_get_str(cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(item, "metadata"), "labels"),
	    "owner");

	return name != NULL && strncmp(name, "sh.helm.release.v1.", 19) == 0 &&
	    owner != NULL && strcmp(owner, "helm") == 0;
}

static int
cmp_revision(const void *a, const void *b)
{
	const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;
	int rx = cJSON_GetObjectItemCaseSensitive(x, "revision")->valueint;
	int ry = cJSON_GetObjectItemCaseSensitive(y, "revision")->valueint;

	return (rx > ry) - (rx < ry);
}

/*
 * The settings the checks need that sit under keys redaction replaces
 * (smtpCreateSecret, passwordKey, ...): read from the values Helm renders
 * with, before redaction, into named fields of the revision's "evidence".
 * Only what this list names is read, and none of it is a secret: host
 * names, ports, flags, and the names of Secrets and their keys. The SMTP
 * keys are harness-manager's chart's (global.smtpCreateSecret; the
 * umbrella's values.yaml has only enabled: false), the database ones the
 * umbrella's global.database.<db>.
 */
enum ev_type { EV_STR, EV_BOOL, EV_PORT, EV_HOST };

static const struct {
	const char	*path;		/* in the values */
	const char	*group;		/* evidence.<group>.<field> */
	const char	*field;
	enum ev_type	 type;
} evidence_fields[] = {
	{ "global.smtpCreateSecret.enabled", "smtp", "enabled", EV_BOOL },
	{ "global.smtpCreateSecret.SMTP_HOST", "smtp", "host", EV_HOST },
	{ "global.smtpCreateSecret.SMTP_PORT", "smtp", "port", EV_PORT },
	{ "global.smtpCreateSecret.SMTP_USE_SSL", "smtp", "use_ssl", EV_BOOL },
	{ "global.mongoSSL", "tls", "mongo_ssl", EV_BOOL },
};

/* Per database under global.database.<db>. */
static const struct {
	const char	*key;
	enum ev_type	 type;
} database_fields[] = {
	{ "installed", EV_BOOL },
	{ "secretName", EV_STR },
	{ "passwordKey", EV_STR },
	{ "userKey", EV_STR },
	{ "sslEnabled", EV_BOOL },
};

/* Add v to o as field, typed; Helm charts spell flags "true" too. */
static int
evidence_put(cJSON *o, const char *field, const cJSON *v, enum ev_type type)
{
	if (v == NULL)
		return 0;
	switch (type) {
	case EV_STR:
		return cJSON_IsString(v) ? json_add_str(o, field,
		    v->valuestring) : 0;
	case EV_HOST:
		/*
		 * A host name or address and nothing else: a value under a
		 * secret-like key that is anything more (a URL with
		 * credentials) is not copied.
		 */
		if (!cJSON_IsString(v) || *v->valuestring == '\0' ||
		    strlen(v->valuestring) > 253 ||
		    v->valuestring[strspn(v->valuestring,
		    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789.-:[]")] != '\0')
			return json_add_str(o, "host_refused", "not a host name");
		return json_add_str(o, field, v->valuestring);
	case EV_BOOL:
		if (cJSON_IsBool(v))
			return json_add_tristate(o, field, cJSON_IsTrue(v));
		if (cJSON_IsString(v) && (strcasecmp(v->valuestring, "true") ==
		    0 || strcasecmp(v->valuestring, "false") == 0))
			return json_add_tristate(o, field,
			    strcasecmp(v->valuestring, "true") == 0);
		return 0;
	case EV_PORT:
		if (cJSON_IsString(v)) {
			char *end;
			long n = strtol(v->valuestring, &end, 10);

			return *v->valuestring != '\0' && *end == '\0' &&
			    n > 0 && n < 65536 && cJSON_AddNumberToObject(o,
			    field, (double)n) == NULL ? -1 : 0;
		}
		return cJSON_IsNumber(v) && cJSON_AddNumberToObject(o, field,
		    json_number(v, 1, 65535, 0)) == NULL ? -1 : 0;
	}
	return 0;
}

static cJSON *
evidence_group(cJSON *ev, const char *name)
{
	cJSON *g = cJSON_GetObjectItemCaseSensitive(ev, name);

	return g != NULL ? g : cJSON_AddObjectToObject(ev, name);
}

/*
 * The environment variable that carries each database's password, as
 * harness-common's templates name it (_databaseconnectionsv2.tpl and the
 * secrets.kubernetesSecrets helpers, _ext-k8s-secrets-helper.tpl).
 */
static const struct {
	const char	*db;
	const char	*var;
} database_password_vars[] = {
	{ "mongo", "MONGO_PASSWORD" },
	{ "postgres", "POSTGRES_PASSWORD" },
	{ "timescaledb", "TIMESCALEDB_PASSWORD" },
	{ "redis", "REDIS_PASSWORD" },
	{ "clickhouse", "CLICKHOUSE_PASSWORD" },
};

const char *
cluster_database_password_var(const char *db)
{
	size_t i;

	for (i = 0; i < sizeof(database_password_vars) /
	    sizeof(database_password_vars[0]); i++)
		if (strcmp(database_password_vars[i].db, db) == 0)
			return database_password_vars[i].var;
	return NULL;
}

/*
 * global.database.<db>.secrets: where the database's password comes from
 * when not from the chart's defaults, in harnesscommon.secrets.manageEnv's
 * order (helm-common _secrets-helper.tpl, _ext-k8s-secrets-helper.tpl):
 * External Secrets Operator (externalSecretsOperator[].remoteKeys.
 * VARIABLE.name), which is only marked (password_from_eso), then
 * kubernetesSecrets[] ({secretName, keys: {VARIABLE: key}}), where the
 * last item naming the variable is the one Helm renders. Only the
 * Secret's name and key are copied, into o.password_secret.
 */
static int
kubernetes_secret(const cJSON *db, cJSON *o)
{
	const char *var = cluster_database_password_var(db->string);
	const char *name = NULL, *key = NULL;
	const cJSON *ks;
	cJSON *ps;

	if (var == NULL)
		return 0;
	cJSON_ArrayForEach(ks, values_get(db,
	    "secrets.secretManagement.externalSecretsOperator")) {
		const char *remote = json_get_str(
		    cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(ks, "remoteKeys"), var),
		    "name");

		if (remote != NULL && *remote != '\0')
			return cJSON_AddTrueToObject(o, "password_from_eso") ==
			    NULL ? -1 : 0;
	}
	cJSON_ArrayForEach(ks, values_get(db, "secrets.kubernetesSecrets")) {
		const char *n = json_get_str(ks, "secretName");
		const char *k = json_get_str(cJSON_GetObjectItemCaseSensitive(ks,
		    "keys"), var);

		if (n != NULL && *n != '\0' && k != NULL && *k != '\0') {
			name = n;
			key = k;
		}
	}
	if (name == NULL)
		return 0;
	if ((ps = cJSON_AddObjectToObject(o, "password_secret")) == NULL ||
	    json_add_str(ps, "name", name) || json_add_str(ps, "key", key))
		return -1;
	return 0;
}

/*
 * Is installed (or ClickHouse's enabled) given as something other than a
 * bool? Helm's templates read it with `if`, where the string "false" is
 * true, or fail to render: what it means is not known.
 */
static int
database_flag_unclear(const cJSON *db, cJSON *o)
{
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(db, "installed");

	if (f == NULL)
		f = cJSON_GetObjectItemCaseSensitive(db, "enabled");
	if (f == NULL || cJSON_IsBool(f))
		return 0;
	return cJSON_AddTrueToObject(o, "flag_not_bool") == NULL ? -1 : 0;
}

int
cluster_release_evidence(const cJSON *eff, cJSON *r)
{
	cJSON *ev = cJSON_AddObjectToObject(r, "evidence"), *g, *smtp;
	const cJSON *db, *port, *ssl;
	size_t i;

	if (ev == NULL)
		return -1;
	for (i = 0; i < sizeof(evidence_fields) / sizeof(evidence_fields[0]);
	    i++) {
		const cJSON *v = values_get(eff, evidence_fields[i].path);

		if (v == NULL)
			continue;
		if ((g = evidence_group(ev, evidence_fields[i].group)) ==
		    NULL || evidence_put(g, evidence_fields[i].field, v,
		    evidence_fields[i].type) == -1)
			return -1;
	}
	/* Port 465 or SMTP_USE_SSL is implicit TLS, not STARTTLS. */
	if ((smtp = cJSON_GetObjectItemCaseSensitive(ev, "smtp")) != NULL) {
		port = cJSON_GetObjectItemCaseSensitive(smtp, "port");
		ssl = cJSON_GetObjectItemCaseSensitive(smtp, "use_ssl");
		if (json_add_str(smtp, "tls", cJSON_IsTrue(ssl) ||
		    cJSON_GetNumberValue(port) == 465 ? "implicit" :
		    "starttls"))
			return -1;
	}
	if ((g = cJSON_AddObjectToObject(ev, "databases")) == NULL)
		return -1;
	cJSON_ArrayForEach(db, values_get(eff, "global.database")) {
		cJSON *o;

		if (!cJSON_IsObject(db) || db->string == NULL)
			continue;
		if ((o = cJSON_AddObjectToObject(g, db->string)) == NULL)
			return -1;
		for (i = 0; i < sizeof(database_fields) /
		    sizeof(database_fields[0]); i++)
			if (evidence_put(o, database_fields[i].key,
			    cJSON_GetObjectItemCaseSensitive(db,
			    database_fields[i].key),
			    database_fields[i].type) == -1)
				return -1;
		if (kubernetes_secret(db, o) == -1 ||
		    database_flag_unclear(db, o) == -1 ||
		    evidence_put(o, "enabled", cJSON_GetObjectItemCaseSensitive(
		    db, "enabled"), EV_BOOL) == -1)
			return -1;
	}
	return 0;
}

/* One revision of the release, as the document records it. */
static cJSON *
revision_json(struct collect *c, const cJSON *rel)
{
	const cJSON *chart = cJSON_GetObjectItemCaseSensitive(rel, "chart");
	const cJSON *meta = cJSON_GetObjectItemCaseSensitive(chart, "metadata");
	const cJSON *info = cJSON_GetObjectItemCaseSensitive(rel, "info");
	const cJSON *deps = cJSON_GetObjectItemCaseSensitive(meta,
	    "dependencies"), *d;
	const cJSON *cfg = cJSON_GetObjectItemCaseSensitive(rel, "config");
	const cJSON *defaults = cJSON_GetObjectItemCaseSensitive(chart,
	    "values");
	const cJSON *ver = cJSON_GetObjectItemCaseSensitive(rel, "version");
	cJSON *r = cJSON_CreateObject(), *user, *eff, *chartv = NULL, *arr;
	long redacted = 0;

	if (r == NULL)
		return NULL;
	user = cJSON_IsObject(cfg) ? cJSON_Duplicate(cfg, 1) :
	    cJSON_CreateObject();
	eff = cJSON_IsObject(defaults) ? cJSON_Duplicate(defaults, 1) :
	    cJSON_CreateObject();
	chartv = cJSON_IsObject(defaults) ? cJSON_Duplicate(defaults, 1) :
	    cJSON_CreateObject();
	if (user == NULL || eff == NULL || chartv == NULL)
		goto fail;
	/* What the chart ran with: its defaults under the user's values. */
	if (values_merge(eff, user) == -1)
		goto fail;
	if (cJSON_AddNumberToObject(r, "revision", cJSON_IsNumber(ver) ?
	    ver->valuedouble : 0) == NULL ||
	    json_add_str(r, "status", json_get_str(info, "status")) ||
	    json_add_str(r, "chart", json_get_str(meta, "name")) ||
	    json_add_str(r, "chart_version", json_get_str(meta, "version")) ||
	    json_add_str(r, "app_version", json_get_str(meta, "appVersion")) ||
	    json_add_str(r, "first_deployed", json_get_str(info,
	    "first_deployed")) ||
	    json_add_str(r, "last_deployed", json_get_str(info,
	    "last_deployed")))
		goto fail;
	{
		/*
		 * Judged on what Helm renders with: the user's values over
		 * the chart's own (the seed allows editing either), and the
		 * evidence says which of them set it.
		 */
		const cJSON *uf = values_get(user, "global.fips");
		const cJSON *cf = values_get(chartv, "global.fips");
		const cJSON *ef = values_get(eff, "global.fips");
		cJSON *from;

		if (json_add_tristate(r, "global_fips", cJSON_IsBool(ef) ?
		    cJSON_IsTrue(ef) : -1) ||
		    json_add_tristate(r, "global_fips_user", cJSON_IsBool(uf) ?
		    cJSON_IsTrue(uf) : -1) ||
		    json_add_tristate(r, "global_fips_chart", cJSON_IsBool(cf) ?
		    cJSON_IsTrue(cf) : -1) ||
		    (from = cJSON_AddArrayToObject(r, "global_fips_sources")) ==
		    NULL ||
		    (uf != NULL && json_array_add_str(from, "config (the "
		    "user's values)") == -1) ||
		    (cf != NULL && json_array_add_str(from, "chart.values (the "
		    "chart's values.yaml)") == -1))
			goto fail;
	}
	if ((arr = cJSON_AddArrayToObject(r, "dependencies")) == NULL)
		goto fail;
	cJSON_ArrayForEach(d, deps) {
		cJSON *o = cJSON_CreateObject();
		const cJSON *en = cJSON_GetObjectItemCaseSensitive(d, "enabled");

		if (o == NULL || !cJSON_AddItemToArray(arr, o) ||
		    json_add_str(o, "name", json_get_str(d, "name")) ||
		    json_add_str(o, "version", json_get_str(d, "version")) ||
		    json_add_str(o, "condition", json_get_str(d, "condition")) ||
		    json_add_tristate(o, "enabled", cJSON_IsBool(en) ?
		    cJSON_IsTrue(en) : -1))
			goto fail;
	}
	/* Nothing secret goes further than this function. */
	if (cluster_release_evidence(eff, r) == -1 ||
	    (redacted = values_redact(user)) < 0 ||
	    values_redact(eff) < 0 || values_redact(chartv) < 0 ||
	    cJSON_AddNumberToObject(r, "values_redacted", (double)redacted) ==
	    NULL)
		goto fail;
	/* What the user set; the chart's defaults; what the chart ran with. */
	cJSON_AddItemToObject(r, "values_user", user);
	cJSON_AddItemToObject(r, "values_chart", chartv);
	cJSON_AddItemToObject(r, "values_effective", eff);
	return r;
fail:
	c->oom = 1;
	cJSON_Delete(user);
	cJSON_Delete(eff);
	cJSON_Delete(chartv);
	cJSON_Delete(r);
	return NULL;
}

/* The ConfigMap ns/name, or NULL. */
const cJSON *
cluster_configmap(struct collect *c, const char *ns, const char *name)
{
	const cJSON *item;

	cJSON_ArrayForEach(item, c->lists[F_CONFIGMAPS])
		if (cluster_meta_str(item, "name") != NULL && ns != NULL &&
		    cluster_meta_str(item, "namespace") != NULL &&
		    strcmp(cluster_meta_str(item, "name"), name) == 0 &&
		    strcmp(cluster_meta_str(item, "namespace"), ns) == 0)
			return item;
	return NULL;
}

/* The global-smp-config ConfigMap of the release's namespace, or NULL. */
static const cJSON *
smp_config(struct collect *c, const char *ns)
{
	/*
	 * The chart renders it into the release's namespace; another
	 * namespace's belongs to another install.
	 */
	return cluster_configmap(c, ns, "global-smp-config");
}

static int
set_since(cJSON *rel, int value, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
set_since(cJSON *rel, int value, const char *fmt, ...)
{
	cJSON *o = cJSON_AddObjectToObject(rel, "fips_since_first_install");
	char why[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return o == NULL || json_add_tristate(o, "value", value) ||
	    json_add_str(o, "reason", why) ? -1 : 0;
}

/*
 * Was FIPS on from the first install? Every kept revision must have run
 * global.fips: true on SMP >= 0.31.0. When the history still holds
 * revision 1 it answers; otherwise global-smp-config's
 * PREVIOUS_SMP_VERSION may, by what the chart's template makes of it
 * (templates/smp-version-configmap.yaml, from 0.43.0: Helm's lookup() of
 * the ConfigMap already there): absent before 0.43.0; empty on a fresh
 * install, and also always under `helm template` (Argo CD), where
 * lookup() returns nothing, so empty proves a fresh install only beside
 * revision 1; the same version on a re-deploy, which says nothing of
 * before; a version before 0.31.0 is an upgrade from before FIPS. Any
 * other case is "cannot tell", never yes.
 */
static int
since_first_install(struct collect *c, cJSON *rel, cJSON **revs, size_t n,
    const cJSON *cm)
{
	const cJSON *data = cJSON_GetObjectItemCaseSensitive(cm, "data");
	const char *prev = json_get_str(data, "PREVIOUS_SMP_VERSION");
	const char *now = json_get_str(data, "SMP_VERSION");
	int oldest = cJSON_GetObjectItemCaseSensitive(revs[0],
	    "revision")->valueint, ok;
	size_t i;

	(void)c;
	for (i = 0; i < n; i++) {
		const char *v = json_get_str(revs[i], "chart_version");
		int rev = cJSON_GetObjectItemCaseSensitive(revs[i],
		    "revision")->valueint;

		if (json_get_tristate(revs[i], "global_fips") != 1)
			return set_since(rel, 0, "revision %d ran without "
			    "global.fips: true", rev);
		if (helm_version_cmp(v, SMP_FIPS_MIN_VERSION, &ok) < 0 && ok)
			return set_since(rel, 0, "revision %d ran SMP %s, "
			    "before FIPS support (%s)", rev, v,
			    SMP_FIPS_MIN_VERSION);
	}
	if (prev != NULL && *prev != '\0' &&
	    helm_version_cmp(prev, SMP_FIPS_MIN_VERSION, &ok) < 0 && ok)
		return set_since(rel, 0, "upgraded in place from SMP %s "
		    "(global-smp-config PREVIOUS_SMP_VERSION), before FIPS "
		    "support", prev);
	if (oldest == 1)
		return set_since(rel, 1, "every revision from the first "
		    "install (revision 1) to %d has global.fips: true on SMP "
		    ">= %s", cJSON_GetObjectItemCaseSensitive(revs[n - 1],
		    "revision")->valueint, SMP_FIPS_MIN_VERSION);
	if (cm == NULL)
		return set_since(rel, -1, "history pruned (oldest revision "
		    "kept: %d) and no global-smp-config ConfigMap: cannot tell",
		    oldest);
	if (prev == NULL)
		return set_since(rel, -1, "history pruned (oldest revision "
		    "kept: %d) and global-smp-config has no "
		    "PREVIOUS_SMP_VERSION (charts before 0.43.0 record none): "
		    "cannot tell", oldest);
	if (*prev == '\0')
		return set_since(rel, -1, "history pruned (oldest revision "
		    "kept: %d); an empty PREVIOUS_SMP_VERSION shows a fresh "
		    "install only beside revision 1 (helm template, as Argo "
		    "CD renders, always leaves it empty): cannot tell", oldest);
	if (now != NULL && strcmp(prev, now) == 0)
		return set_since(rel, -1, "history pruned (oldest revision "
		    "kept: %d); PREVIOUS_SMP_VERSION %s is the current version, "
		    "a re-deploy, which says nothing of before: cannot tell",
		    oldest, prev);
	return set_since(rel, -1, "history pruned (oldest revision kept: %d) "
	    "and upgraded in place from SMP %s (PREVIOUS_SMP_VERSION), which "
	    "holds only the version before the last upgrade: cannot tell",
	    oldest, prev);
}


/* All revisions of one release into the document, and their verdict. */
static void
release_json(struct collect *c, cJSON *out, const char *ns, const char *name,
    cJSON **revs, size_t n)
{
	cJSON *rel = cJSON_CreateObject(), *arr;
	const cJSON *cur = NULL, *cm;
	size_t i;
	int ok, fips, smp;

	if (rel == NULL || !cJSON_AddItemToArray(out, rel) ||
	    json_add_str(rel, "name", name) ||
	    json_add_str(rel, "namespace", ns)) {
		c->oom = 1;
		return;
	}
	qsort(revs, n, sizeof(*revs), cmp_revision);
	/* The current revision: the newest deployed, else the newest. */
	for (i = n; i-- > 0 && cur == NULL;)
		if (json_get_str(revs[i], "status") != NULL &&
		    strcmp(json_get_str(revs[i], "status"), "deployed") == 0)
			cur = revs[i];
	if (cur == NULL)
		cur = revs[n - 1];
	cm = smp_config(c, ns);
	fips = json_get_tristate(cur, "global_fips");
	smp = helm_version_cmp(json_get_str(cur, "chart_version"),
	    SMP_FIPS_MIN_VERSION, &ok) >= 0 && ok;
	if (cJSON_AddNumberToObject(rel, "current_revision",
	    cJSON_GetObjectItemCaseSensitive(cur, "revision")->valuedouble) ==
	    NULL || json_add_str(rel, "smp_version", json_get_str(cur,
	    "chart_version")) ||
	    json_add_tristate(rel, "smp_version_supported", smp) ||
	    json_add_tristate(rel, "global_fips", fips) ||
	    json_add_str(rel, "smp_config_version", json_get_str(
	    cJSON_GetObjectItemCaseSensitive(cm, "data"), "SMP_VERSION")) ||
	    json_add_str(rel, "smp_config_previous_version", json_get_str(
	    cJSON_GetObjectItemCaseSensitive(cm, "data"),
	    "PREVIOUS_SMP_VERSION")) ||
	    since_first_install(c, rel, revs, n, cm) == -1 ||
	    cluster_db_passwords(c, rel, ns, cur) == -1) {
		c->oom = 1;
		return;
	}
	if (fips != 1)
		cluster_finding(c, "release %s/%s: global.fips is %s in revision %d "
		    "(the user's values over the chart's values.yaml)", ns,
		    name, fips == 0 ? "false" : "not set",
		    cJSON_GetObjectItemCaseSensitive(cur, "revision")->valueint);
	if (!smp)
		cluster_finding(c, "release %s/%s: SMP %s is before %s, the first "
		    "with FIPS support", ns, name, json_get_str(cur,
		    "chart_version") != NULL ? json_get_str(cur,
		    "chart_version") : "(unknown)", SMP_FIPS_MIN_VERSION);
	{
		const cJSON *since = cJSON_GetObjectItemCaseSensitive(rel,
		    "fips_since_first_install");
		int v = json_get_tristate(since, "value");

		if (v != 1)
			cluster_finding(c, "release %s/%s: FIPS %s from the first "
			    "install: %s", ns, name, v == 0 ? "was not on" :
			    "cannot be shown to have been on",
			    json_get_str(since, "reason"));
	}
	if ((arr = cJSON_AddArrayToObject(rel, "revisions")) == NULL) {
		c->oom = 1;
		return;
	}
	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, revs[i]);
}

/* Add s to the array of strings arr unless it is there already. */
static int
add_unique(cJSON *arr, const char *s)
{
	const cJSON *e;

	cJSON_ArrayForEach(e, arr)
		if (cJSON_IsString(e) && strcmp(e->valuestring, s) == 0)
			return 0;
	return json_array_add_str(arr, s);
}

/*
 * Every SMP install leaves global-smp-config in its namespace. One in a
 * namespace whose Helm release was not read (not among the namespaces
 * given, its record unreadable, or rendered by `helm template`, e.g. Argo
 * CD, which keeps no release) is an install nothing here judges.
 */
static void
unread_installs(struct collect *c, const cJSON *rels)
{
	const cJSON *item, *r;

	cJSON_ArrayForEach(item, c->lists[F_CONFIGMAPS]) {
		const char *name = cluster_meta_str(item, "name");
		const char *ns = cluster_meta_str(item, "namespace");
		int read = 0;

		if (name == NULL || ns == NULL ||
		    strcmp(name, "global-smp-config") != 0)
			continue;
		cJSON_ArrayForEach(r, rels)
			read |= json_get_str(r, "namespace") != NULL &&
			    strcmp(json_get_str(r, "namespace"), ns) == 0;
		if (!read)
			cluster_finding_in(c, "FIPS-CLUSTER-EVIDENCE", ns,
			    "missing-evidence", "namespace %s holds an SMP "
			    "install (global-smp-config, SMP_VERSION %s) whose "
			    "Helm release was not read: it is not judged", ns,
			    json_get_str(cJSON_GetObjectItemCaseSensitive(item,
			    "data"), "SMP_VERSION") != NULL ? json_get_str(
			    cJSON_GetObjectItemCaseSensitive(item, "data"),
			    "SMP_VERSION") : "(none)");
	}
}

/* A release of the delegate chart, once however many revisions it has. */
static int
add_delegate_release(cJSON *arr, const char *ns, const char *name,
    const char *version)
{
	const cJSON *e;
	cJSON *o;

	cJSON_ArrayForEach(e, arr)
		if (json_get_str(e, "namespace") != NULL && ns != NULL &&
		    json_get_str(e, "name") != NULL && name != NULL &&
		    strcmp(json_get_str(e, "namespace"), ns) == 0 &&
		    strcmp(json_get_str(e, "name"), name) == 0)
			return 0;
	return (o = cJSON_CreateObject()) == NULL ||
	    !cJSON_AddItemToArray(arr, o) ||
	    json_add_str(o, "namespace", ns) || json_add_str(o, "name", name) ||
	    json_add_str(o, "chart_version", version) ? -1 : 0;
}

void
cluster_helm(struct collect *c)
{
	cJSON *h = cJSON_AddObjectToObject(c->doc, "helm"), *rels, *other,
	    *errs, *dels;
	cJSON **revs = NULL;
	const cJSON *item;
	char **keys = NULL;
	size_t nrevs = 0, i, j;
	int driver;

	if (h == NULL || (rels = cJSON_AddArrayToObject(h, "releases")) ==
	    NULL || (other = cJSON_AddArrayToObject(h, "other_releases")) ==
	    NULL || (dels = cJSON_AddArrayToObject(h, "delegate_releases")) ==
	    NULL || (errs = cJSON_AddArrayToObject(h, "errors")) == NULL) {
		c->oom = 1;
		return;
	}
	/*
	 * Decode every Harness release revision, from either storage driver
	 * (Secrets, the default, and ConfigMaps); group by namespace/name.
	 */
	for (driver = 0; driver < 2 && !c->oom; driver++)
	cJSON_ArrayForEach(item, c->lists[driver == 0 ? F_RELEASES :
	    F_CONFIGMAPS]) {
		const char *sname = cluster_meta_str(item, "name");
		const char *ns = cluster_meta_str(item, "namespace");
		const char *data = json_get_str(cJSON_GetObjectItemCaseSensitive(
		    item, "data"), "release");
		const char *chart, *rname;
		char err[128], key[512], msg[700];
		cJSON *rel, *rev, **rr;
		char **kk;

		if (driver == 0 ? !is_release_secret(item) :
		    !is_release_configmap(item))
			continue;
		rel = data != NULL ? helm_release_decode(data, strlen(data),
		    driver == 0 ? 2 : 1, err, sizeof(err)) : NULL;
		if (rel == NULL) {
			snprintf(msg, sizeof(msg), "%s/%s: %s", ns != NULL ? ns :
			    "?", sname != NULL ? sname : "?", data == NULL ?
			    "no data.release" : err);
			if (json_array_add_str(errs, msg) == -1)
				c->oom = 1;
			cluster_finding_in(c, "FIPS-CLUSTER-EVIDENCE", msg,
			    "missing-evidence", "Helm release secret %s: "
			    "unreadable", msg);
			continue;
		}
		chart = json_get_str(cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(rel, "chart"), "metadata"),
		    "name");
		rname = json_get_str(rel, "name");
		if (is_delegate_chart(chart)) {
			if (add_delegate_release(dels, ns, rname, json_get_str(
			    cJSON_GetObjectItemCaseSensitive(
			    cJSON_GetObjectItemCaseSensitive(rel, "chart"),
			    "metadata"), "version")) == -1)
				c->oom = 1;
			cJSON_Delete(rel);
			continue;
		}
		if (!is_harness_chart(chart)) {
			snprintf(key, sizeof(key), "%s/%s (%s)", ns != NULL ?
			    ns : "?", rname != NULL ? rname : "?",
			    chart != NULL ? chart : "?");
			if (add_unique(other, key) == -1)
				c->oom = 1;
			cJSON_Delete(rel);
			continue;
		}
		rev = revision_json(c, rel);
		/*
		 * Both parts bounded (Kubernetes allows 253 characters) so
		 * the '/' that splits them below always survives.
		 */
		snprintf(key, sizeof(key), "%.253s/%.253s", ns != NULL ? ns :
		    "", rname != NULL ? rname : "");
		cJSON_Delete(rel);	/* rname pointed into it */
		if (rev == NULL)
			break;
		rr = reallocarray(revs, nrevs + 1, sizeof(*rr));
		kk = rr != NULL ? reallocarray(keys, nrevs + 1, sizeof(*kk)) :
		    NULL;
		if (rr != NULL)
			revs = rr;
		if (kk == NULL || (kk[nrevs] = strdup(key)) == NULL) {
			if (kk != NULL)
				keys = kk;
			cJSON_Delete(rev);
			c->oom = 1;
			break;
		}
		keys = kk;
		revs[nrevs++] = rev;
	}
	/* One release at a time: collect its revisions, in order. */
	for (i = 0; i < nrevs; i++) {
		cJSON **group;
		size_t ng = 0;
		char *slash;

		if (revs[i] == NULL)
			continue;
		if ((group = calloc(nrevs, sizeof(*group))) == NULL) {
			c->oom = 1;
			break;
		}
		for (j = i; j < nrevs; j++)
			if (revs[j] != NULL && strcmp(keys[j], keys[i]) == 0) {
				group[ng++] = revs[j];
				revs[j] = NULL;
			}
		slash = strchr(keys[i], '/');
		*slash = '\0';
		release_json(c, rels, keys[i], slash + 1, group, ng);
		free(group);
	}
	unread_installs(c, rels);
	if (cJSON_GetArraySize(rels) == 0 && !c->oom)
		cluster_finding(c, "no Harness Helm release found: the installed "
		    "global.fips, SMP version and history cannot be shown");
	for (i = 0; i < nrevs; i++) {
		cJSON_Delete(revs[i]);
		free(keys[i]);
	}
	free(revs);
	free(keys);
}
