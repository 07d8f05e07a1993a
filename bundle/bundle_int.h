/*
 * bundle_int.h - what the bundle's writer (bundle.c) and its check
 * (verify.c) share.
 */
#ifndef FIPSEV_BUNDLE_INT_H
#define FIPSEV_BUNDLE_INT_H

#include "util/digest.h"

/* A manifest larger than this is not ours. */
#define MANIFEST_MAX	(16 * 1024 * 1024)
#define MAX_FILES	100000

/* A file of the manifest: its path and digest. */
struct file {
	char	*path;		/* relative to the bundle */
	char	 hex[SHA256_HEX_LEN + 1];
};

#endif
