/*
 * testhook.h - named stopping points for the fault-injection tests.
 *
 * The tests must kill fipsev at exact points of a run (after a run row is
 * written, just before COMMIT, in the middle of a migration...) to prove that
 * the store never keeps half a run. A point is a name; when the environment
 * variable FIPSEV_TEST_STOP_AT equals that name, the process prints
 * "fipsev: test hook '<name>' reached" on stderr and stops itself with
 * SIGSTOP, so the test can SIGKILL it there. Unset, a hook costs one getenv.
 */
#ifndef FIPSEV_TESTHOOK_H
#define FIPSEV_TESTHOOK_H

void	testhook(const char *point);

#endif
