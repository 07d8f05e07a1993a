/*
 * store_read.c - reading runs, documents and facts; see store.h and
 * store_int.h.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>
#include <zlib.h>

#include "evidence/node.h"
#include "evidence/run.h"
#include "util/json.h"
#include "util/log.h"
#include "store/store_int.h"
#include "util/banned.h"

void
store_run_info_release(struct store_run_info *ri)
{
	free(ri->started);
	free(ri->finished);
	free(ri->tool_version);
	free(ri->host);
	free(ri->status);
	free(ri->verdict);
	memset(ri, 0, sizeof(*ri));
}

cJSON *
store_run_info_json(const struct store_run_info *ri)
{
	cJSON *o;

	if ((o = cJSON_CreateObject()) == NULL ||
	    cJSON_AddNumberToObject(o, "id", (double)ri->id) == NULL ||
	    json_add_str(o, "started", ri->started) == -1 ||
	    json_add_str(o, "finished", ri->finished) == -1 ||
	    json_add_str(o, "tool_version", ri->tool_version) == -1 ||
	    json_add_str(o, "host", ri->host) == -1 ||
	    json_add_str(o, "status", ri->status) == -1 ||
	    json_add_str(o, "verdict", ri->verdict) == -1 ||
	    cJSON_AddNumberToObject(o, "nodes", ri->nodes) == NULL ||
	    cJSON_AddNumberToObject(o, "nodes_compliant",
	    ri->nodes_compliant) == NULL ||
	    cJSON_AddNumberToObject(o, "endpoints", ri->endpoints) == NULL ||
	    cJSON_AddNumberToObject(o, "endpoints_compliant",
	    ri->endpoints_compliant) == NULL) {
		log_err("cannot describe run %lld: out of memory",
		    (long long)ri->id);
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

#define RUN_COLUMNS \
	"SELECT r.id, r.started_utc, r.finished_utc, r.tool_version, r.host, " \
	"r.status, r.verdict, r.nodes, r.nodes_compliant, r.endpoints, " \
	"r.endpoints_compliant FROM runs r WHERE r.status = 'complete' "

static char *
column_dup(sqlite3_stmt *stmt, int i)
{
	const unsigned char *s = sqlite3_column_text(stmt, i);

	return strdup(s != NULL ? (const char *)s : "");
}

static int
read_run_row(sqlite3_stmt *stmt, struct store_run_info *ri)
{
	memset(ri, 0, sizeof(*ri));
	ri->id = sqlite3_column_int64(stmt, 0);
	ri->started = column_dup(stmt, 1);
	ri->finished = column_dup(stmt, 2);
	ri->tool_version = column_dup(stmt, 3);
	ri->host = column_dup(stmt, 4);
	ri->status = column_dup(stmt, 5);
	ri->verdict = column_dup(stmt, 6);
	ri->nodes = sqlite3_column_int(stmt, 7);
	ri->nodes_compliant = sqlite3_column_int(stmt, 8);
	ri->endpoints = sqlite3_column_int(stmt, 9);
	ri->endpoints_compliant = sqlite3_column_int(stmt, 10);
	if (ri->started == NULL || ri->finished == NULL ||
	    ri->tool_version == NULL || ri->host == NULL || ri->status == NULL ||
	    ri->verdict == NULL) {
		log_errno("cannot read a run");
		store_run_info_release(ri);
		return -1;
	}
	return 0;
}

int
store_list_runs(struct store *st, int limit,
    int (*fn)(const struct store_run_info *, void *), void *arg)
{
	struct store_run_info ri;
	sqlite3_stmt *stmt;
	int rc, ret = -1;

	if (store_prepare(st, RUN_COLUMNS "ORDER BY r.id DESC LIMIT ?", &stmt) == -1)
		return -1;
	sqlite3_bind_int(stmt, 1, limit > 0 ? limit : -1);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (read_run_row(stmt, &ri) == -1)
			goto out;
		rc = fn(&ri, arg);
		store_run_info_release(&ri);
		if (rc == -1)
			goto out;
	}
	if (rc != SQLITE_DONE) {
		store_err(st, "cannot list runs");
		goto out;
	}
	ret = 0;
out:
	sqlite3_finalize(stmt);
	return ret;
}

int
store_get_run(struct store *st, int64_t id, struct store_run_info *ri)
{
	sqlite3_stmt *stmt;
	int rc, ret = -1;

	if (store_prepare(st, id == 0 ? RUN_COLUMNS "ORDER BY r.id DESC LIMIT 1" :
	    RUN_COLUMNS "AND r.id = ?", &stmt) == -1)
		return -1;
	if (id != 0)
		sqlite3_bind_int64(stmt, 1, id);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		ret = read_run_row(stmt, ri);
	else if (rc == SQLITE_DONE)
		ret = 1;
	else
		store_err(st, "cannot read a run");
	sqlite3_finalize(stmt);
	return ret;
}

/*
 * The bytes of the document in the current row of stmt (columns: sha256,
 * encoding, size, body from col on), inflated into *buf (grown as needed)
 * when stored deflated, and checked against the digest they are stored
 * under: evidence that no longer hashes to its key is never handed on.
 */
static const char *
document_bytes(struct store *st, sqlite3_stmt *stmt, int col,
    unsigned char **buf, size_t *cap, size_t *len)
{
	const char *hex = (const char *)sqlite3_column_text(stmt, col);
	const char *enc = (const char *)sqlite3_column_text(stmt, col + 1);
	sqlite3_int64 size = sqlite3_column_int64(stmt, col + 2);
	const void *body = sqlite3_column_blob(stmt, col + 3);
	int n = sqlite3_column_bytes(stmt, col + 3);
	char got[SHA256_HEX_LEN + 1];
	const char *out = body != NULL ? body : "";
	uLongf zlen;

	if (hex == NULL || enc == NULL || size < 0) {
		log_err("store '%s': a document row is damaged", st->path);
		return NULL;
	}
	if (strcmp(enc, "deflate") == 0) {
		/* Its declared size is the file's word: cap it first. */
		if ((uint64_t)size > STORE_DOC_MAX ||
		    (uint64_t)size > ULONG_MAX) {
			log_err("store '%s': document %s says it inflates to "
			    "%lld bytes, over the %zu-byte limit", st->path, hex,
			    (long long)size, STORE_DOC_MAX);
			return NULL;
		}
		if ((size_t)size + 1 > *cap) {
			unsigned char *p = realloc(*buf, (size_t)size + 1);

			if (p == NULL) {
				log_errno("store '%s': document %s", st->path,
				    hex);
				return NULL;
			}
			*buf = p;
			*cap = (size_t)size + 1;
		}
		zlen = (uLongf)size;
		if (uncompress(*buf, &zlen, body != NULL ? body : (const void *)"",
		    (uLong)n) != Z_OK || zlen != (uLongf)size) {
			log_err("store '%s': document %s does not inflate to its "
			    "%lld bytes", st->path, hex, (long long)size);
			return NULL;
		}
		(*buf)[zlen] = '\0';
		out = (const char *)*buf;
		*len = (size_t)zlen;
	} else
		*len = (size_t)n;
	if (sha256_hex(out, *len, got) == -1)
		return NULL;
	if (strcmp(got, hex) != 0) {
		log_err("store '%s': document %s no longer has that SHA-256: "
		    "the store was altered", st->path, hex);
		return NULL;
	}
	return out;
}

int
store_run_documents(struct store *st, int64_t id, const char *collector,
    int (*fn)(const char *, const char *, const char *, size_t, void *),
    void *arg)
{
	sqlite3_stmt *stmt;
	unsigned char *buf = NULL;
	size_t cap = 0, len;
	int rc, ret = -1;

	/* The spans that cover run id: begun by then, not ended before. */
	if (store_prepare(st, "SELECT e.subject, d.sha256, d.encoding, d.size, d.body "
	    "FROM evidence_spans e JOIN documents d ON d.sha256 = e.sha256 "
	    "WHERE e.collector = ?1 AND e.last_run >= ?2 AND "
	    "e.first_run <= ?2 ORDER BY e.subject", &stmt) == -1)
		return -1;
	store_bind_text(stmt, 1, collector);
	sqlite3_bind_int64(stmt, 2, id);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *body = document_bytes(st, stmt, 1, &buf, &cap, &len);

		if (body == NULL || fn((const char *)sqlite3_column_text(stmt,
		    0), (const char *)sqlite3_column_text(stmt, 1), body, len,
		    arg) == -1)
			goto out;
	}
	if (rc != SQLITE_DONE) {
		store_err(st, "cannot read evidence");
		goto out;
	}
	ret = 0;
out:
	free(buf);
	sqlite3_finalize(stmt);
	return ret;
}

int
store_run_evaluation(struct store *st, int64_t id, char **json, size_t *len)
{
	sqlite3_stmt *stmt;
	unsigned char *buf = NULL;
	size_t cap = 0;
	const char *body;
	int rc;

	*json = NULL;
	*len = 0;
	if (store_prepare(st, "SELECT d.sha256, d.encoding, d.size, d.body, "
	    "r.evaluation FROM runs r LEFT JOIN documents d ON d.sha256 = "
	    "r.evaluation WHERE r.id = ?", &stmt) == -1)
		return -1;
	sqlite3_bind_int64(stmt, 1, id);
	if ((rc = sqlite3_step(stmt)) != SQLITE_ROW ||
	    sqlite3_column_type(stmt, 4) == SQLITE_NULL) {
		sqlite3_finalize(stmt);
		if (rc == SQLITE_DONE || rc == SQLITE_ROW)
			return 0;	/* no such run, or one before schema 6 */
		store_err(st, "cannot read the run's evaluation");
		return -1;
	}
	/* A run that cites an evaluation the store lacks is damaged. */
	if (sqlite3_column_type(stmt, 0) == SQLITE_NULL) {
		log_err("store '%s': run %lld cites evaluation %s, which is not "
		    "in the store", st->path, (long long)id,
		    (const char *)sqlite3_column_text(stmt, 4));
		sqlite3_finalize(stmt);
		return -1;
	}
	if ((body = document_bytes(st, stmt, 0, &buf, &cap, len)) == NULL ||
	    (*json = malloc(*len + 1)) == NULL) {
		if (body != NULL)
			log_errno("store '%s': evaluation", st->path);
		free(buf);
		sqlite3_finalize(stmt);
		return -1;
	}
	memcpy(*json, body, *len);
	(*json)[*len] = '\0';
	free(buf);
	sqlite3_finalize(stmt);
	return 1;
}

static int
column_tristate(sqlite3_stmt *stmt, int i)
{
	if (sqlite3_column_type(stmt, i) == SQLITE_NULL)
		return -1;
	return sqlite3_column_int(stmt, i) != 0;
}

static int
same_text(const char *a, const unsigned char *b)
{
	return a == NULL ? b == NULL : b != NULL &&
	    strcmp(a, (const char *)b) == 0;
}

/*
 * Do the facts in the current row of stmt (view_nodes()'s columns)
 * say what the document they were read from says? The document, from
 * column 13 on, is re-hashed on the way (document_bytes()). Returns 0,
 * or -1 after logging.
 */
static int
facts_agree(struct store *st, sqlite3_stmt *stmt, unsigned char **buf,
    size_t *cap)
{
	char at[PATH_MAX + 16];
	struct node_facts f;
	const char *body;
	size_t len;
	int same;

	if ((body = document_bytes(st, stmt, 13, buf, cap, &len)) == NULL ||
	    node_facts_of(store_where(st, at, sizeof(at)), body, len, &f) == -1)
		return -1;
	/* The name the checks use (the evidence's subject) as well as the
	 * one stored beside the facts: a span pointed at another node's
	 * document is caught here. */
	same = same_text(f.subject, sqlite3_column_text(stmt, 0)) &&
	    same_text(f.subject, sqlite3_column_text(stmt, 9)) &&
	    (f.compliant != 0) == (sqlite3_column_int(stmt, 2) != 0) &&
	    f.fips_enabled == column_tristate(stmt, 3) &&
	    f.kernel_cmdline_fips == column_tristate(stmt, 4) &&
	    same_text(f.os_pretty_name, sqlite3_column_text(stmt, 5)) &&
	    same_text(f.os_variant_id, sqlite3_column_text(stmt, 6)) &&
	    same_text(f.kernel_release, sqlite3_column_text(stmt, 7)) &&
	    same_text(f.reasons, sqlite3_column_text(stmt, 8)) &&
	    same_text(f.os_id, sqlite3_column_text(stmt, 10)) &&
	    same_text(f.os_version_id, sqlite3_column_text(stmt, 11)) &&
	    f.os_fips_variant == column_tristate(stmt, 12);
	node_facts_release(&f);
	if (!same)
		log_err("store '%s': the facts stored for node document %s "
		    "disagree with the document: the store was altered",
		    st->path, (const char *)sqlite3_column_text(stmt, 1));
	return same ? 0 : -1;
}

/*
 * Add the node facts of run id to v, ordered by subject, without reading
 * the documents themselves; with STORE_VIEW_VERIFY each node's document
 * is read too, re-hashed, and its facts derived again (facts_agree()).
 */
static int
view_nodes(struct store *st, int64_t id, int flags, struct run_view *v)
{
	static const char facts_sql[] = "SELECT e.subject, f.sha256, "
	    "f.compliant, f.fips_enabled, f.kernel_cmdline_fips, "
	    "f.os_pretty_name, f.os_variant_id, f.kernel_release, f.reasons, "
	    "f.node, f.os_id, f.os_version_id, f.os_fips_variant";
	/* The spans that cover run id, as store_run_documents() reads. */
	static const char spans_sql[] = " WHERE e.collector = 'node' AND "
	    "e.last_run >= ?1 AND e.first_run <= ?1 ORDER BY e.subject";
	struct run_node n;
	sqlite3_stmt *stmt;
	unsigned char *buf = NULL;
	size_t cap = 0;
	char sql[1024];
	int rc, ret = -1;

	if (snprintf(sql, sizeof(sql), "%s%s FROM evidence_spans e JOIN "
	    "node_documents f ON f.sha256 = e.sha256%s%s", facts_sql,
	    flags & STORE_VIEW_VERIFY ? ", d.sha256, d.encoding, d.size, "
	    "d.body" : "", flags & STORE_VIEW_VERIFY ? " JOIN documents d ON "
	    "d.sha256 = f.sha256" : "", spans_sql) >= (int)sizeof(sql)) {
		log_err("store '%s': the node query does not fit", st->path);
		return -1;
	}
	if (store_prepare(st, sql, &stmt) == -1)
		return -1;
	sqlite3_bind_int64(stmt, 1, id);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		n.subject = (char *)sqlite3_column_text(stmt, 0);
		if (sqlite3_column_text(stmt, 1) == NULL ||
		    sqlite3_column_bytes(stmt, 1) != SHA256_HEX_LEN)
			n.subject = NULL;
		else
			memcpy(n.sha256, sqlite3_column_text(stmt, 1),
			    SHA256_HEX_LEN + 1);
		n.compliant = sqlite3_column_int(stmt, 2) != 0;
		n.fips_enabled = column_tristate(stmt, 3);
		n.kernel_cmdline_fips = column_tristate(stmt, 4);
		n.os_pretty_name = (char *)sqlite3_column_text(stmt, 5);
		n.os_variant_id = (char *)sqlite3_column_text(stmt, 6);
		n.kernel_release = (char *)sqlite3_column_text(stmt, 7);
		n.reasons = (char *)sqlite3_column_text(stmt, 8);
		if (n.subject == NULL || n.reasons == NULL) {
			log_err("store '%s': a node row is damaged", st->path);
			goto out;
		}
		if (flags & STORE_VIEW_VERIFY &&
		    facts_agree(st, stmt, &buf, &cap) == -1)
			goto out;
		if (run_view_add_node(v, &n) == -1)
			goto out;
	}
	if (rc != SQLITE_DONE) {
		store_err(st, "cannot read node facts");
		goto out;
	}
	ret = 0;
out:
	free(buf);
	sqlite3_finalize(stmt);
	return ret;
}

/* store_run_documents()'s callback: each document into the view. */
struct view_load {
	struct run_view		*v;
	enum evidence_kind	 kind;
};

static int
view_doc(const char *subject, const char *sha256, const char *text,
    size_t len, void *arg)
{
	struct view_load *l = arg;

	return run_view_add_doc(l->v, l->kind, subject, sha256, text, len);
}

/*
 * Does the view hold as many nodes and endpoints as the run recorded? A
 * row deleted from the store would drop its evidence from the view (the
 * loads join the evidence to its document and facts), never silently.
 */
static int
counts_agree(struct store *st, int64_t id, const struct run_view *v)
{
	sqlite3_stmt *stmt;
	int64_t nodes, endpoints;
	int rc;

	if (id == st->run_id) {		/* the open run: its counts so far */
		nodes = st->nodes;
		endpoints = st->endpoints;
	} else {
		if (store_prepare(st, "SELECT nodes, endpoints FROM runs WHERE "
		    "id = ?", &stmt) == -1)
			return -1;
		sqlite3_bind_int64(stmt, 1, id);
		if ((rc = sqlite3_step(stmt)) != SQLITE_ROW) {
			sqlite3_finalize(stmt);
			if (rc == SQLITE_DONE)
				log_err("store '%s': no run %lld", st->path,
				    (long long)id);
			else
				store_err(st, "cannot read the run");
			return -1;
		}
		nodes = sqlite3_column_int64(stmt, 0);
		endpoints = sqlite3_column_int64(stmt, 1);
		sqlite3_finalize(stmt);
	}
	if ((int64_t)v->nnodes == nodes &&
	    (int64_t)run_view_count(v, EVIDENCE_TLS) == endpoints)
		return 0;
	log_err("store '%s': run %lld recorded %lld node%s and %lld TLS "
	    "endpoint%s, but %zu and %zu are in the store: the store was "
	    "altered", st->path, (long long)id, (long long)nodes, nodes == 1 ?
	    "" : "s", (long long)endpoints, endpoints == 1 ? "" : "s",
	    v->nnodes, run_view_count(v, EVIDENCE_TLS));
	return -1;
}

int
store_run_view(struct store *st, int64_t id, int flags, struct run_view *v)
{
	/* The documents the checks read; the Harness API's is the
	 * inventory's input, judged through it. */
	static const enum evidence_kind kinds[] = { EVIDENCE_TLS,
	    EVIDENCE_CLUSTER, EVIDENCE_INVENTORY };
	struct view_load l;
	size_t i;

	run_view_init(v, id);
	l.v = v;
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		l.kind = kinds[i];
		if (store_run_documents(st, id, evidence_kind_names[kinds[i]],
		    view_doc, &l) == -1)
			goto fail;
	}
	if (view_nodes(st, id, flags, v) == -1 ||
	    (flags & STORE_VIEW_VERIFY && counts_agree(st, id, v) == -1))
		goto fail;
	return 0;
fail:
	run_view_release(v);
	return -1;
}

int
store_history(struct store *st, const char *kind, const char *subject,
    int (*fn)(int64_t, const char *, const cJSON *, void *), void *arg)
{
	static const char node_sql[] =
	    "SELECT r.id, r.started_utc, n.compliant, n.fips_enabled, "
	    "n.os_pretty_name, n.kernel_release, n.reasons "
	    "FROM evidence_spans e JOIN node_documents n ON n.sha256 = e.sha256 "
	    "JOIN runs r ON r.id BETWEEN e.first_run AND e.last_run "
	    "WHERE e.collector = 'node' AND e.subject = ? AND "
	    "r.status = 'complete' ORDER BY r.id";
	static const char tls_sql[] =
	    "SELECT r.id, r.started_utc, t.compliant, t.error, t.protocols, "
	    "t.suites, t.groups FROM tls_facts t JOIN runs r ON r.id = t.run_id "
	    "WHERE t.target = ? AND r.status = 'complete' ORDER BY r.id";
	static const char *const node_cols[] = { "compliant", "fips_enabled",
	    "os", "kernel", "reasons" };
	static const char *const tls_cols[] = { "compliant", "error",
	    "protocols", "suites", "groups" };
	const char *const *cols;
	sqlite3_stmt *stmt;
	int node = strcmp(kind, "node") == 0, rc, ret = -1, i;

	cols = node ? node_cols : tls_cols;
	if (store_prepare(st, node ? node_sql : tls_sql, &stmt) == -1)
		return -1;
	store_bind_text(stmt, 1, subject);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		cJSON *row = cJSON_CreateObject();
		int stop;

		for (i = 0; row != NULL && i < 5; i++) {
			int t = sqlite3_column_type(stmt, i + 2);
			const char *v = (const char *)sqlite3_column_text(stmt,
			    i + 2);
			cJSON *parsed = NULL;

			if (t == SQLITE_NULL)
				cJSON_AddNullToObject(row, cols[i]);
			else if (t == SQLITE_INTEGER)
				cJSON_AddBoolToObject(row, cols[i],
				    sqlite3_column_int(stmt, i + 2));
			else if (v != NULL && v[0] == '[' &&
			    (parsed = cJSON_Parse(v)) != NULL)
				cJSON_AddItemToObject(row, cols[i], parsed);
			else
				json_add_str(row, cols[i], v);
		}
		if (row == NULL) {
			log_err("store '%s': out of memory", st->path);
			goto out;
		}
		stop = fn(sqlite3_column_int64(stmt, 0),
		    (const char *)sqlite3_column_text(stmt, 1), row, arg);
		cJSON_Delete(row);
		if (stop == -1)
			goto out;
	}
	if (rc != SQLITE_DONE) {
		store_err(st, "cannot read the history");
		goto out;
	}
	ret = 0;
out:
	sqlite3_finalize(stmt);
	return ret;
}
