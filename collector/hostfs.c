/*
 * hostfs.c - confined, bounded reads of host files; see hostfs.h.
 */
#include <sys/stat.h>
#include <sys/syscall.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hostfs.h"
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

/*
 * Open path below the root. O_NONBLOCK keeps a FIFO planted where a file
 * should be from blocking the open; the caller refuses anything that is
 * not a regular file before reading.
 */
static int
open_in_root(struct hostfs *fs, const char *path)
{
	const char *rel = path;
	struct open_how how;
	int fd;

	while (*rel == '/')
		rel++;
	memset(&how, 0, sizeof(how));
	how.flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
	how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
	if (fs->confined) {
		fd = (int)syscall(SYS_openat2, fs->rootfd, rel, &how, sizeof(how));
		if (fd >= 0 || errno != ENOSYS)
			return fd;
		/* Kernels before 5.6: fall back, and say so once. */
		fs->confined = 0;
		log_warn("kernel lacks openat2; symlinks under '%s' are not "
		    "confined to it", fs->root);
	}
	return openat(fs->rootfd, rel, (int)how.flags);
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
