/*
 * testhook.c - see testhook.h.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/testhook.h"
#include "util/banned.h"

void
testhook(const char *point)
{
	const char *want = getenv("FIPSEV_TEST_STOP_AT");

	if (want == NULL || strcmp(want, point) != 0)
		return;
	fprintf(stderr, "fipsev: test hook '%s' reached\n", point);
	fflush(stderr);
	raise(SIGSTOP);
}
