/*
 * run_config.c - see run_config.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli/run_config.h"
#include "store/store.h"
#include "util/json.h"
#include "util/log.h"
#include "util/banned.h"

/* The keys a configuration may have, each section's too. */
static const char *const top_keys[] = { "store", "redaction_key", "node",
    "cluster", "harness", "tls", "signing", "output", NULL };
static const char *const node_keys[] = { "root", NULL };
static const char *const cluster_keys[] = { "snapshot", "kubeconfig",
    "context", "in_cluster", "probe_image", "probe_namespace",
    "probe_timeout", "node_reports", "release_namespace", "values", NULL };
static const char *const harness_keys[] = { "url", "account", "key_file",
    "ca_file", "support_matrix", NULL };
static const char *const tls_keys[] = { "targets", "exclude",
    "scan_discovered", "scan_link_local", "starttls", "policy", "ca_file",
    "timeout", NULL };
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
	if (opt_str(a, cfg, "redaction_key", "--redaction-key", config) == -1 ||
	    opt_str(a, cl, "snapshot", "--snapshot", config) == -1 ||
	    opt_str(a, cl, "kubeconfig", "--kubeconfig", config) == -1 ||
	    opt_str(a, cl, "context", "--context", config) == -1 ||
	    opt_flag(a, cl, "in_cluster", "--in-cluster") == -1 ||
	    opt_str(a, cl, "probe_image", "--probe-image", config) == -1 ||
	    opt_str(a, cl, "probe_namespace", "--probe-namespace", config) ==
	    -1 || opt_str(a, cl, "probe_timeout", "--probe-timeout", config) ==
	    -1 || opt_str(a, cl, "node_reports", "--node-reports", config) ==
	    -1 || opt_list(a, cl, "release_namespace", "--release-namespace",
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
	    opt_flag(a, tls, "scan_link_local", "--scan-link-local") == -1 ||
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


int
run_config_check(const cJSON *cfg, const char *config, struct run_config *rc)
{
	const cJSON *sig;

	memset(rc, 0, sizeof(*rc));
	if (known_keys(cfg, "", top_keys, config) == -1 ||
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
		return -1;
	sig = cJSON_GetObjectItemCaseSensitive(cfg, "signing");
	rc->output = json_get_str(cfg, "output");
	rc->key = json_get_str(sig, "key");
	rc->cert = json_get_str(sig, "cert");
	rc->store = json_get_str(cfg, "store");
	if (rc->output == NULL) {
		log_err("config '%s': no 'output' directory for the bundles",
		    config);
		return -1;
	}
	if ((rc->key == NULL || rc->cert == NULL) &&
	    !cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(sig, "generate"))) {
		log_err("config '%s': 'signing' needs key and cert (or "
		    "generate: true, for a demo)", config);
		return -1;
	}
	if ((rc->db = store_path(rc->store)) == NULL ||
	    collect_args(cfg, config, rc->db, &rc->collect) == -1) {
		run_config_release(rc);
		return -1;
	}
	return 0;
}

void
run_config_release(struct run_config *rc)
{
	int i;

	for (i = 0; i < rc->collect.n; i++)
		free(rc->collect.v[i]);
	free(rc->collect.v);
	memset(&rc->collect, 0, sizeof(rc->collect));
	free(rc->db);
	rc->db = NULL;
}
