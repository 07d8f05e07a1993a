/*
 * fsutil.c - see fsutil.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "log.h"
#include "banned.h"

int
fs_make_dirs(const char *path, mode_t mode, int parents_only,
    const char *what)
{
	char dir[PATH_MAX];
	size_t n = strlen(path);
	char *p;

	if (n == 0 || n >= sizeof(dir)) {
		log_err("path '%.64s' is %s", path, n == 0 ? "empty" :
		    "too long");
		return -1;
	}
	memcpy(dir, path, n + 1);
	/* Each prefix ending at a '/', then (unless parents_only) the whole. */
	for (p = dir + 1; ; p++) {
		int last = *p == '\0';

		if (*p != '/' && !last)
			continue;
		if (last && parents_only)
			break;
		*p = '\0';
		if (mkdir(dir, mode) == -1 && errno != EEXIST) {
			log_errno("cannot create directory '%s' %s", dir, what);
			return -1;
		}
		if (last)
			break;
		*p = '/';
	}
	return 0;
}

void
fs_parent(const char *path, char *dir, size_t size)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		snprintf(dir, size, ".");
	else
		snprintf(dir, size, "%.*s", slash == path ? 1 :
		    (int)(slash - path), path);
}

int
fs_sync_parent(const char *path)
{
	char dir[PATH_MAX];
	int fd, rc = 0;

	fs_parent(path, dir, sizeof(dir));
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    fsync(fd) == -1) {
		log_errno("cannot sync directory '%s'", dir);
		rc = -1;
	}
	if (fd != -1)
		close(fd);
	return rc;
}
