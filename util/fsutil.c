/*
 * fsutil.c - see fsutil.h.
 */
#define _GNU_SOURCE	/* nftw() */

#include <sys/stat.h>
#include <sys/types.h>
#include <sys/syscall.h>

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/openat2.h>

#include "util/buf.h"
#include "util/fsutil.h"
#include "util/log.h"
#include "util/banned.h"

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

/*
 * Without openat2 (an old kernel, a seccomp profile that refuses it): one
 * component at a time, none a symlink and none "..", which is stricter
 * than RESOLVE_BENEATH and never weaker.
 */
static int
open_no_symlinks(int dirfd, const char *name, int flags)
{
	char comp[256];
	int cur = dirfd, fd;

	for (;;) {
		size_t n = strcspn(name, "/");
		int last = name[n] == '\0';

		if (n == 0 || n >= sizeof(comp) ||
		    (n == 2 && name[0] == '.' && name[1] == '.')) {
			if (cur != dirfd)
				close(cur);
			errno = n >= sizeof(comp) ? ENAMETOOLONG : EXDEV;
			return -1;
		}
		memcpy(comp, name, n);
		comp[n] = '\0';
		fd = openat(cur, comp, last ? flags | O_NOFOLLOW : O_RDONLY |
		    O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (cur != dirfd) {
			int saved = errno;

			close(cur);
			errno = saved;
		}
		if (fd == -1 || last)
			return fd;
		cur = fd;
		name += n + 1;
	}
}

int
fs_open_read(int dirfd, const char *name, int fsflags)
{
	const int flags = O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC;
	struct open_how how;
	int fd;

	if (dirfd == AT_FDCWD)
		return open(name, flags);
	memset(&how, 0, sizeof(how));
	how.flags = flags;
	how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS |
	    (fsflags & FS_NO_SYMLINKS ? RESOLVE_NO_SYMLINKS : 0);
	/* A test can take openat2 away (FIPSEV_TEST_NO_OPENAT2). */
	if (getenv("FIPSEV_TEST_NO_OPENAT2") != NULL) {
		fd = -1;
		errno = ENOSYS;
	} else
		fd = (int)syscall(SYS_openat2, dirfd, name, &how,
		    sizeof(how));
	if (fd == -1 && errno == ENOSYS)
		fd = open_no_symlinks(dirfd, name, flags);
	return fd;
}

int
fs_pathf(char *out, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out, size, fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < size)
		return 0;
	if (n >= 0 && size > 0)
		log_err("path too long (%d bytes, at most %zu): '%.60s...'", n,
		    size - 1, out);
	else
		log_err("cannot format a path");
	return -1;
}

int
fs_open_file(int dirfd, const char *shown, const char *name, size_t max,
    int fsflags)
{
	struct stat sb;
	int fd;

	if ((fd = fs_open_read(dirfd, name, fsflags)) == -1) {
		if (errno == ENOENT)
			return FS_ABSENT;
		if (errno == ELOOP && fsflags & FS_NO_SYMLINKS)
			log_err("'%s' is a symlink (refused)", shown);
		else if (errno == EXDEV)
			log_err("'%s' leads out of its directory (a symlink "
			    "out of it is refused)", shown);
		else if (errno == ENXIO)	/* a socket */
			log_err("'%s' is not a regular file (a FIFO, socket "
			    "or device is refused)", shown);
		else
			log_errno("cannot open '%s'", shown);
		return -1;
	}
	if (fstat(fd, &sb) == -1) {
		log_errno("cannot read '%s'", shown);
		close(fd);
		return -1;
	}
	if (!S_ISREG(sb.st_mode)) {
		log_err("'%s' is not a regular file (a FIFO, socket or device "
		    "is refused)", shown);
		close(fd);
		return -1;
	}
	if ((uintmax_t)sb.st_size > max) {
		log_err("'%s' is larger than %zu bytes", shown, max);
		close(fd);
		return -1;
	}
	return fd;
}

int
fs_read(int dirfd, const char *shown, const char *name, size_t max,
    int fsflags, char **text, size_t *len)
{
	struct buf b;
	char chunk[8192];
	ssize_t n;
	int fd, rc = -1;

	*text = NULL;
	if ((fd = fs_open_file(dirfd, shown, name, max, fsflags)) < 0)
		return fd == FS_ABSENT ? 1 : -1;
	buf_init(&b, max);
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			log_errno("cannot read '%s'", shown);
			goto out;
		}
		if (buf_append(&b, chunk, (size_t)n) == -1) {
			if (errno == EFBIG)
				log_err("'%s' is larger than %zu bytes", shown,
				    max);
			else
				log_errno("cannot read '%s'", shown);
			goto out;
		}
	}
	if (b.data == NULL && buf_append(&b, "", 0) == -1) {
		log_errno("cannot read '%s'", shown);
		goto out;
	}
	*len = b.len;
	*text = b.data;
	b.data = NULL;
	rc = 0;
out:
	close(fd);
	buf_release(&b);
	return rc;
}

/* The first errno a removal failed with, for fs_remove_tree(). */
static int remove_errno;

static int
remove_entry(const char *path, const struct stat *sb, int type,
    struct FTW *f)
{
	(void)sb;
	(void)type;
	(void)f;
	if (remove(path) == -1 && remove_errno == 0)
		remove_errno = errno;
	return 0;		/* go on: remove all that can be */
}

int
fs_remove_tree(const char *path)
{
	remove_errno = 0;
	if (nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS) == -1)
		return -1;
	if (remove_errno != 0) {
		errno = remove_errno;
		return -1;
	}
	return 0;
}

/* Is gid the process's effective group or one of its supplementary ones? */
static int
in_group(gid_t gid)
{
	gid_t groups[NGROUPS_MAX + 1];
	int i, n;

	if (gid == getegid())
		return 1;
	if ((n = getgroups(NGROUPS_MAX + 1, groups)) == -1)
		return 0;
	for (i = 0; i < n; i++)
		if (groups[i] == gid)
			return 1;
	return 0;
}

int
fs_open_private(const char *path, const char *what)
{
	struct stat sb;
	mode_t perm;
	uid_t me = geteuid();
	int fd;

	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) == -1) {
		log_errno("cannot open %s '%s'", what, path);
		return -1;
	}
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		log_err("%s '%s' is not a regular file", what, path);
		goto refused;
	}
	perm = sb.st_mode & 07777;
	if (sb.st_uid == me && (perm & 077) == 0)
		return fd;
	/* A Secret mounted for the pod's fsGroup: 0440 root:fsGroup. */
	if (sb.st_uid == 0 && (perm & 037) == 0 &&
	    ((perm & 040) == 0 || in_group(sb.st_gid)))
		return fd;
	if (sb.st_uid == 0 && perm & 037)
		log_err("%s '%s' (owned by root) is %s (mode %04o): chmod 600 "
		    "it (a Secret: defaultMode 0400, which the pod's fsGroup "
		    "makes 0440)", what, path, perm & 007 ?
		    "readable or writable by others" :
		    "writable or executable by its group", (unsigned)perm);
	else if (sb.st_uid == 0)
		log_err("%s '%s' (owned by root) is readable by group %u, "
		    "which fipsev (uid %u) is not in: mount it with the "
		    "pod's fsGroup, or mode 0400", what, path,
		    (unsigned)sb.st_gid, (unsigned)me);
	else if (sb.st_uid == me)
		log_err("%s '%s' is readable or writable by group or others "
		    "(mode %04o): chmod 600 it", what, path, (unsigned)perm);
	else
		log_err("%s '%s' is owned by uid %u: it must belong to "
		    "fipsev's user (uid %u) or to root", what, path,
		    (unsigned)sb.st_uid, (unsigned)me);
refused:
	close(fd);
	return -1;
}
