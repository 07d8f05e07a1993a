/*
 * buf.c - capped growable buffer; see buf.h.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/banned.h"

void
buf_init(struct buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

void
buf_release(struct buf *b)
{
	free(b->data);
	buf_init(b, b->max);
}

void
buf_wipe(struct buf *b)
{
	if (b->data != NULL)
		explicit_bzero(b->data, b->cap);
	buf_release(b);
}

void
buf_reset(struct buf *b)
{
	buf_truncate(b, 0);
}

void
buf_truncate(struct buf *b, size_t len)
{
	if (len >= b->len)
		return;
	b->len = len;
	if (b->data != NULL)
		b->data[len] = '\0';
}

/* Make room for n more bytes plus the NUL, growing geometrically. */
static int
buf_grow(struct buf *b, size_t n)
{
	size_t need, ncap;
	char *p;

	if (n > b->max || b->len > b->max - n) {
		errno = EFBIG;
		return -1;
	}
	need = b->len + n + 1;
	if (need <= b->cap)
		return 0;
	ncap = b->cap < 64 ? 64 : b->cap;
	while (ncap < need)
		ncap = ncap > ((size_t)-1) / 2 ? need : ncap * 2;
	if ((p = realloc(b->data, ncap)) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	b->data = p;
	b->cap = ncap;
	return 0;
}

int
buf_append(struct buf *b, const void *p, size_t n)
{
	if (buf_grow(b, n) == -1)
		return -1;
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int
buf_puts(struct buf *b, const char *s)
{
	return buf_append(b, s, strlen(s));
}

int
buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list again;
	int n;

	/* Measure first, then format into room made for all of it. */
	va_copy(again, ap);
	n = vsnprintf(NULL, 0, fmt, again);
	va_end(again);
	if (n < 0) {
		errno = EOVERFLOW;
		return -1;
	}
	if (buf_grow(b, (size_t)n) == -1)
		return -1;
	if (vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap) != n) {
		b->data[b->len] = '\0';
		errno = EOVERFLOW;
		return -1;
	}
	b->len += (size_t)n;
	return 0;
}

int
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

int
buf_vprintf_cut(struct buf *b, const char *marker, const char *fmt,
    va_list ap)
{
	size_t mlen = strlen(marker), room;
	va_list again;
	int r;

	va_copy(again, ap);
	r = buf_vprintf(b, fmt, again);
	va_end(again);
	if (r == 0)
		return 0;
	if (errno != EFBIG)
		return -1;
	if (b->max - b->len <= mlen) {
		errno = EFBIG;
		return -1;
	}
	/* As much of the text as leaves room for the marker. */
	room = b->max - b->len - mlen;
	if (buf_grow(b, room + mlen) == -1)
		return -1;
	if (vsnprintf(b->data + b->len, room + 1, fmt, ap) < 0) {
		b->data[b->len] = '\0';
		errno = EOVERFLOW;
		return -1;
	}
	b->len += room;
	memcpy(b->data + b->len, marker, mlen + 1);
	b->len += mlen;
	return 1;
}

int
buf_printf_cut(struct buf *b, const char *marker, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = buf_vprintf_cut(b, marker, fmt, ap);
	va_end(ap);
	return rc;
}

const char *
buf_str(const struct buf *b)
{
	return b->data != NULL ? b->data : "";
}
