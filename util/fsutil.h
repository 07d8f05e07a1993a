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

/* fsync the directory that holds path (after a rename into it). */
int	fs_sync_parent(const char *path);

#endif
