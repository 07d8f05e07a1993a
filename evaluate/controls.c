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
#include "evidence/run.h"
#include "util/buf.h"
#include "util/digest.h"
#include "util/json.h"
#include "util/log.h"
#include "util/tsv.h"
#include "util/banned.h"

extern const char data_controls[];
extern const size_t data_controls_len;

/* An evaluation under way. */
struct eval {
	const struct run_view	*v;
	const struct run_view	*other;		/* leave out what is the same */
	cJSON			*findings;
	struct buf		 reason, subject, list;	/* scratch */
	int			 count[RESULT__MAX];	/* findings of each */
	int			 oom;
};

/*
 * Most a reason or subject may take: far past any real one. Longer text
 * (a hostile name in the evidence) is cut to it with EVAL_CUT, never a
 * reason to fail the evaluation.
 */
#define EVAL_TEXT_MAX	((size_t)1 << 20)
#define EVAL_CUT	" [cut: over 1 MiB]"

/* A finding of check for subject, citing the document of kind, subject
 * and digest cited (NULL: none). */
static void
vfinding(struct eval *e, const char *check, const char *subject,
    enum finding_result result, enum evidence_kind kind, const char *cited,
    const char *sha256, const char *fmt, va_list ap)
{
	cJSON *f, *ev, *r;

	buf_reset(&e->reason);
	if (buf_vprintf_cut(&e->reason, EVAL_CUT, fmt, ap) == -1) {
		e->oom = 1;
		return;
	}
	if ((f = cJSON_CreateObject()) == NULL ||
	    !cJSON_AddItemToArray(e->findings, f)) {
		cJSON_Delete(f);
		e->oom = 1;
		return;
	}
	e->count[result]++;
	if (json_add_str(f, "check", check) ||
	    json_add_str(f, "subject", subject) ||
	    json_add_str(f, "result", finding_result_names[result]) ||
	    json_add_str(f, "reason", buf_str(&e->reason)) ||
	    (ev = cJSON_AddArrayToObject(f, "evidence")) == NULL) {
		e->oom = 1;
		return;
	}
	if (cited == NULL)
		return;
	if ((r = cJSON_CreateObject()) == NULL || !cJSON_AddItemToArray(ev, r) ||
	    json_add_str(r, "collector", evidence_kind_names[kind]) ||
	    json_add_str(r, "subject", cited) ||
	    json_add_str(r, "sha256", sha256))
		e->oom = 1;
}

/* A finding citing document d (NULL: none). */
static void
finding(struct eval *e, const char *check, const char *subject,
    enum finding_result result, const struct run_doc *d, const char *fmt,
    ...)
    __attribute__((format(printf, 6, 7)));

static void
finding(struct eval *e, const char *check, const char *subject,
    enum finding_result result, const struct run_doc *d, const char *fmt,
    ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfinding(e, check, subject, result, d != NULL ? d->kind :
	    EVIDENCE_NODE, d != NULL ? d->subject : NULL, d != NULL ?
	    d->sha256 : NULL, fmt, ap);
	va_end(ap);
}

/* A finding citing the document of node n. */
static void
node_finding(struct eval *e, const char *check, const struct run_node *n,
    enum finding_result result, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void
node_finding(struct eval *e, const char *check, const struct run_node *n,
    enum finding_result result, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfinding(e, check, n->subject, result, EVIDENCE_NODE, n->subject,
	    n->sha256, fmt, ap);
	va_end(ap);
}

static size_t
count(const struct eval *e, enum evidence_kind kind)
{
	return run_view_count(e->v, kind);
}

/* "NAMESPACE/NAME" of obj, "?" for either missing; lives until the next. */
static const char *
ns_name(struct eval *e, const cJSON *obj)
{
	buf_reset(&e->subject);
	if (buf_printf_cut(&e->subject, EVAL_CUT, "%s/%s", json_str_or(obj,
	    "namespace", "?"), json_str_or(obj, "name", "?")) == -1)
		e->oom = 1;
	return buf_str(&e->subject);
}

/*
 * A JSON array of strings as one "a; b; c" phrase: the first four, then
 * "and N more". Lives in e->list until the next call.
 */
static const char *
joined(struct eval *e, const cJSON *arr)
{
	const cJSON *s;
	int n = 0;

	buf_reset(&e->list);
	cJSON_ArrayForEach(s, arr) {
		if (!cJSON_IsString(s))
			continue;
		if (n++ == 4) {
			if (buf_printf_cut(&e->list, EVAL_CUT, "; and %d more",
			    cJSON_GetArraySize(arr) - 4) == -1)
				e->oom = 1;
			break;
		}
		if (buf_printf_cut(&e->list, EVAL_CUT, "%s%s", e->list.len > 0 ?
		    "; " : "", s->valuestring) == -1)
			e->oom = 1;
	}
	return buf_str(&e->list);
}

/*
 * The node checks of each node, from the facts the store keeps of its
 * document: the same fields the document holds, without parsing 5,000 of
 * them on every evaluation. A node with the same document in the other
 * run has the same findings there, and is left out.
 */
static void
node_checks(struct eval *e)
{
	size_t i;

	for (i = 0; i < e->v->nnodes && !e->oom; i++) {
		const struct run_node *n = &e->v->nodes[i];
		cJSON *reasons;
		const char *why;
		int fe = n->fips_enabled;

		if (run_view_same_node(e->other, n))
			continue;
		node_finding(e, "FIPS-NODE-KERNEL", n, fe == 1 ? RESULT_PASS :
		    fe == 0 ? RESULT_FAIL : RESULT_MISSING, "%s", fe == 1 ?
		    "fips_enabled is 1" : fe == 0 ? "fips_enabled is 0" :
		    "fips_enabled could not be read");
		reasons = cJSON_Parse(n->reasons);
		why = joined(e, reasons);
		cJSON_Delete(reasons);
		node_finding(e, "FIPS-NODE-OS", n, n->compliant ? RESULT_PASS :
		    RESULT_FAIL, "%s", n->compliant ? "the node's FIPS evidence is "
		    "complete" : *why != '\0' ? why :
		    "the node is not in FIPS mode");
	}
}

/* Nodes the cluster lists whose evidence never came. */
static void
nodes(struct eval *e)
{
	static const char collected_gone[] = "the cluster collected the "
	    "node's report, but the run holds no node evidence for it";
	size_t i;

	for (i = 0; i < e->v->ndocs; i++) {
		const struct run_doc *d = &e->v->docs[i];
		const cJSON *n;

		if (d->kind != EVIDENCE_CLUSTER)
			continue;
		/* A cluster that lists no node shows no node's FIPS mode. */
		if (cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(d->json,
		    "nodes")) == 0 && count(e, EVIDENCE_NODE) == 0) {
			finding(e, "FIPS-NODE-KERNEL", "-", RESULT_MISSING, d,
			    "the cluster evidence lists no node");
			finding(e, "FIPS-NODE-OS", "-", RESULT_MISSING, d,
			    "the cluster evidence lists no node");
		}
		cJSON_ArrayForEach(n, cJSON_GetObjectItemCaseSensitive(d->json,
		    "nodes")) {
			const char *ev = json_get_str(n, "evidence");
			const char *name = json_get_str(n, "name");
			const char *why;

			/* Collected, it must be in the run: evidence deleted
			 * from the store after the run is not a pass. */
			if (ev != NULL && strcmp(ev, "collected") == 0) {
				if (name == NULL ||
				    run_view_node(e->v, name) != NULL)
					continue;
				finding(e, "FIPS-NODE-KERNEL", name,
				    RESULT_MISSING, d, "%s", collected_gone);
				finding(e, "FIPS-NODE-OS", name,
				    RESULT_MISSING, d, "%s", collected_gone);
				continue;
			}
			why = json_get_str(n, "evidence_error");
			if (why == NULL)
				why = ev != NULL ? ev : "unusable node name";
			finding(e, "FIPS-NODE-KERNEL", name != NULL ? name : "?",
			    RESULT_MISSING, d, "no evidence from the node: "
			    "%s", why);
			finding(e, "FIPS-NODE-OS", name != NULL ? name : "?",
			    RESULT_MISSING, d, "no evidence from the node: "
			    "%s", why);
		}
	}
	if (count(e, EVIDENCE_NODE) == 0 && count(e, EVIDENCE_CLUSTER) == 0) {
		finding(e, "FIPS-NODE-KERNEL", "-", RESULT_NA, NULL,
		    "no node evidence was collected in this run");
		finding(e, "FIPS-NODE-OS", "-", RESULT_NA, NULL,
		    "no node evidence was collected in this run");
	}
}

static enum finding_result
tri(int v, enum finding_result yes)
{
	return v == 1 ? yes : v == 0 ? RESULT_FAIL : RESULT_MISSING;
}

static void
cluster(struct eval *e)
{
	static const char *const checks[] = { "FIPS-HELM-GLOBAL",
	    "FIPS-SMP-VERSION", "FIPS-FIRST-INSTALL", "FIPS-DELEGATE",
	    "FIPS-DELEGATE-IMAGE", "FIPS-DELEGATE-UPGRADER",
	    "FIPS-CLUSTER-EVIDENCE" };
	size_t i, k;

	for (i = 0; i < e->v->ndocs; i++) {
		const struct run_doc *d = &e->v->docs[i];
		const cJSON *r, *dl;
		const char *subject, *from;
		int any = 0;

		if (d->kind != EVIDENCE_CLUSTER)
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
			subject = ns_name(e, r);
			from = joined(e, cJSON_GetObjectItemCaseSensitive(
			    cluster_current_revision(r), "global_fips_sources"));
			finding(e, "FIPS-HELM-GLOBAL", subject, tri(g, RESULT_PASS),
			    d, "global.fips is %s in the values Helm renders "
			    "with (set in: %s)", g == 1 ? "true" : g == 0 ?
			    "false" : "not set", from[0] != '\0' ? from :
			    "neither the user's values nor the chart's");
			finding(e, "FIPS-SMP-VERSION", subject, tri(v, RESULT_PASS),
			    d, "SMP %s", json_str_or(r, "smp_version",
			    "version unknown"));
			finding(e, "FIPS-FIRST-INSTALL", subject,
			    tri(s, RESULT_PASS), d, "%s", json_str_or(since,
			    "reason", "-"));
		}
		if (!any)
			for (k = 0; k < 3; k++)
				finding(e, checks[k], "-", RESULT_MISSING, d,
				    "no Harness Helm release was found");
		/* What the cluster found that no field of it carries. */
		any = 0;
		cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(d->json,
		    "other_findings")) {
			const char *check = json_get_str(r, "check");
			const char *res = json_get_str(r, "result");

			enum finding_result fr = finding_result_of(res);

			/* The cluster may say fail or missing, never pass. */
			if (check == NULL || (fr != RESULT_FAIL &&
			    fr != RESULT_MISSING))
				continue;
			any |= strcmp(check, "FIPS-CLUSTER-EVIDENCE") == 0;
			finding(e, check, json_str_or(r, "subject", "-"), fr, d,
			    "%s", json_str_or(r, "reason", "-"));
		}
		if (!any)
			finding(e, "FIPS-CLUSTER-EVIDENCE", "-", RESULT_PASS, d,
			    "%s", json_get_tristate(d->json, "cronjobs_listed") ==
			    -1 ? "every list of the cluster was read (CronJobs "
			    "were not collected)" : "every list of the cluster "
			    "was read");
		any = 0;
		cJSON_ArrayForEach(dl, cJSON_GetObjectItemCaseSensitive(d->json,
		    "delegates")) {
			int fe = json_get_tristate(dl, "fips_enabled");

			any = 1;
			subject = ns_name(e, dl);
			int fi = json_get_tristate(dl, "fips_image");

			finding(e, "FIPS-DELEGATE", subject, tri(fe, RESULT_PASS), d,
			    "FIPS_ENABLED %s (%s), image %s", fe == 1 ? "true" :
			    fe == 0 ? "not true" : "unknown",
			    json_str_or(dl, "fips_enabled_source", "-"),
			    json_str_or(dl, "image", "-"));
			finding(e, "FIPS-DELEGATE-IMAGE", subject,
			    tri(fi, RESULT_PASS), d, "image %s %s",
			    json_str_or(dl, "image", "-"),
			    fi == 1 ? "is a FIPS build" :
			    fi == 0 ? "is not a FIPS build" : "is pinned by "
			    "digest only: which build it is cannot be told");
		}
		if (!any) {
			/* A list not read hides delegates; it shows none. */
			int listed = json_get_tristate(d->json,
			    "workloads_listed") != 0;
			enum finding_result res = listed ? RESULT_NA :
			    RESULT_MISSING;
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
			subject = ns_name(e, dl);
			finding(e, "FIPS-DELEGATE-UPGRADER", subject, fi == 1 ?
			    RESULT_PASS : avail == 0 ? RESULT_NA : fi == 0 &&
			    avail == 1 ? RESULT_FAIL : RESULT_MISSING, d,
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
			    RESULT_MISSING : RESULT_NA, d, "%s",
			    listed == 1 ? "no delegate upgrader CronJob was "
			    "found" : listed == 0 ? "the CronJobs could not be "
			    "listed" : "CronJobs were not collected");
		}
	}
	if (count(e, EVIDENCE_CLUSTER) == 0)
		for (k = 0; k < sizeof(checks) / sizeof(checks[0]); k++)
			finding(e, checks[k], "-", RESULT_NA, NULL,
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
transit_plaintext(struct eval *e, const struct run_doc *d, const cJSON *ep,
    const cJSON *plain)
{
	const cJSON *as = cJSON_GetObjectItemCaseSensitive(ep,
	    "discovered_as");
	const char *name = json_get_str(as, "port_name");
	const char *proto = json_get_str(as, "app_protocol");

	finding(e, "FIPS-TRANSIT-PLAINTEXT", d->subject, RESULT_FAIL, d,
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
	const cJSON *plain;
	int plaintext = 0;
	size_t i;

	for (i = 0; i < e->v->ndocs; i++) {
		const struct run_doc *d = &e->v->docs[i];
		const cJSON *ep = cJSON_GetArrayItem(
		    cJSON_GetObjectItemCaseSensitive(d->json, "endpoints"), 0);

		if (d->kind != EVIDENCE_TLS)
			continue;
		plain = cJSON_GetObjectItemCaseSensitive(ep, "plaintext");
		if (cJSON_IsObject(plain)) {
			plaintext++;
			transit_plaintext(e, d, ep, plain);
			finding(e, "FIPS-TLS-ENDPOINT", d->subject,
			    RESULT_NA, d, "the port answers in "
			    "plaintext, not TLS (see FIPS-TRANSIT-PLAINTEXT)");
		} else if (json_get_str(ep, "error") != NULL)
			finding(e, "FIPS-TLS-ENDPOINT", d->subject,
			    RESULT_MISSING, d, "the scan failed: %s",
			    json_get_str(ep, "error"));
		else if (json_get_tristate(ep, "compliant") == 1)
			finding(e, "FIPS-TLS-ENDPOINT", d->subject, RESULT_PASS, d,
			    "everything accepted is approved");
		else
			/*
			 * An enumeration cut short, with nothing found wrong
			 * in what was seen, is evidence missing, not a pass.
			 */
			finding(e, "FIPS-TLS-ENDPOINT", d->subject,
			    only_gaps(ep) ? RESULT_MISSING : RESULT_FAIL, d,
			    "%s", joined(e, cJSON_GetObjectItemCaseSensitive(ep,
			    "findings")));
	}
	if (count(e, EVIDENCE_TLS) == 0) {
		finding(e, "FIPS-TLS-ENDPOINT", "-", RESULT_NA, NULL,
		    "no TLS endpoint was scanned in this run");
		finding(e, "FIPS-TRANSIT-PLAINTEXT", "-", RESULT_NA,
		    NULL, "no endpoint was scanned in this run");
	} else if (plaintext == 0)
		finding(e, "FIPS-TRANSIT-PLAINTEXT", "-", RESULT_PASS, NULL,
		    "every scanned endpoint answered in TLS or not at all");
}

static void
modules(struct eval *e)
{
	size_t i;

	for (i = 0; i < e->v->ndocs; i++) {
		const struct run_doc *d = &e->v->docs[i];
		const cJSON *it;

		if (d->kind != EVIDENCE_INVENTORY)
			continue;
		cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(d->json,
		    "inventory")) {
			const char *sup = json_get_str(it, "supported");

			buf_reset(&e->subject);
			if (buf_printf_cut(&e->subject, EVAL_CUT, "%s: %s at %s",
			    json_str_or(it, "module", "?"), json_str_or(it,
			    "component", "?"), json_str_or(it, "seen_at",
			    "?")) == -1)
				e->oom = 1;
			finding(e, "FIPS-MODULES", buf_str(&e->subject),
			    sup != NULL &&
			    strcmp(sup, "yes") == 0 ? RESULT_PASS : sup != NULL &&
			    strcmp(sup, "no") == 0 ? RESULT_FAIL : RESULT_MISSING,
			    d, "%s", json_str_or(it, "reason",
			    "supported in FIPS mode"));
		}
	}
	if (count(e, EVIDENCE_INVENTORY) == 0)
		finding(e, "FIPS-MODULES", "-", RESULT_NA, NULL,
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

	for (i = 0; i < e->v->ndocs; i++) {
		const struct run_doc *d = &e->v->docs[i];
		const cJSON *r, *p;

		if (d->kind != EVIDENCE_CLUSTER)
			continue;
		cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(d->json, "helm"),
		    "releases")) {
			const char *subject = ns_name(e, r);
			size_t rel = e->subject.len;
			int n = 0;

			any = 1;
			if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r,
			    "db_passwords_collected"))) {
				finding(e, "FIPS-DB-PASSWORD", subject,
				    RESULT_NA, d, "database password "
				    "lengths were not collected (a snapshot "
				    "without db-secrets.json)");
				continue;
			}
			cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(
			    r, "db_passwords")) {
				const cJSON *len = cJSON_GetObjectItemCaseSensitive(
				    p, "length");

				/* "NS/NAME DATABASE", the release's subject
				 * kept in front. */
				n++;
				buf_truncate(&e->subject, rel);
				if (buf_printf_cut(&e->subject, EVAL_CUT, " %s",
				    json_str_or(p, "database", "?")) == -1)
					e->oom = 1;
				if (!cJSON_IsNumber(len))
					finding(e, "FIPS-DB-PASSWORD",
					    buf_str(&e->subject),
					    RESULT_MISSING, d, "Secret %s "
					    "key %s (%s): %s", json_str_or(p,
					    "secret", "?"), json_str_or(p, "key",
					    "?"), json_str_or(p, "source", "?"),
					    json_str_or(p, "error",
					    "not measured"));
				else
					finding(e, "FIPS-DB-PASSWORD",
					    buf_str(&e->subject),
					    len->valuedouble >= DB_PASSWORD_MIN ?
					    RESULT_PASS : RESULT_FAIL, d, "Secret %s key %s "
					    "(%s): %.0f characters (at least %d "
					    "needed)", json_str_or(p, "secret",
					    "?"), json_str_or(p, "key", "?"),
					    json_str_or(p, "source", "?"),
					    len->valuedouble, DB_PASSWORD_MIN);
			}
			buf_truncate(&e->subject, rel);
			if (n == 0)
				finding(e, "FIPS-DB-PASSWORD",
				    buf_str(&e->subject),
				    RESULT_NA, d, "no database of the "
				    "release uses a password");
		}
	}
	if (!any)
		finding(e, "FIPS-DB-PASSWORD", "-", RESULT_NA, NULL,
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

const char *const finding_result_names[RESULT__MAX] = {
	[RESULT_PASS] = "pass",
	[RESULT_FAIL] = "fail",
	[RESULT_MISSING] = "missing-evidence",
	[RESULT_NA] = "not-applicable",
};

enum finding_result
finding_result_of(const char *name)
{
	int r;

	for (r = 0; r < RESULT__MAX; r++)
		if (name != NULL && strcmp(name, finding_result_names[r]) == 0)
			return (enum finding_result)r;
	return RESULT__MAX;
}

const char *
controls_evaluator(void)
{
	return FIPSEV_EVALUATOR;
}

int
controls_digest(char hex[SHA256_HEX_LEN + 1])
{
	return sha256_hex(data_controls, data_controls_len, hex);
}

cJSON *
controls_judge(const struct run_view *v, const struct run_view *other)
{
	struct eval e;
	cJSON *out = NULL, *checks, *sum;

	memset(&e, 0, sizeof(e));
	e.v = v;
	e.other = other;
	buf_init(&e.reason, EVAL_TEXT_MAX);
	buf_init(&e.subject, EVAL_TEXT_MAX);
	buf_init(&e.list, EVAL_TEXT_MAX);
	if ((checks = catalogue()) == NULL ||
	    (out = cJSON_CreateObject()) == NULL) {
		cJSON_Delete(checks);
		goto oom;
	}
	cJSON_AddItemToObject(out, "checks", checks);
	if ((e.findings = cJSON_AddArrayToObject(out, "findings")) == NULL)
		goto oom;
	node_checks(&e);
	nodes(&e);
	cluster(&e);
	tls(&e);
	modules(&e);
	db_passwords(&e);
	if (e.oom)
		goto oom;
	if ((sum = cJSON_AddObjectToObject(out, "summary")) == NULL ||
	    cJSON_AddNumberToObject(sum, "pass", e.count[RESULT_PASS]) == NULL ||
	    cJSON_AddNumberToObject(sum, "fail", e.count[RESULT_FAIL]) == NULL ||
	    cJSON_AddNumberToObject(sum, "missing_evidence",
	    e.count[RESULT_MISSING]) == NULL ||
	    cJSON_AddNumberToObject(sum, "not_applicable", e.count[RESULT_NA]) ==
	    NULL ||
	    cJSON_AddNumberToObject(sum, "nodes",
	    (double)count(&e, EVIDENCE_NODE)) == NULL ||
	    cJSON_AddNumberToObject(sum, "endpoints",
	    (double)count(&e, EVIDENCE_TLS)) == NULL ||
	    json_add_str(out, "verdict", e.count[RESULT_FAIL] == 0 &&
	    e.count[RESULT_MISSING] == 0 ? "compliant" : "noncompliant"))
		goto oom;
	goto out;
oom:
	log_err("out of memory evaluating the controls");
	cJSON_Delete(out);
	out = NULL;
out:
	buf_release(&e.reason);
	buf_release(&e.subject);
	buf_release(&e.list);
	return out;
}
