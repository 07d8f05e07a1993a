/*
 * buf.h - a growable byte buffer with a hard size cap.
 *
 * Every buffer has a maximum size set at init. An append that would pass it
 * fails with -1 and leaves the buffer as it was: nothing is ever truncated
 * silently. The data is always NUL-terminated (the NUL is not counted in
 * len), so text can be used as a C string.
 *
 * Ownership: the buffer owns data; buf_release() frees it.
 */
#ifndef FIPSEV_BUF_H
#define FIPSEV_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char	*data;	/* NULL until the first append */
	size_t	 len;	/* bytes used, excluding the trailing NUL */
	size_t	 cap;	/* bytes allocated */
	size_t	 max;	/* len may never exceed this */
};

/* Prepare an empty buffer that may hold up to max bytes. */
void	 buf_init(struct buf *b, size_t max);

/* Free the contents; the buffer is empty and reusable after. */
void	 buf_release(struct buf *b);

/*
 * buf_release() for a buffer that held a secret: all of its memory is
 * zeroed first, past len too (what a buf_truncate() left behind).
 */
void	 buf_wipe(struct buf *b);

/* Empty the buffer, keeping its memory. */
void	 buf_reset(struct buf *b);

/* Shorten the contents to len bytes (nothing when they are shorter). */
void	 buf_truncate(struct buf *b, size_t len);

/* Append n bytes. Returns 0, or -1 (errno ENOMEM or EFBIG) unchanged. */
int	 buf_append(struct buf *b, const void *p, size_t n);

/* Append a C string. */
int	 buf_puts(struct buf *b, const char *s);

/*
 * Append printf-formatted text, whole or not at all. Returns 0, or -1
 * (errno ENOMEM, EFBIG, or EOVERFLOW for a format that fails) unchanged.
 */
int	 buf_printf(struct buf *b, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/* buf_printf() with a va_list. */
int	 buf_vprintf(struct buf *b, const char *fmt, va_list ap)
	    __attribute__((format(printf, 2, 0)));

/*
 * For text shown, never a name or a key: buf_printf(), but text that
 * would pass the cap is cut to end with marker, which always fits (a
 * message about hostile input is no reason to fail the work). Returns
 * 0 whole, 1 cut, or -1 (errno ENOMEM, EOVERFLOW, or EFBIG when not even
 * the marker fits) unchanged.
 */
int	 buf_printf_cut(struct buf *b, const char *marker, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/* buf_printf_cut() with a va_list. */
int	 buf_vprintf_cut(struct buf *b, const char *marker, const char *fmt,
	    va_list ap) __attribute__((format(printf, 3, 0)));

/* The contents as a C string: "" for an empty buffer, never NULL. */
const char *buf_str(const struct buf *b);

#endif
