/*
 * test_controls.c - the verdict function, table-driven: a run's evidence
 * in memory (documents and node facts) in, findings and verdict out.
 *
 * Documents are written with single quotes for readability and turned
 * into JSON before use. Each case names the findings it must hold
 * ("CHECK|SUBJECT|RESULT", optionally "|a phrase of the reason") and the
 * verdict; every case is also checked for what holds of any evaluation:
 * each finding's check is in the catalogue, the summary counts what the
 * findings say, and a missing piece of evidence is never a pass.
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
#include "evidence/run.h"
#include "tests/unit/quotes.h"
#include "util/digest.h"
#include "util/json.h"

struct tdoc {
	enum evidence_kind	 kind;
	const char		*subject;
	const char		*json;		/* ' for " */
};

struct tnode {
	const char	*subject;
	int		 compliant;
	int		 fips_enabled;
	const char	*reasons;		/* ' for ", NULL: [] */
	const char	*version;		/* its document: "v1" when NULL */
};

struct tcase {
	const char	*name;
	struct tdoc	 docs[4];
	struct tnode	 nodes[4];
	const char	*verdict;
	const char	*expect[10];
	const char	*absent[4];		/* "CHECK|SUBJECT" */
};

/* A cluster document: its nodes list and Helm part, in ' quotes. */
#define CLUSTER(nodes, rest) \
	"{'format':'fipsev-cluster/1','compliant':true,'findings':[]," \
	"'nodes':[" nodes "]," rest "}"

/* A release that does everything right. */
#define GOOD_RELEASE \
	"{'namespace':'harness','name':'harness','global_fips':true," \
	"'smp_version':'0.31.0','smp_version_supported':true," \
	"'fips_since_first_install':{'value':true,'reason':'revision 1 " \
	"installed with global.fips true'},'current_revision':1," \
	"'revisions':[{'revision':1,'global_fips_sources':['values.yaml']}]," \
	"'db_passwords_collected':true,'db_passwords':[{'database':" \
	"'mongodb','secret':'mongodb-replicaset-chart','key':" \
	"'mongodb-root-password','source':'chart default','length':24}]}"

#define TLS_DOC(target, ep) \
	"{'format':'fipsev-tls/1','endpoints':[{'target':'" target "'," ep \
	",'protocols':[],'ciphers':[],'groups':[],'sigalgs':[]," \
	"'connections':3}]}"

static const struct tcase cases[] = {
	{ "nothing collected is in no check's scope",
	    { { 0 } }, { { 0 } }, "compliant",
	    { "FIPS-NODE-KERNEL|-|not-applicable",
	      "FIPS-HELM-GLOBAL|-|not-applicable",
	      "FIPS-TLS-ENDPOINT|-|not-applicable",
	      "FIPS-MODULES|-|not-applicable",
	      "FIPS-DB-PASSWORD|-|not-applicable" }, { NULL } },
	{ "a node in FIPS mode passes both node checks",
	    { { 0 } }, { { "n1", 1, 1, NULL, NULL } }, "compliant",
	    { "FIPS-NODE-KERNEL|n1|pass|fips_enabled is 1",
	      "FIPS-NODE-OS|n1|pass" }, { NULL } },
	{ "fips_enabled unreadable is missing evidence, never a pass",
	    { { 0 } }, { { "n1", 0, -1, "['no /proc/sys/crypto/fips_enabled']",
	    NULL } }, "noncompliant",
	    { "FIPS-NODE-KERNEL|n1|missing-evidence",
	      "FIPS-NODE-OS|n1|fail|no /proc/sys/crypto/fips_enabled" },
	    { NULL } },
	{ "a node out of FIPS mode fails, with the first reasons",
	    { { 0 } }, { { "a", 1, 1, NULL, NULL }, { "b", 0, 0,
	    "['r1','r2','r3','r4','r5','r6']", NULL } }, "noncompliant",
	    { "FIPS-NODE-KERNEL|a|pass", "FIPS-NODE-KERNEL|b|fail",
	      "FIPS-NODE-OS|b|fail|r1; r2; r3; r4; and 2 more" }, { NULL } },
	{ "a node the cluster collected but the run lacks is missing",
	    { { EVIDENCE_CLUSTER, "cluster", CLUSTER(
	    "{'name':'a','evidence':'collected'},"
	    "{'name':'b','evidence':'collected'}", "'helm':{'releases':[]}") } },
	    { { "a", 1, 1, NULL, NULL } }, "noncompliant",
	    { "FIPS-NODE-KERNEL|a|pass",
	      "FIPS-NODE-KERNEL|b|missing-evidence|holds no node evidence",
	      "FIPS-NODE-OS|b|missing-evidence" }, { NULL } },
	{ "a node that could not be reached is missing, with why",
	    { { EVIDENCE_CLUSTER, "cluster", CLUSTER(
	    "{'name':'c','evidence':'unreachable','evidence_error':"
	    "'probe pod timed out'}", "'helm':{'releases':[]}") } },
	    { { 0 } }, "noncompliant",
	    { "FIPS-NODE-KERNEL|c|missing-evidence|no evidence from the node: "
	      "probe pod timed out" }, { NULL } },
	{ "a cluster that lists no node shows no node's FIPS mode",
	    { { EVIDENCE_CLUSTER, "cluster", CLUSTER("",
	    "'helm':{'releases':[]}") } }, { { 0 } }, "noncompliant",
	    { "FIPS-NODE-KERNEL|-|missing-evidence|lists no node",
	      "FIPS-HELM-GLOBAL|-|missing-evidence|no Harness Helm release" },
	    { NULL } },
	{ "a release done right passes every release check",
	    { { EVIDENCE_CLUSTER, "cluster", CLUSTER(
	    "{'name':'a','evidence':'collected'}", "'helm':{'releases':["
	    GOOD_RELEASE "]},'workloads_listed':true,'delegates':[],"
	    "'cronjobs_listed':true,'delegate_upgraders':[]") } },
	    { { "a", 1, 1, NULL, NULL } }, "compliant",
	    { "FIPS-HELM-GLOBAL|harness/harness|pass|set in: values.yaml",
	      "FIPS-SMP-VERSION|harness/harness|pass|SMP 0.31.0",
	      "FIPS-FIRST-INSTALL|harness/harness|pass",
	      "FIPS-DB-PASSWORD|harness/harness mongodb|pass|24 characters",
	      "FIPS-CLUSTER-EVIDENCE|-|pass",
	      "FIPS-DELEGATE|-|not-applicable",
	      "FIPS-DELEGATE-UPGRADER|-|not-applicable" }, { NULL } },
	{ "global.fips not set is missing, false fails, a short password "
	  "fails",
	    { { EVIDENCE_CLUSTER, "cluster", CLUSTER("", "'helm':{'releases':["
	    "{'namespace':'h1','name':'r','global_fips':null,"
	    "'db_passwords_collected':true,'db_passwords':[{'database':'pg',"
	    "'length':10}]},{'namespace':'h2','name':'r','global_fips':false,"
	    "'db_passwords_collected':true,'db_passwords':[{'database':'pg'}]}"
	    "]}") } }, { { 0 } }, "noncompliant",
	    { "FIPS-HELM-GLOBAL|h1/r|missing-evidence|not set",
	      "FIPS-HELM-GLOBAL|h2/r|fail|is false",
	      "FIPS-DB-PASSWORD|h1/r pg|fail|10 characters (at least 14",
	      "FIPS-DB-PASSWORD|h2/r pg|missing-evidence|not measured" },
	    { NULL } },
	{ "delegates: the flag, the image, a list not read",
	    { { EVIDENCE_CLUSTER, "cluster", CLUSTER("", "'helm':{'releases':[]},"
	    "'delegates':[{'namespace':'d','name':'ok','fips_enabled':true,"
	    "'fips_image':true,'image':'harness/delegate:25.01.85000.fips'},"
	    "{'namespace':'d','name':'off','fips_enabled':false,"
	    "'fips_image':null,'image':'harness/delegate@sha256:ab'}],"
	    "'cronjobs_listed':false") } }, { { 0 } }, "noncompliant",
	    { "FIPS-DELEGATE|d/ok|pass", "FIPS-DELEGATE-IMAGE|d/ok|pass",
	      "FIPS-DELEGATE|d/off|fail|FIPS_ENABLED not true",
	      "FIPS-DELEGATE-IMAGE|d/off|missing-evidence|pinned by digest",
	      "FIPS-DELEGATE-UPGRADER|-|missing-evidence|could not be listed" },
	    { NULL } },
	{ "a finding no field carries is judged as the cluster said",
	    { { EVIDENCE_CLUSTER, "cluster", CLUSTER("", "'helm':{'releases':[]},"
	    "'other_findings':[{'check':'FIPS-CLUSTER-EVIDENCE','subject':"
	    "'configmaps','result':'missing-evidence','reason':'forbidden'},"
	    "{'check':'FIPS-HELM-GLOBAL','subject':'x/y','result':'pass',"
	    "'reason':'a pass claimed here is not taken'}]") } }, { { 0 } },
	    "noncompliant",
	    { "FIPS-CLUSTER-EVIDENCE|configmaps|missing-evidence|forbidden" },
	    { "FIPS-HELM-GLOBAL|x/y", "FIPS-CLUSTER-EVIDENCE|-" } },
	{ "TLS: approved passes; a failed scan and a scan cut short are "
	  "missing; a bad suite fails; plaintext fails the transit check",
	    { { EVIDENCE_TLS, "a:443", TLS_DOC("a:443",
	      "'compliant':true,'error':null,'findings':[]") },
	      { EVIDENCE_TLS, "b:443", TLS_DOC("b:443",
	      "'compliant':false,'error':'connection refused','findings':[]") },
	      { EVIDENCE_TLS, "c:443", TLS_DOC("c:443",
	      "'compliant':false,'error':null,'findings':['evidence "
	      "incomplete: TLS 1.2 suites cut short by a timeout']") },
	      { EVIDENCE_TLS, "d:80", TLS_DOC("d:80",
	      "'compliant':false,'error':null,'findings':['TLS_RSA_WITH_RC4_"
	      "128_SHA accepted'],'plaintext':{'protocol':'HTTP','answer':"
	      "'HTTP/1.1 400'}") } }, { { 0 } }, "noncompliant",
	    { "FIPS-TLS-ENDPOINT|a:443|pass",
	      "FIPS-TLS-ENDPOINT|b:443|missing-evidence|connection refused",
	      "FIPS-TLS-ENDPOINT|c:443|missing-evidence|cut short",
	      "FIPS-TLS-ENDPOINT|d:80|not-applicable",
	      "FIPS-TRANSIT-PLAINTEXT|d:80|fail|HTTP/1.1 400" },
	    { "FIPS-TRANSIT-PLAINTEXT|-" } },
	{ "TLS: a gap beside a real failure is a failure",
	    { { EVIDENCE_TLS, "e:443", TLS_DOC("e:443",
	      "'compliant':false,'error':null,'findings':['evidence "
	      "incomplete: groups','TLS 1.0 accepted']") } }, { { 0 } },
	    "noncompliant",
	    { "FIPS-TLS-ENDPOINT|e:443|fail|TLS 1.0 accepted",
	      "FIPS-TRANSIT-PLAINTEXT|-|pass" }, { NULL } },
	{ "modules: supported passes, unsupported fails, unknown is missing",
	    { { EVIDENCE_INVENTORY, "inventory", "{'format':"
	      "'fipsev-inventory/1','compliant':false,'inventory':["
	      "{'module':'Platform','component':'Platform','seen_at':'chart',"
	      "'supported':'yes'},{'module':'STO','component':'STO','seen_at':"
	      "'chart','supported':'no','reason':'not supported in FIPS mode'},"
	      "{'module':'CE','component':'?','seen_at':'image x',"
	      "'supported':'unknown','reason':'not in the matrix'}]}" } },
	    { { 0 } }, "noncompliant",
	    { "FIPS-MODULES|Platform: Platform at chart|pass",
	      "FIPS-MODULES|STO: STO at chart|fail|not supported",
	      "FIPS-MODULES|CE: ? at image x|missing-evidence" }, { NULL } },
};

/* The view of a case: its documents and nodes. */
static void
view_of(const struct tcase *c, struct run_view *v, int64_t id,
    const char *version)
{
	char hex[SHA256_HEX_LEN + 1], text[64];
	size_t i;

	run_view_init(v, id);
	for (i = 0; i < 4 && c->docs[i].json != NULL; i++) {
		char *json = quotes(c->docs[i].json);

		assert_int_equal(sha256_hex(json, strlen(json), hex), 0);
		assert_int_equal(run_view_add_doc(v, c->docs[i].kind,
		    c->docs[i].subject, hex, json, strlen(json)), 0);
		assert_non_null(v->docs[v->ndocs - 1].json);
		free(json);
	}
	for (i = 0; i < 4 && c->nodes[i].subject != NULL; i++) {
		const struct tnode *t = &c->nodes[i];
		struct run_node n;
		char *reasons = quotes(t->reasons != NULL ? t->reasons : "[]");

		memset(&n, 0, sizeof(n));
		/* A node's document: its name and version, hashed. */
		snprintf(text, sizeof(text), "%s %s", t->subject,
		    version != NULL ? version : t->version != NULL ?
		    t->version : "v1");
		assert_int_equal(sha256_hex(text, strlen(text), n.sha256), 0);
		n.subject = (char *)t->subject;
		n.compliant = t->compliant;
		n.fips_enabled = t->fips_enabled;
		n.kernel_cmdline_fips = t->fips_enabled;
		n.reasons = reasons;
		assert_int_equal(run_view_add_node(v, &n), 0);
		free(reasons);
	}
}

static const cJSON *
find(const cJSON *eval, const char *check, const char *subject)
{
	const cJSON *f;

	cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(eval,
	    "findings"))
		if (strcmp(json_str_or(f, "check", ""), check) == 0 &&
		    strcmp(json_str_or(f, "subject", ""), subject) == 0)
			return f;
	return NULL;
}

/* What holds of every evaluation, whatever its evidence. */
static void
invariants(const cJSON *eval)
{
	static const char *const results[] = { "pass", "fail",
	    "missing-evidence", "not-applicable" };
	static const char *const sums[] = { "pass", "fail",
	    "missing_evidence", "not_applicable" };
	const cJSON *f, *c, *sum = cJSON_GetObjectItemCaseSensitive(eval,
	    "summary");
	int n[4] = { 0 }, k, known;

	cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(eval,
	    "findings")) {
		known = 0;
		cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(eval,
		    "checks"))
			known |= strcmp(json_str_or(c, "id", ""),
			    json_str_or(f, "check", "?")) == 0;
		assert_true(known);
		for (k = 0; k < 4; k++)
			if (strcmp(json_str_or(f, "result", ""), results[k]) == 0)
				break;
		assert_true(k < 4);
		n[k]++;
		assert_non_null(json_get_str(f, "reason"));
	}
	for (k = 0; k < 4; k++)
		assert_int_equal(cJSON_GetObjectItemCaseSensitive(sum,
		    sums[k])->valueint, n[k]);
	assert_string_equal(json_get_str(eval, "verdict"), n[1] + n[2] == 0 ?
	    "compliant" : "noncompliant");
}

static void
check_case(const struct tcase *c, const cJSON *eval)
{
	size_t i;

	print_message("case: %s\n", c->name);
	assert_non_null(eval);
	invariants(eval);
	assert_string_equal(json_get_str(eval, "verdict"), c->verdict);
	for (i = 0; i < 10 && c->expect[i] != NULL; i++) {
		char *e = strdup(c->expect[i]), *check, *subject, *result,
		    *phrase, *save = NULL;
		const cJSON *f;

		assert_non_null(e);
		check = strtok_r(e, "|", &save);
		subject = strtok_r(NULL, "|", &save);
		result = strtok_r(NULL, "|", &save);
		phrase = strtok_r(NULL, "|", &save);
		f = find(eval, check, subject);
		if (f == NULL)
			fail_msg("%s: no finding %s %s", c->name, check,
			    subject);
		assert_string_equal(json_get_str(f, "result"), result);
		if (phrase != NULL &&
		    strstr(json_get_str(f, "reason"), phrase) == NULL)
			fail_msg("%s: %s %s: reason '%s' lacks '%s'", c->name,
			    check, subject, json_get_str(f, "reason"), phrase);
		free(e);
	}
	for (i = 0; i < 4 && c->absent[i] != NULL; i++) {
		char *e = strdup(c->absent[i]), *save = NULL, *check, *subject;

		assert_non_null(e);
		check = strtok_r(e, "|", &save);
		subject = strtok_r(NULL, "|", &save);
		if (find(eval, check, subject) != NULL)
			fail_msg("%s: unexpected finding %s %s", c->name, check,
			    subject);
		free(e);
	}
}

static void
test_cases(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct run_view v;
		cJSON *eval;

		view_of(&cases[i], &v, 1, NULL);
		eval = controls_judge(&v, NULL);
		check_case(&cases[i], eval);
		cJSON_Delete(eval);
		run_view_release(&v);
	}
}

/* Every finding cites the document it was judged from. */
static void
test_citations(void **state)
{
	const struct tcase *c = &cases[4];	/* cluster + node */
	struct run_view v;
	const cJSON *ev;
	cJSON *eval;

	(void)state;
	view_of(c, &v, 1, NULL);
	assert_non_null(eval = controls_judge(&v, NULL));
	ev = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(find(eval,
	    "FIPS-NODE-KERNEL", "a"), "evidence"), 0);
	assert_string_equal(json_get_str(ev, "collector"), "node");
	assert_string_equal(json_get_str(ev, "sha256"), v.nodes[0].sha256);
	ev = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(find(eval,
	    "FIPS-NODE-KERNEL", "b"), "evidence"), 0);
	assert_string_equal(json_get_str(ev, "collector"), "cluster");
	assert_string_equal(json_get_str(ev, "sha256"), v.docs[0].sha256);
	cJSON_Delete(eval);
	run_view_release(&v);
}

/*
 * Judged against another run, a node whose document is the same there
 * is left out (its findings are the same on both sides); one whose
 * document differs is kept. The cluster's own findings stay.
 */
static void
test_against_other(void **state)
{
	static const struct tcase c = { "two nodes, one changed",
	    { { EVIDENCE_CLUSTER, "cluster", CLUSTER(
	    "{'name':'a','evidence':'collected'},"
	    "{'name':'b','evidence':'collected'}", "'helm':{'releases':[]}") } },
	    { { "a", 1, 1, NULL, NULL }, { "b", 1, 1, NULL, "v2" } },
	    "compliant", { NULL }, { NULL } };
	static const struct tcase before = { "before",
	    { { 0 } }, { { "a", 1, 1, NULL, NULL }, { "b", 1, 1, NULL, NULL } },
	    "compliant", { NULL }, { NULL } };
	struct run_view v, o;
	cJSON *eval;

	(void)state;
	view_of(&c, &v, 2, NULL);
	view_of(&before, &o, 1, NULL);
	assert_non_null(eval = controls_judge(&v, &o));
	assert_null(find(eval, "FIPS-NODE-KERNEL", "a"));
	assert_non_null(find(eval, "FIPS-NODE-KERNEL", "b"));
	assert_non_null(find(eval, "FIPS-CLUSTER-EVIDENCE", "-"));
	invariants(eval);
	cJSON_Delete(eval);
	/* Against nothing, both are judged. */
	assert_non_null(eval = controls_judge(&v, NULL));
	assert_non_null(find(eval, "FIPS-NODE-KERNEL", "a"));
	cJSON_Delete(eval);
	run_view_release(&v);
	run_view_release(&o);
}

/*
 * A subject or reason longer than any fixed buffer is kept whole: two
 * releases whose names differ only past 2,000 characters are two
 * subjects, never one cut short.
 */
static void
test_long_names_whole(void **state)
{
	char *doc, *a, *b;
	size_t n = 3000;
	struct run_view v;
	cJSON *eval, *rel;
	const cJSON *f;
	char hex[SHA256_HEX_LEN + 1];
	int found = 0;

	(void)state;
	a = malloc(n + 2);
	b = malloc(n + 2);
	assert_non_null(a);
	assert_non_null(b);
	memset(a, 'x', n);
	memcpy(b, a, n);
	strcpy(a + n, "a");
	strcpy(b + n, "b");
	rel = cJSON_Parse("{\"format\":\"fipsev-cluster/1\",\"compliant\":"
	    "true,\"findings\":[],\"nodes\":[],\"helm\":{\"releases\":"
	    "[{\"namespace\":\"ns\",\"global_fips\":true},{\"namespace\":"
	    "\"ns\",\"global_fips\":false}]}}");
	assert_non_null(rel);
	cJSON_AddStringToObject(cJSON_GetArrayItem(
	    cJSON_GetObjectItem(cJSON_GetObjectItem(rel, "helm"), "releases"),
	    0), "name", a);
	cJSON_AddStringToObject(cJSON_GetArrayItem(
	    cJSON_GetObjectItem(cJSON_GetObjectItem(rel, "helm"), "releases"),
	    1), "name", b);
	assert_non_null(doc = cJSON_PrintUnformatted(rel));
	assert_int_equal(sha256_hex(doc, strlen(doc), hex), 0);
	run_view_init(&v, 1);
	assert_int_equal(run_view_add_doc(&v, EVIDENCE_CLUSTER, "cluster", hex,
	    doc, strlen(doc)), 0);
	assert_non_null(eval = controls_judge(&v, NULL));
	cJSON_ArrayForEach(f, cJSON_GetObjectItem(eval, "findings")) {
		const char *s = json_get_str(f, "subject");

		if (strcmp(json_get_str(f, "check"), "FIPS-HELM-GLOBAL") != 0)
			continue;
		/* "ns/" and the whole name; each keeps its own result. */
		assert_int_equal(strlen(s), 3 + n + 1);
		assert_string_equal(json_get_str(f, "result"),
		    s[3 + n] == 'a' ? "pass" : "fail");
		found |= s[3 + n] == 'a' ? 1 : 2;
	}
	assert_int_equal(found, 3);
	cJSON_Delete(eval);
	run_view_release(&v);
	cJSON_Delete(rel);
	free(doc);
	free(a);
	free(b);
}

/*
 * A name past the cap of shown text (a hostile release name of 2 MiB)
 * is cut with a marker: the evaluation is still made, never failed.
 */
static void
test_hostile_length_cut(void **state)
{
	size_t n = (size_t)2 << 20;
	char *name = malloc(n + 1), *doc, hex[SHA256_HEX_LEN + 1];
	struct run_view v;
	cJSON *rel, *eval;
	const cJSON *f;
	const char *s;

	(void)state;
	assert_non_null(name);
	memset(name, 'n', n);
	name[n] = '\0';
	rel = cJSON_Parse("{\"format\":\"fipsev-cluster/1\",\"compliant\":"
	    "true,\"findings\":[],\"nodes\":[],\"helm\":{\"releases\":"
	    "[{\"namespace\":\"ns\",\"global_fips\":true}]}}");
	assert_non_null(rel);
	cJSON_AddStringToObject(cJSON_GetArrayItem(cJSON_GetObjectItem(
	    cJSON_GetObjectItem(rel, "helm"), "releases"), 0), "name", name);
	assert_non_null(doc = cJSON_PrintUnformatted(rel));
	assert_int_equal(sha256_hex(doc, strlen(doc), hex), 0);
	run_view_init(&v, 1);
	assert_int_equal(run_view_add_doc(&v, EVIDENCE_CLUSTER, "cluster", hex,
	    doc, strlen(doc)), 0);
	assert_non_null(eval = controls_judge(&v, NULL));
	invariants(eval);
	cJSON_ArrayForEach(f, cJSON_GetObjectItem(eval, "findings"))
		if (strcmp(json_get_str(f, "check"), "FIPS-HELM-GLOBAL") == 0)
			break;
	assert_non_null(f);
	assert_string_equal(json_get_str(f, "result"), "pass");
	s = json_get_str(f, "subject");
	assert_true(strlen(s) <= (size_t)1 << 20);
	assert_non_null(strstr(s, "[cut: over 1 MiB]"));
	cJSON_Delete(eval);
	run_view_release(&v);
	cJSON_Delete(rel);
	free(doc);
	free(name);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_citations),
		cmocka_unit_test(test_against_other),
		cmocka_unit_test(test_long_names_whole),
		cmocka_unit_test(test_hostile_length_cut),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
