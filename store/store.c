/*
 * store.c - the SQLite evidence store; see store.h.
 *
 * Every statement is prepared and every value bound: no SQL is ever built
 * from data. The connection runs with SQLITE_DBCONFIG_DEFENSIVE and
 * without trusting the schema, so a tampered store file cannot make
 * fipsev run functions it did not ask for.
 */
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <openssl/rand.h>
#include <sqlite3.h>
#include <zlib.h>

#include "evidence/cluster.h"
#include "evidence/evidence.h"
#include "evidence/inventory.h"
#include "evidence/node.h"
#include "evidence/tls.h"
#include "store/schema.h"
#include "store/store.h"
#include "util/digest.h"
#include "util/json.h"
#include "util/fsutil.h"
#include "util/log.h"
#include "util/testhook.h"
#include "util/text.h"
#include "util/banned.h"

struct store {
	sqlite3	*db;
	char	*path;
	int64_t	 run_id;	/* the open run, 0 when none */
	int64_t	 prev_run;	/* the last complete run before it, or 0 */
	int	 nodes;		/* nodes added to the open run */
	int	 nodes_failing;
	int	 endpoints;	/* TLS endpoints added to the open run */
	int	 endpoints_failing;
	int	 clusters;	/* cluster documents added to the open run */
	/* The open run's evaluation (store_run_set_evaluation()). */
	char	 verdict[16];
	char	 evaluation[SHA256_HEX_LEN + 1];
};

/*
 * How long to wait for another process's lock: STORE_BUSY_MS, or less
 * when a test says so (FIPSEV_TEST_BUSY_MS, 1 ms up to that).
 */
static int
busy_ms(void)
{
	const char *s = getenv("FIPSEV_TEST_BUSY_MS");
	long v;
	char *end;

	if (s == NULL || *s == '\0')
		return STORE_BUSY_MS;
	v = strtol(s, &end, 10);
	return *end == '\0' && v >= 1 && v <= STORE_BUSY_MS ? (int)v :
	    STORE_BUSY_MS;
}

/* Log a failed SQLite call with the store path and SQLite's reason. */
static void
store_err(const struct store *st, const char *what)
{
	int code = sqlite3_extended_errcode(st->db);

	if ((code & 0xff) == SQLITE_NOTADB)
		log_err("store '%s': %s: not a SQLite database", st->path, what);
	else if ((code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED)
		log_err("store '%s': %s: locked by another process (waited %d "
		    "ms)", st->path, what, busy_ms());
	else if (((code & 0xff) == SQLITE_IOERR || (code & 0xff) ==
	    SQLITE_FULL || (code & 0xff) == SQLITE_CANTOPEN) &&
	    sqlite3_system_errno(st->db) != 0)
		/* "disk I/O error" alone does not say the disk is full. */
		log_err("store '%s': %s: %s (%s)", st->path, what,
		    sqlite3_errmsg(st->db),
		    strerror(sqlite3_system_errno(st->db)));
	else
		log_err("store '%s': %s: %s", st->path, what,
		    sqlite3_errmsg(st->db));
}

static int
prepare(struct store *st, const char *sql, sqlite3_stmt **stmt)
{
	if (sqlite3_prepare_v2(st->db, sql, -1, stmt, NULL) != SQLITE_OK) {
		store_err(st, "cannot prepare a statement");
		*stmt = NULL;
		return -1;
	}
	return 0;
}

/* Run a statement that takes no values and returns no rows. */
static int
exec_simple(struct store *st, const char *sql, const char *what)
{
	if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		store_err(st, what);
		return -1;
	}
	return 0;
}

/* Bind a string, or NULL for SQL NULL. */
static int
bind_text(sqlite3_stmt *stmt, int i, const char *s)
{
	if (s == NULL)
		return sqlite3_bind_null(stmt, i);
	return sqlite3_bind_text(stmt, i, s, -1, SQLITE_TRANSIENT);
}

/* Bind 0/1, or NULL for an unknown (negative) value. */
static int
bind_tristate(sqlite3_stmt *stmt, int i, int v)
{
	if (v < 0)
		return sqlite3_bind_null(stmt, i);
	return sqlite3_bind_int(stmt, i, v);
}

/* Step a statement that returns no rows; always finalizes it. */
static int
step_done(struct store *st, sqlite3_stmt *stmt, const char *what)
{
	int rc = sqlite3_step(stmt);

	if (rc != SQLITE_DONE) {
		store_err(st, what);
		sqlite3_finalize(stmt);
		return -1;
	}
	sqlite3_finalize(stmt);
	return 0;
}

char *
store_path(const char *explicit)
{
	const char *env = getenv(STORE_ENV), *base, *home;
	char path[PATH_MAX];
	int n;

	if (explicit != NULL)
		env = explicit;
	/* Set but empty is a mistake (an unset variable in a script), not
	 * a wish for the default store. */
	if (env != NULL && *env == '\0') {
		log_err("%s is empty: name a store file", explicit != NULL ?
		    "--db" : STORE_ENV);
		return NULL;
	}
	if (env != NULL) {
		char *p = strdup(env);

		if (p == NULL)
			log_errno("cannot copy store path");
		return p;
	}
	if (geteuid() == 0)
		n = snprintf(path, sizeof(path), "/var/lib/fipsev/fipsev.db");
	else if ((base = getenv("XDG_STATE_HOME")) != NULL && *base == '/')
		n = snprintf(path, sizeof(path), "%s/fipsev/fipsev.db", base);
	else if ((home = getenv("HOME")) != NULL && *home == '/')
		n = snprintf(path, sizeof(path),
		    "%s/.local/state/fipsev/fipsev.db", home);
	else {
		log_err("no store path: set --db or %s (HOME is not set)",
		    STORE_ENV);
		return NULL;
	}
	if (n < 0 || (size_t)n >= sizeof(path)) {
		log_err("store path is too long");
		return NULL;
	}
	return strdup(path);
}

static int
user_version(struct store *st, int *version)
{
	sqlite3_stmt *stmt;
	int rc;

	if (prepare(st, "PRAGMA user_version", &stmt) == -1)
		return -1;
	rc = sqlite3_step(stmt);
	if (rc != SQLITE_ROW) {
		store_err(st, "cannot read the schema version");
		sqlite3_finalize(stmt);
		return -1;
	}
	*version = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	/* The file is not trusted: a negative version indexes nothing. */
	if (*version < 0) {
		log_err("store '%s' has schema version %d, which no fipsev "
		    "writes: not a fipsev store", st->path, *version);
		return -1;
	}
	return 0;
}

/* A store from a newer fipsev is refused, not guessed at. */
static int
too_new(const struct store *st, int v)
{
	if (v <= store_migrations_count)
		return 0;
	log_err("store '%s' has schema version %d, newer than this fipsev's "
	    "%d: use a newer fipsev", st->path, v, store_migrations_count);
	return 1;
}

/*
 * Bring the schema to this fipsev's version. The check is repeated inside
 * the write transaction because another fipsev may have migrated while we
 * waited for the lock.
 */
static int
migrate(struct store *st)
{
	char sql[64];
	int v;

	if (user_version(st, &v) == -1)
		return -1;
	if (v == store_migrations_count)
		return 0;
	if (too_new(st, v))
		return -1;
	if (exec_simple(st, "BEGIN IMMEDIATE", "cannot start a migration") == -1)
		return -1;
	if (user_version(st, &v) == -1 || too_new(st, v))
		goto fail;
	for (; v < store_migrations_count; v++) {
		if (sqlite3_exec(st->db, store_migrations[v], NULL, NULL,
		    NULL) != SQLITE_OK) {
			char what[64];

			snprintf(what, sizeof(what), "migration %d failed", v + 1);
			store_err(st, what);
			goto fail;
		}
		testhook("store-migration");
	}
	/* PRAGMA takes no bound values; the number is ours, not input. */
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
	    store_migrations_count);
	if (exec_simple(st, sql, "cannot set the schema version") == -1 ||
	    exec_simple(st, "COMMIT", "cannot commit a migration") == -1)
		goto fail;
	return 0;
fail:
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

/*
 * Switch to WAL. Returns 0, 1 when another connection holds a lock that
 * the switch needs (SQLite answers SQLITE_BUSY at once here, without its
 * busy handler), or -1 after logging.
 */
static int
set_wal(struct store *st)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	rc = sqlite3_prepare_v2(st->db, "PRAGMA journal_mode = WAL", -1, &stmt,
	    NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(stmt);
	if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED) {
		sqlite3_finalize(stmt);
		return 1;
	}
	if (rc != SQLITE_ROW) {
		store_err(st, "cannot open");
		sqlite3_finalize(stmt);
		return -1;
	}
	/* journal_mode answers with the mode in force: it must be WAL. */
	rc = sqlite3_stricmp((const char *)sqlite3_column_text(stmt, 0), "wal");
	sqlite3_finalize(stmt);
	if (rc != 0) {
		log_err("store '%s': cannot switch to WAL mode", st->path);
		return -1;
	}
	return 0;
}

/*
 * What every connection gets, reading or writing: limits of trust (a
 * store file is input too), extended error codes, waiting for locks.
 */
static int
distrust(struct store *st)
{
	sqlite3_extended_result_codes(st->db, 1);
	sqlite3_busy_timeout(st->db, busy_ms());
	if (sqlite3_db_config(st->db, SQLITE_DBCONFIG_DEFENSIVE, 1,
	    NULL) != SQLITE_OK ||
	    sqlite3_db_config(st->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0,
	    NULL) != SQLITE_OK) {
		store_err(st, "cannot configure the connection");
		return -1;
	}
	return 0;
}

/*
 * The store file is not trusted: a trigger, view, table or index planted
 * in it could change what fipsev reads back and signs. Its schema must be
 * exactly what the migrations make (compared with the same migrations
 * applied to an empty database in memory); SQLite's own sqlite_* objects
 * (ANALYZE's statistics, automatic indexes) are allowed.
 */
static int
schema_ours(struct store *st)
{
	/*
	 * Exempt by what they are, not by name alone: a trigger written
	 * into sqlite_schema under a "sqlite_" name still loads and fires.
	 */
	static const char q[] = "SELECT type || ' ' || name || ' ' || "
	    "coalesce(sql, '') FROM sqlite_schema WHERE NOT ((type = 'table' "
	    "AND name IN ('sqlite_stat1', 'sqlite_stat2', 'sqlite_stat3', "
	    "'sqlite_stat4')) OR (type = 'index' AND sql IS NULL AND name "
	    "LIKE 'sqlite\\_autoindex\\_%' ESCAPE '\\')) ORDER BY 1";
	sqlite3 *mem = NULL;
	sqlite3_stmt *a = NULL, *b = NULL;
	int i, ra, rb, rc = -1;

	if (sqlite3_open_v2(":memory:", &mem, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		log_err("store '%s': cannot check its schema: out of memory",
		    st->path);
		goto out;
	}
	for (i = 0; i < store_migrations_count; i++)
		if (sqlite3_exec(mem, store_migrations[i], NULL, NULL, NULL) !=
		    SQLITE_OK) {
			log_err("store '%s': cannot check its schema: %s",
			    st->path, sqlite3_errmsg(mem));
			goto out;
		}
	if (sqlite3_prepare_v2(mem, q, -1, &a, NULL) != SQLITE_OK ||
	    prepare(st, q, &b) == -1) {
		log_err("store '%s': cannot check its schema", st->path);
		goto out;
	}
	for (;;) {
		ra = sqlite3_step(a);
		rb = sqlite3_step(b);
		if (ra == SQLITE_DONE && rb == SQLITE_DONE)
			break;
		if (ra != SQLITE_ROW || rb != SQLITE_ROW ||
		    strcmp((const char *)sqlite3_column_text(a, 0),
		    (const char *)sqlite3_column_text(b, 0)) != 0) {
			char what[200];

			snprintf(what, sizeof(what), "%.150s", rb == SQLITE_ROW ?
			    (const char *)sqlite3_column_text(b, 0) : "(none)");
			what[strcspn(what, "\n")] = '\0';
			log_err("store '%s' holds what fipsev did not create, or "
			    "lacks what it did (%s...): refused; a trigger or "
			    "view planted in a store could change what it "
			    "reports", st->path, what);
			goto out;
		}
	}
	rc = 0;
out:
	sqlite3_finalize(a);
	sqlite3_finalize(b);
	sqlite3_close(mem);
	return rc;
}

/* Set the connection up for writing: distrust, WAL, durability. */
static int
configure(struct store *st)
{
	int rc, waited;

	if (distrust(st) == -1)
		return -1;
	/* Wait out another fipsev creating or switching the same file. */
	for (waited = 0; (rc = set_wal(st)) == 1; waited += 20) {
		if (waited >= busy_ms()) {
			log_err("store '%s': cannot open: locked by another "
			    "process for more than %d ms", st->path, busy_ms());
			return -1;
		}
		sqlite3_sleep(20);
	}
	if (rc == -1)
		return -1;
	return exec_simple(st, "PRAGMA synchronous = FULL; "
	    "PRAGMA foreign_keys = ON", "cannot configure the connection");
}

/*
 * Whether the store at path can be written: a backup on read-only
 * media, a snapshot mounted read-only or a file made read-only cannot,
 * and SQLite alone would only say "unable to open database file".
 */
enum writable { WRITABLE, RO_FILE, RO_DIR, RO_FS };

static enum writable
writable(const char *path)
{
	char dir[PATH_MAX];
	struct statvfs vfs;

	fs_parent(path, dir, sizeof(dir));
	if (statvfs(dir, &vfs) == 0 && (vfs.f_flag & ST_RDONLY))
		return RO_FS;
	if (access(dir, W_OK) == -1 && errno == EACCES)
		return RO_DIR;
	if (access(path, W_OK) == -1 && errno == EACCES)
		return RO_FILE;
	return WRITABLE;
}

static const char *
unwritable_reason(enum writable w)
{
	switch (w) {
	case RO_FS:
		return "its file system is read-only";
	case RO_DIR:
		return "its directory is not writable";
	default:
		return "the file is read-only";
	}
}

/* path as an SQLite URI (RFC 3986 percent-encoding) with a query. */
static char *
file_uri(const char *path, const char *query)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(path), cap = n * 3 + strlen(query) + 8, i, o;
	char *uri = malloc(cap);

	if (uri == NULL)
		return NULL;
	memcpy(uri, "file:", 5);
	o = 5;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)path[i];

		if (isalnum(c) || strchr("/-._~", c) != NULL)
			uri[o++] = (char)c;
		else {
			uri[o++] = '%';
			uri[o++] = hex[c >> 4];
			uri[o++] = hex[c & 15];
		}
	}
	snprintf(uri + o, cap - o, "?%s", query);
	return uri;
}

/*
 * Open a store that cannot be written, for reading. With the directory
 * unwritable SQLite cannot make the WAL index (-shm): a store closed
 * cleanly (no WAL left) is then read as immutable, which it is.
 */
static int
open_readonly(struct store *st, enum writable w)
{
	char wal[PATH_MAX + 8];
	struct stat sb;
	char *uri;
	int rc, v;

	snprintf(wal, sizeof(wal), "%s-wal", st->path);
	if (w != RO_FILE && (stat(wal, &sb) == -1 || sb.st_size == 0))
		uri = file_uri(st->path, "immutable=1");
	else
		uri = file_uri(st->path, "mode=ro");
	if (uri == NULL) {
		log_errno("cannot open store '%s'", st->path);
		return -1;
	}
	rc = sqlite3_open_v2(uri, &st->db, SQLITE_OPEN_READONLY |
	    SQLITE_OPEN_URI | SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_FULLMUTEX,
	    NULL);
	free(uri);
	if (rc != SQLITE_OK) {
		if (st->db == NULL)
			log_err("cannot open store '%s': out of memory",
			    st->path);
		else
			store_err(st, "cannot open (read-only)");
		return -1;
	}
	if (distrust(st) == -1 || user_version(st, &v) == -1)
		return -1;
	if (too_new(st, v))
		return -1;
	if (v < store_migrations_count) {
		log_err("store '%s' has schema version %d and cannot be "
		    "written to bring it to %d: %s", st->path, v,
		    store_migrations_count, unwritable_reason(w));
		return -1;
	}
	return schema_ours(st);
}

/*
 * A new store file is made 0600 before SQLite opens it, whatever the
 * umask: SQLite gives its -wal and -shm files the mode of the database.
 * A new store in a directory others can enter is warned about (a volume's root
 * under a pod's fsGroup cannot be made 0700 by a non-root user: put the
 * store in a subdirectory of it).
 */
static int
create_private(const char *path)
{
	char dir[PATH_MAX];
	struct stat sb;
	int fd;

	if ((fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600)) == -1) {
		if (errno == EEXIST)
			return 0;	/* SQLite says what is wrong with it */
		log_errno("cannot create store '%s'", path);
		return -1;
	}
	close(fd);
	fs_parent(path, dir, sizeof(dir));
	if (stat(dir, &sb) == 0 && (sb.st_mode & 077) != 0)
		log_err("warning: the new store's directory '%s' is open to "
		    "group or others (mode %03o): keep the store in a "
		    "directory only fipsev's user can enter", dir,
		    (unsigned)(sb.st_mode & 0777));
	return 0;
}

int
store_open(const char *path, enum store_mode mode, struct store **out)
{
	struct store *st;
	struct stat sb;
	enum writable w;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW |
	    SQLITE_OPEN_FULLMUTEX;

	*out = NULL;
	if (mode != STORE_CREATE && stat(path, &sb) == -1) {
		if (errno == ENOENT)
			log_err("no store at '%s' (record a run with "
			    "'fipsev collect' first)", path);
		else
			log_errno("cannot open store '%s'", path);
		return -1;
	}
	if (mode == STORE_CREATE) {
		flags |= SQLITE_OPEN_CREATE;
		if (fs_make_dirs(path, 0700, 1, "for the store") == -1 ||
		    create_private(path) == -1)
			return -1;
	}
	if ((st = calloc(1, sizeof(*st))) == NULL ||
	    (st->path = strdup(path)) == NULL) {
		log_errno("cannot open store '%s'", path);
		free(st);
		return -1;
	}
	if ((w = writable(path)) != WRITABLE) {
		if (mode != STORE_READ) {
			log_err("store '%s': cannot write: %s", path,
			    unwritable_reason(w));
			goto fail;
		}
		if (open_readonly(st, w) == -1)
			goto fail;
		*out = st;
		return 0;
	}
	if (sqlite3_open_v2(path, &st->db, flags, NULL) != SQLITE_OK) {
		if (st->db == NULL)
			log_err("cannot open store '%s': out of memory", path);
		else
			store_err(st, "cannot open");
		goto fail;
	}
	if (configure(st) == -1 || migrate(st) == -1 || schema_ours(st) == -1)
		goto fail;
	*out = st;
	return 0;
fail:
	store_close(st);
	return -1;
}

void
store_close(struct store *st)
{
	if (st == NULL)
		return;
	if (st->run_id != 0)
		store_run_abort(st);
	sqlite3_close_v2(st->db);
	free(st->path);
	free(st);
}

int
store_schema_version(void)
{
	return store_migrations_count;
}

int
store_run_begin(struct store *st, const struct store_run_meta *meta)
{
	sqlite3_stmt *stmt;

	if (st->run_id != 0) {
		log_err("store '%s': a run is already open", st->path);
		return -1;
	}
	if (exec_simple(st, "BEGIN IMMEDIATE", "cannot start a run") == -1)
		return -1;
	if (prepare(st, "INSERT INTO runs (started_utc, tool_version, host, "
	    "status) VALUES (?, ?, ?, 'open')", &stmt) == -1)
		goto fail;
	bind_text(stmt, 1, meta->started);
	bind_text(stmt, 2, meta->tool_version);
	bind_text(stmt, 3, meta->host);
	if (step_done(st, stmt, "cannot record the run") == -1)
		goto fail;
	st->run_id = sqlite3_last_insert_rowid(st->db);
	if (prepare(st, "SELECT coalesce(max(id), 0) FROM runs WHERE "
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
	if (prepare(st, "SELECT 1 FROM documents WHERE sha256 = ?", &stmt) == -1)
		return -1;
	bind_text(stmt, 1, hex);
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
	if (prepare(st, "INSERT INTO documents (sha256, media_type, size, body, "
	    "encoding) VALUES (?, ?, ?, ?, ?)", &stmt) == -1) {
		free(z);
		return -1;
	}
	bind_text(stmt, 1, hex);
	bind_text(stmt, 2, media_type);
	sqlite3_bind_int64(stmt, 3, (sqlite3_int64)len);
	if (z != NULL)
		sqlite3_bind_blob64(stmt, 4, z, (sqlite3_uint64)zlen,
		    SQLITE_STATIC);
	else
		sqlite3_bind_blob64(stmt, 4, body, (sqlite3_uint64)len,
		    SQLITE_STATIC);
	bind_text(stmt, 5, z != NULL ? "deflate" : "identity");
	rc = step_done(st, stmt, "cannot store a document");
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

	if (prepare(st, "SELECT 1 FROM evidence_spans WHERE collector = ? AND "
	    "subject = ? AND last_run = ?", &stmt) == -1)
		return -1;
	bind_text(stmt, 1, collector);
	bind_text(stmt, 2, subject);
	sqlite3_bind_int64(stmt, 3, st->run_id);
	twice = sqlite3_step(stmt) == SQLITE_ROW;
	sqlite3_finalize(stmt);
	if (twice) {
		log_err("store '%s': %s evidence '%s' appears twice in one run",
		    st->path, collector, subject);
		return -1;
	}
	if (st->prev_run > 0) {
		if (prepare(st, "UPDATE evidence_spans SET last_run = ? WHERE "
		    "collector = ? AND subject = ? AND last_run = ? AND "
		    "sha256 = ?", &stmt) == -1)
			return -1;
		sqlite3_bind_int64(stmt, 1, st->run_id);
		bind_text(stmt, 2, collector);
		bind_text(stmt, 3, subject);
		sqlite3_bind_int64(stmt, 4, st->prev_run);
		bind_text(stmt, 5, hex);
		if (step_done(st, stmt, "cannot record evidence") == -1)
			return -1;
		if (sqlite3_changes(st->db) == 1)
			return 0;
	}
	if (prepare(st, "INSERT INTO evidence_spans (collector, subject, "
	    "sha256, first_run, last_run) VALUES (?, ?, ?, ?, ?)", &stmt) == -1)
		return -1;
	bind_text(stmt, 1, collector);
	bind_text(stmt, 2, subject);
	bind_text(stmt, 3, hex);
	sqlite3_bind_int64(stmt, 4, st->run_id);
	sqlite3_bind_int64(stmt, 5, st->run_id);
	return step_done(st, stmt, "cannot record evidence");
}

/* "store 'PATH'", how the evidence modules name where a document was. */
static const char *
where(const struct store *st, char *out, size_t len)
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
	    node_facts_of(where(st, at, sizeof(at)), json, len, &f) == -1)
		return -1;
	if (put_document(st, json, len, "application/json", hex) == -1 ||
	    add_evidence(st, "node", f.subject, hex) == -1)
		goto out;

	/* The same document has the same facts: once is enough (and an
	 * evaluation checks them against it, store_run_nodes()). */
	if (prepare(st, "INSERT INTO node_documents (sha256, node, compliant, "
	    "fips_enabled, kernel_cmdline_fips, os_id, os_version_id, "
	    "os_variant_id, os_pretty_name, os_fips_variant, kernel_release, "
	    "reasons) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
	    "ON CONFLICT (sha256) DO NOTHING", &stmt) == -1)
		goto out;
	bind_text(stmt, 1, hex);
	bind_text(stmt, 2, f.subject);
	sqlite3_bind_int(stmt, 3, f.compliant);
	bind_tristate(stmt, 4, f.fips_enabled);
	bind_tristate(stmt, 5, f.kernel_cmdline_fips);
	bind_text(stmt, 6, f.os_id);
	bind_text(stmt, 7, f.os_version_id);
	bind_text(stmt, 8, f.os_variant_id);
	bind_text(stmt, 9, f.os_pretty_name);
	bind_tristate(stmt, 10, f.os_fips_variant);
	bind_text(stmt, 11, f.kernel_release);
	bind_text(stmt, 12, f.reasons);
	rc = step_done(st, stmt, "cannot record node facts");
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
	    tls_facts_of(where(st, at, sizeof(at)), json, len, &f) == -1)
		return -1;
	if (put_document(st, json, len, "application/json", hex) == -1 ||
	    add_evidence(st, "tls", f.target, hex) == -1)
		goto out;
	if (prepare(st, "INSERT INTO tls_facts (run_id, target, compliant, "
	    "error, protocols, suites, groups, sigalgs, connections) VALUES "
	    "(?, ?, ?, ?, ?, ?, ?, ?, ?)", &stmt) == -1)
		goto out;
	sqlite3_bind_int64(stmt, 1, st->run_id);
	bind_text(stmt, 2, f.target);
	sqlite3_bind_int(stmt, 3, f.compliant);
	bind_text(stmt, 4, f.error);
	bind_text(stmt, 5, f.protocols);
	bind_text(stmt, 6, f.suites);
	bind_text(stmt, 7, f.groups);
	bind_text(stmt, 8, f.sigalgs);
	sqlite3_bind_int(stmt, 9, f.connections);
	rc = step_done(st, stmt, "cannot record TLS facts");
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
	    cluster_facts_of(where(st, at, sizeof(at)), json, len, &f) == -1)
		return -1;
	if (put_document(st, json, len, "application/json", hex) == -1 ||
	    add_evidence(st, "cluster", subject, hex) == -1)
		goto out;
	if (prepare(st, "INSERT INTO cluster_facts (run_id, subject, "
	    "compliant, release, smp_version, global_fips, "
	    "fips_since_first_install, nodes_listed, nodes_without_evidence, "
	    "delegates, delegates_fips, findings) VALUES "
	    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", &stmt) == -1)
		goto out;
	sqlite3_bind_int64(stmt, 1, st->run_id);
	bind_text(stmt, 2, subject);
	sqlite3_bind_int(stmt, 3, f.compliant);
	bind_text(stmt, 4, f.release);
	bind_text(stmt, 5, f.smp_version);
	bind_tristate(stmt, 6, f.global_fips);
	bind_tristate(stmt, 7, f.fips_since_first_install);
	sqlite3_bind_int(stmt, 8, f.nodes_listed);
	sqlite3_bind_int(stmt, 9, f.nodes_without_evidence);
	sqlite3_bind_int(stmt, 10, f.delegates);
	sqlite3_bind_int(stmt, 11, f.delegates_fips);
	bind_text(stmt, 12, f.findings);
	rc = step_done(st, stmt, "cannot record cluster facts");
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

	if (inventory_facts_of(where(st, at, sizeof(at)), json, len,
	    &f) == -1)
		return -1;
	if (put_document(st, json, len, "application/json", hex) == -1 ||
	    add_evidence(st, "inventory", subject, hex) == -1)
		goto out;
	for (i = 0; i < f.nitems; i++) {
		const struct inventory_item *it = &f.items[i];

		if (prepare(st, "INSERT INTO inventory_items (run_id, item, "
		    "module, component, kind, seen_at, supported) VALUES "
		    "(?, ?, ?, ?, ?, ?, ?)", &stmt) == -1)
			goto out;
		sqlite3_bind_int64(stmt, 1, st->run_id);
		sqlite3_bind_int64(stmt, 2, (sqlite3_int64)i);
		bind_text(stmt, 3, it->module);
		bind_text(stmt, 4, it->component);
		bind_text(stmt, 5, it->kind);
		bind_text(stmt, 6, it->seen_at);
		bind_text(stmt, 7, it->supported);
		if (step_done(st, stmt, "cannot record the inventory") == -1)
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
	if (prepare(st, "UPDATE runs SET finished_utc = ?, status = 'complete', "
	    "verdict = ?, nodes = ?, nodes_compliant = ?, endpoints = ?, "
	    "endpoints_compliant = ?, evaluation = ? WHERE id = ?", &stmt) == -1)
		goto fail;
	bind_text(stmt, 1, finished);
	bind_text(stmt, 2, st->verdict);
	sqlite3_bind_int(stmt, 3, st->nodes);
	sqlite3_bind_int(stmt, 4, st->nodes - st->nodes_failing);
	sqlite3_bind_int(stmt, 5, st->endpoints);
	sqlite3_bind_int(stmt, 6, st->endpoints - st->endpoints_failing);
	bind_text(stmt, 7, st->evaluation);
	sqlite3_bind_int64(stmt, 8, st->run_id);
	if (step_done(st, stmt, "cannot finish the run") == -1)
		goto fail;
	testhook("store-before-commit");
	if (exec_simple(st, "COMMIT", "cannot commit the run") == -1)
		goto fail;
	*run_id = st->run_id;
	st->run_id = 0;
	return 0;
fail:
	store_run_abort(st);
	return -1;
}

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

	if (prepare(st, RUN_COLUMNS "ORDER BY r.id DESC LIMIT ?", &stmt) == -1)
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

	if (prepare(st, id == 0 ? RUN_COLUMNS "ORDER BY r.id DESC LIMIT 1" :
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
	if (prepare(st, "SELECT e.subject, d.sha256, d.encoding, d.size, d.body "
	    "FROM evidence_spans e JOIN documents d ON d.sha256 = e.sha256 "
	    "WHERE e.collector = ?1 AND e.last_run >= ?2 AND "
	    "e.first_run <= ?2 ORDER BY e.subject", &stmt) == -1)
		return -1;
	bind_text(stmt, 1, collector);
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
	if (prepare(st, "SELECT d.sha256, d.encoding, d.size, d.body, "
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

/*
 * Whether the other run holds the same document for subject. other
 * walks that run's node spans in the caller's order (by subject, BINARY
 * collation: byte order, as strcmp), so one merge pass answers for every
 * node, at a third of the cost of a lookup per node. Returns 1 same, 0
 * not, -1 after logging.
 */
static int
same_in(struct store *st, sqlite3_stmt *other, int *done, const char *subject,
    const char *sha256)
{
	const char *s;
	int c, rc;

	while (!*done) {
		if ((s = (const char *)sqlite3_column_text(other, 0)) == NULL)
			c = -1;
		else if ((c = strcmp(s, subject)) == 0) {
			s = (const char *)sqlite3_column_text(other, 1);
			return s != NULL && strcmp(s, sha256) == 0;
		}
		if (c > 0)
			return 0;
		if ((rc = sqlite3_step(other)) == SQLITE_DONE)
			*done = 1;
		else if (rc != SQLITE_ROW) {
			store_err(st, "cannot read node facts");
			return -1;
		}
	}
	return 0;
}

static int
same_text(const char *a, const unsigned char *b)
{
	return a == NULL ? b == NULL : b != NULL &&
	    strcmp(a, (const char *)b) == 0;
}

/*
 * Do the facts in the current row of stmt (store_run_nodes()'s columns)
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
	    node_facts_of(where(st, at, sizeof(at)), body, len, &f) == -1)
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

int
store_run_nodes(struct store *st, int64_t id, int64_t other, int flags,
    int (*fn)(const struct store_node *, void *), void *arg)
{
	static const char facts_sql[] = "SELECT e.subject, f.sha256, "
	    "f.compliant, f.fips_enabled, f.kernel_cmdline_fips, "
	    "f.os_pretty_name, f.os_variant_id, f.kernel_release, f.reasons, "
	    "f.node, f.os_id, f.os_version_id, f.os_fips_variant";
	/* The spans that cover run id, as store_run_documents() reads. */
	static const char spans_sql[] = " WHERE e.collector = 'node' AND "
	    "e.last_run >= ?1 AND e.first_run <= ?1 ORDER BY e.subject";
	struct store_node n;
	sqlite3_stmt *stmt, *theirs = NULL;
	unsigned char *buf = NULL;
	size_t cap = 0;
	char sql[1024];
	int rc, ret = -1, done = 1, same;

	snprintf(sql, sizeof(sql), "%s%s FROM evidence_spans e JOIN "
	    "node_documents f ON f.sha256 = e.sha256%s%s", facts_sql,
	    flags & STORE_NODES_VERIFY ? ", d.sha256, d.encoding, d.size, "
	    "d.body" : "", flags & STORE_NODES_VERIFY ? " JOIN documents d ON "
	    "d.sha256 = f.sha256" : "", spans_sql);
	if (prepare(st, sql, &stmt) == -1)
		return -1;
	sqlite3_bind_int64(stmt, 1, id);
	if (other > 0) {
		if (prepare(st, "SELECT subject, sha256 FROM evidence_spans "
		    "WHERE collector = 'node' AND last_run >= ?1 AND "
		    "first_run <= ?1 ORDER BY subject", &theirs) == -1)
			goto out;
		sqlite3_bind_int64(theirs, 1, other);
		if ((rc = sqlite3_step(theirs)) == SQLITE_ROW)
			done = 0;
		else if (rc != SQLITE_DONE) {
			store_err(st, "cannot read node facts");
			goto out;
		}
	}
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		n.subject = (const char *)sqlite3_column_text(stmt, 0);
		n.sha256 = (const char *)sqlite3_column_text(stmt, 1);
		n.compliant = sqlite3_column_int(stmt, 2) != 0;
		n.fips_enabled = column_tristate(stmt, 3);
		n.kernel_cmdline_fips = column_tristate(stmt, 4);
		n.os_pretty_name = (const char *)sqlite3_column_text(stmt, 5);
		n.os_variant_id = (const char *)sqlite3_column_text(stmt, 6);
		n.kernel_release = (const char *)sqlite3_column_text(stmt, 7);
		n.reasons = (const char *)sqlite3_column_text(stmt, 8);
		if (n.subject == NULL || n.sha256 == NULL || n.reasons == NULL) {
			log_err("store '%s': a node row is damaged", st->path);
			goto out;
		}
		if (flags & STORE_NODES_VERIFY &&
		    facts_agree(st, stmt, &buf, &cap) == -1)
			goto out;
		if ((same = same_in(st, theirs, &done, n.subject,
		    n.sha256)) == -1)
			goto out;
		n.same_in_other = same;
		if (fn(&n, arg) == -1)
			goto out;
	}
	if (rc != SQLITE_DONE) {
		store_err(st, "cannot read node facts");
		goto out;
	}
	ret = 0;
out:
	free(buf);
	sqlite3_finalize(theirs);
	sqlite3_finalize(stmt);
	return ret;
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
	if (prepare(st, node ? node_sql : tls_sql, &stmt) == -1)
		return -1;
	bind_text(stmt, 1, subject);
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

int
store_prune(struct store *st, const char *cutoff, int *runs, int *docs)
{
	sqlite3_stmt *stmt;

	*runs = *docs = 0;
	if (exec_simple(st, "BEGIN IMMEDIATE", "cannot start pruning") == -1)
		return -1;
	/* Facts of a run go with it (ON DELETE CASCADE); spans below. */
	if (prepare(st, "DELETE FROM runs WHERE started_utc < ? AND "
	    "id != (SELECT max(id) FROM runs)", &stmt) == -1)
		goto fail;
	bind_text(stmt, 1, cutoff);
	if (step_done(st, stmt, "cannot remove old runs") == -1)
		goto fail;
	*runs = sqlite3_changes(st->db);
	/* A span that no longer covers a run goes; node facts go with their
	 * document (ON DELETE CASCADE). */
	if (exec_simple(st, "DELETE FROM evidence_spans WHERE NOT EXISTS "
	    "(SELECT 1 FROM runs r WHERE r.id BETWEEN first_run AND last_run)",
	    "cannot remove old evidence") == -1 ||
	    exec_simple(st, "DELETE FROM documents WHERE sha256 NOT IN "
	    "(SELECT sha256 FROM evidence_spans) AND sha256 NOT IN "
	    "(SELECT evaluation FROM runs WHERE evaluation IS NOT NULL)",
	    "cannot remove old documents") == -1)
		goto fail;
	*docs = sqlite3_changes(st->db);
	if (exec_simple(st, "COMMIT", "cannot commit pruning") == -1)
		goto fail;
	return 0;
fail:
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	*runs = *docs = 0;
	return -1;
}

int
store_redaction_key(const char *store_path, const char *given,
    unsigned char *key, size_t size, size_t *len)
{
	char path[PATH_MAX + 32], tmp[PATH_MAX + 64], *text = NULL;
	unsigned char fresh[32];
	size_t n;
	int fd, r;

	*len = 0;
	if (given == NULL) {
		if (snprintf(path, sizeof(path), "%s.redaction-key",
		    store_path) >= (int)sizeof(path)) {
			log_err("store path '%s' is too long", store_path);
			return -1;
		}
		/*
		 * Made once, whole, then linked into place: two fipsevs
		 * starting on a new store end up with the same key.
		 */
		snprintf(tmp, sizeof(tmp), "%s.tmp-%ld", path, (long)getpid());
		if (access(path, F_OK) == -1 && errno == ENOENT) {
			if (RAND_bytes(fresh, sizeof(fresh)) != 1) {
				log_err("cannot make a redaction key: no "
				    "randomness");
				return -1;
			}
			if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL |
			    O_NOFOLLOW | O_CLOEXEC, 0600)) == -1) {
				log_errno("cannot create '%s'", tmp);
				return -1;
			}
			r = write(fd, fresh, sizeof(fresh)) ==
			    (ssize_t)sizeof(fresh) && fsync(fd) == 0 ? 0 : -1;
			explicit_bzero(fresh, sizeof(fresh));
			close(fd);
			if (r == -1 || (link(tmp, path) == -1 &&
			    errno != EEXIST)) {
				log_errno("cannot write the redaction key '%s'",
				    path);
				unlink(tmp);
				return -1;
			}
			unlink(tmp);
		}
		given = path;
	}
	if ((r = fs_read(AT_FDCWD, given, given, 4096, 0, &text, &n)) != 0) {
		if (r == 1)
			log_err("redaction key '%s' does not exist", given);
		return -1;
	}
	if (n < 16 || n > size) {
		log_err("redaction key '%s' has %zu bytes: it needs 16 to %zu",
		    given, n, size);
		explicit_bzero(text, n);
		free(text);
		return -1;
	}
	memcpy(key, text, n);
	*len = n;
	explicit_bzero(text, n);
	free(text);
	return 0;
}
