/*
 * plan.c - the options of a collection; see plan.h.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "job/plan.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/banned.h"

#define C	PLAN_FOR_COLLECT
#define S	PLAN_FOR_SCAN

const struct plan_option plan_options[PLAN_OPT__MAX] = {
	{ PLAN_NODE, "node", "node", NULL, C,
	  "collect this node's FIPS evidence (see 'fipsev node')" },
	{ PLAN_ROOT, "root", "node.root", "DIR", C,
	  "read the host through DIR (default /)" },
	{ PLAN_SNAPSHOT, "snapshot", "cluster.snapshot", "DIR", C,
	  "the cluster's evidence from 'kubectl get -o json'\n"
	  "files and node reports in DIR (README \"Cluster\n"
	  "evidence\" lists them); a missing file is missing\n"
	  "evidence, not an error" },
	{ PLAN_KUBECONFIG, "kubeconfig", "cluster.kubeconfig", "FILE", C,
	  "read the cluster from its API server, with the\n"
	  "credentials of FILE's current context (read-only;\n"
	  "TLS always verified)" },
	{ PLAN_CONTEXT, "context", "cluster.context", "C", C,
	  "use kubeconfig context C instead" },
	{ PLAN_IN_CLUSTER, "in-cluster", "cluster.in_cluster", NULL, C,
	  "read the cluster with this pod's service account" },
	{ PLAN_RELEASE_NS, "release-namespace", "cluster.release_namespace",
	  "NS", C,
	  "look for Helm releases in NS only, repeatable\n"
	  "(default: all namespaces; each NS needs only a\n"
	  "namespaced Role)" },
	{ PLAN_PROBE_IMAGE, "probe-image", "cluster.probe_image", "IMAGE", C,
	  "with the API: read each node from a short-lived pod\n"
	  "pinned to it, running IMAGE's fipsev (README\n"
	  "\"Cluster evidence\")" },
	{ PLAN_PROBE_NS, "probe-namespace", "cluster.probe_namespace", "NS", C,
	  "where the probe pods run (default fipsev)" },
	{ PLAN_PROBE_TIMEOUT, "probe-timeout", "cluster.probe_timeout", "S", C,
	  "seconds per node (default 120)" },
	{ PLAN_PROBE_PARALLEL, "probe-parallel", "cluster.probe_parallel", "N",
	  C, "probe pods at once (default 8, at most 64)" },
	{ PLAN_PROBE_PULL_SECRET, "probe-pull-secret",
	  "cluster.probe_pull_secret", "NAME", C,
	  "the probe pods pull their image with this Secret\n"
	  "(of the probes' namespace)" },
	{ PLAN_PROBE_SELINUX, "probe-selinux-type", "cluster.probe_selinux_type",
	  "TYPE", C,
	  "the probes' SELinux type (default: " PROBE_SELINUX_BOTTLEROCKET "\n"
	  "on Bottlerocket nodes, which enforce SELinux on\n"
	  "containers; none elsewhere; 'none': never)" },
	{ PLAN_NODE_REPORTS, "node-reports", "cluster.node_reports", "DIR", C,
	  "with the API, instead of probes: each node's\n"
	  "'fipsev node --json' as DIR/NODE.json" },
	{ PLAN_HARNESS_URL, "harness-url", "harness.url", "URL", C,
	  "read the modules in use from the Harness API\n"
	  "at URL (e.g. https://harness.example.com/gateway)" },
	{ PLAN_HARNESS_ACCOUNT, "harness-account", "harness.account", "ID", C,
	  "its account identifier" },
	{ PLAN_HARNESS_KEY_FILE, "harness-key-file", "harness.key_file", "F", C,
	  "the API key, from a file (else $" HARNESS_KEY_ENV ";\n"
	  "never an argument)" },
	{ PLAN_HARNESS_CA, "harness-ca", "harness.ca_file", "FILE", C,
	  "trust these CAs for the Harness API" },
	{ PLAN_MATRIX, "support-matrix", "harness.support_matrix", "FILE", C,
	  "the FIPS support matrix to judge modules by,\n"
	  "instead of data/harness/support-matrix.tsv" },
	{ PLAN_VALUES, "values", "cluster.values", "FILE", C,
	  "a Helm values file to judge beside the release\n"
	  "(repeat: merged in order, as helm -f does)" },
	{ PLAN_TLS, "tls", "tls.targets", "HOST:PORT", C,
	  "scan this TLS endpoint (see 'fipsev scan'); repeat\n"
	  "for more, or give a comma-separated list" },
	{ PLAN_SCAN_DISCOVERED, "scan-discovered", "tls.scan_discovered", NULL,
	  C,
	  "also scan the TLS endpoints the cluster names\n"
	  "(Ingress hosts, LoadBalancer and NodePort Services,\n"
	  "SMTP servers in the values, with STARTTLS); never\n"
	  "one that resolves to a link-local or metadata\n"
	  "address (169.254.0.0/16, fe80::/10, fd00:ec2::254)" },
	{ PLAN_SCAN_LINK_LOCAL, "scan-link-local", "tls.scan_link_local", NULL,
	  C,
	  "scan discovered link-local and metadata addresses\n"
	  "too (the cluster names them, not the operator)" },
	{ PLAN_EXCLUDE_TLS, "exclude-tls", "tls.exclude", "HOST:PORT", C,
	  "never scan this endpoint (repeat for more)" },
	{ PLAN_SNI, "sni", "tls.sni", "NAME", C | S,
	  "server_name to send (default: the target's host\n"
	  "name; none for an address)" },
	{ PLAN_STARTTLS, "starttls", "tls.starttls", "smtp", C | S,
	  "speak SMTP and STARTTLS (RFC 3207) first" },
	{ PLAN_POLICY, "policy", "tls.policy", "FILE", C | S,
	  "FIPS classification to use instead of the built-in\n"
	  "data/tls/fips-policy.tsv" },
	{ PLAN_CA_FILE, "ca-file", "tls.ca_file", "FILE", C | S,
	  "trust these CAs when recording certificate\n"
	  "verification (default: the system store); the\n"
	  "result is recorded, never enforced" },
	{ PLAN_TIMEOUT, "timeout", "tls.timeout", "S", C | S,
	  "seconds for one connection (default 5)" },
	{ PLAN_ENDPOINT_TIMEOUT, "endpoint-timeout", "tls.endpoint_timeout",
	  "S", C | S,
	  "seconds for all of one endpoint (default 60)" },
	{ PLAN_RATE, "rate", "tls.rate", "N", C | S,
	  "new connections per second, in all (default 1000)" },
	{ PLAN_MAX_CONNS, "max-conns", "tls.max_conns", "N", C | S,
	  "connections open at once, in all (default 256)" },
	{ PLAN_REDACTION_KEY, "redaction-key", "redaction_key", "FILE", C,
	  "the key of the redaction markers (HMAC-SHA-256),\n"
	  "16 to 64 bytes; default: STORE.redaction-key, made\n"
	  "0600 beside the store (give one key to a fleet of\n"
	  "stores to compare markers across them)" },
	{ PLAN_DB, "db", NULL, "FILE", C,
	  "the store (default: $FIPSEV_DB, else\n"
	  "/var/lib/fipsev/fipsev.db as root, else\n"
	  "~/.local/state/fipsev/fipsev.db)" },
};

#undef C
#undef S

void
plan_init(struct collect_plan *p)
{
	memset(p, 0, sizeof(*p));
	p->root = "/";
	p->harness.page_size = 100;
	probe_defaults(&p->probe);
	tls_scan_defaults(&p->scan);
}

void
plan_release(struct collect_plan *p)
{
	int i;

	for (i = 0; i < p->ntargets; i++)
		free(p->targets[i]);
	free(p->targets);
	p->targets = NULL;
	p->ntargets = 0;
	for (i = 0; i < p->nnumbers; i++)
		free(p->numbers[i]);
	p->nnumbers = 0;
}

/* Why, into err; -1. */
static int
why(struct buf *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
why(struct buf *err, const char *fmt, ...)
{
	va_list ap;

	buf_reset(err);
	va_start(ap, fmt);
	if (buf_vprintf(err, fmt, ap) == -1) {
		buf_reset(err);
		(void)buf_puts(err, "an option's value is too long to show");
	}
	va_end(ap);
	return -1;
}

/* "2.5" seconds -> 2500 ms, within [10 ms, 1 hour]. */
static int
seconds(const char *s, int *ms)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (*s == '\0' || *end != '\0' || errno != 0 || !isfinite(v) ||
	    v < 0.01 || v > 3600)
		return -1;
	*ms = (int)(v * 1000);
	return 0;
}

/* A whole number in [1, max]. */
static int
count(const char *s, long max, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v < 1 || v > max)
		return -1;
	*out = (int)v;
	return 0;
}

/* Append s to a list of PLAN_LIST_MAX; what says which, when full. */
static int
list_add(const char **list, int *n, const char *s, struct buf *err,
    const char *what)
{
	if (*n == PLAN_LIST_MAX)
		return why(err, "more than %d %s", PLAN_LIST_MAX, what);
	list[(*n)++] = s;
	return 0;
}

int
plan_set(struct collect_plan *p, enum plan_opt id, const char *v,
    struct buf *err)
{
	switch (id) {
	case PLAN_NODE:
		p->node = 1;
		return 0;
	case PLAN_ROOT:
		p->root = v;
		return 0;
	case PLAN_SNAPSHOT:
		p->snapshot = v;
		return 0;
	case PLAN_KUBECONFIG:
		p->kubeconfig = v;
		return 0;
	case PLAN_CONTEXT:
		p->context = v;
		return 0;
	case PLAN_IN_CLUSTER:
		p->in_cluster = 1;
		return 0;
	case PLAN_RELEASE_NS:
		return list_add(p->release_ns, &p->nrelease_ns, v, err,
		    "--release-namespace options");
	case PLAN_PROBE_IMAGE:
		p->probe.image = v;
		return 0;
	case PLAN_PROBE_NS:
		p->probe.ns = v;
		return 0;
	case PLAN_PROBE_TIMEOUT: {
		int secs;

		if (count(v, 3600, &secs) == -1)
			return why(err, "--probe-timeout '%s': give 1 to 3600 "
			    "seconds", v);
		p->probe.timeout_ms = secs * 1000;
		return 0;
	}
	case PLAN_PROBE_PARALLEL:
		if (count(v, 64, &p->probe.parallel) == -1)
			return why(err, "--probe-parallel '%s': give 1 to 64", v);
		return 0;
	case PLAN_PROBE_PULL_SECRET:
		p->probe.pull_secret = v;
		return 0;
	case PLAN_PROBE_SELINUX:
		p->probe.selinux_type = v;
		return 0;
	case PLAN_NODE_REPORTS:
		p->node_reports = v;
		return 0;
	case PLAN_HARNESS_URL:
		p->harness.url = v;
		return 0;
	case PLAN_HARNESS_ACCOUNT:
		p->harness.account = v;
		return 0;
	case PLAN_HARNESS_KEY_FILE:
		p->harness.key_file = v;
		return 0;
	case PLAN_HARNESS_CA:
		p->harness.ca_file = v;
		return 0;
	case PLAN_MATRIX:
		p->matrix = v;
		return 0;
	case PLAN_VALUES:
		return list_add(p->values, &p->nvalues, v, err,
		    "--values files");
	case PLAN_TLS:
		if (p->ntls_args == PLAN_TARGETS_MAX)
			return why(err, "more than %d TLS targets",
			    PLAN_TARGETS_MAX);
		p->tls_args[p->ntls_args++] = v;
		return 0;
	case PLAN_SCAN_DISCOVERED:
		p->scan_discovered = 1;
		return 0;
	case PLAN_SCAN_LINK_LOCAL:
		p->scan_link_local = 1;
		return 0;
	case PLAN_EXCLUDE_TLS:
		return list_add(p->excluded, &p->nexcluded, v, err,
		    "--exclude-tls");
	case PLAN_SNI:
		if (*v == '\0' || strlen(v) > 255)
			return why(err, "--sni needs a host name of 1-255 "
			    "characters");
		p->scan.sni = v;
		return 0;
	case PLAN_STARTTLS:
		if (strcmp(v, "smtp") != 0)
			return why(err, "--starttls '%s': only 'smtp' is "
			    "supported", v);
		p->scan.starttls = STARTTLS_SMTP;
		return 0;
	case PLAN_POLICY:
		p->policy = v;
		return 0;
	case PLAN_CA_FILE:
		p->scan.ca_file = v;
		return 0;
	case PLAN_TIMEOUT:
		if (seconds(v, &p->scan.timeout_ms) == -1)
			return why(err, "--timeout '%s': give seconds between "
			    "0.01 and 3600", v);
		return 0;
	case PLAN_ENDPOINT_TIMEOUT:
		if (seconds(v, &p->scan.endpoint_timeout_ms) == -1)
			return why(err, "--endpoint-timeout '%s': give seconds "
			    "between 0.01 and 3600", v);
		return 0;
	case PLAN_RATE:
		if (count(v, 100000, &p->scan.rate) == -1)
			return why(err, "--rate '%s': give 1 to 100000 "
			    "connections a second", v);
		return 0;
	case PLAN_MAX_CONNS:
		if (count(v, 65536, &p->scan.max_conns) == -1)
			return why(err, "--max-conns '%s': give 1 to 65536", v);
		return 0;
	case PLAN_REDACTION_KEY:
		p->redaction_key = v;
		return 0;
	case PLAN_DB:
		p->db = v;
		return 0;
	case PLAN_OPT__MAX:
		break;
	}
	return why(err, "internal: option %d unknown", (int)id);
}

/* A Kubernetes namespace name: a DNS label (RFC 1123). */
static int
dns_label(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n <= 63 && s[0] != '-' && s[n - 1] != '-' &&
	    strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

/* Add the comma-separated targets in arg, each checked. */
static int
add_targets(struct collect_plan *p, const char *arg, struct buf *err)
{
	char *copy, *t, *save = NULL, *host, *port;
	int rc = -1;

	if ((copy = strdup(arg)) == NULL)
		return why(err, "out of memory");
	for (t = strtok_r(copy, ",", &save); t != NULL;
	    t = strtok_r(NULL, ",", &save)) {
		char **grown;

		if (p->ntargets == PLAN_TARGETS_MAX) {
			why(err, "more than %d TLS targets", PLAN_TARGETS_MAX);
			goto out;
		}
		/* tls_target_parse() logs what is wrong with one. */
		if (tls_target_parse(t, p->scan.starttls, &host, &port) == -1) {
			buf_reset(err);
			goto out;
		}
		free(host);
		free(port);
		if ((grown = reallocarray(p->targets, (size_t)p->ntargets + 1,
		    sizeof(*grown))) == NULL) {
			why(err, "out of memory");
			goto out;
		}
		p->targets = grown;
		if ((p->targets[p->ntargets] = strdup(t)) == NULL) {
			why(err, "out of memory");
			goto out;
		}
		p->ntargets++;
	}
	rc = 0;
out:
	free(copy);
	return rc;
}

int
plan_finish(struct collect_plan *p, struct buf *err)
{
	int i, api = p->kubeconfig != NULL || p->in_cluster;

	for (i = 0; i < p->ntls_args; i++)
		if (add_targets(p, p->tls_args[i], err) == -1)
			return -1;
	if ((p->snapshot != NULL) + (p->kubeconfig != NULL) + p->in_cluster > 1)
		return why(err, "give one of --snapshot, --kubeconfig and "
		    "--in-cluster");
	if (p->context != NULL && p->kubeconfig == NULL)
		return why(err, "--context needs --kubeconfig");
	if ((p->node_reports != NULL || p->probe.image != NULL) && !api)
		return why(err, "--node-reports and --probe-image go with "
		    "--kubeconfig or --in-cluster (a snapshot has its own node "
		    "reports)");
	for (i = 0; i < p->nrelease_ns; i++)
		if (!dns_label(p->release_ns[i]))
			return why(err, "namespace '%s' is not a Kubernetes "
			    "namespace name", p->release_ns[i]);
	if (!dns_label(p->probe.ns))
		return why(err, "namespace '%s' is not a Kubernetes namespace "
		    "name", p->probe.ns);
	if (p->scan_discovered && p->snapshot == NULL && !api)
		return why(err, "--scan-discovered needs a cluster: --snapshot, "
		    "--kubeconfig or --in-cluster");
	if (p->node_reports != NULL && p->probe.image != NULL)
		return why(err, "give --node-reports or --probe-image, not both");
	if (p->nvalues > 0 && p->snapshot == NULL && !api)
		return why(err, "--values needs --snapshot, --kubeconfig or "
		    "--in-cluster: values are judged beside the cluster");
	if ((p->harness.url == NULL) != (p->harness.account == NULL))
		return why(err, "--harness-url and --harness-account go "
		    "together");
	if (!p->node && p->ntargets == 0 && p->snapshot == NULL && !api &&
	    p->harness.url == NULL)
		return why(err, "nothing to collect: give --node, --snapshot, "
		    "--kubeconfig, --in-cluster, --harness-url or --tls");
	return 0;
}

struct option *
plan_longopts(unsigned used_by, const struct option *extra)
{
	struct option *o;
	size_t i, n = 0, nextra = 0;

	while (extra[nextra].name != NULL)
		nextra++;
	if ((o = calloc(PLAN_OPT__MAX + nextra + 1, sizeof(*o))) == NULL) {
		log_errno("options");
		return NULL;
	}
	for (i = 0; i < PLAN_OPT__MAX; i++) {
		const struct plan_option *po = &plan_options[i];

		if (!(po->used_by & used_by))
			continue;
		o[n].name = po->name;
		o[n].has_arg = po->arg != NULL ? required_argument :
		    no_argument;
		o[n].val = PLAN_GETOPT_BASE + (int)po->id;
		n++;
	}
	memcpy(&o[n], extra, nextra * sizeof(*o));
	return o;
}

/* The column help text starts in, as every --help has it. */
#define HELP_COLUMN	18

void
plan_help(FILE *out, unsigned used_by)
{
	size_t i;

	for (i = 0; i < PLAN_OPT__MAX; i++) {
		const struct plan_option *po = &plan_options[i];
		const char *line, *nl;
		int w;

		if (!(po->used_by & used_by))
			continue;
		w = fprintf(out, "  --%s%s%s", po->name, po->arg != NULL ?
		    " " : "", po->arg != NULL ? po->arg : "");
		/* A long option starts its help on the next line. */
		if (w < 0 || w > HELP_COLUMN - 2) {
			fputc('\n', out);
			w = 0;
		}
		for (line = po->help; line != NULL; line = nl != NULL ?
		    nl + 1 : NULL) {
			nl = strchr(line, '\n');
			fprintf(out, "%*s%.*s\n", HELP_COLUMN - w, "",
			    nl != NULL ? (int)(nl - line) : (int)strlen(line),
			    line);
			w = 0;
		}
	}
}

/* The option whose configuration key is key, or NULL. */
static const struct plan_option *
by_key(const char *key)
{
	size_t i;

	for (i = 0; i < PLAN_OPT__MAX; i++)
		if (plan_options[i].key != NULL &&
		    strcmp(plan_options[i].key, key) == 0)
			return &plan_options[i];
	return NULL;
}

/* Is name a section of the table's keys ("cluster" of "cluster.x")? */
static int
is_section(const char *name)
{
	size_t i, n = strlen(name);

	for (i = 0; i < PLAN_OPT__MAX; i++) {
		const char *k = plan_options[i].key;

		if (k != NULL && strncmp(k, name, n) == 0 && k[n] == '.')
			return 1;
	}
	return 0;
}

static int
listed(const char *const *own, const char *key)
{
	for (; own != NULL && *own != NULL; own++)
		if (strcmp(*own, key) == 0)
			return 1;
	return 0;
}

/* One value of option po, from the configuration. */
static int
config_value(struct collect_plan *p, const struct plan_option *po,
    const cJSON *v, const char *key, const char *config, struct buf *err)
{
	const char *text = cJSON_IsString(v) ? v->valuestring : NULL;

	/* A number given for text ("timeout: 5"): the text of it, kept by
	 * the plan. */
	if (cJSON_IsNumber(v) && po->arg != NULL) {
		char num[32];

		if (snprintf(num, sizeof(num), "%g", v->valuedouble) >=
		    (int)sizeof(num) || p->nnumbers == (int)(sizeof(p->numbers) /
		    sizeof(p->numbers[0])) ||
		    (p->numbers[p->nnumbers] = strdup(num)) == NULL) {
			log_err("config '%s': '%s': out of memory", config, key);
			return -1;
		}
		text = p->numbers[p->nnumbers++];
	}
	if (po->arg == NULL) {
		/* A section that is an option ("node:") is a mapping; any
		 * other flag is true or false, or empty for not set. */
		if (strchr(key, '.') == NULL && is_section(key) ?
		    !cJSON_IsObject(v) : !cJSON_IsBool(v) && !cJSON_IsNull(v)) {
			log_err("config '%s': '%s' must be true or false",
			    config, key);
			return -1;
		}
		if (cJSON_IsFalse(v) || cJSON_IsNull(v))
			return 0;
	} else if (text == NULL || *text == '\0') {
		log_err("config '%s': '%s' must be text", config, key);
		return -1;
	}
	if (plan_set(p, po->id, po->arg != NULL ? text : NULL, err) == -1) {
		log_err("config '%s': %s: %s", config, key, buf_str(err));
		return -1;
	}
	return 0;
}

/* Key key (its value v) of the configuration: one value or a list. */
static int
config_key(struct collect_plan *p, const cJSON *v, const char *key,
    const char *config, struct buf *err)
{
	const struct plan_option *po = by_key(key);
	static const enum plan_opt lists[] = { PLAN_RELEASE_NS, PLAN_VALUES,
	    PLAN_TLS, PLAN_EXCLUDE_TLS };
	const cJSON *e;
	size_t i;
	int list = 0;

	if (po == NULL) {
		log_err("config '%s': unknown key '%s'", config, key);
		return -1;
	}
	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
		list |= po->id == lists[i];
	if (!cJSON_IsArray(v))
		return config_value(p, po, v, key, config, err);
	if (!list) {
		log_err("config '%s': '%s' must be text, not a list", config,
		    key);
		return -1;
	}
	cJSON_ArrayForEach(e, v) {
		if (!cJSON_IsString(e)) {
			log_err("config '%s': '%s' must list text", config, key);
			return -1;
		}
		if (config_value(p, po, e, key, config, err) == -1)
			return -1;
	}
	return 0;
}

int
plan_from_config(struct collect_plan *p, const cJSON *cfg,
    const char *config, const char *const *own)
{
	const cJSON *top, *e;
	struct buf err, key;
	int rc = -1;

	buf_init(&err, 4096);
	buf_init(&key, 4096);
	if (!cJSON_IsObject(cfg)) {
		log_err("config '%s': not a mapping of keys", config);
		goto out;
	}
	cJSON_ArrayForEach(top, cfg) {
		/* "cluster.snapshot" is a key of the section cluster, never
		 * one name at the top. */
		if (strchr(top->string, '.') != NULL) {
			log_err("config '%s': unknown key '%s'", config,
			    top->string);
			goto out;
		}
		if (listed(own, top->string))
			continue;
		if (!is_section(top->string)) {
			if (config_key(p, top, top->string, config, &err) == -1)
				goto out;
			continue;
		}
		if (!cJSON_IsObject(top)) {
			log_err("config '%s': '%s' is not a mapping", config,
			    top->string);
			goto out;
		}
		/* A section that is itself an option ("node:") sets it. */
		if (by_key(top->string) != NULL && config_value(p,
		    by_key(top->string), top, top->string, config, &err) == -1)
			goto out;
		cJSON_ArrayForEach(e, top) {
			buf_reset(&key);
			if (buf_printf(&key, "%s.%s", top->string,
			    e->string) == -1) {
				log_err("config '%s': a key of '%s' is too long",
				    config, top->string);
				goto out;
			}
			if (listed(own, buf_str(&key)))
				continue;
			if (config_key(p, e, buf_str(&key), config, &err) == -1)
				goto out;
		}
	}
	rc = 0;
out:
	buf_release(&err);
	buf_release(&key);
	return rc;
}
