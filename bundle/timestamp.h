/*
 * timestamp.h - RFC 3161 time-stamp tokens over a bundle's signature.
 *
 * A signature proves who signed, and its signingTime is only the signer's
 * own claim of when. A time-stamp token, signed by a time-stamping
 * authority (TSA) over the SHA-256 of MANIFEST.sha256.sig, proves the
 * signature existed at the TSA's time: verify then judges the signer's
 * certificate at that time, so a bundle stays verifiable after the
 * certificate expires. The token is kept as the TSA's whole reply (DER)
 * in MANIFEST.sha256.sig.tsr, outside the manifest, so stock tools check
 * it:
 *
 *   openssl ts -verify -data MANIFEST.sha256.sig \
 *       -in MANIFEST.sha256.sig.tsr -CAfile TSA-CA
 *
 * The token is signed, so a TSA reached over plain HTTP is fine (most
 * are); https is verified as every fipsev connection is.
 */
#ifndef FIPSEV_TIMESTAMP_H
#define FIPSEV_TIMESTAMP_H

#include <stddef.h>
#include <time.h>

#define BUNDLE_TSR	"MANIFEST.sha256.sig.tsr"

/* Most a TSA's reply may be: a token with its certificates. */
#define TS_REPLY_MAX	(1024 * 1024)

/*
 * Ask the TSA at url (http:// or https://) for a token over the n bytes
 * of data: a SHA-256 imprint, a fresh nonce, the TSA's certificate asked
 * to be included. The reply must grant it, for our imprint and nonce,
 * signed by a TSA that chains to tsa_ca (PEM; NULL: the signature alone
 * is checked). *der gets the DER reply (the caller frees). Returns 0, or
 * -1 with why (nothing logged: the caller says "timestamp missing: WHY").
 */
int	 ts_fetch(const char *url, const char *tsa_ca, const void *data,
	    size_t n, unsigned char **der, size_t *len, char *why,
	    size_t whylen);

/* What ts_check() found. */
struct ts_verdict {
	time_t	 when;		/* the TSA's time (genTime) */
	char	 tsa[512];	/* the TSA's subject */
	char	 why[600];	/* why it does not hold, or is not trusted */
};

/*
 * Check the DER reply der (len bytes) against data: granted, a token over
 * data's SHA-256, its signature sound, and with tsa_ca the TSA chaining to
 * it (judged at the token's own time, which the TSA's certificate must
 * cover). Returns 1 when it holds and the TSA is trusted, 2 when it holds
 * but the TSA is not trusted (no tsa_ca, or it does not chain: why), 0
 * when it does not hold (why), -1 after logging.
 */
int	 ts_check(const unsigned char *der, size_t len, const void *data,
	    size_t n, const char *tsa_ca, struct ts_verdict *v);

#endif
