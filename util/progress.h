/*
 * progress.h - one line of progress on stderr for the long phases (TLS
 * scans, node probes), shown only when stderr is a terminal: a log file
 * or a CronJob's output gets none of it, only the log lines.
 *
 * There is one line at a time, process-wide. log_err() erases it before
 * printing, so a message never lands in the middle of it.
 */
#ifndef FIPSEV_PROGRESS_H
#define FIPSEV_PROGRESS_H

#include <stddef.h>

/* Show progress from now on when stderr is a terminal (and TERM is not
 * "dumb"); the commands that run long phases call this once. */
void	progress_auto(void);

/* A phase of total steps begins: "fipsev: <what> 0/<total>". */
void	progress_begin(const char *what, size_t total);

/* done of total steps are finished; redrawn at most ten times a second. */
void	progress_step(size_t done);

/* The phase is over: the line is erased. */
void	progress_end(void);

/* Erase the line, if one is shown, before other output (log.c). */
void	progress_hide(void);

#endif
