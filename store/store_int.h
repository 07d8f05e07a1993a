/*
 * store_int.h - what the files of the store share: the open store and the
 * statement helpers. store.c opens a store (file, schema, connection),
 * store_write.c writes a run, store_read.c reads runs back. Nothing
 * outside store/ includes it.
 */
#ifndef FIPSEV_STORE_INT_H
#define FIPSEV_STORE_INT_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "store/store.h"
#include "util/digest.h"

/* An open store (store.h); the open run's counts feed its runs row. */
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

/* store.c: opening a store: its file, schema and connection */
int	 store_bind_text(sqlite3_stmt *stmt, int i, const char *s);
int	 store_bind_tristate(sqlite3_stmt *stmt, int i, int v);
int	 store_exec_simple(struct store *st, const char *sql,
	    const char *what);
int	 store_prepare(struct store *st, const char *sql, sqlite3_stmt **stmt);
int	 store_step_done(struct store *st, sqlite3_stmt *stmt,
	    const char *what);
void	 store_err(const struct store *st, const char *what);

/* store_write.c: writing a run, one transaction */
const char *store_where(const struct store *st, char *out, size_t len);

#endif
