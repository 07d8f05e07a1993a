/*
 * bundle.h - the evidence bundle an auditor receives, and its check.
 *
 * A bundle is a directory: run.json (the run), evidence/ (every
 * collector's document exactly as stored, one .json file each),
 * MANIFEST.sha256 (sha256sum -c
 * format, over every other file) and MANIFEST.sha256.sig (a detached CMS
 * signature over the manifest; sign.h). It is written under a temporary
 * name and renamed into place at the end, so a bundle that exists is a
 * whole one.
 */
#ifndef FIPSEV_BUNDLE_H
#define FIPSEV_BUNDLE_H

#include <stdint.h>
#include <stdio.h>

struct store;

#define BUNDLE_MANIFEST	"MANIFEST.sha256"
#define BUNDLE_SIG	"MANIFEST.sha256.sig"
/* A bundle being written is DIR.tmp-PID-XXXXXX beside its final DIR. */
#define BUNDLE_TMP	".tmp-"

/*
 * Write run (0: the latest) of the store as a new bundle at dir, signed
 * with key and cert. dir must not exist. The run is evaluated again
 * (assess_checked()). Returns 0, or -1 after logging; nothing is
 * left behind on failure.
 */
int	 bundle_write(struct store *st, int64_t run, const char *dir,
	    const char *key, const char *cert);

/*
 * Remove what writers that no longer exist (killed, or the machine went
 * down) left unfinished in outdir. A leftover under the caller's own pid
 * counts as one, so call this before writing any bundle. Returns how
 * many, or -1 after logging.
 */
int	 bundle_clean_stale(const char *outdir);

/*
 * Also pack the bundle at dir into dir.tar.gz (libarchive; written under
 * a temporary name, then renamed). Returns 0, or -1 after logging.
 */
int	 bundle_tar(const char *dir);

/*
 * Check the bundle at dir (followed if a symlink; nothing inside it is),
 * or, when dir is a regular file, the .tar.gz that bundle_tar() packs
 * (read with libarchive, never extracted; every name must be under the
 * bundle's own directory, and once):
 * every digest of the manifest, that no file is missing, added or other
 * than a regular file, and the signature over the manifest. *trusted is 1
 * when, besides, the signer chains to ca (not NULL). Each problem is one
 * line on out naming the file, non-printable bytes escaped. Returns 1
 * when intact, 0 when not, -1 after logging when the check cannot run.
 */
int	 bundle_verify(const char *dir, const char *ca, FILE *out,
	    int *trusted);

#endif
