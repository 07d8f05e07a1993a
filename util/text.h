/*
 * text.h - small text helpers shared by the parsers and writers.
 */
#ifndef FIPSEV_TEXT_H
#define FIPSEV_TEXT_H

#include <stddef.h>
#include <stdio.h>

struct buf;

/*
 * Append to out the n bytes at p as valid UTF-8: each byte that is not part
 * of a well-formed UTF-8 sequence (RFC 3629: no overlongs, no surrogates,
 * nothing above U+10FFFF), and each NUL, becomes U+FFFD. Returns the number
 * of bytes replaced (0 when the input was already clean), or -1 when out is
 * full.
 */
long	 utf8_sanitize(struct buf *out, const void *p, size_t n);

/*
 * Whether the n bytes at p are all well-formed UTF-8 without NUL: what
 * utf8_sanitize() would copy unchanged.
 */
int	 utf8_valid(const void *p, size_t n);

/*
 * Append the standard base64 (RFC 4648, no line breaks) of n bytes to out.
 * Returns 0 or -1.
 */
int	 base64_encode(struct buf *out, const void *p, size_t n);

/*
 * Append the bytes that the standard base64 text s (n bytes; line breaks
 * allowed) encodes. Returns 0, or -1 when s is not base64 or out is full
 * (errno EFBIG then).
 */
int	 base64_decode(struct buf *out, const char *s, size_t n);

/* The current time in UTC as "YYYY-MM-DDTHH:MM:SSZ" in out (>= 21 bytes). */
int	 utc_now(char *out, size_t size);

/*
 * The one sanitiser of text shown to a person (a terminal, a log line):
 * printable ASCII and well-formed UTF-8 pass; C0 controls, DEL and
 * malformed bytes become \xHH, C1 controls (U+0080-U+009F, CSI among them)
 * and the bidi embeddings, overrides and isolates (U+202A-U+202E,
 * U+2066-U+2069) become <U+XXXX>, so nothing from outside can move the
 * cursor, recolour, or reorder what a reader sees.
 *
 * text_put_clean() writes s to out (NULL as "-"); text_clean() writes it
 * into out (size bytes, cut with a visible "..." if it must be) and
 * returns out.
 */
void	 text_put_clean(FILE *out, const char *s);
const char *text_clean(const char *s, char *out, size_t size);

/*
 * For a page, not a terminal: append s to out with only the invisible
 * characters that reorder or hide text (C1 controls, bidi embeddings,
 * overrides, isolates and marks, line and paragraph separators) made
 * visible as <U+XXXX>, as text_clean() shows them, and the '<' of a
 * literal "<U+" shown as <U+003C> so it cannot pass for one; everything
 * else, line breaks included, is copied. Returns how many were made visible, or -1
 * when out is full.
 */
long	 text_visible(struct buf *out, const char *s);

/* Length of s without trailing white space (spaces, tabs, CR, LF). */
size_t	 rtrim_len(const char *s, size_t n);

#endif
