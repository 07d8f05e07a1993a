/*
 * log.h - the one error idiom of fipsev.
 *
 * Library code (collector/, store/, report/, util/) returns 0 on success and
 * -1 on failure, after saying what failed with exactly one of these calls at
 * the point of failure: the message names the call that failed and the input
 * at fault, e.g. "cannot open store '/var/lib/fipsev/fipsev.db': ...".
 * Callers above that point only propagate -1; only main and the cmd_*
 * functions turn it into an exit status.
 *
 * Messages are lower-case with no trailing period and go to stderr as one
 * line "fipsev: <message>". Control characters in the formatted message are
 * replaced, so a hostile file name cannot forge extra lines.
 */
#ifndef FIPSEV_LOG_H
#define FIPSEV_LOG_H

/* Print "fipsev: <message>". */
void log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print "fipsev: <message>: <strerror(errno)>", reading errno on entry. */
void log_errno(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
