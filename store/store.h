/*
 * store.h - the SQLite evidence store.
 *
 * One SQLite file holds every run. A run is written in one transaction
 * (store_run_begin .. store_run_commit), so a run killed midway leaves
 * nothing, and earlier runs are never touched. Evidence documents are kept
 * byte for byte, addressed by their SHA-256, so a document that did not
 * change between runs is stored once.
 *
 * The schema is created and upgraded by numbered migrations (PRAGMA
 * user_version); a store written by a newer fipsev is refused, not guessed
 * at. The file is in WAL mode with a busy timeout, so two fipsev processes
 * may run at once: one waits for the other's short write transaction.
 *
 * All functions log at the point of failure and return -1 (see util/log.h).
 */
#ifndef FIPSEV_STORE_H
#define FIPSEV_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "evidence/evidence.h"

struct run_view;
struct store;

/* The environment variable that overrides the default store path. */
#define STORE_ENV "FIPSEV_DB"

/* How long a writer waits for another fipsev's transaction, in ms. */
#define STORE_BUSY_MS 30000

/*
 * The largest document a store holds (a 5,000-node cluster's document is
 * about 3 MB): one larger is refused on write, and one that says it is
 * larger is refused on read before anything is inflated.
 */
#define STORE_DOC_MAX ((size_t)256 * 1024 * 1024)

enum store_mode {
	STORE_CREATE,	/* create the file (and its directory) if missing */
	STORE_EXISTING,	/* the file must exist */
	STORE_READ,	/* the file must exist; read-only media are fine */
};

/*
 * The store path to use: explicit if not NULL, else $FIPSEV_DB, else
 * /var/lib/fipsev/fipsev.db for root and
 * ${XDG_STATE_HOME:-$HOME/.local/state}/fipsev/fipsev.db for anyone else.
 * An empty explicit path or $FIPSEV_DB is an error, not the default.
 * Returns a new string (free it), or NULL after logging.
 */
char	*store_path(const char *explicit);

/*
 * The key of the store's redaction markers (values_redact_key()): the
 * file given, else STORE_PATH.redaction-key, made (32 random bytes, 0600)
 * when the store has none. A fleet of stores given one key compares
 * markers across them. Into key (size bytes), *len its length. Returns
 * 0, or -1 after logging.
 */
int	 store_redaction_key(const char *store_path, const char *given,
	    unsigned char *key, size_t size, size_t *len);

/*
 * Open (and create or upgrade) the store at path. Returns 0 and sets *out,
 * or -1 after logging. Close with store_close().
 */
int	 store_open(const char *path, enum store_mode mode, struct store **out);

/* Close the store, rolling back a run not committed. NULL is allowed. */
void	 store_close(struct store *st);

/* The schema version this fipsev writes. */
int	 store_schema_version(void);

/* Who made a run, and when its collection began. Not owned. */
struct store_run_meta {
	const char	*started;	/* UTC, "YYYY-MM-DDTHH:MM:SSZ" */
	const char	*host;		/* where fipsev ran */
	const char	*tool_version;
};

/*
 * Start a run: take the write lock (waiting up to STORE_BUSY_MS for
 * another writer) and insert the run row. Nothing is visible to others
 * until store_run_commit(). Collect first, then begin: the lock is held
 * only while the evidence is written.
 */
int	 store_run_begin(struct store *st, const struct store_run_meta *meta);

/*
 * Add one node's evidence document (the JSON of node.h) to the open run:
 * the bytes are stored as they are, with their SHA-256, and the facts a
 * drift query needs are indexed. The document is checked first; a bad one
 * is refused with a message naming the field at fault.
 */
int	 store_run_add_node(struct store *st, const char *json, size_t len);

/*
 * Add one TLS endpoint's evidence: a document of format fipsev-tls/1 (see
 * evidence/tls.h) holding exactly one endpoint, stored as it is, with the
 * accepted protocols, suites, groups and signature algorithms indexed for
 * drift. A bad document is refused with the field at fault.
 */
int	 store_run_add_tls(struct store *st, const char *json, size_t len);

/*
 * Add the cluster's evidence: a document of format fipsev-cluster/1 (see
 * evidence/cluster.h), stored as it is under subject (e.g. the snapshot or
 * context), with the release settings and counts indexed.
 */
int	 store_run_add_cluster(struct store *st, const char *subject,
	    const char *json, size_t len);

/*
 * Add a document of another kind as it is: EVIDENCE_HARNESS (the Harness
 * API's answers; not judged on its own) or EVIDENCE_INVENTORY (format
 * fipsev-inventory/1, judged by its "compliant", its items indexed).
 */
int	 store_run_add_document(struct store *st, enum evidence_kind kind,
	    const char *subject, const char *json, size_t len);

/* The id of the open run (its evidence readable through this store), or 0. */
int64_t	 store_run_open_id(const struct store *st);

/*
 * The open run's evaluation, decided by the caller before the commit
 * (assess_run() of the open run): verdict "compliant" or
 * "noncompliant", and the evaluation document (json, len bytes: checks,
 * findings, summary, verdict and the digests of what produced them),
 * stored once like any document and cited by the run. Every reader of a
 * run's verdict or findings reads these. 0, or -1 after logging.
 */
int	 store_run_set_evaluation(struct store *st, const char *verdict,
	    const char *json, size_t len);

/*
 * Finish the run (finished time, status, the verdict given to
 * store_run_set_evaluation()) and commit. *run_id gets the new run's id.
 * A run with no evidence at all, or without its evaluation, is refused.
 * On failure the run is rolled back.
 */
int	 store_run_commit(struct store *st, int64_t *run_id);

/*
 * The stored evaluation of run id, into *json (NUL-terminated, *len
 * bytes; the caller frees it). Returns 1, 0 when the run has none (one
 * recorded by a fipsev before schema 6), or -1 after logging.
 */
int	 store_run_evaluation(struct store *st, int64_t id, char **json,
	    size_t *len);

/* Drop the open run, if any. */
void	 store_run_abort(struct store *st);

/* One row of the runs table, with counts. Strings owned by the struct. */
struct store_run_info {
	int64_t	 id;
	char	*started;
	char	*finished;
	char	*tool_version;
	char	*host;
	char	*status;	/* "complete" */
	char	*verdict;	/* "compliant" or "noncompliant" */
	int	 nodes;
	int	 nodes_compliant;
	int	 endpoints;		/* TLS endpoints */
	int	 endpoints_compliant;
};

void	 store_run_info_release(struct store_run_info *ri);

/*
 * The run as a JSON object (id, started, finished, tool_version, host,
 * status, verdict, nodes, nodes_compliant, endpoints, endpoints_compliant). The caller owns it; NULL after
 * logging when out of memory.
 */
struct cJSON	*store_run_info_json(const struct store_run_info *ri);

/*
 * Call fn for each run, newest first, at most limit runs (0: all). fn
 * returns 0 to go on or -1 to stop with an error.
 */
int	 store_list_runs(struct store *st, int limit,
	    int (*fn)(const struct store_run_info *, void *), void *arg);

/*
 * Look up run id (0 for the latest). Returns 0 and fills *ri, 1 when there
 * is no such run (nothing logged), or -1 after logging.
 */
int	 store_get_run(struct store *st, int64_t id, struct store_run_info *ri);

/*
 * Call fn with each evidence document of a run from the given collector
 * ("node", "tls", "cluster", "harness" or "inventory"), ordered by
 * subject: the subject, the document's SHA-256 as recorded, and its bytes
 * exactly as collected (checked against that digest).
 */
int	 store_run_documents(struct store *st, int64_t id, const char *collector,
	    int (*fn)(const char *subject, const char *sha256, const char *doc,
	    size_t len, void *), void *arg);

/*
 * The evidence of run id as evaluation reads it (evidence/run.h): its
 * TLS, cluster and inventory documents, parsed, and its node documents as
 * the facts kept beside them, ordered by subject, without reading the
 * documents themselves. With STORE_VIEW_VERIFY (an evaluation that is
 * recorded or reported) each node's document is read too, re-hashed, and
 * its facts derived again: facts that disagree with their document are
 * an error (-1, logged: the store was altered), never a pass. Returns 0
 * with *v filled (the caller releases it), or -1 after logging.
 */
#define STORE_VIEW_VERIFY	1

int	 store_run_view(struct store *st, int64_t id, int flags,
	    struct run_view *v);

/*
 * What a prune keeps: the runs started at or after since (UTC,
 * "YYYY-MM-DDTHH:MM:SSZ"; NULL: any age) that are also among the newest
 * runs (0: any number). A run either limit leaves out goes; the latest
 * run always stays.
 */
struct store_keep {
	const char	*since;
	int		 runs;
};

/*
 * The cutoff for keeping days days of runs: now less that many days, as
 * store_keep.since wants it, into out (len bytes). Returns 0, or -1 after
 * logging.
 */
int	 store_cutoff(int days, char *out, size_t len);

/*
 * Remove the runs keep leaves out, with their evidence and facts, and the
 * documents no kept run cites; in one transaction. *runs and *docs get
 * the counts. Returns 0, or -1 after logging (nothing removed).
 */
int	 store_prune(struct store *st, const struct store_keep *keep,
	    int *runs, int *docs);

/*
 * One subject across all runs, oldest first: kind "node" (from
 * node_facts: compliant, fips_enabled, OS, kernel) or "endpoint" (from
 * tls_facts: compliant, error, protocols, suites). fn gets the run, its
 * start, and the row as JSON; returns 0 to go on, -1 to stop. Returns 0,
 * or -1 after logging.
 */
int	 store_history(struct store *st, const char *kind, const char *subject,
	    int (*fn)(int64_t run, const char *started, const struct cJSON *row,
	    void *), void *arg);

#endif
