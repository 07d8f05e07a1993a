/*
 * hostfs.h - bounded, confined reads of a host's files through a root dir.
 *
 * A collector running in a pod sees its node's /proc and /etc mounted
 * read-only under, say, /host. Paths are resolved as if that directory were
 * "/" (openat2 RESOLVE_IN_ROOT, or the same rules in userspace where the
 * kernel lacks it), so an absolute symlink such as
 * /etc/os-release -> /usr/lib/os-release stays inside the host tree instead
 * of escaping to the collector's own files.
 *
 * Reads never block or grow without bound: only regular files are read
 * (a FIFO, device or directory is reported, not read), at most
 * HOSTFS_HASH_MAX bytes are read and digested, and only the first `keep`
 * bytes are kept in memory.
 */
#ifndef FIPSEV_HOSTFS_H
#define FIPSEV_HOSTFS_H

#include <stdint.h>

#include "util/buf.h"
#include "util/digest.h"

/* Stop reading (and digesting) a single file after this many bytes. */
#define HOSTFS_HASH_MAX ((uint64_t)64 * 1024 * 1024)

struct hostfs {
	int	 rootfd;
	char	*root;		/* the directory as given, owned */
	int	 confined;	/* 1: try openat2 RESOLVE_IN_ROOT; 0: resolve
				   in userspace (kernel lacks it, or a test) */
};

/* What reading one file gave. */
struct hostfile {
	const char	*path;		/* host path, e.g. "/etc/os-release"; not owned */
	int		 found;		/* 1 when the file was read */
	int		 enoent;	/* 1 when it does not exist */
	char		 error[128];	/* why it was not read, "" if found */
	struct buf	 data;		/* first `keep` bytes, NUL-terminated */
	uint64_t	 size;		/* bytes read and digested */
	int		 truncated;	/* data holds fewer than size bytes */
	int		 complete;	/* reached end of file (not HOSTFS_HASH_MAX) */
	char		 sha256[SHA256_HEX_LEN + 1];	/* of the size bytes read */
};

/*
 * Open root as the host's "/". Returns 0, or -1 after logging when root is
 * not an openable directory.
 */
int	 hostfs_open(struct hostfs *fs, const char *root);

/* Close the root; fs may be zeroed or already closed. */
void	 hostfs_close(struct hostfs *fs);

/*
 * Read the host file at path (absolute, as on the host), keeping at most
 * keep bytes. A file that is missing, unreadable or not regular is not an
 * error: out->found is 0 and out->error says why. Returns -1 only when
 * fipsev itself fails (memory, OpenSSL), after logging. The caller releases
 * out with hostfile_release().
 */
int	 hostfs_read(struct hostfs *fs, const char *path, size_t keep,
	    struct hostfile *out);

/* Free what hostfs_read() put in f. */
void	 hostfile_release(struct hostfile *f);

#endif
