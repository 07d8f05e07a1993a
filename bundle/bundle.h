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

struct signer;

/* How a bundle is signed, and timestamped. */
struct bundle_sign {
	struct signer	*signer;	/* the process holding the key
					 * (signer.h); NULL: key is opened */
	const char	*key;		/* the signing key (PEM) */
	const char	*cert;		/* its certificate */
	const char	*tsa_url;	/* a TSA to timestamp the signature;
					 * NULL: none */
	const char	*tsa_ca;	/* the TSA must chain to it; NULL: not
					 * checked */
	char		 ts_missing[600];	/* set by bundle_write(): why
						 * the TSA gave no timestamp */
};

/*
 * Write run (0: the latest) of the store as a new bundle at dir, signed
 * as sign says. dir must not exist. The run is evaluated again
 * (assess_checked()). With a TSA that gives no timestamp, the bundle is
 * still written, and sign->ts_missing says why. Returns 0, or -1 after
 * logging; nothing is left behind on failure.
 */
int	 bundle_write(struct store *st, int64_t run, const char *dir,
	    struct bundle_sign *sign);

/*
 * Add a timestamp from the TSA at url (tsa_ca: whom it must chain to, or
 * NULL) over the signature of the bundle directory dir, as
 * dir/MANIFEST.sha256.sig.tsr, never over one already there. Returns 0;
 * 1 when the TSA gave none (why in why; nothing written or logged); -1
 * after logging.
 */
int	 bundle_timestamp(const char *dir, const char *url, const char *tsa_ca,
	    char *why, size_t whylen);

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

/* Whom verification trusts. */
struct bundle_trust {
	const char	*ca;		/* the signer must chain to it; NULL:
					 * not checked */
	const char	*tsa_ca;	/* a timestamp's TSA must chain to it;
					 * NULL: the timestamp is not trusted */
};

/* How far an intact bundle's signer is trusted. */
enum bundle_signer {
	SIGNER_TRUSTED,		/* chains to ca: now, or at a trusted
				 * timestamp's time */
	SIGNER_UNCHECKED,	/* no ca was given */
	SIGNER_UNTRUSTED,	/* does not chain to ca */
	SIGNER_EXPIRED,		/* chained only at its own signing time: its
				 * certificate expired since, and no trusted
				 * timestamp proves when it signed */
};

/*
 * Check the bundle at dir (followed if a symlink; nothing inside it is),
 * or, when dir is a regular file, the .tar.gz that bundle_tar() packs
 * (read with libarchive, never extracted; every name must be under the
 * bundle's own directory, and once): every digest of the manifest, that
 * no file is missing, added or other than a regular file, the signature
 * over the manifest, and a timestamp over the signature if there is one
 * (MANIFEST.sha256.sig.tsr; timestamp.h). *who says how far the signer
 * is trusted. Each problem is one line on out naming the file,
 * non-printable bytes escaped. Returns 1 when intact, 0 when not, -1
 * after logging when the check cannot run.
 */
int	 bundle_verify(const char *dir, const struct bundle_trust *trust,
	    FILE *out, enum bundle_signer *who);

#endif
