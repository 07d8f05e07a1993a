/*
 * cmd_collect.c - "fipsev collect": gather evidence and record it as a run.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "assess/assess.h"
#include "cli/cmd.h"
#include "collector/cluster/cluster.h"
#include "collector/tls/fips_policy.h"
#include "collector/inventory/harness.h"
#include "collector/inventory/charts.h"
#include "collector/inventory/inventory.h"
#include "collector/inventory/matrix.h"
#include "collector/net/kube.h"
#include "collector/cluster/probe.h"
#include "collector/node/node.h"
#include "collector/tls/tls_scan.h"
#include "collector/cluster/values.h"
#include "fipsev_version.h"
#include "evaluate/controls.h"
#include "store/store.h"
#include "cli/tls_cli.h"
#include "util/buf.h"
#include "util/json.h"
#include "util/log.h"
#include "util/text.h"
#include "util/banned.h"

const char cmd_collect_usage[] =
    "usage: fipsev collect [--node [--root DIR]]\n"
    "                      [--snapshot DIR | --kubeconfig FILE [--context C]\n"
    "                       | --in-cluster] [--node-reports DIR]\n"
    "                      [--values FILE...] [--tls HOST:PORT...]\n"
    "                      [TLS options] [--db FILE]\n"
    "\n"
    "Collect evidence and record it in the store as one run. Everything is\n"
    "collected first, then written in a single transaction: if fipsev is\n"
    "stopped midway, nothing of it is kept and earlier runs are untouched.\n"
    "\n"
    "  --node          collect this node's FIPS evidence (see 'fipsev node')\n"
    "  --root DIR      read the host through DIR (default /)\n"
    "  --snapshot DIR  the cluster's evidence from 'kubectl get -o json'\n"
    "                  files and node reports in DIR (README \"Cluster\n"
    "                  evidence\" lists them); a missing file is missing\n"
    "                  evidence, not an error\n"
    "  --kubeconfig FILE\n"
    "                  read the cluster from its API server, with the\n"
    "                  credentials of FILE's current context (read-only;\n"
    "                  TLS always verified)\n"
    "  --context C     use kubeconfig context C instead\n"
    "  --in-cluster    read the cluster with this pod's service account\n"
    "  --release-namespace NS\n"
    "                  look for Helm releases in NS only, repeatable\n"
    "                  (default: all namespaces; each NS needs only a\n"
    "                  namespaced Role)\n"
    "  --probe-image IMAGE\n"
    "                  with the API: read each node from a short-lived pod\n"
    "                  pinned to it, running IMAGE's fipsev (README\n"
    "                  \"Cluster evidence\")\n"
    "  --probe-namespace NS  where the probe pods run (default fipsev)\n"
    "  --probe-timeout S     seconds per node (default 120)\n"
    "  --node-reports DIR\n"
    "                  with the API, instead of probes: each node's\n"
    "                  'fipsev node --json' as DIR/NODE.json\n"
    "  --harness-url URL      read the modules in use from the Harness API\n"
    "                         at URL (e.g. https://harness.example.com/gateway)\n"
    "  --harness-account ID   its account identifier\n"
    "  --harness-key-file F   the API key, from a file (else $"
    HARNESS_KEY_ENV "; never an argument)\n"
    "  --harness-ca FILE      trust these CAs for the Harness API\n"
    "  --support-matrix FILE  the FIPS support matrix to judge modules by,\n"
    "                         instead of data/harness/support-matrix.tsv\n"
    "  --values FILE   a Helm values file to judge beside the release\n"
    "                  (repeat: merged in order, as helm -f does)\n"
    "  --tls HOST:PORT scan this TLS endpoint (see 'fipsev scan'); repeat\n"
    "                  for more, or give a comma-separated list\n"
    "  --scan-discovered\n"
    "                  also scan the TLS endpoints the cluster names\n"
    "                  (Ingress hosts, LoadBalancer and NodePort Services,\n"
    "                  SMTP servers in the values, with STARTTLS); never\n"
    "                  one that resolves to a link-local or metadata\n"
    "                  address (169.254.0.0/16, fe80::/10, fd00:ec2::254)\n"
    "  --scan-link-local\n"
    "                  scan discovered link-local and metadata addresses\n"
    "                  too (the cluster names them, not the operator)\n"
    "  --exclude-tls HOST:PORT\n"
    "                  never scan this endpoint (repeat for more)\n"
    TLS_CLI_HELP
    "  --redaction-key FILE\n"
    "                  the key of the redaction markers (HMAC-SHA-256),\n"
    "                  16 to 64 bytes; default: STORE.redaction-key, made\n"
    "                  0600 beside the store (give one key to a fleet of\n"
    "                  stores to compare markers across them)\n"
    DB_OPTION_HELP
    "  -h, --help      show this help\n";

/* Targets given with --tls; more than this is a usage error. */
#define COLLECT_MAX_TARGETS	4096
/* Values files given with --values. */
#define COLLECT_MAX_VALUES	64

struct collect_opts {
	int		 node;
	const char	*root;
	const char	*db;
	const char	*redaction_key;	/* NULL: the store's own */
	const char	*snapshot;
	const char	*kubeconfig;
	const char	*context;
	int		 in_cluster;
	const char	*node_reports;
	const char	*release_ns[COLLECT_MAX_VALUES];
	int		 nrelease_ns;
	struct probe_opts probe;
	int		 scan_discovered;
	int		 scan_link_local;
	struct harness_opts harness;
	const char	*matrix;
	const char	*excluded[COLLECT_MAX_VALUES];
	int		 nexcluded;
	const char	*values[COLLECT_MAX_VALUES];
	int		 nvalues;
	struct tls_cli	 tls;
	char		**targets;	/* owned, from --tls */
	int		 ntargets;
};

/* A Kubernetes namespace name: a DNS label (RFC 1123). */
static int
dns_label(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n <= 63 && s[0] != '-' && s[n - 1] != '-' &&
	    strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

/* Add the comma-separated targets in arg. Returns 0, or an exit status. */
static int
add_targets(struct collect_opts *o, const char *arg)
{
	char *copy, *p, *save = NULL, *host, *port;

	if ((copy = strdup(arg)) == NULL) {
		log_errno("collect");
		return EXIT_FAILURE_RUN;
	}
	for (p = strtok_r(copy, ",", &save); p != NULL;
	    p = strtok_r(NULL, ",", &save)) {
		char **t;

		if (o->ntargets == COLLECT_MAX_TARGETS) {
			free(copy);
			return cmd_usage_error("collect", "more than %d TLS "
			    "targets", COLLECT_MAX_TARGETS);
		}
		if (tls_target_parse(p, o->tls.scan.starttls, &host,
		    &port) == -1) {
			free(copy);
			return EXIT_FAILURE_RUN;
		}
		free(host);
		free(port);
		if ((t = reallocarray(o->targets, (size_t)o->ntargets + 1,
		    sizeof(*t))) == NULL || (t[o->ntargets] = strdup(p)) ==
		    NULL) {
			if (t != NULL)
				o->targets = t;
			free(copy);
			log_errno("collect");
			return EXIT_FAILURE_RUN;
		}
		o->targets = t;
		o->ntargets++;
	}
	free(copy);
	return 0;
}

static void
free_targets(struct collect_opts *o)
{
	int i;

	for (i = 0; i < o->ntargets; i++)
		free(o->targets[i]);
	free(o->targets);
}

static int
parse_opts(int argc, char **argv, struct collect_opts *o, int *status)
{
	static const struct option longopts[] = {
		{ "node", no_argument, NULL, 'n' },
		{ "root", required_argument, NULL, 'r' },
		{ "tls", required_argument, NULL, 't' },
		{ "snapshot", required_argument, NULL, 's' },
		{ "values", required_argument, NULL, 'v' },
		{ "kubeconfig", required_argument, NULL, 'k' },
		{ "context", required_argument, NULL, 'c' },
		{ "in-cluster", no_argument, NULL, 'i' },
		{ "node-reports", required_argument, NULL, 'R' },
		{ "probe-image", required_argument, NULL, 'P' },
		{ "release-namespace", required_argument, NULL, 'S' },
		{ "scan-discovered", no_argument, NULL, 'D' },
		{ "scan-link-local", no_argument, NULL, 'L' },
		{ "harness-url", required_argument, NULL, 'U' },
		{ "harness-account", required_argument, NULL, 'A' },
		{ "harness-key-file", required_argument, NULL, 'K' },
		{ "harness-ca", required_argument, NULL, 'C' },
		{ "support-matrix", required_argument, NULL, 'M' },
		{ "exclude-tls", required_argument, NULL, 'X' },
		{ "probe-namespace", required_argument, NULL, 'N' },
		{ "probe-timeout", required_argument, NULL, 'T' },
		TLS_CLI_LONGOPTS,
		{ "db", required_argument, NULL, 'd' },
		{ "redaction-key", required_argument, NULL, 'Y' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char **tls_args = NULL;
	int c, i, ntls = 0, api;

	o->node = 0;
	o->root = "/";
	o->db = NULL;
	o->redaction_key = NULL;
	o->targets = NULL;
	o->ntargets = 0;
	o->snapshot = NULL;
	o->kubeconfig = NULL;
	o->context = NULL;
	o->in_cluster = 0;
	o->node_reports = NULL;
	o->nrelease_ns = 0;
	o->scan_discovered = 0;
	o->scan_link_local = 0;
	memset(&o->harness, 0, sizeof(o->harness));
	o->harness.page_size = 100;
	o->matrix = NULL;
	o->nexcluded = 0;
	probe_defaults(&o->probe);
	o->nvalues = 0;
	tls_cli_init(&o->tls);
	/* Targets are checked after all options: --starttls changes ports. */
	if ((tls_args = calloc((size_t)argc, sizeof(*tls_args))) == NULL) {
		log_errno("collect");
		*status = EXIT_FAILURE_RUN;
		return 1;
	}
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			o->node = 1;
			break;
		case 'r':
			o->root = optarg;
			break;
		case 'd':
			o->db = optarg;
			break;
		case 'Y':
			o->redaction_key = optarg;
			break;
		case 't':
			tls_args[ntls++] = optarg;
			break;
		case 's':
			o->snapshot = optarg;
			break;
		case 'k':
			o->kubeconfig = optarg;
			break;
		case 'c':
			o->context = optarg;
			break;
		case 'i':
			o->in_cluster = 1;
			break;
		case 'R':
			o->node_reports = optarg;
			break;
		case 'P':
			o->probe.image = optarg;
			break;
		case 'S':
			if (o->nrelease_ns == COLLECT_MAX_VALUES) {
				free(tls_args);
				*status = cmd_usage_error("collect", "more than "
				    "%d --release-namespace options",
				    COLLECT_MAX_VALUES);
				return 1;
			}
			o->release_ns[o->nrelease_ns++] = optarg;
			break;
		case 'D':
			o->scan_discovered = 1;
			break;
		case 'L':
			o->scan_link_local = 1;
			break;
		case 'U':
			o->harness.url = optarg;
			break;
		case 'A':
			o->harness.account = optarg;
			break;
		case 'K':
			o->harness.key_file = optarg;
			break;
		case 'C':
			o->harness.ca_file = optarg;
			break;
		case 'M':
			o->matrix = optarg;
			break;
		case 'X':
			if (o->nexcluded == COLLECT_MAX_VALUES) {
				free(tls_args);
				*status = cmd_usage_error("collect", "more than "
				    "%d --exclude-tls", COLLECT_MAX_VALUES);
				return 1;
			}
			o->excluded[o->nexcluded++] = optarg;
			break;
		case 'N':
			o->probe.ns = optarg;
			break;
		case 'T': {
			char *end;
			long secs = strtol(optarg, &end, 10);

			if (*optarg == '\0' || *end != '\0' || secs < 1 ||
			    secs > 3600) {
				free(tls_args);
				*status = cmd_usage_error("collect",
				    "--probe-timeout '%s': give 1 to 3600 "
				    "seconds", optarg);
				return 1;
			}
			o->probe.timeout_ms = (int)secs * 1000;
			break;
		}
		case 'v':
			if (o->nvalues == COLLECT_MAX_VALUES) {
				free(tls_args);
				*status = cmd_usage_error("collect", "more than "
				    "%d --values files", COLLECT_MAX_VALUES);
				return 1;
			}
			o->values[o->nvalues++] = optarg;
			break;
		case 'h':
			free(tls_args);
			return cmd_help(cmd_collect_usage, status);
		case ':':
		case '?':
			free(tls_args);
			*status = cmd_bad_option("collect", argc, argv, c);
			return 1;
		default:
			if ((*status = tls_cli_option("collect", &o->tls, c,
			    optarg)) != 0) {
				free(tls_args);
				return 1;
			}
			break;
		}
	}
	for (i = 0; i < ntls; i++)
		if ((*status = add_targets(o, tls_args[i])) != 0) {
			free(tls_args);
			return 1;
		}
	free(tls_args);
	if (cmd_extra_args("collect", argc, argv, status))
		return 1;
	api = o->kubeconfig != NULL || o->in_cluster;
	if ((o->snapshot != NULL) + (o->kubeconfig != NULL) + o->in_cluster >
	    1) {
		*status = cmd_usage_error("collect", "give one of --snapshot, "
		    "--kubeconfig and --in-cluster");
		return 1;
	}
	if (o->context != NULL && o->kubeconfig == NULL) {
		*status = cmd_usage_error("collect", "--context needs "
		    "--kubeconfig");
		return 1;
	}
	if ((o->node_reports != NULL || o->probe.image != NULL) && !api) {
		*status = cmd_usage_error("collect", "--node-reports and "
		    "--probe-image go with --kubeconfig or --in-cluster (a "
		    "snapshot has its own node reports)");
		return 1;
	}
	for (i = 0; i < o->nrelease_ns; i++)
		if (!dns_label(o->release_ns[i])) {
			*status = cmd_usage_error("collect", "namespace '%s' is "
			    "not a Kubernetes namespace name", o->release_ns[i]);
			return 1;
		}
	if (!dns_label(o->probe.ns)) {
		*status = cmd_usage_error("collect", "namespace '%s' is not a "
		    "Kubernetes namespace name", o->probe.ns);
		return 1;
	}
	if (o->scan_discovered && o->snapshot == NULL && !api) {
		*status = cmd_usage_error("collect", "--scan-discovered needs "
		    "a cluster: --snapshot, --kubeconfig or --in-cluster");
		return 1;
	}
	if (o->node_reports != NULL && o->probe.image != NULL) {
		*status = cmd_usage_error("collect", "give --node-reports or "
		    "--probe-image, not both");
		return 1;
	}
	if (o->nvalues > 0 && o->snapshot == NULL && !api) {
		*status = cmd_usage_error("collect", "--values needs "
		    "--snapshot, --kubeconfig or --in-cluster: values are "
		    "judged beside the cluster");
		return 1;
	}
	if ((o->harness.url == NULL) != (o->harness.account == NULL)) {
		*status = cmd_usage_error("collect", "--harness-url and "
		    "--harness-account go together");
		return 1;
	}
	if (!o->node && o->ntargets == 0 && o->snapshot == NULL && !api &&
	    o->harness.url == NULL) {
		*status = cmd_usage_error("collect", "nothing to collect: "
		    "give --node, --snapshot, --kubeconfig, --in-cluster, "
		    "--harness-url or --tls");
		return 1;
	}
	return 0;
}

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
discovered(const struct collect_opts *o, const cJSON *doc, char ***plain,
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
 * that reports the run reads them. EXIT_COMPLIANT or EXIT_NONCOMPLIANT,
 * or -1 after logging.
 */
static int
evaluate_open_run(struct store *st, const struct matrix *matrix,
    const struct chart_model *charts, const struct fips_policy *policy)
{
	char hex[SHA256_HEX_LEN + 1];
	cJSON *eval, *in;
	const char *verdict;
	char *json = NULL;
	int rc = -1;

	if ((eval = assess_run(st, store_run_open_id(st))) == NULL)
		return -1;
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
	rc = strcmp(verdict, "compliant") == 0 ? EXIT_COMPLIANT :
	    EXIT_NONCOMPLIANT;
out:
	free(json);
	cJSON_Delete(eval);
	return rc;
}

int
cmd_collect(int argc, char **argv)
{
	return collect_run(argc, argv, NULL);
}

int
collect_run(int argc, char **argv, int64_t *recorded)
{
	struct collect_opts o;
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
	int rc, verdict;

	memset(&cluster, 0, sizeof(cluster));
	buf_init(&report, CLUSTER_REPORT_MAX);

	if (parse_opts(argc, argv, &o, &rc) != 0) {
		free_targets(&o);
		return rc;
	}
	rc = EXIT_FAILURE_RUN;

	/* Open the store first: a bad --db fails before any work. */
	if (cmd_open_store(o.db, STORE_CREATE, &path, &st) == -1)
		goto out;
	/* Markers are keyed per store (or by the key given), before any
	 * value is read. */
	if (store_redaction_key(path, o.redaction_key, rkey, sizeof(rkey),
	    &rkeylen) == -1 || values_redact_key(rkey, rkeylen) == -1) {
		explicit_bzero(rkey, sizeof(rkey));
		goto out;
	}
	explicit_bzero(rkey, sizeof(rkey));
	if (o.ntargets > 0 && fips_policy_load(o.tls.policy, &policy) == -1)
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
	if (o.node && ((doc = node_collect(o.root)) == NULL ||
	    (json = json_print(doc)) == NULL))
		goto out;
	if (o.snapshot != NULL && cluster_from_snapshot(o.snapshot,
	    o.values, (size_t)o.nvalues, &cluster) == -1)
		goto out;
	if (o.kubeconfig != NULL || o.in_cluster) {
		struct kube_opts ko;

		kube_defaults(&ko);
		ko.kubeconfig = o.kubeconfig;
		ko.context = o.context;
		/* Tests point the in-cluster client at their own files. */
		ko.sa_dir = getenv("FIPSEV_SA_DIR");
		/* Tests poll their fake API server faster. */
		if (getenv("FIPSEV_TEST_PROBE_POLL_MS") != NULL)
			o.probe.poll_ms = atoi(getenv(
			    "FIPSEV_TEST_PROBE_POLL_MS"));
		if (cluster_from_api(&ko, o.node_reports, o.probe.image != NULL ?
		    &o.probe : NULL, o.release_ns, (size_t)o.nrelease_ns,
		    o.values,
		    (size_t)o.nvalues, &cluster) == -1)
			goto out;
	}
	if (cluster.doc != NULL && (cjson = json_print(cluster.doc)) == NULL)
		goto out;
	if (o.harness.url != NULL && (harness = harness_collect(&o.harness)) ==
	    NULL)
		goto out;
	/* What modules and components are in use, against the matrix. */
	if ((cluster.doc != NULL || harness != NULL) &&
	    (matrix_load(o.matrix, &matrix) == -1 ||
	    chart_model_load(NULL, &charts) == -1 ||
	    (inventory = inventory_build(matrix, charts, cluster.doc,
	    harness)) ==
	    NULL || (ijson = json_print(inventory)) == NULL ||
	    (harness != NULL && (hjson = json_print(harness)) == NULL)))
		goto out;
	if (o.ntargets > 0 && (scan = tls_scan((const char *const *)o.targets,
	    (size_t)o.ntargets, &o.tls.scan, policy)) == NULL)
		goto out;
	if (o.scan_discovered && cluster.doc != NULL) {
		struct tls_scan_opts so = o.tls.scan;

		so.no_link_local = !o.scan_link_local;

		if (discovered(&o, cluster.doc, &plain, &nplain, &smtp,
		    &nsmtp) == -1)
			goto out;
		if (policy == NULL && (nplain > 0 || nsmtp > 0) &&
		    fips_policy_load(o.tls.policy, &policy) == -1)
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
		fputs("node ", stdout);
		text_put_clean(stdout, json_get_str(
		    cJSON_GetObjectItemCaseSensitive(doc, "node"), "hostname"));
		fputs(" is also in the cluster's reports: keeping the "
		    "cluster's\n", stdout);
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
	    o.harness.account, hjson, strlen(hjson)) == -1) ||
	    (ijson != NULL && store_run_add_document(st, EVIDENCE_INVENTORY,
	    "inventory", ijson, strlen(ijson)) == -1) ||
	    (scan != NULL && store_endpoints(st, scan, cluster.doc) == -1) ||
	    (scan2 != NULL && store_endpoints(st, scan2, cluster.doc) == -1) ||
	    (scan3 != NULL && store_endpoints(st, scan3, cluster.doc) == -1) ||
	    (verdict = evaluate_open_run(st, matrix, charts, policy)) == -1 ||
	    store_run_commit(st, &run_id) == -1)
		goto out;
	rc = verdict;
	if (recorded != NULL)
		*recorded = run_id;
	{
		size_t nodes = (json != NULL) + cluster.nreports;

		int eps = o.ntargets + nplain + nsmtp;

		printf("run %" PRId64 " recorded in '%s': %zu node%s, %d TLS "
		    "endpoint%s%s, %s\n", run_id, path, nodes, nodes == 1 ?
		    "" : "s", eps, eps == 1 ? "" : "s",
		    cluster.doc != NULL || inventory != NULL ?
		    (inventory != NULL ? (cluster.doc != NULL ?
		    ", cluster evidence, module inventory" :
		    ", module inventory") : ", cluster evidence") : "",
		    rc == EXIT_COMPLIANT ? "compliant" : "NOT compliant");
	}
	rc = cmd_flush_stdout(rc);
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
	free_targets(&o);
	return rc;
}
