/*
 * digest.h - SHA-256 through OpenSSL's EVP interface, as lower-case hex.
 *
 * fipsev audits cryptography, so its own digests use only an approved
 * algorithm (SHA-256, FIPS 180-4) from the library, never a hand-written one.
 */
#ifndef FIPSEV_DIGEST_H
#define FIPSEV_DIGEST_H

#include <stddef.h>

#define SHA256_HEX_LEN 64

/* A running SHA-256; opaque. */
struct sha256;

/* Start a digest. Returns NULL (after logging) when OpenSSL fails. */
struct sha256	*sha256_new(void);

/* Feed n bytes. Returns 0 or -1. */
int		 sha256_update(struct sha256 *h, const void *p, size_t n);

/* Finish into hex (65 bytes with the NUL) and free h. Returns 0 or -1. */
int		 sha256_final_hex(struct sha256 *h, char hex[SHA256_HEX_LEN + 1]);

/* Free a digest that will not be finished. NULL is allowed. */
void		 sha256_free(struct sha256 *h);

/* One-shot digest of n bytes into hex. Returns 0 or -1. */
int		 sha256_hex(const void *p, size_t n, char hex[SHA256_HEX_LEN + 1]);

#endif
