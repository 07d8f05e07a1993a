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

#include <openssl/rand.h>
#include <sqlite3.h>

#include "store/schema.h"
#include "store/store.h"
#include "util/fsutil.h"
#include "util/log.h"
#include "util/testhook.h"
#include "store/store_int.h"
#include "util/banned.h"

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
void
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

int
store_prepare(struct store *st, const char *sql, sqlite3_stmt **stmt)
{
	if (sqlite3_prepare_v2(st->db, sql, -1, stmt, NULL) != SQLITE_OK) {
		store_err(st, "cannot prepare a statement");
		*stmt = NULL;
		return -1;
	}
	return 0;
}

/* Run a statement that takes no values and returns no rows. */
int
store_exec_simple(struct store *st, const char *sql, const char *what)
{
	if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		store_err(st, what);
		return -1;
	}
	return 0;
}

/* Bind a string, or NULL for SQL NULL. */
int
store_bind_text(sqlite3_stmt *stmt, int i, const char *s)
{
	if (s == NULL)
		return sqlite3_bind_null(stmt, i);
	return sqlite3_bind_text(stmt, i, s, -1, SQLITE_TRANSIENT);
}

/* Bind 0/1, or NULL for an unknown (negative) value. */
int
store_bind_tristate(sqlite3_stmt *stmt, int i, int v)
{
	if (v < 0)
		return sqlite3_bind_null(stmt, i);
	return sqlite3_bind_int(stmt, i, v);
}

/* Step a statement that returns no rows; always finalizes it. */
int
store_step_done(struct store *st, sqlite3_stmt *stmt, const char *what)
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

	if (store_prepare(st, "PRAGMA user_version", &stmt) == -1)
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
	if (store_exec_simple(st, "BEGIN IMMEDIATE", "cannot start a migration") == -1)
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
	if (store_exec_simple(st, sql, "cannot set the schema version") == -1 ||
	    store_exec_simple(st, "COMMIT", "cannot commit a migration") == -1)
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
	    store_prepare(st, q, &b) == -1) {
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
	return store_exec_simple(st, "PRAGMA synchronous = FULL; "
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
