/*
 * collect.c - one collection recorded as a run; see collect.h.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "assess/assess.h"
#include "collector/cluster/cluster.h"
#include "collector/cluster/probe.h"
#include "collector/cluster/values.h"
#include "collector/inventory/charts.h"
#include "collector/inventory/harness.h"
#include "collector/inventory/inventory.h"
#include "collector/inventory/matrix.h"
#include "collector/net/kube.h"
#include "collector/node/node.h"
#include "collector/tls/fips_policy.h"
#include "collector/tls/tls_scan.h"
#include "evaluate/controls.h"
#include "fipsev_version.h"
#include "job/collect.h"
#include "job/plan.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/json.h"
#include "util/log.h"
#include "util/text.h"
#include "util/banned.h"

/*
 * Add to an endpoint what the cluster said of it, if the cluster named it
 * as a target: where it was found, and a Service port's name and
 * appProtocol. Returns -1 when out of memory.
 */
static int
discovered_as(cJSON *ep, const cJSON *cluster)
{
	const char *target = json_get_str(ep, "target");
	const cJSON *t;
	cJSON *as;

	cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(cluster,
	    "tls_targets")) {
		if (target == NULL || json_get_str(t, "target") == NULL ||
		    strcmp(json_get_str(t, "target"), target) != 0)
			continue;
		if ((as = cJSON_Duplicate(t, 1)) == NULL ||
		    !cJSON_AddItemToObject(ep, "discovered_as", as)) {
			cJSON_Delete(as);
			return -1;
		}
		break;
	}
	return 0;
}

/*
 * Store each endpoint of a scan as its own document (one endpoint each),
 * so that an unchanged endpoint is stored once however many runs cite it.
 */
static int
store_endpoints(struct store *st, const cJSON *scan, const cJSON *cluster)
{
	const cJSON *ep;

	cJSON_ArrayForEach(ep, cJSON_GetObjectItemCaseSensitive(scan,
	    "endpoints")) {
		cJSON *doc = cJSON_CreateObject(), *arr, *copy = NULL;
		char *json = NULL;
		int r = -1;

		if (doc != NULL && json_add_str(doc, "format", TLS_FORMAT) == 0 &&
		    json_add_str(doc, "policy", json_get_str(scan, "policy")) ==
		    0 && (arr = cJSON_AddArrayToObject(doc, "endpoints")) !=
		    NULL && (copy = cJSON_Duplicate(ep, 1)) != NULL &&
		    cJSON_AddItemToArray(arr, copy) &&
		    discovered_as(copy, cluster) == 0 &&
		    (json = json_print(doc)) != NULL)
			r = store_run_add_tls(st, json, strlen(json));
		else
			log_err("out of memory storing TLS evidence");
		free(json);
		cJSON_Delete(doc);
		if (r == -1)
			return -1;
	}
	return 0;
}

/* Is the node of doc (this node) one of the cluster's reports? */
static int
node_in_reports(const cJSON *doc, const struct cluster_evidence *ev)
{
	const char *me = json_get_str(cJSON_GetObjectItemCaseSensitive(doc,
	    "node"), "hostname");
	size_t i;
	int found = 0;

	for (i = 0; me != NULL && !found && i < ev->nreports; i++)
		found = ev->reports[i].host != NULL &&
		    strcmp(ev->reports[i].host, me) == 0;
	return found;
}

static int
listed(char *const *list, int n, const char *s)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(list[i], s) == 0)
			return 1;
	return 0;
}

/*
 * The cluster's TLS endpoints, less those excluded or already given:
 * plain ones into plain, SMTP ones (STARTTLS) into smtp. The strings
 * belong to the cluster document.
 */
static int
discovered(const struct collect_plan *o, const cJSON *doc, char ***plain,
    int *nplain, char ***smtp, int *nsmtp)
{
	const cJSON *t;

	cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(doc,
	    "tls_targets")) {
		const char *target = json_get_str(t, "target");
		const char *st = json_get_str(t, "starttls");
		char ***list = st != NULL ? smtp : plain;
		int *n = st != NULL ? nsmtp : nplain;
		char **grown;

		if (target == NULL ||
		    listed((char *const *)o->excluded, o->nexcluded, target) ||
		    listed(o->targets, o->ntargets, target) ||
		    listed(*list, *n, target))
			continue;
		if ((grown = reallocarray(*list, (size_t)*n + 1,
		    sizeof(*grown))) == NULL) {
			log_errno("collect");
			return -1;
		}
		*list = grown;
		grown[(*n)++] = (char *)target;
	}
	return 0;
}

/*
 * Judge the open run once, before it is committed: the controls over what
 * was just stored, with the digests of what decided (the controls, the
 * support matrix, the chart model, the TLS policy). The store keeps the
 * verdict and the evaluation in the run's own transaction, and everything
 * that reports the run reads them. JOB_COMPLIANT or JOB_NONCOMPLIANT, or
 * JOB_FAILED after logging.
 */
static enum job_status
evaluate_open_run(struct store *st, const struct matrix *matrix,
    const struct chart_model *charts, const struct fips_policy *policy)
{
	char hex[SHA256_HEX_LEN + 1];
	cJSON *eval, *in;
	const char *verdict;
	char *json = NULL;
	enum job_status rc = JOB_FAILED;

	if ((eval = assess_run(st, store_run_open_id(st))) == NULL)
		return JOB_FAILED;
	verdict = json_get_str(eval, "verdict");
	if ((in = cJSON_AddObjectToObject(eval, "inputs")) == NULL ||
	    controls_digest(hex) == -1 ||
	    json_add_str(in, "controls_sha256", hex) ||
	    json_add_str(in, "evaluator_sha256", controls_evaluator()) ||
	    (matrix != NULL && (matrix_digest(matrix, hex) == -1 ||
	    json_add_str(in, "support_matrix_sha256", hex) ||
	    json_add_str(in, "support_matrix_version",
	    matrix_version(matrix)))) ||
	    (charts != NULL && (chart_model_digest(charts, hex) == -1 ||
	    json_add_str(in, "chart_model_sha256", hex))) ||
	    (policy != NULL && (fips_policy_digest(policy, hex) == -1 ||
	    json_add_str(in, "tls_policy_sha256", hex) ||
	    json_add_str(in, "tls_policy_version",
	    fips_policy_version(policy)))) ||
	    (json = json_print(eval)) == NULL) {
		log_err("out of memory evaluating the run");
		goto out;
	}
	if (store_run_set_evaluation(st, verdict, json, strlen(json)) == -1)
		goto out;
	rc = strcmp(verdict, "compliant") == 0 ? JOB_COMPLIANT :
	    JOB_NONCOMPLIANT;
out:
	free(json);
	cJSON_Delete(eval);
	return rc;
}

enum job_status
job_collect(const struct collect_plan *p, struct job_collected *res)
{
	struct probe_opts probe = p->probe;
	struct store_run_meta meta;
	struct store *st = NULL;
	struct fips_policy *policy = NULL;
	struct cluster_evidence cluster;
	struct buf report;	/* one node report at a time, for the store */
	struct matrix *matrix = NULL;
	struct chart_model *charts = NULL;
	cJSON *doc = NULL, *scan = NULL, *scan2 = NULL, *scan3 = NULL;
	cJSON *harness = NULL, *inventory = NULL;
	char *hjson = NULL, *ijson = NULL;
	unsigned char rkey[64];
	size_t rkeylen;
	char **plain = NULL, **smtp = NULL;
	int nplain = 0, nsmtp = 0;
	char started[32], host[256];
	char *path = NULL, *json = NULL, *cjson = NULL;
	int64_t run_id;
	size_t i;
	enum job_status verdict, rc = JOB_FAILED;

	memset(res, 0, sizeof(*res));
	memset(&cluster, 0, sizeof(cluster));
	buf_init(&report, CLUSTER_REPORT_MAX);

	/* Open the store first: a bad --db fails before any work. */
	if ((path = store_path(p->db)) == NULL ||
	    store_open(path, STORE_CREATE, &st) == -1)
		goto out;
	/* Markers are keyed per store (or by the key given), before any
	 * value is read. */
	if (store_redaction_key(path, p->redaction_key, rkey, sizeof(rkey),
	    &rkeylen) == -1 || values_redact_key(rkey, rkeylen) == -1) {
		explicit_bzero(rkey, sizeof(rkey));
		goto out;
	}
	explicit_bzero(rkey, sizeof(rkey));
	if (p->ntargets > 0 && fips_policy_load(p->policy, &policy) == -1)
		goto out;
	if (utc_now(started, sizeof(started)) == -1) {
		log_err("cannot read the clock");
		goto out;
	}
	if (gethostname(host, sizeof(host)) == -1) {
		log_errno("cannot read this machine's host name");
		goto out;
	}
	host[sizeof(host) - 1] = '\0';

	/* Collect everything, then write it in one short transaction. */
	if (p->node && ((doc = node_collect(p->root)) == NULL ||
	    (json = json_print(doc)) == NULL))
		goto out;
	if (p->snapshot != NULL && cluster_from_snapshot(p->snapshot,
	    p->values, (size_t)p->nvalues, &cluster) == -1)
		goto out;
	if (p->kubeconfig != NULL || p->in_cluster) {
		struct kube_opts ko;

		kube_defaults(&ko);
		ko.kubeconfig = p->kubeconfig;
		ko.context = p->context;
		/* Tests point the in-cluster client at their own files. */
		ko.sa_dir = getenv("FIPSEV_SA_DIR");
		/* Tests poll their fake API server faster. */
		if (getenv("FIPSEV_TEST_PROBE_POLL_MS") != NULL)
			probe.poll_ms = atoi(getenv(
			    "FIPSEV_TEST_PROBE_POLL_MS"));
		if (cluster_from_api(&ko, p->node_reports, probe.image != NULL ?
		    &probe : NULL, p->release_ns, (size_t)p->nrelease_ns,
		    p->values,
		    (size_t)p->nvalues, &cluster) == -1)
			goto out;
	}
	if (cluster.doc != NULL && (cjson = json_print(cluster.doc)) == NULL)
		goto out;
	if (p->harness.url != NULL && (harness = harness_collect(&p->harness)) ==
	    NULL)
		goto out;
	/* What modules and components are in use, against the matrix. */
	if ((cluster.doc != NULL || harness != NULL) &&
	    (matrix_load(p->matrix, &matrix) == -1 ||
	    chart_model_load(NULL, &charts) == -1 ||
	    (inventory = inventory_build(matrix, charts, cluster.doc,
	    harness)) ==
	    NULL || (ijson = json_print(inventory)) == NULL ||
	    (harness != NULL && (hjson = json_print(harness)) == NULL)))
		goto out;
	if (p->ntargets > 0 && (scan = tls_scan((const char *const *)p->targets,
	    (size_t)p->ntargets, &p->scan, policy)) == NULL)
		goto out;
	if (p->scan_discovered && cluster.doc != NULL) {
		struct tls_scan_opts so = p->scan;

		so.no_link_local = !p->scan_link_local;

		if (discovered(p, cluster.doc, &plain, &nplain, &smtp,
		    &nsmtp) == -1)
			goto out;
		if (policy == NULL && (nplain > 0 || nsmtp > 0) &&
		    fips_policy_load(p->policy, &policy) == -1)
			goto out;
		so.starttls = STARTTLS_NONE;
		if (nplain > 0 && (scan2 = tls_scan((const char *const *)plain,
		    (size_t)nplain, &so, policy)) == NULL)
			goto out;
		so.starttls = STARTTLS_SMTP;
		if (nsmtp > 0 && (scan3 = tls_scan((const char *const *)smtp,
		    (size_t)nsmtp, &so, policy)) == NULL)
			goto out;
	}
	meta.started = started;
	meta.host = host;
	meta.tool_version = FIPSEV_VERSION;
	/*
	 * This node may also be in the cluster's reports (fipsev running in
	 * the cluster it audits): one run holds one document per node, and
	 * the cluster's report, from the node's own probe, is kept.
	 */
	if (json != NULL && node_in_reports(doc, &cluster)) {
		if ((res->also_in_reports = strdup(json_get_str(
		    cJSON_GetObjectItemCaseSensitive(doc, "node"),
		    "hostname"))) == NULL) {
			log_errno("collect");
			goto out;
		}
		free(json);
		json = NULL;
	}
	if (store_run_begin(st, &meta) == -1 ||
	    (json != NULL && store_run_add_node(st, json, strlen(json)) == -1))
		goto out;
	/* Each node's own evidence, byte for byte, then the cluster's. */
	for (i = 0; i < cluster.nreports; i++)
		if (cluster_report(&cluster, i, &report) == -1 ||
		    store_run_add_node(st, buf_str(&report), report.len) == -1)
			goto out;
	if ((cjson != NULL && store_run_add_cluster(st, "cluster", cjson,
	    strlen(cjson)) == -1) ||
	    (hjson != NULL && store_run_add_document(st, EVIDENCE_HARNESS,
	    p->harness.account, hjson, strlen(hjson)) == -1) ||
	    (ijson != NULL && store_run_add_document(st, EVIDENCE_INVENTORY,
	    "inventory", ijson, strlen(ijson)) == -1) ||
	    (scan != NULL && store_endpoints(st, scan, cluster.doc) == -1) ||
	    (scan2 != NULL && store_endpoints(st, scan2, cluster.doc) == -1) ||
	    (scan3 != NULL && store_endpoints(st, scan3, cluster.doc) == -1) ||
	    (verdict = evaluate_open_run(st, matrix, charts, policy)) ==
	    JOB_FAILED ||
	    store_run_commit(st, &run_id) == -1)
		goto out;
	rc = verdict;
	res->run = run_id;
	res->store = path;
	path = NULL;
	res->nodes = (json != NULL) + cluster.nreports;
	res->endpoints = p->ntargets + nplain + nsmtp;
	res->cluster = cluster.doc != NULL;
	res->inventory = inventory != NULL;
out:
	store_close(st);
	cJSON_Delete(doc);
	cJSON_Delete(scan);
	cJSON_Delete(scan2);
	cJSON_Delete(scan3);
	cJSON_Delete(harness);
	cJSON_Delete(inventory);
	matrix_free(matrix);
	chart_model_free(charts);
	free(hjson);
	free(ijson);
	free(plain);
	free(smtp);
	fips_policy_free(policy);
	buf_release(&report);
	cluster_evidence_release(&cluster);
	free(cjson);
	free(json);
	free(path);
	if (rc == JOB_FAILED)
		job_collected_release(res);
	return rc;
}

void
job_collected_release(struct job_collected *c)
{
	free(c->store);
	free(c->also_in_reports);
	memset(c, 0, sizeof(*c));
}
