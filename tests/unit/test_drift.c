/*
 * test_drift.c - what changed between two runs, table-driven: two runs'
 * evidence in memory in, changes out. Every case is compared three ways
 * (evaluations made against the other run, whole evaluations, one of
 * each, as a bundle makes them), which must give the same changes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "evaluate/controls.h"
#include "evaluate/drift.h"
#include "evidence/run.h"
#include "tests/unit/quotes.h"
#include "util/digest.h"
#include "util/json.h"

struct tnode {
	const char	*subject;
	int		 fips_enabled;		/* also compliant when 1 */
	const char	*kernel;
};

struct tside {
	const char	*docs[3];		/* "KIND SUBJECT JSON", ' for " */
	struct tnode	 nodes[4];
};

struct tcase {
	const char	*name;
	struct tside	 a, b;
	const char	*expect[8];	/* "KIND|SUBJECT|CHANGE|FIELD[|FROM|TO]" */
	int		 count;		/* how many changes in all: node d,
					   the same in both, makes none */
};

#define TLS(target, ciphers) \
	"tls " target " {'format':'fipsev-tls/1','endpoints':[{'target':'" \
	target "','compliant':true,'error':null,'findings':[],'protocols':" \
	"['TLSv1.2'],'ciphers':[" ciphers "],'groups':[],'sigalgs':[]," \
	"'connections':1}]}"
#define GCM	"{'protocol':'TLSv1.2','iana_name':'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'}"
#define CBC	"{'protocol':'TLSv1.2','iana_name':'TLS_RSA_WITH_AES_128_CBC_SHA'}"

static const struct tcase cases[] = {
	{ "the same evidence changes nothing",
	    { { TLS("a:443", GCM) }, { { "n1", 1, "6.1" } } },
	    { { TLS("a:443", GCM) }, { { "n1", 1, "6.1" } } },
	    { NULL }, 0 },
	{ "nodes added, removed and changed, each once",
	    { { NULL }, { { "a", 1, "6.1" }, { "b", 1, "6.1" },
	      { "d", 1, "6.1" } } },
	    { { NULL }, { { "b", 0, "6.2" }, { "c", 1, "6.1" },
	      { "d", 1, "6.1" } } },
	    { "node|a|removed|-", "node|c|added|-",
	      "node|b|changed|fips_enabled|true|false",
	      "node|b|changed|kernel|6.1|6.2",
	      "finding|FIPS-NODE-KERNEL b|changed|result|pass|fail",
	      "finding|FIPS-NODE-KERNEL c|added|result",
	      "finding|FIPS-NODE-KERNEL a|removed|result" }, 12 },
	{ "an endpoint accepts a CBC suite; another appears",
	    { { TLS("a:443", GCM) }, { { NULL } } },
	    { { TLS("a:443", GCM "," CBC), TLS("b:443", GCM) }, { { NULL } } },
	    { "endpoint|a:443|added|suite||TLSv1.2 "
	      "TLS_RSA_WITH_AES_128_CBC_SHA", "endpoint|b:443|added|-",
	      "finding|FIPS-TLS-ENDPOINT b:443|added|result" }, 3 },
};

static void
view_of(const struct tside *s, struct run_view *v, int64_t id)
{
	char hex[SHA256_HEX_LEN + 1], text[128];
	size_t i;

	run_view_init(v, id);
	for (i = 0; i < 3 && s->docs[i] != NULL; i++) {
		char *d = quotes(s->docs[i]), *sp = strchr(d, ' '), *json;

		*sp = '\0';
		json = strchr(sp + 1, ' ');
		*json++ = '\0';
		assert_int_equal(sha256_hex(json, strlen(json), hex), 0);
		assert_int_equal(run_view_add_doc(v, evidence_kind_of(d), sp + 1,
		    hex, json, strlen(json)), 0);
		free(d);
	}
	for (i = 0; i < 4 && s->nodes[i].subject != NULL; i++) {
		const struct tnode *t = &s->nodes[i];
		struct run_node n;

		memset(&n, 0, sizeof(n));
		/* The document is its facts: the same facts, the same bytes. */
		snprintf(text, sizeof(text), "%s %d %s", t->subject,
		    t->fips_enabled, t->kernel);
		assert_int_equal(sha256_hex(text, strlen(text), n.sha256), 0);
		n.subject = (char *)t->subject;
		n.compliant = t->fips_enabled == 1;
		n.fips_enabled = t->fips_enabled;
		n.kernel_cmdline_fips = t->fips_enabled;
		n.kernel_release = (char *)t->kernel;
		n.reasons = "[]";
		assert_int_equal(run_view_add_node(v, &n), 0);
	}
}

static int
has(const cJSON *changes, const char *want)
{
	char *w = strdup(want), *part[6] = { NULL }, *p;
	const char *keys[] = { "kind", "subject", "change", "field", "from",
	    "to" };
	const cJSON *c;
	int i, n = 0, found = 0;

	assert_non_null(w);
	/* strsep keeps empty fields ("from" of an addition). */
	for (p = w; n < 6 && (part[n] = strsep(&p, "|")) != NULL; n++)
		;
	cJSON_ArrayForEach(c, changes) {
		int ok = 1;

		for (i = 0; i < n && ok; i++) {
			const char *v = json_get_str(c, keys[i]);

			ok = *part[i] == '\0' && i >= 4 ? v == NULL :
			    v != NULL && strcmp(v, part[i]) == 0;
		}
		found |= ok;
	}
	free(w);
	return found;
}

static void
test_cases(void **state)
{
	size_t i, k;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct tcase *c = &cases[i];
		struct run_view a, b;
		cJSON *ea_b, *eb_a, *ea, *eb, *ch[3];
		char *t0, *t1, *t2;

		print_message("case: %s\n", c->name);
		view_of(&c->a, &a, 1);
		view_of(&c->b, &b, 2);
		assert_non_null(ea_b = controls_judge(&a, &b));
		assert_non_null(eb_a = controls_judge(&b, &a));
		assert_non_null(ea = controls_judge(&a, NULL));
		assert_non_null(eb = controls_judge(&b, NULL));
		assert_non_null(ch[0] = drift_compute(&a, &b, ea_b, eb_a));
		assert_non_null(ch[1] = drift_compute(&a, &b, ea, eb));
		assert_non_null(ch[2] = drift_compute(&a, &b, ea_b, eb));
		t0 = cJSON_PrintUnformatted(ch[0]);
		t1 = cJSON_PrintUnformatted(ch[1]);
		t2 = cJSON_PrintUnformatted(ch[2]);
		assert_string_equal(t0, t1);
		assert_string_equal(t0, t2);
		for (k = 0; k < 8 && c->expect[k] != NULL; k++)
			if (!has(ch[0], c->expect[k]))
				fail_msg("%s: no change %s in %s", c->name,
				    c->expect[k], t0);
		if (cJSON_GetArraySize(ch[0]) != c->count)
			fail_msg("%s: %d changes, not %d: %s", c->name,
			    cJSON_GetArraySize(ch[0]), c->count, t0);
		free(t0);
		free(t1);
		free(t2);
		for (k = 0; k < 3; k++)
			cJSON_Delete(ch[k]);
		cJSON_Delete(ea_b);
		cJSON_Delete(eb_a);
		cJSON_Delete(ea);
		cJSON_Delete(eb);
		run_view_release(&a);
		run_view_release(&b);
	}
}

/* A cluster document whose chart values hold value at key.big. */
static char *
cluster_with(const char *value)
{
	cJSON *doc = cJSON_Parse("{\"format\":\"fipsev-cluster/1\","
	    "\"compliant\":true,\"findings\":[],\"nodes\":[],\"helm\":"
	    "{\"releases\":[{\"namespace\":\"h\",\"name\":\"harness\","
	    "\"global_fips\":true,\"current_revision\":1,\"revisions\":"
	    "[{\"revision\":1,\"values_user\":{\"key\":{}}}]}]}}");
	cJSON *vals;
	char *s;

	assert_non_null(doc);
	vals = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(
	    cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetObjectItem(doc,
	    "helm"), "releases"), 0), "revisions"), 0), "values_user");
	assert_non_null(cJSON_AddStringToObject(cJSON_GetObjectItem(vals,
	    "key"), "big", value));
	assert_non_null(s = cJSON_PrintUnformatted(doc));
	cJSON_Delete(doc);
	return s;
}

/*
 * A chart value that differs only at its 1,501st character is a change
 * (a value cut to a buffer once compared equal: "0 changes").
 */
static void
test_long_value_change(void **state)
{
	char *va = malloc(2001), *vb, *da, *db;
	char ha[SHA256_HEX_LEN + 1], hb[SHA256_HEX_LEN + 1];
	struct run_view a, b;
	cJSON *ea, *eb, *ch;

	(void)state;
	assert_non_null(va);
	memset(va, 'v', 2000);
	va[2000] = '\0';
	assert_non_null(vb = strdup(va));
	vb[1500] = 'w';
	da = cluster_with(va);
	db = cluster_with(vb);
	assert_int_equal(sha256_hex(da, strlen(da), ha), 0);
	assert_int_equal(sha256_hex(db, strlen(db), hb), 0);
	run_view_init(&a, 1);
	run_view_init(&b, 2);
	assert_int_equal(run_view_add_doc(&a, EVIDENCE_CLUSTER, "cluster", ha,
	    da, strlen(da)), 0);
	assert_int_equal(run_view_add_doc(&b, EVIDENCE_CLUSTER, "cluster", hb,
	    db, strlen(db)), 0);
	assert_non_null(ea = controls_judge(&a, &b));
	assert_non_null(eb = controls_judge(&b, &a));
	assert_non_null(ch = drift_compute(&a, &b, ea, eb));
	/* One value removed, one added: the whole leaf each time. */
	assert_int_equal(cJSON_GetArraySize(ch), 2);
	assert_string_equal(json_get_str(cJSON_GetArrayItem(ch, 0), "kind"),
	    "values");
	assert_int_equal(strlen(json_get_str(cJSON_GetArrayItem(ch, 0),
	    "to")), strlen("key.big=") + 2000);
	cJSON_Delete(ch);
	cJSON_Delete(ea);
	cJSON_Delete(eb);
	run_view_release(&a);
	run_view_release(&b);
	free(va);
	free(vb);
	free(da);
	free(db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_long_value_change),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
