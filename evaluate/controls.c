/*
 * controls.c - see controls.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "evaluate/controls.h"
#include "evidence/cluster.h"
#include "store/store.h"
#include "util/digest.h"
#include "util/json.h"
#include "util/log.h"
#include "util/tsv.h"
#include "util/banned.h"

extern const char data_controls[];
extern const size_t data_controls_len;

/* One stored document of the run, parsed. */
struct doc {
	char	*collector;
	char	*subject;
	char	*sha256;
	cJSON	*json;
};

struct eval {
	struct doc	*docs;
	size_t		 ndocs;
	int		 nodes;		/* node documents, read as facts */
	cJSON		*node_names;	/* their subjects, as an object */
	const char	*collector;	/* while loading */
	cJSON		*findings;
	int		 oom;
	/* controls_evaluate_against()'s hook for each changed node */
	int		(*changed)(const struct store_node *, void *);
	void		*changed_arg;
};

static int
load_doc(const char *subject, const char *sha256, const char *text,
    size_t len, void *arg)
{
	struct eval *e = arg;
	struct doc *d;

	if ((d = reallocarray(e->docs, e->ndocs + 1, sizeof(*d))) == NULL) {
		log_errno("controls");
		return -1;
	}
	e->docs = d;
	d = &d[e->ndocs++];
	memset(d, 0, sizeof(*d));
	d->collector = strdup(e->collector);
	d->subject = strdup(subject);
	d->sha256 = strdup(sha256);
	d->json = cJSON_ParseWithLength(text, len);
	if (d->collector == NULL || d->subject == NULL || d->sha256 == NULL) {
		log_errno("controls");
		return -1;
	}
	return 0;
}

/* A finding of check for subject, citing document d (may be NULL). */
static void
finding(struct eval *e, const char *check, const char *subject,
    const char *result, const struct doc *d, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

static void
finding(struct eval *e, const char *check, const char *subject,
    const char *result, const struct doc *d, const char *fmt, ...)
{
	char reason[2048];
	cJSON *f = cJSON_CreateObject(), *ev, *r;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	if (f == NULL || !cJSON_AddItemToArray(e->findings, f) ||
	    json_add_str(f, "check", check) ||
	    json_add_str(f, "subject", subject) ||
	    json_add_str(f, "result", result) ||
	    json_add_str(f, "reason", reason) ||
	    (ev = cJSON_AddArrayToObject(f, "evidence")) == NULL) {
		e->oom = 1;
		return;
	}
	if (d == NULL)
		return;
	if ((r = cJSON_CreateObject()) == NULL || !cJSON_AddItemToArray(ev, r) ||
	    json_add_str(r, "collector", d->collector) ||
	    json_add_str(r, "subject", d->subject) ||
	    json_add_str(r, "sha256", d->sha256))
		e->oom = 1;
}

static int
count(const struct eval *e, const char *collector)
{
	size_t i;
	int n = 0;

	if (strcmp(collector, "node") == 0)
		return e->nodes;
	for (i = 0; i < e->ndocs; i++)
		n += strcmp(e->docs[i].collector, collector) == 0;
	return n;
}

/* A JSON array of strings as one "a; b; c" phrase, the first few. */
static void
joined(const cJSON *arr, char *out, size_t len)
{
	const cJSON *s;
	size_t off = 0;
	int n = 0;

	out[0] = '\0';
	cJSON_ArrayForEach(s, arr) {
		if (!cJSON_IsString(s) || off + 4 >= len)
			continue;
		if (n++ == 4) {
			snprintf(out + off, len - off, "; and %d more",
			    cJSON_GetArraySize(arr) - 4);
			return;
		}
		off += (size_t)snprintf(out + off, len - off, "%s%s",
		    off > 0 ? "; " : "", s->valuestring);
		if (off >= len)
			return;
	}
}

/*
 * The node checks of one node, from the facts the store keeps of its
 * document: the same fields the document holds, without parsing 5,000 of
 * them on every evaluation.
 */
static int
node_checks(const struct store_node *n, void *arg)
{
	struct eval *e = arg;
	struct doc d = { "node", (char *)n->subject, (char *)n->sha256, NULL };
	cJSON *reasons = cJSON_Parse(n->reasons);
	char why[1500];
	int fe = n->fips_enabled;

	e->nodes++;
	if (cJSON_AddNullToObject(e->node_names, n->subject) == NULL)
		e->oom = 1;
	if (n->same_in_other) {
		cJSON_Delete(reasons);
		return 0;
	}
	finding(e, "FIPS-NODE-KERNEL", n->subject, fe == 1 ? "pass" :
	    fe == 0 ? "fail" : "missing-evidence", &d, "%s", fe == 1 ?
	    "fips_enabled is 1" : fe == 0 ? "fips_enabled is 0" :
	    "fips_enabled could not be read");
	joined(reasons, why, sizeof(why));
	cJSON_Delete(reasons);
	finding(e, "FIPS-NODE-OS", n->subject, n->compliant ? "pass" : "fail",
	    &d, "%s", n->compliant ? "the node's FIPS evidence is complete" :
	    why[0] != '\0' ? why : "the node is not in FIPS mode");
	if (e->oom)
		return -1;
	return e->changed != NULL ? e->changed(n, e->changed_arg) : 0;
}

static void
nodes(struct eval *e)
{
	char why[1500];
	size_t i;

	/* Nodes the cluster lists whose evidence never came. */
	for (i = 0; i < e->ndocs; i++) {
		const struct doc *d = &e->docs[i];
		const cJSON *n;

		if (strcmp(d->collector, "cluster") != 0)
			continue;
		/* A cluster that lists no node shows no node's FIPS mode. */
		if (cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(d->json,
		    "nodes")) == 0 && count(e, "node") == 0) {
			finding(e, "FIPS-NODE-KERNEL", "-", "missing-evidence", d,
			    "the cluster evidence lists no node");
			finding(e, "FIPS-NODE-OS", "-", "missing-evidence", d,
			    "the cluster evidence lists no node");
		}
		cJSON_ArrayForEach(n, cJSON_GetObjectItemCaseSensitive(d->json,
		    "nodes")) {
			const char *ev = json_get_str(n, "evidence");
			const char *name = json_get_str(n, "name");

			/* Collected, it must be in the run: evidence deleted
			 * from the store after the run is not a pass. */
			if (ev != NULL && strcmp(ev, "collected") == 0) {
				if (name == NULL ||
				    cJSON_GetObjectItemCaseSensitive(
				    e->node_names, name) != NULL)
					continue;
				snprintf(why, sizeof(why), "the cluster "
				    "collected the node's report, but the run "
				    "holds no node evidence for it");
			} else
				snprintf(why, sizeof(why), "no evidence from "
				    "the node: %s", json_get_str(n,
				    "evidence_error") != NULL ? json_get_str(n,
				    "evidence_error") : ev != NULL ? ev :
				    "unusable node name");
			finding(e, "FIPS-NODE-KERNEL", name != NULL ? name : "?",
			    "missing-evidence", d, "%s", why);
			finding(e, "FIPS-NODE-OS", name != NULL ? name : "?",
			    "missing-evidence", d, "%s", why);
		}
	}
	if (count(e, "node") == 0 && count(e, "cluster") == 0) {
		finding(e, "FIPS-NODE-KERNEL", "-", "not-applicable", NULL,
		    "no node evidence was collected in this run");
		finding(e, "FIPS-NODE-OS", "-", "not-applicable", NULL,
		    "no node evidence was collected in this run");
	}
}

static const char *
tri(int v, const char *yes)
{
	return v == 1 ? yes : v == 0 ? "fail" : "missing-evidence";
}

static void
cluster(struct eval *e)
{
	static const char *const checks[] = { "FIPS-HELM-GLOBAL",
	    "FIPS-SMP-VERSION", "FIPS-FIRST-INSTALL", "FIPS-DELEGATE",
	    "FIPS-DELEGATE-IMAGE", "FIPS-DELEGATE-UPGRADER",
	    "FIPS-CLUSTER-EVIDENCE" };
	size_t i, k;

	for (i = 0; i < e->ndocs; i++) {
		const struct doc *d = &e->docs[i];
		const cJSON *r, *dl;
		char subject[300], from[300];
		int any = 0;

		if (strcmp(d->collector, "cluster") != 0)
			continue;
		cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(d->json, "helm"),
		    "releases")) {
			const cJSON *since = cJSON_GetObjectItemCaseSensitive(r,
			    "fips_since_first_install");
			int g = json_get_tristate(r, "global_fips");
			int v = json_get_tristate(r, "smp_version_supported");
			int s = json_get_tristate(since, "value");

			any = 1;
			snprintf(subject, sizeof(subject), "%s/%s",
			    json_str_or(r, "namespace", "?"), json_str_or(r,
			    "name", "?"));
			joined(cJSON_GetObjectItemCaseSensitive(
			    cluster_current_revision(r), "global_fips_sources"),
			    from, sizeof(from));
			finding(e, "FIPS-HELM-GLOBAL", subject, tri(g, "pass"),
			    d, "global.fips is %s in the values Helm renders "
			    "with (set in: %s)", g == 1 ? "true" : g == 0 ?
			    "false" : "not set", from[0] != '\0' ? from :
			    "neither the user's values nor the chart's");
			finding(e, "FIPS-SMP-VERSION", subject, tri(v, "pass"),
			    d, "SMP %s", json_str_or(r, "smp_version",
			    "version unknown"));
			finding(e, "FIPS-FIRST-INSTALL", subject,
			    tri(s, "pass"), d, "%s", json_str_or(since,
			    "reason", "-"));
		}
		if (!any)
			for (k = 0; k < 3; k++)
				finding(e, checks[k], "-", "missing-evidence", d,
				    "no Harness Helm release was found");
		/* What the cluster found that no field of it carries. */
		any = 0;
		cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(d->json,
		    "other_findings")) {
			const char *check = json_get_str(r, "check");
			const char *res = json_get_str(r, "result");

			if (check == NULL || res == NULL ||
			    (strcmp(res, "fail") != 0 &&
			    strcmp(res, "missing-evidence") != 0))
				continue;
			any |= strcmp(check, "FIPS-CLUSTER-EVIDENCE") == 0;
			finding(e, check, json_get_str(r, "subject") != NULL ?
			    json_get_str(r, "subject") : "-", res, d, "%s",
			    json_get_str(r, "reason") != NULL ?
			    json_get_str(r, "reason") : "-");
		}
		if (!any)
			finding(e, "FIPS-CLUSTER-EVIDENCE", "-", "pass", d,
			    "%s", json_get_tristate(d->json, "cronjobs_listed") ==
			    -1 ? "every list of the cluster was read (CronJobs "
			    "were not collected)" : "every list of the cluster "
			    "was read");
		any = 0;
		cJSON_ArrayForEach(dl, cJSON_GetObjectItemCaseSensitive(d->json,
		    "delegates")) {
			int fe = json_get_tristate(dl, "fips_enabled");

			any = 1;
			snprintf(subject, sizeof(subject), "%s/%s",
			    json_str_or(dl, "namespace", "?"), json_str_or(dl,
			    "name", "?"));
			int fi = json_get_tristate(dl, "fips_image");

			finding(e, "FIPS-DELEGATE", subject, tri(fe, "pass"), d,
			    "FIPS_ENABLED %s (%s), image %s", fe == 1 ? "true" :
			    fe == 0 ? "not true" : "unknown",
			    json_str_or(dl, "fips_enabled_source", "-"),
			    json_str_or(dl, "image", "-"));
			finding(e, "FIPS-DELEGATE-IMAGE", subject,
			    tri(fi, "pass"), d, "image %s %s",
			    json_str_or(dl, "image", "-"),
			    fi == 1 ? "is a FIPS build" :
			    fi == 0 ? "is not a FIPS build" : "is pinned by "
			    "digest only: which build it is cannot be told");
		}
		if (!any) {
			/* A list not read hides delegates; it shows none. */
			int listed = json_get_tristate(d->json,
			    "workloads_listed") != 0;
			const char *res = listed ? "not-applicable" :
			    "missing-evidence";
			const char *why = listed ? "no delegate workloads were "
			    "found" : "the workloads could not be listed";

			finding(e, "FIPS-DELEGATE", "-", res, d, "%s", why);
			finding(e, "FIPS-DELEGATE-IMAGE", "-", res, d, "%s", why);
		}
		any = 0;
		cJSON_ArrayForEach(dl, cJSON_GetObjectItemCaseSensitive(d->json,
		    "delegate_upgraders")) {
			int fi = json_get_tristate(dl, "fips_image");
			int avail = json_get_tristate(dl,
			    "fips_image_available");

			any = 1;
			snprintf(subject, sizeof(subject), "%s/%s",
			    json_str_or(dl, "namespace", "?"), json_str_or(dl,
			    "name", "?"));
			finding(e, "FIPS-DELEGATE-UPGRADER", subject, fi == 1 ?
			    "pass" : avail == 0 ? "not-applicable" : fi == 0 &&
			    avail == 1 ? "fail" : "missing-evidence", d,
			    "image %s%s", json_str_or(dl, "image", "-"),
			    fi == 1 ?
			    " is a FIPS build" : avail == 0 ? ": this SMP "
			    "ships no -fips upgrader (first in 0.33.0)" :
			    fi == 0 ? " is not a FIPS build" : ": which build "
			    "it is cannot be told");
		}
		if (!any) {
			int listed = json_get_tristate(d->json,
			    "cronjobs_listed");

			/*
			 * A snapshot made before CronJobs were collected
			 * (null) says nothing of them; a list that could not
			 * be read (false) hides them.
			 */
			finding(e, "FIPS-DELEGATE-UPGRADER", "-", listed == 0 ?
			    "missing-evidence" : "not-applicable", d, "%s",
			    listed == 1 ? "no delegate upgrader CronJob was "
			    "found" : listed == 0 ? "the CronJobs could not be "
			    "listed" : "CronJobs were not collected");
		}
	}
	if (count(e, "cluster") == 0)
		for (k = 0; k < sizeof(checks) / sizeof(checks[0]); k++)
			finding(e, checks[k], "-", "not-applicable", NULL,
			    "no cluster evidence was collected in this run");
}

/*
 * Does an endpoint fail only for want of evidence: every finding an
 * enumeration cut short or a certificate not seen, none a thing judged?
 */
static int
only_gaps(const cJSON *ep)
{
	static const char *const gaps[] = { "evidence incomplete: ",
	    "no certificate evidence: " };
	const cJSON *f;
	int n = 0;
	size_t k;

	cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(ep,
	    "findings")) {
		int gap = 0;

		for (k = 0; cJSON_IsString(f) && k < sizeof(gaps) /
		    sizeof(gaps[0]); k++)
			gap |= strncmp(f->valuestring, gaps[k],
			    strlen(gaps[k])) == 0;
		if (!gap)
			return 0;
		n++;
	}
	return n > 0;
}

/* An endpoint that answered in plaintext, with what its port is for. */
static void
transit_plaintext(struct eval *e, const struct doc *d, const cJSON *ep,
    const cJSON *plain)
{
	const cJSON *as = cJSON_GetObjectItemCaseSensitive(ep,
	    "discovered_as");
	const char *name = json_get_str(as, "port_name");
	const char *proto = json_get_str(as, "app_protocol");

	finding(e, "FIPS-TRANSIT-PLAINTEXT", d->subject, "fail", d,
	    "answers a TLS ClientHello in plaintext: %s (\"%s\")%s%s%s%s%s; "
	    "fipsev sends no request, so a redirect to HTTPS cannot be told "
	    "from content", json_get_str(plain, "protocol") != NULL ?
	    json_get_str(plain, "protocol") : "text",
	    json_get_str(plain, "answer") != NULL ?
	    json_get_str(plain, "answer") : "", name != NULL || proto != NULL ?
	    "; the Service names the port " : "", name != NULL ? name : "",
	    proto != NULL ? " (appProtocol " : "", proto != NULL ? proto : "",
	    proto != NULL ? ")" : "");
}

static void
tls(struct eval *e)
{
	char why[1500];
	const cJSON *plain;
	int plaintext = 0;
	size_t i;

	for (i = 0; i < e->ndocs; i++) {
		const struct doc *d = &e->docs[i];
		const cJSON *ep = cJSON_GetArrayItem(
		    cJSON_GetObjectItemCaseSensitive(d->json, "endpoints"), 0);

		if (strcmp(d->collector, "tls") != 0)
			continue;
		joined(cJSON_GetObjectItemCaseSensitive(ep, "findings"), why,
		    sizeof(why));
		plain = cJSON_GetObjectItemCaseSensitive(ep, "plaintext");
		if (cJSON_IsObject(plain)) {
			plaintext++;
			transit_plaintext(e, d, ep, plain);
			finding(e, "FIPS-TLS-ENDPOINT", d->subject,
			    "not-applicable", d, "the port answers in "
			    "plaintext, not TLS (see FIPS-TRANSIT-PLAINTEXT)");
		} else if (json_get_str(ep, "error") != NULL)
			finding(e, "FIPS-TLS-ENDPOINT", d->subject,
			    "missing-evidence", d, "the scan failed: %s",
			    json_get_str(ep, "error"));
		else if (json_get_tristate(ep, "compliant") == 1)
			finding(e, "FIPS-TLS-ENDPOINT", d->subject, "pass", d,
			    "everything accepted is approved");
		else
			/*
			 * An enumeration cut short, with nothing found wrong
			 * in what was seen, is evidence missing, not a pass.
			 */
			finding(e, "FIPS-TLS-ENDPOINT", d->subject,
			    only_gaps(ep) ? "missing-evidence" : "fail", d,
			    "%s", why);
	}
	if (count(e, "tls") == 0) {
		finding(e, "FIPS-TLS-ENDPOINT", "-", "not-applicable", NULL,
		    "no TLS endpoint was scanned in this run");
		finding(e, "FIPS-TRANSIT-PLAINTEXT", "-", "not-applicable",
		    NULL, "no endpoint was scanned in this run");
	} else if (plaintext == 0)
		finding(e, "FIPS-TRANSIT-PLAINTEXT", "-", "pass", NULL,
		    "every scanned endpoint answered in TLS or not at all");
}

static void
modules(struct eval *e)
{
	size_t i;

	for (i = 0; i < e->ndocs; i++) {
		const struct doc *d = &e->docs[i];
		const cJSON *it;

		if (strcmp(d->collector, "inventory") != 0)
			continue;
		cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(d->json,
		    "inventory")) {
			const char *sup = json_get_str(it, "supported");
			char subject[800];

			snprintf(subject, sizeof(subject), "%s: %s at %s",
			    json_str_or(it, "module", "?"), json_str_or(it,
			    "component", "?"),
			    json_str_or(it, "seen_at", "?"));
			finding(e, "FIPS-MODULES", subject, sup != NULL &&
			    strcmp(sup, "yes") == 0 ? "pass" : sup != NULL &&
			    strcmp(sup, "no") == 0 ? "fail" : "missing-evidence",
			    d, "%s", json_str_or(it, "reason",
			    "supported in FIPS mode"));
		}
	}
	if (count(e, "inventory") == 0)
		finding(e, "FIPS-MODULES", "-", "not-applicable", NULL,
		    "no module inventory was made in this run");
}

/*
 * FIPS-DB-PASSWORD: each database password a release uses is at least
 * DB_PASSWORD_MIN characters (a later revision of Harness's FIPS page than
 * the seed: FIPS-mode key derivation needs it). Lengths are measured by
 * the cluster collector; the values never reach the store.
 */
#define DB_PASSWORD_MIN	14

static void
db_passwords(struct eval *e)
{
	size_t i;
	int any = 0;

	for (i = 0; i < e->ndocs; i++) {
		const struct doc *d = &e->docs[i];
		const cJSON *r, *p;
		char subject[400];

		if (strcmp(d->collector, "cluster") != 0)
			continue;
		cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(d->json, "helm"),
		    "releases")) {
			const char *ns = json_get_str(r, "namespace");
			const char *name = json_get_str(r, "name");
			int n = 0;

			any = 1;
			snprintf(subject, sizeof(subject), "%s/%s",
			    ns ? ns : "?", name ? name : "?");
			if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r,
			    "db_passwords_collected"))) {
				finding(e, "FIPS-DB-PASSWORD", subject,
				    "not-applicable", d, "database password "
				    "lengths were not collected (a snapshot "
				    "without db-secrets.json)");
				continue;
			}
			cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(
			    r, "db_passwords")) {
				const cJSON *len = cJSON_GetObjectItemCaseSensitive(
				    p, "length");
				const char *db = json_get_str(p, "database");
				char sub[500], what[600];

				n++;
				snprintf(sub, sizeof(sub), "%s %s", subject,
				    db ? db : "?");
				snprintf(what, sizeof(what), "Secret %s key %s "
				    "(%s)", json_str_or(p, "secret", "?"),
				    json_str_or(p, "key", "?"), json_str_or(p,
				    "source", "?"));
				if (!cJSON_IsNumber(len))
					finding(e, "FIPS-DB-PASSWORD", sub,
					    "missing-evidence", d, "%s: %s", what,
					    json_str_or(p, "error",
					    "not measured"));
				else
					finding(e, "FIPS-DB-PASSWORD", sub,
					    len->valuedouble >= DB_PASSWORD_MIN ?
					    "pass" : "fail", d, "%s: %.0f "
					    "characters (at least %d needed)",
					    what, len->valuedouble,
					    DB_PASSWORD_MIN);
			}
			if (n == 0)
				finding(e, "FIPS-DB-PASSWORD", subject,
				    "not-applicable", d, "no database of the "
				    "release uses a password");
		}
	}
	if (!any)
		finding(e, "FIPS-DB-PASSWORD", "-", "not-applicable", NULL,
		    "no Harness release in this run's evidence");
}

static cJSON *
catalogue(void)
{
	struct tsv t;
	struct tsv_field f[TSV_MAX_FIELDS];
	cJSON *arr = cJSON_CreateArray();
	int nf, r;

	tsv_init(&t, "controls.tsv", data_controls, data_controls_len);
	while (arr != NULL && (r = tsv_next(&t, f, &nf, 5)) == 1) {
		cJSON *c = cJSON_CreateObject(), *nist;
		char *v[5], *tok, *save = NULL;
		int i;

		for (i = 0; i < 5; i++)
			v[i] = tsv_strdup(&t, &f[i]);
		if (c == NULL || !cJSON_AddItemToArray(arr, c) ||
		    v[0] == NULL || v[1] == NULL || v[2] == NULL ||
		    v[3] == NULL || v[4] == NULL ||
		    json_add_str(c, "id", v[0]) ||
		    json_add_str(c, "severity", v[1]) ||
		    json_add_str(c, "title", v[3]) ||
		    json_add_str(c, "rationale", v[4]) ||
		    (nist = cJSON_AddArrayToObject(c, "nist")) == NULL) {
			for (i = 0; i < 5; i++)
				free(v[i]);
			cJSON_Delete(arr);
			return NULL;
		}
		for (tok = strtok_r(v[2], ",", &save); tok != NULL;
		    tok = strtok_r(NULL, ",", &save))
			json_array_add_str(nist, tok);
		for (i = 0; i < 5; i++)
			free(v[i]);
	}
	if (r == -1) {
		cJSON_Delete(arr);
		return NULL;
	}
	return arr;
}

static cJSON *evaluate(struct store *, int64_t, int64_t, int, cJSON **,
    int (*)(const struct store_node *, void *), void *);

cJSON *
controls_evaluate(struct store *st, int64_t run)
{
	return evaluate(st, run, 0, STORE_NODES_VERIFY, NULL, NULL, NULL);
}

cJSON *
controls_of_run(struct store *st, int64_t run)
{
	cJSON *eval;
	char *json;
	size_t len;
	int r;

	if ((r = store_run_evaluation(st, run, &json, &len)) == -1)
		return NULL;
	if (r == 0)
		return controls_evaluate(st, run);
	eval = cJSON_ParseWithLength(json, len);
	free(json);
	if (eval == NULL || json_get_str(eval, "verdict") == NULL) {
		cJSON_Delete(eval);
		log_err("the stored evaluation of run %lld is not one",
		    (long long)run);
		return NULL;
	}
	return eval;
}

const char *
controls_evaluator(void)
{
	return FIPSEV_EVALUATOR;
}

cJSON *
controls_of_run_checked(struct store *st, int64_t run)
{
	static const char *const parts[] = { "findings", "summary",
	    "verdict" };
	cJSON *stored, *now, *in;
	const char *by, *was;
	size_t i;

	if ((stored = controls_of_run(st, run)) == NULL)
		return NULL;
	/* Evaluated again: the facts are checked against their documents. */
	if ((now = controls_evaluate(st, run)) == NULL) {
		cJSON_Delete(stored);
		return NULL;
	}
	for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		if (!cJSON_Compare(cJSON_GetObjectItemCaseSensitive(stored,
		    parts[i]), cJSON_GetObjectItemCaseSensitive(now, parts[i]),
		    1))
			break;
	if (i == sizeof(parts) / sizeof(parts[0])) {
		cJSON_Delete(now);
		return stored;		/* it says what the evidence says */
	}
	in = cJSON_GetObjectItemCaseSensitive(stored, "inputs");
	by = json_get_str(in, "evaluator_sha256");
	was = json_get_str(stored, "verdict");
	/* This evaluator judged it otherwise: the store was altered. */
	if (by != NULL && strcmp(by, controls_evaluator()) == 0) {
		log_err("the stored evaluation of run %lld disagrees with its "
		    "evidence (its %s): the store was altered", (long long)run,
		    parts[i]);
		cJSON_Delete(stored);
		cJSON_Delete(now);
		return NULL;
	}
	/*
	 * Another evaluator (an older fipsev, or none recorded) judged it:
	 * what is signed is what this one finds in the evidence, never a
	 * stored verdict it does not reproduce.
	 */
	log_err("warning: run %lld was evaluated by another build of fipsev "
	    "(verdict %s); this report carries this build's evaluation of its "
	    "evidence (verdict %s)", (long long)run, was != NULL ? was : "?",
	    json_get_str(now, "verdict"));
	if (in != NULL) {
		cJSON_AddItemToObject(now, "inputs",
		    cJSON_DetachItemViaPointer(stored, in));
		if (json_add_str(in, "reevaluated_by", controls_evaluator())) {
			log_err("out of memory evaluating the controls");
			cJSON_Delete(now);
			now = NULL;
		}
	}
	cJSON_Delete(stored);
	return now;
}

int
controls_digest(char hex[SHA256_HEX_LEN + 1])
{
	return sha256_hex(data_controls, data_controls_len, hex);
}

/* Hand the parsed documents of e over as {collector: {subject: doc}}. */
static cJSON *
detach_docs(struct eval *e)
{
	cJSON *by = cJSON_CreateObject(), *c;
	size_t i;

	for (i = 0; by != NULL && i < e->ndocs; i++) {
		struct doc *d = &e->docs[i];

		if (d->json == NULL)
			continue;
		if ((c = cJSON_GetObjectItemCaseSensitive(by,
		    d->collector)) == NULL)
			c = cJSON_AddObjectToObject(by, d->collector);
		if (c == NULL || !cJSON_AddItemToObject(c, d->subject,
		    d->json)) {
			cJSON_Delete(by);
			by = NULL;
			break;
		}
		d->json = NULL;
	}
	if (by == NULL)
		log_err("out of memory evaluating the controls");
	return by;
}

cJSON *
controls_evaluate_against(struct store *st, int64_t run, int64_t other,
    cJSON **docs, int (*changed)(const struct store_node *, void *),
    void *arg)
{
	return evaluate(st, run, other, 0, docs, changed, arg);
}

static cJSON *
evaluate(struct store *st, int64_t run, int64_t other, int flags,
    cJSON **docs, int (*changed)(const struct store_node *, void *),
    void *arg)
{
	/* Node documents are read as the store's facts of them. */
	static const char *const collectors[] = { "tls", "cluster",
	    "inventory" };
	struct eval e;
	cJSON *out = NULL, *checks, *sum, *f;
	int fail = 0, missing = 0, pass = 0, na = 0;
	size_t i;

	memset(&e, 0, sizeof(e));
	if ((e.node_names = cJSON_CreateObject()) == NULL) {
		log_err("out of memory evaluating the controls");
		return NULL;
	}
	e.changed = changed;
	e.changed_arg = arg;
	if (docs != NULL)
		*docs = NULL;
	for (i = 0; i < sizeof(collectors) / sizeof(collectors[0]); i++) {
		e.collector = collectors[i];
		if (store_run_documents(st, run, collectors[i], load_doc,
		    &e) == -1)
			goto out;
	}
	if ((checks = catalogue()) == NULL ||
	    (out = cJSON_CreateObject()) == NULL) {
		cJSON_Delete(checks);
		goto oom;
	}
	cJSON_AddItemToObject(out, "checks", checks);
	if ((e.findings = cJSON_AddArrayToObject(out, "findings")) == NULL)
		goto oom;
	if (store_run_nodes(st, run, other, flags, node_checks, &e) == -1) {
		if (e.oom)
			goto oom;
		cJSON_Delete(out);
		out = NULL;
		goto out;
	}
	nodes(&e);
	cluster(&e);
	tls(&e);
	modules(&e);
	db_passwords(&e);
	if (e.oom)
		goto oom;
	cJSON_ArrayForEach(f, e.findings) {
		const char *r = json_get_str(f, "result");

		pass += strcmp(r, "pass") == 0;
		fail += strcmp(r, "fail") == 0;
		missing += strcmp(r, "missing-evidence") == 0;
		na += strcmp(r, "not-applicable") == 0;
	}
	if ((sum = cJSON_AddObjectToObject(out, "summary")) == NULL ||
	    cJSON_AddNumberToObject(sum, "pass", pass) == NULL ||
	    cJSON_AddNumberToObject(sum, "fail", fail) == NULL ||
	    cJSON_AddNumberToObject(sum, "missing_evidence", missing) == NULL ||
	    cJSON_AddNumberToObject(sum, "not_applicable", na) == NULL ||
	    cJSON_AddNumberToObject(sum, "nodes", count(&e, "node")) == NULL ||
	    cJSON_AddNumberToObject(sum, "endpoints", count(&e, "tls")) ==
	    NULL || json_add_str(out, "verdict", fail == 0 && missing == 0 ?
	    "compliant" : "noncompliant"))
		goto oom;
	if (docs != NULL && (*docs = detach_docs(&e)) == NULL) {
		cJSON_Delete(out);
		out = NULL;
	}
	goto out;
oom:
	log_err("out of memory evaluating the controls");
	cJSON_Delete(out);
	out = NULL;
out:
	for (i = 0; i < e.ndocs; i++) {
		free(e.docs[i].collector);
		free(e.docs[i].subject);
		free(e.docs[i].sha256);
		cJSON_Delete(e.docs[i].json);
	}
	free(e.docs);
	cJSON_Delete(e.node_names);
	return out;
}
