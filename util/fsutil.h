/*
 * fsutil.h - directories made and made durable.
 *
 * Evidence must survive a crash: a file or directory that appears under
 * its final name by rename(2) is only durable once the directory holding
 * that name is synced too. The helpers that can fail log their own error (naming the
 * path) and return -1, like the rest of fipsev.
 */
#ifndef FIPSEV_FSUTIL_H
#define FIPSEV_FSUTIL_H

#include <sys/types.h>

/*
 * Create the directories above path's last component (parents_only) or
 * path itself and everything above it, each missing one with mode; what
 * names the purpose in the error ("for the store").
 */
int	fs_make_dirs(const char *path, mode_t mode, int parents_only,
	    const char *what);

/*
 * The directory that holds path, into dir (size bytes): "." for a bare
 * name, "/" for a name at the root.
 */
void	fs_parent(const char *path, char *dir, size_t size);

/*
 * Format a path into out (size bytes), as snprintf() does, but refuse
 * one that does not fit: a path cut short names another file. Returns 0,
 * or -1 after logging which path was too long.
 */
int	fs_pathf(char *out, size_t size, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/*
 * Remove path and everything beneath it, never following a symlink out
 * of it (nftw FTW_PHYS). Returns 0 when all of it is gone, else -1 with
 * errno set by the first removal that failed; logs nothing.
 */
int	fs_remove_tree(const char *path);

/* fsync the directory that holds path (after a rename into it). */
int	fs_sync_parent(const char *path);

/* fs_open_read() and fs_read() flags. */
#define FS_NO_SYMLINKS	1	/* no symlink anywhere in name */

/*
 * Open name (relative to dirfd, or a path when dirfd is AT_FDCWD) for
 * reading without blocking (a FIFO opens at once, to be refused by its
 * type). Under a directory, symlinks are followed only while they stay
 * beneath it (openat2 RESOLVE_BENEATH: a snapshot mounted from a
 * ConfigMap is all symlinks through ..data, but none may lead out; EXDEV
 * otherwise), or not at all with FS_NO_SYMLINKS (ELOOP). Returns the
 * descriptor, or -1 with errno set; logs nothing.
 */
int	fs_open_read(int dirfd, const char *name, int fsflags);

/*
 * Open the regular file name as fs_open_read() does, refusing FIFOs,
 * sockets, devices and files over max bytes; shown names it in errors.
 * Returns the descriptor, FS_ABSENT when it does not exist (nothing
 * logged), or -1 after logging.
 */
#define FS_ABSENT	(-2)

int	fs_open_file(int dirfd, const char *shown, const char *name,
	    size_t max, int fsflags);

/*
 * Read the regular file name (opened as fs_open_read() does) whole into
 * *text (NUL-terminated, the caller frees), at most max bytes. FIFOs,
 * sockets and devices are refused. shown names the file in errors.
 * Returns 0; 1 when it does not exist (nothing logged); -1 after logging.
 */
int	fs_read(int dirfd, const char *shown, const char *name, size_t max,
	    int fsflags, char **text, size_t *len);

/*
 * Open a private key (what names it in errors: "key") for reading and
 * judge, on the descriptor opened, who else may read it. Symlinks are
 * followed: the kubelet mounts each key of a Secret as a symlink through
 * ..data into a timestamped directory. The rule is PostgreSQL's for its
 * server keys, with one condition more:
 *   - owned by this process's effective user: no group or other bits;
 *   - owned by root: group read allowed (no group write or execute, no
 *     other bits) when the file's group is the process's effective or a
 *     supplementary group, as the kubelet makes a Secret's file of the
 *     pod's fsGroup (defaultMode 0400 becomes 0440, root:fsGroup);
 *   - owned by anyone else: refused.
 * Returns the descriptor, or -1 after logging what is wrong and how to
 * mend it.
 */
int	fs_open_private(const char *path, const char *what);

#endif
