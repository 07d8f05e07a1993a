/*
 * test_plan.c - one table serves the command line, the configuration and
 * the help: every option with a configuration key makes the same plan
 * from `--NAME VALUE` as from `SECTION: {KEY: VALUE}`; every option is in
 * the help and the getopt table; bad values are refused both ways with
 * the option named; unknown keys are refused with their section.
 */
#include <getopt.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "job/plan.h"
#include "util/buf.h"

/* A value each option accepts. */
static const char *
sample(enum plan_opt id)
{
	switch (id) {
	case PLAN_PROBE_TIMEOUT:
		return "30";
	case PLAN_TIMEOUT:
	case PLAN_ENDPOINT_TIMEOUT:
		return "2.5";
	case PLAN_RATE:
	case PLAN_MAX_CONNS:
	case PLAN_PROBE_PARALLEL:
		return "17";
	case PLAN_STARTTLS:
		return "smtp";
	case PLAN_RELEASE_NS:
	case PLAN_PROBE_NS:
		return "harness";
	case PLAN_TLS:
	case PLAN_EXCLUDE_TLS:
		return "127.0.0.1:8443";
	default:
		return "/some/where";
	}
}

/* The plan as text, every field: two plans agree when these do. */
static char *
describe(const struct collect_plan *p)
{
	struct buf b;
	char *s;
	int i;

	buf_init(&b, 1 << 16);
#define S(f) assert_int_equal(buf_printf(&b, #f "=%s;", \
	(f) != NULL ? (f) : "(null)"), 0)
#define I(f) assert_int_equal(buf_printf(&b, #f "=%d;", (int)(f)), 0)
	I(p->node); S(p->root); S(p->db); S(p->redaction_key);
	S(p->snapshot); S(p->kubeconfig); S(p->context); I(p->in_cluster);
	S(p->node_reports); S(p->probe.image); S(p->probe.ns);
	I(p->probe.timeout_ms); I(p->probe.parallel); S(p->probe.pull_secret);
	S(p->probe.selinux_type); I(p->scan_discovered); I(p->scan_link_local);
	S(p->harness.url); S(p->harness.account); S(p->harness.key_file);
	S(p->harness.ca_file); S(p->matrix); S(p->scan.sni);
	I(p->scan.starttls); S(p->policy); S(p->scan.ca_file);
	I(p->scan.timeout_ms); I(p->scan.endpoint_timeout_ms);
	I(p->scan.rate); I(p->scan.max_conns);
	for (i = 0; i < p->nrelease_ns; i++)
		S(p->release_ns[i]);
	for (i = 0; i < p->nvalues; i++)
		S(p->values[i]);
	for (i = 0; i < p->nexcluded; i++)
		S(p->excluded[i]);
	for (i = 0; i < p->ntargets; i++)
		S(p->targets[i]);
#undef S
#undef I
	assert_non_null(s = strdup(buf_str(&b)));
	buf_release(&b);
	return s;
}

/* {"SECTION": {"KEY": value}} (or {"KEY": value}) for key "SECTION.KEY". */
static cJSON *
config_with(const char *key, cJSON *value)
{
	cJSON *cfg = cJSON_CreateObject(), *sec = cfg;
	const char *dot = strchr(key, '.');
	char section[64];

	assert_non_null(cfg);
	if (dot != NULL) {
		assert_true((size_t)(dot - key) < sizeof(section));
		memcpy(section, key, (size_t)(dot - key));
		section[dot - key] = '\0';
		assert_non_null(sec = cJSON_AddObjectToObject(cfg, section));
		key = dot + 1;
	}
	if (cJSON_IsObject(value) && dot == NULL) {
		/* A section that is an option itself ("node: {}"). */
		cJSON_AddItemToObject(cfg, key, value);
		return cfg;
	}
	cJSON_AddItemToObject(sec, key, value);
	return cfg;
}

static void
test_cli_and_config_agree(void **state)
{
	size_t i;
	int n = 0;

	(void)state;
	for (i = 0; i < PLAN_OPT__MAX; i++) {
		const struct plan_option *o = &plan_options[i];
		struct collect_plan a, b;
		struct buf err;
		cJSON *cfg;
		char *da, *db;

		assert_int_equal((int)o->id, (int)i);
		if (o->key == NULL)
			continue;
		buf_init(&err, 4096);
		plan_init(&a);
		plan_init(&b);
		assert_int_equal(plan_set(&a, o->id, o->arg != NULL ?
		    sample(o->id) : NULL, &err), 0);
		/* The node: section is --node itself. */
		if (strncmp(o->key, "node.", 5) == 0)
			assert_int_equal(plan_set(&a, PLAN_NODE, NULL, &err), 0);
		cfg = config_with(o->key, o->arg == NULL ?
		    (strchr(o->key, '.') == NULL ? cJSON_CreateObject() :
		    cJSON_CreateTrue()) : cJSON_CreateString(sample(o->id)));
		if (plan_from_config(&b, cfg, "test.yaml", NULL) != 0)
			fail_msg("config key %s refused", o->key);
		da = describe(&a);
		db = describe(&b);
		if (strcmp(da, db) != 0)
			fail_msg("--%s and %s differ:\n%s\n%s", o->name, o->key,
			    da, db);
		free(da);
		free(db);
		cJSON_Delete(cfg);
		plan_release(&a);
		plan_release(&b);
		buf_release(&err);
		n++;
	}
	assert_true(n >= PLAN_OPT__MAX - 1);
}

/* A number in the configuration is the text of it. */
static void
test_numbers(void **state)
{
	struct collect_plan p;
	cJSON *cfg = config_with("tls.timeout", cJSON_CreateNumber(5));

	(void)state;
	plan_init(&p);
	assert_int_equal(plan_from_config(&p, cfg, "test.yaml", NULL), 0);
	assert_int_equal(p.scan.timeout_ms, 5000);
	cJSON_Delete(cfg);
	plan_release(&p);
}

/* Bad values: refused from both, naming the option. */
static void
test_bad_values(void **state)
{
	static const struct { enum plan_opt id; const char *v, *why; } bad[] = {
		{ PLAN_PROBE_TIMEOUT, "0", "--probe-timeout '0'" },
		{ PLAN_PROBE_TIMEOUT, "3601", "--probe-timeout" },
		{ PLAN_TIMEOUT, "abc", "--timeout 'abc'" },
		{ PLAN_RATE, "100001", "--rate" },
		{ PLAN_STARTTLS, "imap", "only 'smtp'" },
		{ PLAN_SNI, "", "--sni" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct collect_plan p;
		struct buf err;
		cJSON *cfg;

		buf_init(&err, 4096);
		plan_init(&p);
		assert_int_equal(plan_set(&p, bad[i].id, bad[i].v, &err), -1);
		assert_non_null(strstr(buf_str(&err), bad[i].why));
		cfg = config_with(plan_options[bad[i].id].key,
		    cJSON_CreateString(bad[i].v));
		assert_int_equal(plan_from_config(&p, cfg, "test.yaml", NULL),
		    -1);
		cJSON_Delete(cfg);
		plan_release(&p);
		buf_release(&err);
	}
}

/* Keys no option has, values of the wrong shape, and own keys. */
static void
test_config_shapes(void **state)
{
	static const char *const own[] = { "output", "signing", NULL };
	struct collect_plan p;
	cJSON *cfg;

	(void)state;
	plan_init(&p);
	cfg = config_with("cluster.snapshots", cJSON_CreateString("x"));
	assert_int_equal(plan_from_config(&p, cfg, "test.yaml", NULL), -1);
	cJSON_Delete(cfg);
	cfg = config_with("cluster", cJSON_CreateString("x"));
	assert_int_equal(plan_from_config(&p, cfg, "test.yaml", NULL), -1);
	cJSON_Delete(cfg);
	cfg = config_with("tls.scan_discovered", cJSON_CreateString("yes"));
	assert_int_equal(plan_from_config(&p, cfg, "test.yaml", NULL), -1);
	cJSON_Delete(cfg);
	cfg = config_with("cluster.context", cJSON_CreateArray());
	assert_int_equal(plan_from_config(&p, cfg, "test.yaml", NULL), -1);
	cJSON_Delete(cfg);
	/* A flag's mapping is no "true"; a dotted key is no section. */
	cfg = config_with("tls.scan_link_local", cJSON_CreateObject());
	assert_int_equal(plan_from_config(&p, cfg, "test.yaml", NULL), -1);
	cJSON_Delete(cfg);
	cfg = config_with("tls", cJSON_CreateObject());
	cJSON_AddTrueToObject(cfg, "tls.scan_link_local");
	assert_int_equal(plan_from_config(&p, cfg, "test.yaml", NULL), -1);
	assert_int_equal(p.scan_link_local, 0);
	cJSON_Delete(cfg);
	/* An empty flag is not set. */
	cfg = config_with("cluster.in_cluster", cJSON_CreateNull());
	assert_int_equal(plan_from_config(&p, cfg, "test.yaml", NULL), 0);
	assert_int_equal(p.in_cluster, 0);
	cJSON_Delete(cfg);
	/* The caller's own keys are left alone. */
	cfg = config_with("output", cJSON_CreateString("/bundles"));
	assert_int_equal(plan_from_config(&p, cfg, "test.yaml", own), 0);
	cJSON_Delete(cfg);
	/* A list for a repeatable option, each member once. */
	cfg = config_with("tls.targets", cJSON_CreateArray());
	cJSON_AddItemToArray(cJSON_GetObjectItem(cJSON_GetObjectItem(cfg,
	    "tls"), "targets"), cJSON_CreateString("a.example:443"));
	cJSON_AddItemToArray(cJSON_GetObjectItem(cJSON_GetObjectItem(cfg,
	    "tls"), "targets"), cJSON_CreateString("b.example:443"));
	assert_int_equal(plan_from_config(&p, cfg, "test.yaml", NULL), 0);
	assert_int_equal(p.ntls_args, 2);
	cJSON_Delete(cfg);
	plan_release(&p);
}

/* Every option of a command is in its getopt table and its help. */
static void
test_help_and_getopt(void **state)
{
	static const struct option extra[] = {
		{ "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	static const unsigned cmds[] = { PLAN_FOR_COLLECT, PLAN_FOR_SCAN };
	size_t i, k, j;

	(void)state;
	for (k = 0; k < 2; k++) {
		struct option *lo = plan_longopts(cmds[k], extra);
		char *text = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&text, &len);

		assert_non_null(lo);
		assert_non_null(f);
		plan_help(f, cmds[k]);
		assert_int_equal(fclose(f), 0);
		for (i = 0; i < PLAN_OPT__MAX; i++) {
			const struct plan_option *o = &plan_options[i];
			char want[64];
			int in = 0;

			if (!(o->used_by & cmds[k]))
				continue;
			snprintf(want, sizeof(want), "  --%s", o->name);
			assert_non_null(strstr(text, want));
			for (j = 0; lo[j].name != NULL; j++)
				in |= strcmp(lo[j].name, o->name) == 0 &&
				    lo[j].val == PLAN_GETOPT_BASE + (int)o->id &&
				    (lo[j].has_arg == required_argument) ==
				    (o->arg != NULL);
			assert_true(in);
		}
		/* The extra options follow, and the table ends. */
		for (j = 0; lo[j].name != NULL; j++)
			;
		assert_string_equal(lo[j - 1].name, "help");
		free(lo);
		free(text);
	}
}

/* The checks made once every option is in. */
static void
test_finish(void **state)
{
	static const struct { enum plan_opt a, b; const char *why; } bad[] = {
		{ PLAN_SNAPSHOT, PLAN_KUBECONFIG, "give one of" },
		{ PLAN_CONTEXT, PLAN_NODE, "--context needs --kubeconfig" },
		{ PLAN_HARNESS_URL, PLAN_NODE, "go together" },
		{ PLAN_SCAN_DISCOVERED, PLAN_NODE, "needs a cluster" },
		{ PLAN_ROOT, PLAN_OPT__MAX, "nothing to collect" },
	};
	struct collect_plan p;
	struct buf err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		buf_init(&err, 4096);
		plan_init(&p);
		assert_int_equal(plan_set(&p, bad[i].a, plan_options[bad[i].a].arg
		    != NULL ? "x" : NULL, &err), 0);
		if (bad[i].b != PLAN_OPT__MAX)
			assert_int_equal(plan_set(&p, bad[i].b,
			    plan_options[bad[i].b].arg != NULL ? "x" : NULL,
			    &err), 0);
		assert_int_equal(plan_finish(&p, &err), -1);
		if (strstr(buf_str(&err), bad[i].why) == NULL)
			fail_msg("%s: '%s'", bad[i].why, buf_str(&err));
		plan_release(&p);
		buf_release(&err);
	}
	/* A target's default port follows --starttls, given after it. */
	buf_init(&err, 4096);
	plan_init(&p);
	assert_int_equal(plan_set(&p, PLAN_TLS, "mail.example,b.example:465",
	    &err), 0);
	assert_int_equal(plan_set(&p, PLAN_STARTTLS, "smtp", &err), 0);
	assert_int_equal(plan_finish(&p, &err), 0);
	assert_int_equal(p.ntargets, 2);
	assert_string_equal(p.targets[0], "mail.example");
	assert_string_equal(p.targets[1], "b.example:465");
	plan_release(&p);
	buf_release(&err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cli_and_config_agree),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_config_shapes),
		cmocka_unit_test(test_help_and_getopt),
		cmocka_unit_test(test_finish),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
