/*
 * text.c - UTF-8 sanitising, base64 and time formatting; see text.h.
 */
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "util/buf.h"
#include "util/text.h"
#include "util/banned.h"

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

/*
 * The next character of s as it may be shown: itself, or an escape for
 * what could move a terminal's cursor, change its colours or reorder the
 * text around it. Sets *len to the bytes it stands for (>= 1).
 */
static const char *
shown_char(const unsigned char *s, char rep[16], size_t *len)
{
	unsigned cp;
	size_t n = s[0] < 0x80 ? 1 : s[0] >= 0xC2 && s[0] <= 0xDF ? 2 :
	    s[0] >= 0xE0 && s[0] <= 0xEF ? 3 : s[0] >= 0xF0 && s[0] <= 0xF4 ?
	    4 : 0;
	size_t i;

	*len = 1;
	for (i = 1; i < n; i++)
		if ((s[i] & 0xC0) != 0x80)
			n = 0;
	if (n == 0 || !utf8_valid(s, n)) {
		snprintf(rep, 16, "\\x%02x", s[0]);	/* malformed */
		return rep;
	}
	*len = n;
	if (n == 1) {
		/* '\\' too, so "\\x0a" in a name cannot pass for an escape. */
		if (s[0] < 0x20 || s[0] == 0x7f || s[0] == '\\') {
			snprintf(rep, 16, "\\x%02x", s[0]);
			return rep;
		}
		rep[0] = (char)s[0];
		rep[1] = '\0';
		return rep;
	}
	cp = n == 2 ? (s[0] & 0x1Fu) << 6 | (s[1] & 0x3Fu) :
	    n == 3 ? (s[0] & 0x0Fu) << 12 | (s[1] & 0x3Fu) << 6 |
	    (s[2] & 0x3Fu) : (s[0] & 0x07u) << 18 | (s[1] & 0x3Fu) << 12 |
	    (s[2] & 0x3Fu) << 6 | (s[3] & 0x3Fu);
	/* C1 controls (CSI is U+009B); bidi embeddings, overrides, isolates. */
	if ((cp >= 0x80 && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) ||
	    (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E || cp == 0x200F ||
	    cp == 0x061C || cp == 0x2028 || cp == 0x2029) {
		snprintf(rep, 16, "<U+%04X>", cp);
		return rep;
	}
	memcpy(rep, s, n);
	rep[n] = '\0';
	return rep;
}

void
text_put_clean(FILE *out, const char *s)
{
	char rep[16];
	size_t len;

	if (s == NULL) {
		fputs("-", out);
		return;
	}
	while (*s != '\0') {
		fputs(shown_char((const unsigned char *)s, rep, &len), out);
		s += len;
	}
}

long
text_visible(struct buf *out, const char *s)
{
	char rep[16];
	size_t len;
	long shown = 0;

	for (; *s != '\0'; s += len) {
		const char *r = shown_char((const unsigned char *)s, rep, &len);
		int escape = len > 1 && strncmp(r, "<U+", 3) == 0;

		/* The text "<U+202E>" itself must not pass for a shown one. */
		if (strncmp(s, "<U+", 3) == 0) {
			r = "<U+003C>";
			escape = 1;
		}

		if (buf_append(out, escape ? r : s, escape ? strlen(r) :
		    len) == -1)
			return -1;
		shown += escape;
	}
	return shown;
}

const char *
text_clean(const char *s, char *out, size_t size)
{
	char rep[16];
	const char *p;
	size_t len, o = 0, r, total = 0, room;

	if (size == 0)
		return out;
	for (p = s; *p != '\0'; p += len)
		total += strlen(shown_char((const unsigned char *)p, rep,
		    &len));
	/* All of it if it fits; else as much as fits before "...". */
	room = total + 1 <= size ? size - 1 : size >= 4 ? size - 4 : 0;
	for (p = s; *p != '\0'; p += len) {
		r = strlen(shown_char((const unsigned char *)p, rep, &len));
		if (o + r > room)
			break;
		memcpy(out + o, rep, r);
		o += r;
	}
	if (total + 1 > size && size >= 4) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
	return out;
}
