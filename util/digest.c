/*
 * digest.c - SHA-256 via EVP; see digest.h.
 */
#include <stdlib.h>

#include <openssl/evp.h>

#include "util/digest.h"
#include "util/log.h"
#include "util/banned.h"

struct sha256 {
	EVP_MD_CTX	*ctx;
};

struct sha256 *
sha256_new(void)
{
	struct sha256 *h;

	if ((h = calloc(1, sizeof(*h))) == NULL) {
		log_errno("cannot allocate a digest");
		return NULL;
	}
	if ((h->ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL) != 1) {
		log_err("cannot start a SHA-256 digest (OpenSSL)");
		sha256_free(h);
		return NULL;
	}
	return h;
}

int
sha256_update(struct sha256 *h, const void *p, size_t n)
{
	if (EVP_DigestUpdate(h->ctx, p, n) != 1) {
		log_err("SHA-256 update failed (OpenSSL)");
		return -1;
	}
	return 0;
}

static void
to_hex(const unsigned char *md, unsigned int n, char *hex)
{
	static const char digits[] = "0123456789abcdef";

	for (unsigned int i = 0; i < n; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 0xf];
	}
	hex[2 * n] = '\0';
}

int
sha256_final_hex(struct sha256 *h, char hex[SHA256_HEX_LEN + 1])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	int rc = -1;

	if (EVP_DigestFinal_ex(h->ctx, md, &n) != 1 || n != 32) {
		log_err("SHA-256 final failed (OpenSSL)");
		goto out;
	}
	to_hex(md, n, hex);
	rc = 0;
out:
	sha256_free(h);
	return rc;
}

void
sha256_free(struct sha256 *h)
{
	if (h == NULL)
		return;
	EVP_MD_CTX_free(h->ctx);
	free(h);
}

int
sha256_hex(const void *p, size_t n, char hex[SHA256_HEX_LEN + 1])
{
	struct sha256 *h;

	if ((h = sha256_new()) == NULL)
		return -1;
	if (sha256_update(h, p, n) == -1) {
		sha256_free(h);
		return -1;
	}
	return sha256_final_hex(h, hex);
}
