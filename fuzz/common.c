/*
 * common.c - the helpers of fuzz.h.
 */
#define _XOPEN_SOURCE 700	/* mkdtemp() */

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz/fuzz.h"
#include "util/fsutil.h"

static char scratch[512];

static void
cleanup(void)
{
	if (scratch[0] != '\0')
		(void)fs_remove_tree(scratch);
}

const char *
fuzz_scratch(void)
{
	const char *tmp = getenv("TMPDIR");

	if (scratch[0] != '\0')
		return scratch;
	snprintf(scratch, sizeof(scratch), "%s/fipsev-fuzz-XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	if (mkdtemp(scratch) == NULL) {
		perror("fuzz: mkdtemp");
		abort();
	}
	atexit(cleanup);
	return scratch;
}

int
fuzz_write(const char *path, const void *p, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	const char *c = p;

	if (fd == -1)
		return -1;
	while (n > 0) {
		ssize_t w = write(fd, c, n);

		if (w <= 0) {
			close(fd);
			return -1;
		}
		c += w;
		n -= (size_t)w;
	}
	return close(fd);
}
