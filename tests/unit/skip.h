/*
 * skip.h - a unit test whose input is missing (or that cannot run in this
 * build) is reported skipped, never passed: skip_because() marks the
 * program, and unit_status() turns cmocka's count of failures into the
 * exit status, 77 (ctest's SKIP_RETURN_CODE) when nothing failed but
 * something was skipped. cmocka runs every test in this one process, so
 * one flag is enough. Include after cmocka.h.
 */
#ifndef FIPSEV_TEST_SKIP_H
#define FIPSEV_TEST_SKIP_H

#include <stdio.h>

#define UNIT_SKIPPED 77

static int unit_skips;

#define skip_because(why)                                                 \
	do {                                                              \
		unit_skips++;                                             \
		print_message("skipped: %s\n", (why));                    \
		skip();                                                   \
	} while (0)

static inline int
unit_status(int failed)
{
	if (failed != 0)
		return failed;
	return unit_skips > 0 ? UNIT_SKIPPED : 0;
}

#endif
