/*
 * text.c - UTF-8 sanitising, base64 and time formatting; see text.h.
 */
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "buf.h"
#include "text.h"
#include "banned.h"

/*
 * Length of the well-formed UTF-8 sequence at s (at most n bytes), or 0 if
 * the bytes there are not one. Follows RFC 3629's table of valid ranges.
 */
static size_t
utf8_seq_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t len;
	unsigned char lo = 0x80, hi = 0xbf;

	if (c >= 0x01 && c <= 0x7f)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		if (c == 0xe0)
			lo = 0xa0;		/* no overlongs */
		else if (c == 0xed)
			hi = 0x9f;		/* no surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		if (c == 0xf0)
			lo = 0x90;		/* no overlongs */
		else if (c == 0xf4)
			hi = 0x8f;		/* nothing past U+10FFFF */
	} else
		return 0;
	if (n < len)
		return 0;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

int
utf8_valid(const void *p, size_t n)
{
	const unsigned char *s = p;
	size_t i = 0, len;

	while (i < n) {
		if ((len = utf8_seq_len(s + i, n - i)) == 0)
			return 0;
		i += len;
	}
	return 1;
}

long
utf8_sanitize(struct buf *out, const void *p, size_t n)
{
	static const char replacement[] = "\xef\xbf\xbd";	/* U+FFFD */
	const unsigned char *s = p;
	long replaced = 0;
	size_t i = 0, run = 0, len;

	/* Copy clean runs in one append; replace each bad byte alone. */
	while (i < n) {
		if ((len = utf8_seq_len(s + i, n - i)) > 0) {
			i += len;
			continue;
		}
		if (buf_append(out, s + run, i - run) == -1 ||
		    buf_append(out, replacement, 3) == -1)
			return -1;
		replaced++;
		run = ++i;
	}
	if (buf_append(out, s + run, i - run) == -1)
		return -1;
	return replaced;
}

int
base64_encode(struct buf *out, const void *p, size_t n)
{
	const unsigned char *s = p;
	unsigned char enc[4 * 768 / 3 + 1];

	/* EVP_EncodeBlock takes an int length: feed it bounded chunks. */
	while (n > 0) {
		size_t chunk = n > 768 ? 768 : n;
		int m = EVP_EncodeBlock(enc, s, (int)chunk);

		if (m < 0 || buf_append(out, enc, (size_t)m) == -1)
			return -1;
		s += chunk;
		n -= chunk;
	}
	return 0;
}

int
base64_decode(struct buf *out, const char *s, size_t n)
{
	EVP_ENCODE_CTX *ctx = EVP_ENCODE_CTX_new();
	unsigned char dec[1024];	/* 1024 chars + 3 carried -> <= 770 */
	int m, rc = -1;

	if (ctx == NULL)
		return -1;
	EVP_DecodeInit(ctx);
	while (n > 0) {
		size_t chunk = n > 1024 ? 1024 : n;

		if (EVP_DecodeUpdate(ctx, dec, &m, (const unsigned char *)s,
		    (int)chunk) < 0 || buf_append(out, dec, (size_t)m) == -1)
			goto out;
		s += chunk;
		n -= chunk;
	}
	if (EVP_DecodeFinal(ctx, dec, &m) != 1 ||
	    buf_append(out, dec, (size_t)m) == -1)
		goto out;
	rc = 0;
out:
	EVP_ENCODE_CTX_free(ctx);
	return rc;
}

int
utc_now(char *out, size_t size)
{
	struct tm tm;
	time_t now = time(NULL);

	if (gmtime_r(&now, &tm) == NULL ||
	    strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		return -1;
	return 0;
}

size_t
rtrim_len(const char *s, size_t n)
{
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
	    s[n - 1] == '\r' || s[n - 1] == '\n'))
		n--;
	return n;
}
