/*
 * store_write.c - writing a run, one transaction; see store.h and
 * store_int.h.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>
#include <zlib.h>

#include "evidence/cluster.h"
#include "evidence/inventory.h"
#include "evidence/node.h"
#include "evidence/tls.h"
#include "util/fsutil.h"
#include "util/log.h"
#include "util/testhook.h"
#include "util/text.h"
#include "store/store_int.h"
#include "util/banned.h"

int
store_run_begin(struct store *st, const struct store_run_meta *meta)
{
	sqlite3_stmt *stmt;

	if (st->run_id != 0) {
		log_err("store '%s': a run is already open", st->path);
		return -1;
	}
	if (store_exec_simple(st, "BEGIN IMMEDIATE", "cannot start a run") == -1)
		return -1;
	if (store_prepare(st, "INSERT INTO runs (started_utc, tool_version, host, "
	    "status) VALUES (?, ?, ?, 'open')", &stmt) == -1)
		goto fail;
	store_bind_text(stmt, 1, meta->started);
	store_bind_text(stmt, 2, meta->tool_version);
	store_bind_text(stmt, 3, meta->host);
	if (store_step_done(st, stmt, "cannot record the run") == -1)
		goto fail;
	st->run_id = sqlite3_last_insert_rowid(st->db);
	if (store_prepare(st, "SELECT coalesce(max(id), 0) FROM runs WHERE "
	    "status = 'complete' AND id < ?", &stmt) == -1)
		goto fail;
	sqlite3_bind_int64(stmt, 1, st->run_id);
	if (sqlite3_step(stmt) != SQLITE_ROW) {
		store_err(st, "cannot find the previous run");
		sqlite3_finalize(stmt);
		goto fail;
	}
	st->prev_run = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	st->nodes = 0;
	st->nodes_failing = 0;
	st->endpoints = 0;
	st->endpoints_failing = 0;
	st->clusters = 0;
	st->verdict[0] = '\0';
	st->evaluation[0] = '\0';
	testhook("store-run-begun");
	return 0;
fail:
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	st->run_id = 0;
	return -1;
}

void
store_run_abort(struct store *st)
{
	if (st->run_id == 0)
		return;
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	st->run_id = 0;
}

/*
 * Documents smaller than this are stored as they are: deflate would save
 * little and cost a call on every read.
 */
#define DEFLATE_MIN	512

/*
 * Store a document once, keyed by its SHA-256 (of the bytes as given);
 * hex gets the digest. The body is deflated when that makes it smaller;
 * JSON evidence usually shrinks three to fifty times.
 */
static int
put_document(struct store *st, const char *body, size_t len,
    const char *media_type, char hex[SHA256_HEX_LEN + 1])
{
	sqlite3_stmt *stmt;
	unsigned char *z = NULL;
	uLongf zlen = 0;
	int rc, exists;

	if (len > STORE_DOC_MAX) {
		log_err("store '%s': a %s document of %zu bytes is over the "
		    "%zu-byte limit", st->path, media_type, len, STORE_DOC_MAX);
		return -1;
	}
	if (sha256_hex(body, len, hex) == -1)
		return -1;
	/* Most nights most documents are already there: skip the deflate. */
	if (store_prepare(st, "SELECT 1 FROM documents WHERE sha256 = ?", &stmt) == -1)
		return -1;
	store_bind_text(stmt, 1, hex);
	exists = sqlite3_step(stmt) == SQLITE_ROW;
	sqlite3_finalize(stmt);
	if (exists)
		return 0;
	if (len >= DEFLATE_MIN && len <= ULONG_MAX / 2) {
		zlen = compressBound((uLong)len);
		if ((z = malloc(zlen)) != NULL &&
		    (compress2(z, &zlen, (const Bytef *)body, (uLong)len,
		    Z_DEFAULT_COMPRESSION) != Z_OK || zlen >= len)) {
			free(z);
			z = NULL;
		}
	}
	if (store_prepare(st, "INSERT INTO documents (sha256, media_type, size, body, "
	    "encoding) VALUES (?, ?, ?, ?, ?)", &stmt) == -1) {
		free(z);
		return -1;
	}
	store_bind_text(stmt, 1, hex);
	store_bind_text(stmt, 2, media_type);
	sqlite3_bind_int64(stmt, 3, (sqlite3_int64)len);
	if (z != NULL)
		sqlite3_bind_blob64(stmt, 4, z, (sqlite3_uint64)zlen,
		    SQLITE_STATIC);
	else
		sqlite3_bind_blob64(stmt, 4, body, (sqlite3_uint64)len,
		    SQLITE_STATIC);
	store_bind_text(stmt, 5, z != NULL ? "deflate" : "identity");
	rc = store_step_done(st, stmt, "cannot store a document");
	free(z);
	return rc;
}

int64_t
store_run_open_id(const struct store *st)
{
	return st->run_id;
}

int
store_run_set_evaluation(struct store *st, const char *verdict,
    const char *json, size_t len)
{
	if (st->run_id == 0) {
		log_err("store '%s': no run is open", st->path);
		return -1;
	}
	if (verdict == NULL || (strcmp(verdict, "compliant") != 0 &&
	    strcmp(verdict, "noncompliant") != 0)) {
		log_err("store '%s': the evaluation's verdict is not "
		    "'compliant' or 'noncompliant'", st->path);
		return -1;
	}
	if (put_document(st, json, len, "application/json",
	    st->evaluation) == -1)
		return -1;
	snprintf(st->verdict, sizeof(st->verdict), "%s", verdict);
	return 0;
}

/*
 * Record that the open run cites hex as collector's evidence for subject:
 * the span that ended with the previous run grows by one when the document
 * is the same; otherwise a new span starts. A subject twice in one run is
 * named.
 */
static int
add_evidence(struct store *st, const char *collector, const char *subject,
    const char *hex)
{
	sqlite3_stmt *stmt;
	int twice;

	if (store_prepare(st, "SELECT 1 FROM evidence_spans WHERE collector = ? AND "
	    "subject = ? AND last_run = ?", &stmt) == -1)
		return -1;
	store_bind_text(stmt, 1, collector);
	store_bind_text(stmt, 2, subject);
	sqlite3_bind_int64(stmt, 3, st->run_id);
	twice = sqlite3_step(stmt) == SQLITE_ROW;
	sqlite3_finalize(stmt);
	if (twice) {
		log_err("store '%s': %s evidence '%s' appears twice in one run",
		    st->path, collector, subject);
		return -1;
	}
	if (st->prev_run > 0) {
		if (store_prepare(st, "UPDATE evidence_spans SET last_run = ? WHERE "
		    "collector = ? AND subject = ? AND last_run = ? AND "
		    "sha256 = ?", &stmt) == -1)
			return -1;
		sqlite3_bind_int64(stmt, 1, st->run_id);
		store_bind_text(stmt, 2, collector);
		store_bind_text(stmt, 3, subject);
		sqlite3_bind_int64(stmt, 4, st->prev_run);
		store_bind_text(stmt, 5, hex);
		if (store_step_done(st, stmt, "cannot record evidence") == -1)
			return -1;
		if (sqlite3_changes(st->db) == 1)
			return 0;
	}
	if (store_prepare(st, "INSERT INTO evidence_spans (collector, subject, "
	    "sha256, first_run, last_run) VALUES (?, ?, ?, ?, ?)", &stmt) == -1)
		return -1;
	store_bind_text(stmt, 1, collector);
	store_bind_text(stmt, 2, subject);
	store_bind_text(stmt, 3, hex);
	sqlite3_bind_int64(stmt, 4, st->run_id);
	sqlite3_bind_int64(stmt, 5, st->run_id);
	return store_step_done(st, stmt, "cannot record evidence");
}

/* "store 'PATH'", how the evidence modules name where a document was. */
const char *
store_where(const struct store *st, char *out, size_t len)
{
	if (fs_pathf(out, len, "store '%s'", st->path) == -1)
		return "store";
	return out;
}

/* Refuse to add to a run that is not open. */
static int
run_open(const struct store *st)
{
	if (st->run_id != 0)
		return 0;
	log_err("store '%s': no run is open", st->path);
	return -1;
}

int
store_run_add_node(struct store *st, const char *json, size_t len)
{
	char hex[SHA256_HEX_LEN + 1], at[PATH_MAX + 16];
	sqlite3_stmt *stmt = NULL;
	struct node_facts f;
	int rc = -1;

	if (run_open(st) == -1 ||
	    node_facts_of(store_where(st, at, sizeof(at)), json, len, &f) == -1)
		return -1;
	if (put_document(st, json, len, "application/json", hex) == -1 ||
	    add_evidence(st, "node", f.subject, hex) == -1)
		goto out;

	/* The same document has the same facts: once is enough (and an
	 * evaluation checks them against it, store_run_view()). */
	if (store_prepare(st, "INSERT INTO node_documents (sha256, node, compliant, "
	    "fips_enabled, kernel_cmdline_fips, os_id, os_version_id, "
	    "os_variant_id, os_pretty_name, os_fips_variant, kernel_release, "
	    "reasons) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
	    "ON CONFLICT (sha256) DO NOTHING", &stmt) == -1)
		goto out;
	store_bind_text(stmt, 1, hex);
	store_bind_text(stmt, 2, f.subject);
	sqlite3_bind_int(stmt, 3, f.compliant);
	store_bind_tristate(stmt, 4, f.fips_enabled);
	store_bind_tristate(stmt, 5, f.kernel_cmdline_fips);
	store_bind_text(stmt, 6, f.os_id);
	store_bind_text(stmt, 7, f.os_version_id);
	store_bind_text(stmt, 8, f.os_variant_id);
	store_bind_text(stmt, 9, f.os_pretty_name);
	store_bind_tristate(stmt, 10, f.os_fips_variant);
	store_bind_text(stmt, 11, f.kernel_release);
	store_bind_text(stmt, 12, f.reasons);
	rc = store_step_done(st, stmt, "cannot record node facts");
	stmt = NULL;
	if (rc == 0) {
		st->nodes++;
		st->nodes_failing += !f.compliant;
	}
out:
	sqlite3_finalize(stmt);
	node_facts_release(&f);
	return rc;
}

int
store_run_add_tls(struct store *st, const char *json, size_t len)
{
	char hex[SHA256_HEX_LEN + 1], at[PATH_MAX + 16];
	sqlite3_stmt *stmt = NULL;
	struct tls_facts f;
	int rc = -1;

	if (run_open(st) == -1 ||
	    tls_facts_of(store_where(st, at, sizeof(at)), json, len, &f) == -1)
		return -1;
	if (put_document(st, json, len, "application/json", hex) == -1 ||
	    add_evidence(st, "tls", f.target, hex) == -1)
		goto out;
	if (store_prepare(st, "INSERT INTO tls_facts (run_id, target, compliant, "
	    "error, protocols, suites, groups, sigalgs, connections) VALUES "
	    "(?, ?, ?, ?, ?, ?, ?, ?, ?)", &stmt) == -1)
		goto out;
	sqlite3_bind_int64(stmt, 1, st->run_id);
	store_bind_text(stmt, 2, f.target);
	sqlite3_bind_int(stmt, 3, f.compliant);
	store_bind_text(stmt, 4, f.error);
	store_bind_text(stmt, 5, f.protocols);
	store_bind_text(stmt, 6, f.suites);
	store_bind_text(stmt, 7, f.groups);
	store_bind_text(stmt, 8, f.sigalgs);
	sqlite3_bind_int(stmt, 9, f.connections);
	rc = store_step_done(st, stmt, "cannot record TLS facts");
	stmt = NULL;
	if (rc == 0) {
		st->endpoints++;
		st->endpoints_failing += !f.compliant;
	}
out:
	sqlite3_finalize(stmt);
	tls_facts_release(&f);
	return rc;
}

int
store_run_add_cluster(struct store *st, const char *subject,
    const char *json, size_t len)
{
	char hex[SHA256_HEX_LEN + 1], at[PATH_MAX + 16];
	sqlite3_stmt *stmt = NULL;
	struct cluster_facts f;
	int rc = -1;

	if (run_open(st) == -1 ||
	    cluster_facts_of(store_where(st, at, sizeof(at)), json, len, &f) == -1)
		return -1;
	if (put_document(st, json, len, "application/json", hex) == -1 ||
	    add_evidence(st, "cluster", subject, hex) == -1)
		goto out;
	if (store_prepare(st, "INSERT INTO cluster_facts (run_id, subject, "
	    "compliant, release, smp_version, global_fips, "
	    "fips_since_first_install, nodes_listed, nodes_without_evidence, "
	    "delegates, delegates_fips, findings) VALUES "
	    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", &stmt) == -1)
		goto out;
	sqlite3_bind_int64(stmt, 1, st->run_id);
	store_bind_text(stmt, 2, subject);
	sqlite3_bind_int(stmt, 3, f.compliant);
	store_bind_text(stmt, 4, f.release);
	store_bind_text(stmt, 5, f.smp_version);
	store_bind_tristate(stmt, 6, f.global_fips);
	store_bind_tristate(stmt, 7, f.fips_since_first_install);
	sqlite3_bind_int(stmt, 8, f.nodes_listed);
	sqlite3_bind_int(stmt, 9, f.nodes_without_evidence);
	sqlite3_bind_int(stmt, 10, f.delegates);
	sqlite3_bind_int(stmt, 11, f.delegates_fips);
	store_bind_text(stmt, 12, f.findings);
	rc = store_step_done(st, stmt, "cannot record cluster facts");
	stmt = NULL;
	if (rc == 0)
		st->clusters++;
out:
	sqlite3_finalize(stmt);
	cluster_facts_release(&f);
	return rc;
}

/* The inventory's facts: one row an item, and it counts as judged. */
static int
add_inventory(struct store *st, const char *subject, const char *json,
    size_t len)
{
	char hex[SHA256_HEX_LEN + 1], at[PATH_MAX + 16];
	sqlite3_stmt *stmt = NULL;
	struct inventory_facts f;
	size_t i;
	int rc = -1;

	if (inventory_facts_of(store_where(st, at, sizeof(at)), json, len,
	    &f) == -1)
		return -1;
	if (put_document(st, json, len, "application/json", hex) == -1 ||
	    add_evidence(st, "inventory", subject, hex) == -1)
		goto out;
	for (i = 0; i < f.nitems; i++) {
		const struct inventory_item *it = &f.items[i];

		if (store_prepare(st, "INSERT INTO inventory_items (run_id, item, "
		    "module, component, kind, seen_at, supported) VALUES "
		    "(?, ?, ?, ?, ?, ?, ?)", &stmt) == -1)
			goto out;
		sqlite3_bind_int64(stmt, 1, st->run_id);
		sqlite3_bind_int64(stmt, 2, (sqlite3_int64)i);
		store_bind_text(stmt, 3, it->module);
		store_bind_text(stmt, 4, it->component);
		store_bind_text(stmt, 5, it->kind);
		store_bind_text(stmt, 6, it->seen_at);
		store_bind_text(stmt, 7, it->supported);
		if (store_step_done(st, stmt, "cannot record the inventory") == -1)
			goto out;
	}
	st->clusters++;
	rc = 0;
out:
	inventory_facts_release(&f);
	return rc;
}

int
store_run_add_document(struct store *st, enum evidence_kind kind,
    const char *subject, const char *json, size_t len)
{
	char hex[SHA256_HEX_LEN + 1];
	cJSON *doc;

	if (run_open(st) == -1)
		return -1;
	switch (kind) {
	case EVIDENCE_INVENTORY:
		return add_inventory(st, subject, json, len);
	case EVIDENCE_HARNESS:
		break;
	default:
		log_err("store '%s': %s evidence has facts of its own: add it "
		    "with its own call", st->path, kind < EVIDENCE__MAX ?
		    evidence_kind_names[kind] : "unknown");
		return -1;
	}
	/* A document of no facts: kept whole, if it is an object. */
	if ((doc = cJSON_ParseWithLength(json, len)) == NULL ||
	    !cJSON_IsObject(doc)) {
		log_err("store '%s': %s evidence is not a JSON object",
		    st->path, evidence_kind_names[kind]);
		cJSON_Delete(doc);
		return -1;
	}
	cJSON_Delete(doc);
	if (put_document(st, json, len, "application/json", hex) == -1 ||
	    add_evidence(st, evidence_kind_names[kind], subject, hex) == -1)
		return -1;
	return 0;
}

int
store_run_commit(struct store *st, int64_t *run_id)
{
	char finished[32];
	sqlite3_stmt *stmt;

	if (st->run_id == 0) {
		log_err("store '%s': no run is open", st->path);
		return -1;
	}
	if (st->nodes == 0 && st->endpoints == 0 && st->clusters == 0) {
		log_err("store '%s': the run holds no evidence; not recorded",
		    st->path);
		goto fail;
	}
	if (utc_now(finished, sizeof(finished)) == -1) {
		log_err("cannot read the clock");
		goto fail;
	}
	/* The verdict is the caller's evaluation, decided once. */
	if (st->verdict[0] == '\0') {
		log_err("store '%s': the run has no evaluation; not recorded",
		    st->path);
		goto fail;
	}
	if (store_prepare(st, "UPDATE runs SET finished_utc = ?, status = 'complete', "
	    "verdict = ?, nodes = ?, nodes_compliant = ?, endpoints = ?, "
	    "endpoints_compliant = ?, evaluation = ? WHERE id = ?", &stmt) == -1)
		goto fail;
	store_bind_text(stmt, 1, finished);
	store_bind_text(stmt, 2, st->verdict);
	sqlite3_bind_int(stmt, 3, st->nodes);
	sqlite3_bind_int(stmt, 4, st->nodes - st->nodes_failing);
	sqlite3_bind_int(stmt, 5, st->endpoints);
	sqlite3_bind_int(stmt, 6, st->endpoints - st->endpoints_failing);
	store_bind_text(stmt, 7, st->evaluation);
	sqlite3_bind_int64(stmt, 8, st->run_id);
	if (store_step_done(st, stmt, "cannot finish the run") == -1)
		goto fail;
	testhook("store-before-commit");
	if (store_exec_simple(st, "COMMIT", "cannot commit the run") == -1)
		goto fail;
	*run_id = st->run_id;
	st->run_id = 0;
	return 0;
fail:
	store_run_abort(st);
	return -1;
}

int
store_cutoff(int days, char *out, size_t len)
{
	time_t t = time(NULL) - (time_t)days * 24 * 3600;
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) {
		log_err("cannot read the clock");
		return -1;
	}
	return 0;
}

int
store_prune(struct store *st, const struct store_keep *keep, int *runs,
    int *docs)
{
	sqlite3_stmt *stmt;

	*runs = *docs = 0;
	if (store_exec_simple(st, "BEGIN IMMEDIATE", "cannot start pruning") == -1)
		return -1;
	/* Facts of a run go with it (ON DELETE CASCADE); spans below. */
	if (store_prepare(st, "DELETE FROM runs WHERE "
	    "id != (SELECT max(id) FROM runs) AND "
	    "((?1 IS NOT NULL AND started_utc < ?1) OR "
	    "(?2 > 0 AND id NOT IN (SELECT id FROM runs ORDER BY id DESC "
	    "LIMIT ?2)))", &stmt) == -1)
		goto fail;
	if (keep->since != NULL)
		store_bind_text(stmt, 1, keep->since);
	sqlite3_bind_int(stmt, 2, keep->runs);
	if (store_step_done(st, stmt, "cannot remove old runs") == -1)
		goto fail;
	*runs = sqlite3_changes(st->db);
	/* A span that no longer covers a run goes; node facts go with their
	 * document (ON DELETE CASCADE). */
	if (store_exec_simple(st, "DELETE FROM evidence_spans WHERE NOT EXISTS "
	    "(SELECT 1 FROM runs r WHERE r.id BETWEEN first_run AND last_run)",
	    "cannot remove old evidence") == -1 ||
	    store_exec_simple(st, "DELETE FROM documents WHERE sha256 NOT IN "
	    "(SELECT sha256 FROM evidence_spans) AND sha256 NOT IN "
	    "(SELECT evaluation FROM runs WHERE evaluation IS NOT NULL)",
	    "cannot remove old documents") == -1)
		goto fail;
	*docs = sqlite3_changes(st->db);
	if (store_exec_simple(st, "COMMIT", "cannot commit pruning") == -1)
		goto fail;
	return 0;
fail:
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	*runs = *docs = 0;
	return -1;
}
