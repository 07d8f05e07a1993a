/*
 * hostfs.c - confined, bounded reads of host files; see hostfs.h.
 */
/* O_PATH, for resolving without the kernel's RESOLVE_IN_ROOT. */
#define _GNU_SOURCE

#include <sys/stat.h>
#include <sys/syscall.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collector/node/hostfs.h"
#include "util/log.h"
#include "util/banned.h"

int
hostfs_open(struct hostfs *fs, const char *root)
{
	struct stat st;

	fs->rootfd = -1;
	fs->confined = 1;
	if ((fs->root = strdup(root)) == NULL) {
		log_errno("cannot allocate root path");
		return -1;
	}
	fs->rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fs->rootfd == -1) {
		log_errno("cannot open root directory '%s'", root);
		goto fail;
	}
	if (fstat(fs->rootfd, &st) == -1) {
		log_errno("cannot stat root directory '%s'", root);
		goto fail;
	}
	return 0;
fail:
	hostfs_close(fs);
	return -1;
}

void
hostfs_close(struct hostfs *fs)
{
	if (fs->rootfd >= 0)
		close(fs->rootfd);
	fs->rootfd = -1;
	free(fs->root);
	fs->root = NULL;
}

/* As the kernel's: more symlinks than this in one lookup is a loop. */
#define MAX_LINKS 40
/* Directories deeper than this below the root are refused. */
#define MAX_DEPTH 64

/*
 * Resolve path inside the root without the kernel's help, the way
 * RESOLVE_IN_ROOT does: one component at a time, never following a link
 * implicitly; ".." stops at the root; a symlink's target is read and
 * resolved from the root (absolute) or from its directory (relative).
 * The last component is opened with O_NOFOLLOW, so a link swapped in
 * after it was checked fails instead of leading out.
 */
static int
open_resolved(int rootfd, const char *path, int flags)
{
	char rest[2 * PATH_MAX], spliced[2 * PATH_MAX], target[PATH_MAX];
	char comp[NAME_MAX + 1];
	int stack[MAX_DEPTH], depth = 0, links = 0, fd = -1, ret = -1, saved;
	struct stat st;
	size_t len, off = 0;	/* rest + off: what is left to resolve */
	ssize_t n;
	int m;

	if ((len = strlen(path)) >= sizeof(rest)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(rest, path, len + 1);
	for (;;) {
		const char *p = rest + off, *end;
		int cur = depth > 0 ? stack[depth - 1] : rootfd, last;

		/* Take the next component off the front of rest. */
		while (*p == '/')
			p++;
		if (*p == '\0') {
			errno = EISDIR;		/* the path named a directory */
			goto out;
		}
		end = p + strcspn(p, "/");
		if ((size_t)(end - p) > NAME_MAX) {
			errno = ENAMETOOLONG;
			goto out;
		}
		memcpy(comp, p, (size_t)(end - p));
		comp[end - p] = '\0';
		while (*end == '/')
			end++;
		last = *end == '\0';
		off = (size_t)(end - rest);

		if (strcmp(comp, ".") == 0)
			continue;
		if (strcmp(comp, "..") == 0) {
			if (depth > 0)
				close(stack[--depth]);
			continue;
		}
		fd = openat(cur, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (fd == -1 || fstat(fd, &st) == -1)
			goto out;
		if (S_ISLNK(st.st_mode)) {
			n = readlinkat(fd, "", target, sizeof(target));
			close(fd);
			fd = -1;
			if (n == -1)
				goto out;
			if (++links > MAX_LINKS) {
				errno = ELOOP;
				goto out;
			}
			/* What is left becomes: the link's target "/" the rest. */
			m = snprintf(spliced, sizeof(spliced), "%.*s/%s", (int)n,
			    target, rest + off);
			if ((size_t)n >= sizeof(target) || m < 0 ||
			    (size_t)m >= sizeof(rest)) {
				errno = ENAMETOOLONG;
				goto out;
			}
			memcpy(rest, spliced, (size_t)m + 1);
			off = 0;
			if (target[0] == '/')
				while (depth > 0)
					close(stack[--depth]);
			continue;
		}
		if (last) {
			close(fd);
			fd = -1;
			ret = openat(cur, comp, flags | O_NOFOLLOW);
			goto out;
		}
		if (!S_ISDIR(st.st_mode)) {
			errno = ENOTDIR;
			goto out;
		}
		if (depth == MAX_DEPTH) {
			errno = ENAMETOOLONG;
			goto out;
		}
		stack[depth++] = fd;
		fd = -1;
	}
out:
	saved = errno;
	if (fd >= 0)
		close(fd);
	while (depth > 0)
		close(stack[--depth]);
	errno = saved;
	return ret;
}

/*
 * Open path below the root. O_NONBLOCK keeps a FIFO planted where a file
 * should be from blocking the open; the caller refuses anything that is
 * not a regular file before reading. The kernel's openat2 is preferred;
 * where it is missing (Linux < 5.6, or valgrind) the same confinement is
 * done in open_resolved().
 */
static int
open_in_root(struct hostfs *fs, const char *path)
{
	struct open_how how;
	int fd;

	memset(&how, 0, sizeof(how));
	how.flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
	how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
	if (fs->confined) {
		fd = (int)syscall(SYS_openat2, fs->rootfd, path, &how,
		    sizeof(how));
		if (fd >= 0 || errno != ENOSYS)
			return fd;
		fs->confined = 0;
	}
	return open_resolved(fs->rootfd, path, (int)how.flags);
}

static void
set_error(struct hostfile *out, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
set_error(struct hostfile *out, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(out->error, sizeof(out->error), fmt, ap);
	va_end(ap);
}

int
hostfs_read(struct hostfs *fs, const char *path, size_t keep,
    struct hostfile *out)
{
	char chunk[65536];
	struct sha256 *h = NULL;
	struct stat st;
	ssize_t n;
	int fd = -1, rc = -1;

	memset(out, 0, sizeof(*out));
	out->path = path;
	buf_init(&out->data, keep);

	if ((fd = open_in_root(fs, path)) == -1) {
		out->enoent = errno == ENOENT;
		set_error(out, "%s", strerror(errno));
		rc = 0;
		goto out;
	}
	if (fstat(fd, &st) == -1) {
		set_error(out, "%s", strerror(errno));
		rc = 0;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		set_error(out, "not a regular file (%s)",
		    S_ISDIR(st.st_mode) ? "directory" :
		    S_ISFIFO(st.st_mode) ? "fifo" :
		    S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "device" :
		    S_ISSOCK(st.st_mode) ? "socket" : "other");
		rc = 0;
		goto out;
	}
	if ((h = sha256_new()) == NULL)
		goto out;

	/* Digest everything up to the cap; keep only the first bytes. */
	out->complete = 1;
	for (;;) {
		size_t want = sizeof(chunk);

		if (out->size >= HOSTFS_HASH_MAX) {
			out->complete = 0;
			break;
		}
		if (HOSTFS_HASH_MAX - out->size < want)
			want = (size_t)(HOSTFS_HASH_MAX - out->size);
		n = read(fd, chunk, want);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			set_error(out, "%s", strerror(errno));
			buf_release(&out->data);
			out->size = 0;
			rc = 0;
			goto out;
		}
		if (n == 0)
			break;
		if (sha256_update(h, chunk, (size_t)n) == -1)
			goto out;
		if (out->data.len < keep) {
			size_t room = keep - out->data.len;
			size_t take = (size_t)n < room ? (size_t)n : room;

			if (buf_append(&out->data, chunk, take) == -1) {
				log_errno("cannot keep contents of '%s'", path);
				goto out;
			}
		}
		out->size += (uint64_t)n;
	}
	/* An empty file still gets a (NUL-terminated) buffer. */
	if (buf_append(&out->data, "", 0) == -1) {
		log_errno("cannot keep contents of '%s'", path);
		goto out;
	}
	out->truncated = out->data.len < out->size;
	rc = sha256_final_hex(h, out->sha256);
	h = NULL;
	if (rc == 0)
		out->found = 1;
out:
	sha256_free(h);
	if (fd >= 0)
		close(fd);
	return rc;
}

void
hostfile_release(struct hostfile *f)
{
	buf_release(&f->data);
}
