/*
 * sign.h - the bundle's signature: a detached CMS (PKCS#7) signature over
 * MANIFEST.sha256, made and checked with OpenSSL 3, so that an auditor can
 * check it with stock tools:
 *
 *   openssl cms -verify -binary -inform PEM -in MANIFEST.sha256.sig \
 *       -content MANIFEST.sha256 -CAfile signing.crt -out /dev/null
 *
 * Only approved algorithms: RSA of 3072 bits or more, or ECDSA on P-256 or
 * P-384, with SHA-256 (SHA-384 for P-384). A private key others may read
 * is refused, and so is a certificate not valid now.
 */
#ifndef FIPSEV_SIGN_H
#define FIPSEV_SIGN_H

#include <stddef.h>
#include <time.h>

/*
 * Write dir/signing.key (mode 0600, never over an existing file) and
 * dir/signing.crt: an ECDSA P-384 key and a self-signed certificate for
 * it, valid a year, with digitalSignature and no extended key usage.
 * Returns 0, or -1 after logging.
 */
int	 sign_keygen(const char *dir);

/* A certificate that expires within this many days is warned about. */
#define SIGN_EXPIRY_WARN_DAYS	30

/* A signing key loaded, with its certificate (opaque). */
struct sign_key;

/*
 * Load the key and certificate into *k (the caller frees it with
 * sign_key_free()), if fipsev could sign with them at now: the key
 * private (fs_open_private()'s rule) and of an approved algorithm, the
 * certificate for it and valid at now. warning is set (else empty) when
 * the certificate expires within SIGN_EXPIRY_WARN_DAYS. Returns 0, or -1
 * after logging why not.
 */
int	 sign_key_load(const char *key_path, const char *cert_path,
	    time_t now, struct sign_key **k, char *warning, size_t warnlen);

/*
 * Sign the n bytes of content with k: a detached CMS signature, PEM, in
 * *pem (*len bytes, not NUL-terminated; the caller frees). Returns 0, or
 * -1 after logging.
 */
int	 sign_key_sign(struct sign_key *k, const void *content, size_t n,
	    char **pem, size_t *len);

void	 sign_key_free(struct sign_key *k);

/* Write a signature's PEM to the new file path (0644), synced. */
int	 sign_write_pem(const char *path, const char *pem, size_t len);

/*
 * Sign the n bytes of content with the key and certificate files into
 * out_path (PEM). Refuses, as sign_key_load() does, a key or certificate
 * fipsev must not sign with (an expired or not yet valid certificate
 * among them). Returns 0, or -1 after logging what is wrong.
 */
int	 sign_detached(const char *key_path, const char *cert_path,
	    const void *content, size_t n, const char *out_path);

/* What sign_verify() found. */
struct sign_verdict {
	int	 holds;		/* the signature over the content holds */
	int	 chains;	/* the signer chains to the CA at judged_at */
	int	 expired_since;	/* it does not, but did at signed_at: its
				 * certificate expired after signing */
	time_t	 judged_at;	/* when the chain was judged */
	time_t	 signed_at;	/* the CMS signingTime: the signer's claim */
	time_t	 not_after;	/* the signer certificate's end */
	char	 signer[512];	/* the signer's subject */
	char	 why[600];	/* why it does not hold, or chain */
};

/*
 * Check the PEM signature sig over content, then, with ca_path, that the
 * signer's certificate chains to it at time at (a trusted timestamp's
 * time; 0: now). When it does not chain now only because the certificate
 * has since expired, expired_since says so (judged at the signer's own
 * signingTime). Returns 1 when the signature holds (v says about the
 * chain), 0 when it does not (why in v), -1 after logging.
 */
int	 sign_verify(const char *sig, size_t siglen, const void *content,
	    size_t n, const char *ca_path, time_t at,
	    struct sign_verdict *v);

#endif
