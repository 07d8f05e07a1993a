/*
 * cmd_run.c - "fipsev run": the whole job in one command, the one a
 * CronJob calls: collect every configured source into the store, then
 * write the run's signed bundle and verify it.
 *
 * The configuration is YAML (samples/fipsev.yaml documents every key).
 * Collection is 'fipsev collect' with the equivalent options, so the two
 * never disagree. A lock beside the store keeps overlapping runs apart.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "cmd.h"
#include "collector/values.h"
#include "report/bundle.h"
#include "report/sign.h"
#include "store/store.h"
#include "util/json.h"
#include "util/log.h"
#include "util/banned.h"

const char cmd_run_usage[] =
    "usage: fipsev run --config FILE\n"
    "\n"
    "Do the whole job: collect every source the configuration names (this\n"
    "node, the cluster from a snapshot or its API, the Harness API, TLS\n"
    "endpoints) into the store as one run, write the run's evidence bundle\n"
    "signed with the configured key, and verify it. Each phase prints one\n"
    "line \"run: phase=NAME result=...\"; a failure names its phase and\n"
    "keeps what was collected. Overlapping runs on one store wait for none:\n"
    "the second stops at once. samples/fipsev.yaml documents the keys.\n"
    "\n"
    "  --config FILE   the configuration (YAML)\n"
    "  -h, --help      show this help\n";

/* The keys a configuration may have, each section's too. */
static const char *const top_keys[] = { "store", "node", "cluster",
    "harness", "tls", "signing", "output", NULL };
static const char *const node_keys[] = { "root", NULL };
static const char *const cluster_keys[] = { "snapshot", "kubeconfig",
    "context", "in_cluster", "probe_image", "probe_namespace",
    "probe_timeout", "node_reports", "release_namespace", "values", NULL };
static const char *const harness_keys[] = { "url", "account", "key_file",
    "ca_file", "support_matrix", NULL };
static const char *const tls_keys[] = { "targets", "exclude",
    "scan_discovered", "starttls", "policy", "ca_file", "timeout", NULL };
static const char *const signing_keys[] = { "key", "cert", "generate", NULL };

static int
known_keys(const cJSON *obj, const char *section, const char *const *keys,
    const char *config)
{
	const cJSON *e;
	size_t i;

	if (obj == NULL)
		return 0;
	if (!cJSON_IsObject(obj)) {
		log_err("config '%s': '%s' is not a mapping", config, section);
		return -1;
	}
	cJSON_ArrayForEach(e, obj) {
		for (i = 0; keys[i] != NULL; i++)
			if (strcmp(e->string, keys[i]) == 0)
				break;
		if (keys[i] == NULL) {
			log_err("config '%s': unknown key '%s%s%s'", config,
			    section, *section != '\0' ? "." : "", e->string);
			return -1;
		}
	}
	return 0;
}

/* An argument list for 'fipsev collect', grown as the config is read. */
struct args {
	char	**v;
	int	 n;
	int	 bad;
};

static void
add(struct args *a, const char *s)
{
	char **v, *copy;

	if (a->bad)
		return;
	if ((copy = strdup(s)) == NULL ||
	    (v = reallocarray(a->v, (size_t)a->n + 2, sizeof(*v))) == NULL) {
		free(copy);
		a->bad = 1;
		return;
	}
	a->v = v;
	a->v[a->n++] = copy;
	a->v[a->n] = NULL;
}

/* A string setting as an option: "--opt VALUE"; -1 if it is not text. */
static int
opt_str(struct args *a, const cJSON *sec, const char *key, const char *opt,
    const char *config)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(sec, key);
	char num[32];

	if (v == NULL)
		return 0;
	if (cJSON_IsNumber(v)) {
		snprintf(num, sizeof(num), "%g", v->valuedouble);
		add(a, opt);
		add(a, num);
		return 0;
	}
	if (!cJSON_IsString(v) || *v->valuestring == '\0') {
		log_err("config '%s': '%s' must be text", config, key);
		return -1;
	}
	add(a, opt);
	add(a, v->valuestring);
	return 0;
}

/* A list setting (or one string) as a repeated option. */
static int
opt_list(struct args *a, const cJSON *sec, const char *key, const char *opt,
    const char *config)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(sec, key), *e;

	if (v == NULL)
		return 0;
	if (cJSON_IsString(v))
		return opt_str(a, sec, key, opt, config);
	if (!cJSON_IsArray(v)) {
		log_err("config '%s': '%s' must be a list", config, key);
		return -1;
	}
	cJSON_ArrayForEach(e, v) {
		if (!cJSON_IsString(e)) {
			log_err("config '%s': '%s' must list text", config,
			    key);
			return -1;
		}
		add(a, opt);
		add(a, e->valuestring);
	}
	return 0;
}

static int
opt_flag(struct args *a, const cJSON *sec, const char *key, const char *opt)
{
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(sec, key)))
		add(a, opt);
	return 0;
}

/* The config as 'fipsev collect' arguments. */
static int
collect_args(const cJSON *cfg, const char *config, const char *db,
    struct args *a)
{
	const cJSON *node = cJSON_GetObjectItemCaseSensitive(cfg, "node");
	const cJSON *cl = cJSON_GetObjectItemCaseSensitive(cfg, "cluster");
	const cJSON *h = cJSON_GetObjectItemCaseSensitive(cfg, "harness");
	const cJSON *tls = cJSON_GetObjectItemCaseSensitive(cfg, "tls");

	add(a, "collect");
	add(a, "--db");
	add(a, db);
	if (node != NULL) {
		add(a, "--node");
		if (opt_str(a, node, "root", "--root", config) == -1)
			return -1;
	}
	if (opt_str(a, cl, "snapshot", "--snapshot", config) == -1 ||
	    opt_str(a, cl, "kubeconfig", "--kubeconfig", config) == -1 ||
	    opt_str(a, cl, "context", "--context", config) == -1 ||
	    opt_flag(a, cl, "in_cluster", "--in-cluster") == -1 ||
	    opt_str(a, cl, "probe_image", "--probe-image", config) == -1 ||
	    opt_str(a, cl, "probe_namespace", "--probe-namespace", config) ==
	    -1 || opt_str(a, cl, "probe_timeout", "--probe-timeout", config) ==
	    -1 || opt_str(a, cl, "node_reports", "--node-reports", config) ==
	    -1 || opt_str(a, cl, "release_namespace", "--release-namespace",
	    config) == -1 ||
	    opt_list(a, cl, "values", "--values", config) == -1 ||
	    opt_str(a, h, "url", "--harness-url", config) == -1 ||
	    opt_str(a, h, "account", "--harness-account", config) == -1 ||
	    opt_str(a, h, "key_file", "--harness-key-file", config) == -1 ||
	    opt_str(a, h, "ca_file", "--harness-ca", config) == -1 ||
	    opt_str(a, h, "support_matrix", "--support-matrix", config) ==
	    -1 || opt_list(a, tls, "targets", "--tls", config) == -1 ||
	    opt_list(a, tls, "exclude", "--exclude-tls", config) == -1 ||
	    opt_flag(a, tls, "scan_discovered", "--scan-discovered") == -1 ||
	    opt_str(a, tls, "starttls", "--starttls", config) == -1 ||
	    opt_str(a, tls, "policy", "--policy", config) == -1 ||
	    opt_str(a, tls, "ca_file", "--ca-file", config) == -1 ||
	    opt_str(a, tls, "timeout", "--timeout", config) == -1)
		return -1;
	if (a->bad) {
		log_errno("run");
		return -1;
	}
	return 0;
}

static void
free_args(struct args *a)
{
	int i;

	for (i = 0; i < a->n; i++)
		free(a->v[i]);
	free(a->v);
}

/* mkdir -p, mode 0755. */
static int
make_dirs(const char *path)
{
	char buf[4096], *p;

	snprintf(buf, sizeof(buf), "%s", path);
	for (p = buf + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) == -1 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(buf, 0755) == -1 && errno != EEXIST ? -1 : 0;
}

static int
phase_failed(const char *phase, const char *why)
{
	printf("run: phase=%s result=failed\n", phase);
	log_err("run: the %s phase failed%s%s; what was collected is kept",
	    phase, why != NULL ? ": " : "", why != NULL ? why : "");
	fflush(stdout);
	return EXIT_FAILURE_RUN;
}

int
cmd_run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config = NULL, *out, *key, *cert, *store_opt;
	const cJSON *sig;
	struct store_run_info ri;
	struct store *st = NULL;
	struct args a = { NULL, 0, 0 };
	char lockpath[4200], dir[4200], keydir[4200], kpath[4300], cpath[4300];
	char *db = NULL, *opened = NULL;
	cJSON *cfg = NULL;
	int c, status, lock = -1, rc = EXIT_FAILURE_RUN, verdict, found = 0;

	memset(&ri, 0, sizeof(ri));
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			config = optarg;
			break;
		case 'h':
			cmd_help(cmd_run_usage, &status);
			return status;
		default:
			return cmd_bad_option("run", argc, argv, c);
		}
	}
	if (cmd_extra_args("run", argc, argv, &status))
		return status;
	if (config == NULL)
		return cmd_usage_error("run", "give --config FILE (samples/"
		    "fipsev.yaml documents it)");

	/* Read and check the whole configuration before doing anything. */
	if ((cfg = values_read_file(config)) == NULL ||
	    known_keys(cfg, "", top_keys, config) == -1 ||
	    known_keys(cJSON_GetObjectItemCaseSensitive(cfg, "node"), "node",
	    node_keys, config) == -1 ||
	    known_keys(cJSON_GetObjectItemCaseSensitive(cfg, "cluster"),
	    "cluster", cluster_keys, config) == -1 ||
	    known_keys(cJSON_GetObjectItemCaseSensitive(cfg, "harness"),
	    "harness", harness_keys, config) == -1 ||
	    known_keys(cJSON_GetObjectItemCaseSensitive(cfg, "tls"), "tls",
	    tls_keys, config) == -1 ||
	    known_keys(cJSON_GetObjectItemCaseSensitive(cfg, "signing"),
	    "signing", signing_keys, config) == -1)
		goto out;
	sig = cJSON_GetObjectItemCaseSensitive(cfg, "signing");
	out = json_get_str(cfg, "output");
	key = json_get_str(sig, "key");
	cert = json_get_str(sig, "cert");
	store_opt = json_get_str(cfg, "store");
	if (out == NULL) {
		log_err("config '%s': no 'output' directory for the bundles",
		    config);
		goto out;
	}
	if ((key == NULL || cert == NULL) &&
	    !cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(sig, "generate"))) {
		log_err("config '%s': 'signing' needs key and cert (or "
		    "generate: true, for a demo)", config);
		goto out;
	}
	if ((db = store_path(store_opt)) == NULL ||
	    collect_args(cfg, config, db, &a) == -1)
		goto out;
	if (make_dirs(out) == -1) {
		log_errno("cannot create output directory '%s'", out);
		goto out;
	}

	/* One run at a time per store: the second stops, it does not wait. */
	snprintf(lockpath, sizeof(lockpath), "%s.run.lock", db);
	if ((lock = open(lockpath, O_RDWR | O_CREAT | O_CLOEXEC |
	    O_NOFOLLOW, 0600)) == -1) {
		log_errno("cannot open lock '%s'", lockpath);
		goto out;
	}
	if (flock(lock, LOCK_EX | LOCK_NB) == -1) {
		log_err("another fipsev run holds '%s'; not starting a second",
		    lockpath);
		goto out;
	}

	printf("run: phase=collect result=started\n");
	fflush(stdout);
	status = cmd_collect(a.n, a.v);
	if (status == EXIT_FAILURE_RUN) {
		rc = phase_failed("collect", NULL);
		goto out;
	}
	if (cmd_open_store(store_opt, STORE_EXISTING, &opened, &st) == -1 ||
	    (found = store_get_run(st, 0, &ri)) != 0) {
		found = 0;
		rc = phase_failed("report", "no run in the store");
		goto out;
	}
	found = 1;
	verdict = strcmp(ri.verdict, "compliant") == 0 ? EXIT_COMPLIANT :
	    EXIT_NONCOMPLIANT;
	printf("run: phase=collect result=ok run=%" PRId64 " verdict=%s\n",
	    ri.id, ri.verdict);

	/* A demo makes its own key, once, beside the bundles. */
	if (key == NULL || cert == NULL) {
		snprintf(keydir, sizeof(keydir), "%s/demo-key", out);
		snprintf(kpath, sizeof(kpath), "%s/signing.key", keydir);
		snprintf(cpath, sizeof(cpath), "%s/signing.crt", keydir);
		if (access(kpath, F_OK) == -1 && sign_keygen(keydir) == -1) {
			rc = phase_failed("report", "cannot make a demo key");
			goto out;
		}
		key = kpath;
		cert = cpath;
	}
	snprintf(dir, sizeof(dir), "%s/run-%" PRId64, out, ri.id);
	if (bundle_write(st, ri.id, dir, key, cert) == -1) {
		rc = phase_failed("report", NULL);
		goto out;
	}
	printf("run: phase=report result=ok bundle=%s\n", dir);
	fflush(stdout);
	if (bundle_verify(dir, cert, stdout) != 1) {
		rc = phase_failed("verify", "the new bundle does not verify");
		goto out;
	}
	printf("run: phase=verify result=ok\n");
	rc = cmd_flush_stdout(verdict);
out:
	if (found)
		store_run_info_release(&ri);
	store_close(st);
	if (lock != -1)
		close(lock);
	free_args(&a);
	cJSON_Delete(cfg);
	free(opened);
	free(db);
	return rc;
}
