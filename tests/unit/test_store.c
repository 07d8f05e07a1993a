/*
 * test_store.c - the SQLite store: migrations, runs, documents, refusals.
 * Every test works on a real SQLite file in a fresh temporary directory.
 */
#include <sys/stat.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "evidence/run.h"
#include "store/schema.h"
#include "store/store.h"
#include "util/digest.h"

static char dir[] = "/tmp/fipsev-store-XXXXXX";
static char db[600];
static int seq;

static const struct store_run_meta meta = {
	.started = "2026-11-28T10:00:00Z",
	.host = "test-host",
	.tool_version = "0.0.0-test",
};

#define DOC_OK \
	"{\"format\":\"fipsev-node/1\",\"node\":{\"hostname\":\"n1\"," \
	"\"compliant\":true,\"reasons\":[],\"fips_enabled\":true," \
	"\"kernel_cmdline_fips\":true,\"os\":{\"id\":\"bottlerocket\"," \
	"\"variant_id\":\"aws-k8s-1.31-fips\",\"fips_variant\":true}," \
	"\"kernel_release\":\"6.1.112\"}}"
#define DOC_BAD_NODE(name) \
	"{\"format\":\"fipsev-node/1\",\"node\":{\"hostname\":\"" name "\"," \
	"\"compliant\":false,\"reasons\":[\"kernel is not in FIPS mode\"]," \
	"\"fips_enabled\":false}}"

/* A fresh store path for each test. */
static int
setup(void **state)
{
	(void)state;
	snprintf(db, sizeof(db), "%s/t%d/sub/fipsev.db", dir, ++seq);
	return 0;
}

static int
group_setup(void **state)
{
	(void)state;
	return mkdtemp(dir) != NULL ? 0 : -1;
}

static int
group_teardown(void **state)
{
	char cmd[700];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Run one SQL query on the file directly and return its integer result. */
static long long
query_int(const char *sql)
{
	sqlite3 *h;
	sqlite3_stmt *stmt;
	long long v;

	assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &stmt, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	v = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	sqlite3_close(h);
	return v;
}

/* Commit the open run with an evaluation, as the collection does. */
static int
commit(struct store *st, int64_t *id)
{
	static const char eval[] = "{\"verdict\":\"compliant\","
	    "\"findings\":[]}";

	assert_int_equal(store_run_set_evaluation(st, "compliant", eval,
	    strlen(eval)), 0);
	return store_run_commit(st, id);
}

static int64_t
record(struct store *st, const char *doc1, const char *doc2)
{
	int64_t id = -1;

	assert_int_equal(store_run_begin(st, &meta), 0);
	assert_int_equal(store_run_add_node(st, doc1, strlen(doc1)), 0);
	if (doc2 != NULL)
		assert_int_equal(store_run_add_node(st, doc2, strlen(doc2)), 0);
	assert_int_equal(commit(st, &id), 0);
	return id;
}

static void
test_create_and_migrate(void **state)
{
	struct store *st;

	(void)state;
	/* Missing file, existing mode: refused, nothing created. */
	assert_int_equal(store_open(db, STORE_EXISTING, &st), -1);
	assert_null(st);
	assert_int_equal(store_open(db, STORE_CREATE, &st), 0);
	store_close(st);
	assert_int_equal(query_int("PRAGMA user_version"), store_schema_version());
	assert_int_equal(query_int("SELECT count(*) FROM runs"), 0);
	/* The journal is WAL, kept in the file header. */
	assert_int_equal(query_int("SELECT journal_mode = 'wal' FROM "
	    "pragma_journal_mode"), 1);
	/* Opening again migrates nothing and keeps the version. */
	assert_int_equal(store_open(db, STORE_EXISTING, &st), 0);
	store_close(st);
	assert_int_equal(query_int("PRAGMA user_version"), store_schema_version());
}

struct seen {
	int	 n;
	int64_t	 ids[8];
	char	 body[8][1024];
	char	 sha[8][SHA256_HEX_LEN + 1];
};

static int
collect_runs(const struct store_run_info *ri, void *arg)
{
	struct seen *s = arg;

	s->ids[s->n++] = ri->id;
	assert_string_equal(ri->status, "complete");
	return 0;
}

static int
collect_docs(const char *subject, const char *sha, const char *doc, size_t len,
    void *arg)
{
	struct seen *s = arg;

	(void)subject;
	assert_true(len < sizeof(s->body[0]));
	memcpy(s->body[s->n], doc, len);
	s->body[s->n][len] = '\0';
	snprintf(s->sha[s->n], sizeof(s->sha[0]), "%s", sha);
	s->n++;
	return 0;
}

static void
test_runs_roundtrip(void **state)
{
	struct store *st;
	struct store_run_info ri;
	struct seen s;
	char hex[SHA256_HEX_LEN + 1];
	int64_t a, b;

	(void)state;
	assert_int_equal(store_open(db, STORE_CREATE, &st), 0);
	a = record(st, DOC_OK, NULL);
	b = record(st, DOC_OK, DOC_BAD_NODE("n2"));
	assert_true(b > a);

	/* Newest first, both complete. */
	memset(&s, 0, sizeof(s));
	assert_int_equal(store_list_runs(st, 0, collect_runs, &s), 0);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.ids[0], b);
	assert_int_equal(s.ids[1], a);
	memset(&s, 0, sizeof(s));
	assert_int_equal(store_list_runs(st, 1, collect_runs, &s), 0);
	assert_int_equal(s.n, 1);

	/*
	 * Latest, by id; the verdict is the one the evaluation gave
	 * (commit()), not one the store works out from the nodes.
	 */
	assert_int_equal(store_get_run(st, 0, &ri), 0);
	assert_int_equal(ri.id, b);
	assert_string_equal(ri.verdict, "compliant");
	assert_int_equal(ri.nodes, 2);
	assert_int_equal(ri.nodes_compliant, 1);
	assert_string_equal(ri.host, "test-host");
	assert_string_equal(ri.started, "2026-11-28T10:00:00Z");
	store_run_info_release(&ri);
	assert_int_equal(store_get_run(st, a, &ri), 0);
	assert_string_equal(ri.verdict, "compliant");
	store_run_info_release(&ri);
	assert_int_equal(store_get_run(st, 999, &ri), 1);

	/* Documents come back byte for byte, with their digest. */
	memset(&s, 0, sizeof(s));
	assert_int_equal(store_run_documents(st, b, "node", collect_docs, &s), 0);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.body[0], DOC_OK);		/* subject n1 */
	assert_string_equal(s.body[1], DOC_BAD_NODE("n2"));
	assert_int_equal(sha256_hex(DOC_OK, strlen(DOC_OK), hex), 0);
	assert_string_equal(s.sha[0], hex);
	store_close(st);

	/*
	 * The same document in two runs is stored once: two node documents
	 * and the one evaluation both runs were given.
	 */
	assert_int_equal(query_int("SELECT count(*) FROM documents"), 3);
	assert_int_equal(query_int("SELECT count(*) FROM evidence"), 3);
	assert_int_equal(query_int("SELECT fips_enabled IS NULL FROM node_facts "
	    "WHERE node = 'n1' LIMIT 1"), 0);
	assert_int_equal(query_int("SELECT os_fips_variant FROM node_facts "
	    "WHERE node = 'n1' LIMIT 1"), 1);
}

static void
test_refusals_keep_store_intact(void **state)
{
	static const char *const bad[] = {
		"not json",
		"[]",
		"{\"format\":\"other/1\",\"node\":{}}",
		"{\"format\":\"fipsev-node/1\",\"node\":[]}",
		"{\"format\":\"fipsev-node/1\",\"node\":{\"compliant\":\"yes\","
		    "\"reasons\":[],\"fips_enabled\":null}}",
		"{\"format\":\"fipsev-node/1\",\"node\":{\"compliant\":true,"
		    "\"reasons\":[],\"fips_enabled\":1}}",
		"{\"format\":\"fipsev-node/1\",\"node\":{\"compliant\":true,"
		    "\"reasons\":{},\"fips_enabled\":true}}",
		"{\"format\":\"fipsev-node/1\",\"node\":{\"compliant\":true,"
		    "\"reasons\":[],\"fips_enabled\":true,\"os\":\"linux\"}}",
	};
	struct store *st;
	int64_t id;

	(void)state;
	assert_int_equal(store_open(db, STORE_CREATE, &st), 0);
	record(st, DOC_OK, NULL);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(store_run_begin(st, &meta), 0);
		assert_int_equal(store_run_add_node(st, bad[i], strlen(bad[i])), -1);
		store_run_abort(st);
	}
	/* A node twice in one run. */
	assert_int_equal(store_run_begin(st, &meta), 0);
	assert_int_equal(store_run_add_node(st, DOC_OK, strlen(DOC_OK)), 0);
	assert_int_equal(store_run_add_node(st, DOC_OK, strlen(DOC_OK)), -1);
	store_run_abort(st);
	/* A run with no evidence is not recorded. */
	assert_int_equal(store_run_begin(st, &meta), 0);
	assert_int_equal(commit(st, &id), -1);
	/* Nor one without its evaluation, nor with a verdict that is none. */
	assert_int_equal(store_run_begin(st, &meta), 0);
	assert_int_equal(store_run_add_node(st, DOC_OK, strlen(DOC_OK)), 0);
	assert_int_equal(store_run_set_evaluation(st, "maybe", "{}", 2), -1);
	assert_int_equal(store_run_commit(st, &id), -1);
	/* Nothing is written outside a run; a second begin is refused. */
	assert_int_equal(store_run_add_node(st, DOC_OK, strlen(DOC_OK)), -1);
	assert_int_equal(store_run_begin(st, &meta), 0);
	assert_int_equal(store_run_begin(st, &meta), -1);
	/* Closing with a run open rolls it back. */
	assert_int_equal(store_run_add_node(st, DOC_OK, strlen(DOC_OK)), 0);
	store_close(st);

	assert_int_equal(query_int("SELECT count(*) FROM runs"), 1);
	assert_int_equal(query_int("SELECT count(*) FROM evidence"), 1);
	/* The one run's node document and its evaluation. */
	assert_int_equal(query_int("SELECT count(*) FROM documents"), 2);
}

/* Run one statement on the file directly, outside fipsev. */
static void
exec_raw(const char *sql)
{
	sqlite3 *h;

	assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
}

static int
count_history(int64_t run, const char *started, const struct cJSON *row,
    void *arg)
{
	struct seen *s = arg;

	(void)started;
	(void)row;
	s->ids[s->n++] = run;
	return 0;
}

/*
 * A run that finds a node as it was costs no new row: evidence is a span of
 * runs. A node that leaves and comes back starts a new span; runs still
 * read as before, one by one.
 */
static void
test_spans(void **state)
{
	struct store *st;
	struct seen s;
	int64_t r[4];

	(void)state;
	assert_int_equal(store_open(db, STORE_CREATE, &st), 0);
	r[0] = record(st, DOC_OK, DOC_BAD_NODE("n2"));
	r[1] = record(st, DOC_OK, DOC_BAD_NODE("n2"));
	r[2] = record(st, DOC_OK, NULL);
	r[3] = record(st, DOC_OK, DOC_BAD_NODE("n2"));
	store_close(st);

	/* n1: one span 1-4; n2: 1-2 and 4-4. */
	assert_int_equal(query_int("SELECT count(*) FROM evidence_spans"), 3);
	assert_int_equal(query_int("SELECT last_run FROM evidence_spans "
	    "WHERE subject = 'n1'"), r[3]);
	assert_int_equal(query_int("SELECT count(*) FROM node_documents"), 2);
	/* The views answer per run, as the tables of schema 4 did. */
	assert_int_equal(query_int("SELECT count(*) FROM evidence"), 7);
	assert_int_equal(query_int("SELECT count(*) FROM node_facts WHERE "
	    "node = 'n2'"), 3);

	assert_int_equal(store_open(db, STORE_EXISTING, &st), 0);
	memset(&s, 0, sizeof(s));
	assert_int_equal(store_run_documents(st, r[2], "node", collect_docs,
	    &s), 0);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.body[0], DOC_OK);
	memset(&s, 0, sizeof(s));
	assert_int_equal(store_run_documents(st, r[3], "node", collect_docs,
	    &s), 0);
	assert_int_equal(s.n, 2);
	memset(&s, 0, sizeof(s));
	assert_int_equal(store_history(st, "node", "n2", count_history, &s), 0);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.ids[0], r[0]);
	assert_int_equal(s.ids[1], r[1]);
	assert_int_equal(s.ids[2], r[3]);
	store_close(st);
}

#define DOC_GOOD_NODE(name) \
	"{\"format\":\"fipsev-node/1\",\"node\":{\"hostname\":\"" name "\"," \
	"\"compliant\":true,\"reasons\":[],\"fips_enabled\":true}}"

static int64_t
record_all(struct store *st, const char *const *docs)
{
	int64_t id = -1;

	assert_int_equal(store_run_begin(st, &meta), 0);
	for (; *docs != NULL; docs++)
		assert_int_equal(store_run_add_node(st, *docs, strlen(*docs)),
		    0);
	assert_int_equal(commit(st, &id), 0);
	return id;
}

/* The nodes of run id, in the view's order: "name=1" when run other
 * holds the same document (run_view_same_node()). */
struct nodes_seen {
	char	 line[200];
};

static const char *
run_nodes(struct store *st, int64_t id, int64_t other, struct nodes_seen *ns)
{
	struct run_view v, o;
	size_t i, len;

	ns->line[0] = '\0';
	assert_int_equal(store_run_view(st, id, 0, &v), 0);
	run_view_init(&o, 0);
	if (other > 0)
		assert_int_equal(store_run_view(st, other, 0, &o), 0);
	for (i = 0; i < v.nnodes; i++) {
		len = strlen(ns->line);
		assert_true(snprintf(ns->line + len, sizeof(ns->line) - len,
		    "%s%s=%d", len > 0 ? " " : "", v.nodes[i].subject,
		    run_view_same_node(other > 0 ? &o : NULL, &v.nodes[i])) <
		    (int)(sizeof(ns->line) - len));
	}
	run_view_release(&v);
	run_view_release(&o);
	return ns->line;
}

/*
 * Each node of a run, by name, and whether the other run holds the same
 * document: also when the node changed in between and came back, and
 * whichever nodes only one of the runs has.
 */
static void
test_run_nodes_same(void **state)
{
	static const char *const run1[] = { DOC_GOOD_NODE("a"),
	    DOC_GOOD_NODE("b"), DOC_BAD_NODE("c"), DOC_GOOD_NODE("e"), NULL };
	static const char *const run2[] = { DOC_GOOD_NODE("a"),
	    DOC_BAD_NODE("b"), DOC_GOOD_NODE("e"), NULL };
	static const char *const run3[] = { DOC_GOOD_NODE("e-2"),
	    DOC_BAD_NODE("e"), DOC_GOOD_NODE("d"), DOC_GOOD_NODE("b"),
	    DOC_GOOD_NODE("a"), NULL };
	struct nodes_seen ns;
	struct store *st;
	int64_t r1, r2, r3;

	(void)state;
	assert_int_equal(store_open(db, STORE_CREATE, &st), 0);
	r1 = record_all(st, run1);
	r2 = record_all(st, run2);
	r3 = record_all(st, run3);
	assert_string_equal(run_nodes(st, r3, r1, &ns),
	    "a=1 b=1 d=0 e=0 e-2=0");
	assert_string_equal(run_nodes(st, r1, r3, &ns), "a=1 b=1 c=0 e=0");
	assert_string_equal(run_nodes(st, r3, r2, &ns),
	    "a=1 b=0 d=0 e=0 e-2=0");
	assert_string_equal(run_nodes(st, r2, r1, &ns), "a=1 b=0 e=1");
	assert_string_equal(run_nodes(st, r2, r2, &ns), "a=1 b=1 e=1");
	/* No other run: nothing is the same. */
	assert_string_equal(run_nodes(st, r1, 0, &ns), "a=0 b=0 c=0 e=0");
	/* A run that does not exist holds nothing. */
	assert_string_equal(run_nodes(st, r1, r3 + 5, &ns), "a=0 b=0 c=0 e=0");
	store_close(st);
}

/*
 * A checked view holds every node the run recorded: facts deleted from
 * the store (which drop the node from the join) are an alteration, not a
 * smaller run. Unchecked (drift) it is what the store holds.
 */
static void
test_view_counts_checked(void **state)
{
	static const char *const run1[] = { DOC_GOOD_NODE("a"),
	    DOC_BAD_NODE("b"), NULL };
	struct run_view v;
	struct store *st;
	int64_t r1;

	(void)state;
	assert_int_equal(store_open(db, STORE_CREATE, &st), 0);
	r1 = record_all(st, run1);
	assert_int_equal(store_run_view(st, r1, STORE_VIEW_VERIFY, &v), 0);
	assert_int_equal(v.nnodes, 2);
	run_view_release(&v);
	store_close(st);
	exec_raw("DELETE FROM node_documents WHERE node = 'b'");
	assert_int_equal(store_open(db, STORE_EXISTING, &st), 0);
	assert_int_equal(store_run_view(st, r1, STORE_VIEW_VERIFY, &v), -1);
	assert_int_equal(v.nnodes, 0);
	assert_int_equal(store_run_view(st, r1, 0, &v), 0);
	assert_int_equal(v.nnodes, 1);
	run_view_release(&v);
	store_close(st);
}

/* Large documents are deflated, read back byte for byte, and a body that
 * no longer hashes to its key is refused, not handed on. */
static void
test_deflate_and_tamper(void **state)
{
	struct store *st;
	struct seen s;
	char doc[900], reasons[600];
	int64_t id;

	(void)state;
	memset(reasons, 'x', sizeof(reasons) - 1);
	reasons[sizeof(reasons) - 1] = '\0';
	snprintf(doc, sizeof(doc), "{\"format\":\"fipsev-node/1\",\"node\":{"
	    "\"hostname\":\"big\",\"compliant\":false,\"reasons\":[\"%s\"],"
	    "\"fips_enabled\":false}}", reasons);
	assert_int_equal(store_open(db, STORE_CREATE, &st), 0);
	id = record(st, doc, NULL);
	memset(&s, 0, sizeof(s));
	assert_int_equal(store_run_documents(st, id, "node", collect_docs, &s),
	    0);
	assert_string_equal(s.body[0], doc);
	store_close(st);
	assert_int_equal(query_int("SELECT encoding = 'deflate' AND "
	    "length(body) < size FROM documents"), 1);

	/* Same length, other bytes: the digest check catches it. */
	{
		char sql[1200], *p = strstr(doc, "big");

		p[1] = 'o';
		snprintf(sql, sizeof(sql), "UPDATE documents SET encoding = "
		    "'identity', body = CAST('%s' AS BLOB)", doc);
		exec_raw(sql);
	}
	assert_int_equal(store_open(db, STORE_EXISTING, &st), 0);
	memset(&s, 0, sizeof(s));
	assert_int_equal(store_run_documents(st, id, "node", collect_docs, &s),
	    -1);
	assert_int_equal(s.n, 0);
	/* A body that does not inflate at all. */
	store_close(st);
	exec_raw("UPDATE documents SET body = x'00112233'");
	assert_int_equal(store_open(db, STORE_EXISTING, &st), 0);
	assert_int_equal(store_run_documents(st, id, "node", collect_docs, &s),
	    -1);
	store_close(st);
}

/*
 * A store written by schema 4 (evidence and node facts one row a run)
 * opens under schema 5 with every run reading as before: consecutive runs
 * citing one document become one span.
 */
static void
test_migrate_from_4(void **state)
{
	struct store *st;
	struct store_run_info ri;
	struct seen s;
	char sql[2048], hex[SHA256_HEX_LEN + 1], *slash;
	sqlite3 *h;
	int i;

	(void)state;
	slash = strrchr(db, '/');
	*slash = '\0';
	snprintf(sql, sizeof(sql), "mkdir -p '%s'", db);
	assert_int_equal(system(sql), 0);
	*slash = '/';
	assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
	for (i = 0; i < 4; i++)
		assert_int_equal(sqlite3_exec(h, store_migrations[i], NULL, NULL,
		    NULL), SQLITE_OK);
	assert_int_equal(sha256_hex(DOC_OK, strlen(DOC_OK), hex), 0);
	snprintf(sql, sizeof(sql),
	    "PRAGMA user_version = 4;"
	    "INSERT INTO runs (id, started_utc, tool_version, host, status, "
	    "verdict) VALUES (1, 'a', 'v', 'h', 'complete', 'compliant'), "
	    "(2, 'b', 'v', 'h', 'complete', 'compliant'), "
	    "(3, 'c', 'v', 'h', 'complete', 'compliant');"
	    "INSERT INTO documents VALUES ('%s', 'application/json', %zu, "
	    "CAST('%s' AS BLOB));"
	    "INSERT INTO evidence VALUES (1, 'node', 'n1', '%s'), "
	    "(2, 'node', 'n1', '%s'), (3, 'node', 'n1', '%s');"
	    "INSERT INTO node_facts (run_id, node, compliant, fips_enabled, "
	    "reasons) VALUES (1, 'n1', 1, 1, '[]'), (2, 'n1', 1, 1, '[]'), "
	    "(3, 'n1', 1, 1, '[]');",
	    hex, strlen(DOC_OK), DOC_OK, hex, hex, hex);
	assert_int_equal(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);

	assert_int_equal(store_open(db, STORE_EXISTING, &st), 0);
	assert_int_equal(store_get_run(st, 2, &ri), 0);
	assert_int_equal(ri.nodes, 1);
	assert_int_equal(ri.nodes_compliant, 1);
	store_run_info_release(&ri);
	memset(&s, 0, sizeof(s));
	assert_int_equal(store_run_documents(st, 2, "node", collect_docs, &s),
	    0);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.body[0], DOC_OK);
	/* A run from before schema 6 has no stored evaluation. */
	{
		char *json;
		size_t len;

		assert_int_equal(store_run_evaluation(st, 2, &json, &len), 0);
		assert_null(json);
	}
	/* The next run finds n1 unchanged: the one span grows to 4. */
	assert_int_equal(record(st, DOC_OK, NULL), 4);
	store_close(st);
	assert_int_equal(query_int("PRAGMA user_version"), 6);
	assert_int_equal(query_int("SELECT count(*) FROM evidence_spans"), 1);
	assert_int_equal(query_int("SELECT first_run * 10 + last_run FROM "
	    "evidence_spans"), 14);
	assert_int_equal(query_int("SELECT count(*) FROM node_facts"), 4);
	assert_int_equal(query_int("SELECT encoding = 'identity' FROM "
	    "documents"), 1);
}

/* The evaluation given before the commit is the run's, read back whole. */
static void
test_evaluation(void **state)
{
	static const char eval[] = "{\"verdict\":\"noncompliant\","
	    "\"findings\":[{\"check\":\"FIPS-NODE-KERNEL\"}]}";
	struct store *st;
	struct store_run_info ri;
	char *json;
	size_t len;
	int64_t id;
	const struct store_keep old = { "2000-01-01T00:00:00Z", 0 };
	int removed, docs;

	(void)state;
	assert_int_equal(store_open(db, STORE_CREATE, &st), 0);
	assert_int_equal(store_run_open_id(st), 0);
	assert_int_equal(store_run_begin(st, &meta), 0);
	assert_true(store_run_open_id(st) > 0);
	assert_int_equal(store_run_add_node(st, DOC_OK, strlen(DOC_OK)), 0);
	/* The stored node says compliant; the evaluation decides. */
	assert_int_equal(store_run_set_evaluation(st, "noncompliant", eval,
	    strlen(eval)), 0);
	assert_int_equal(store_run_commit(st, &id), 0);
	assert_int_equal(store_get_run(st, id, &ri), 0);
	assert_string_equal(ri.verdict, "noncompliant");
	store_run_info_release(&ri);
	assert_int_equal(store_run_evaluation(st, id, &json, &len), 1);
	assert_int_equal(len, strlen(eval));
	assert_string_equal(json, eval);
	free(json);
	/* Pruning keeps the evaluation of a run it keeps. */
	assert_int_equal(store_prune(st, &old, &removed, &docs), 0);
	assert_int_equal(store_run_evaluation(st, id, &json, &len), 1);
	free(json);
	store_close(st);
	/* An evaluation cited but gone is an error, not an old run. */
	exec_raw("PRAGMA foreign_keys = OFF; DELETE FROM documents WHERE "
	    "sha256 = (SELECT evaluation FROM runs)");
	assert_int_equal(store_open(db, STORE_EXISTING, &st), 0);
	assert_int_equal(store_run_evaluation(st, id, &json, &len), -1);
	store_close(st);
}

static void
test_newer_schema_refused(void **state)
{
	struct store *st;
	sqlite3 *h;
	char sql[64];

	(void)state;
	assert_int_equal(store_open(db, STORE_CREATE, &st), 0);
	store_close(st);
	assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
	    store_schema_version() + 1);
	assert_int_equal(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
	assert_int_equal(store_open(db, STORE_EXISTING, &st), -1);
	assert_int_equal(query_int("PRAGMA user_version"),
	    store_schema_version() + 1);
}

static void
test_not_a_database(void **state)
{
	struct store *st;
	struct stat sb;
	char *slash;
	FILE *f;

	(void)state;
	slash = strrchr(db, '/');
	*slash = '\0';
	{
		char cmd[700];

		snprintf(cmd, sizeof(cmd), "mkdir -p '%s'", db);
		assert_int_equal(system(cmd), 0);
	}
	*slash = '/';
	assert_non_null(f = fopen(db, "w"));
	fputs("this is not SQLite, and must stay as it is\n", f);
	fclose(f);
	assert_int_equal(store_open(db, STORE_CREATE, &st), -1);
	assert_int_equal(stat(db, &sb), 0);
	assert_int_equal(sb.st_size, 43);
	/* A directory given as the store. */
	*slash = '\0';
	assert_int_equal(store_open(db, STORE_EXISTING, &st), -1);
	*slash = '/';
}

static void
test_store_path(void **state)
{
	char *p;

	(void)state;
	setenv(STORE_ENV, "/tmp/from-env.db", 1);
	assert_non_null(p = store_path(NULL));
	assert_string_equal(p, "/tmp/from-env.db");
	free(p);
	/* --db beats the environment. */
	assert_non_null(p = store_path("/tmp/explicit.db"));
	assert_string_equal(p, "/tmp/explicit.db");
	free(p);
	unsetenv(STORE_ENV);
	assert_non_null(p = store_path(NULL));
	assert_non_null(strstr(p, "fipsev/fipsev.db"));
	free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_create_and_migrate, setup),
		cmocka_unit_test_setup(test_runs_roundtrip, setup),
		cmocka_unit_test_setup(test_refusals_keep_store_intact, setup),
		cmocka_unit_test_setup(test_spans, setup),
		cmocka_unit_test_setup(test_run_nodes_same, setup),
		cmocka_unit_test_setup(test_view_counts_checked, setup),
		cmocka_unit_test_setup(test_deflate_and_tamper, setup),
		cmocka_unit_test_setup(test_migrate_from_4, setup),
		cmocka_unit_test_setup(test_evaluation, setup),
		cmocka_unit_test_setup(test_newer_schema_refused, setup),
		cmocka_unit_test_setup(test_not_a_database, setup),
		cmocka_unit_test(test_store_path),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
