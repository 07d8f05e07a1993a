/*
 * tls_wire.c - see tls_wire.h. Wire formats: RFC 5246 (TLS 1.2) §7.4,
 * RFC 8446 (TLS 1.3) §4, RFC 6101 (SSL 3.0).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/rand.h>

#include "collector/tls/tls_wire.h"
#include "util/banned.h"

/* Handshake message types. */
#define HS_SERVER_HELLO		2
#define HS_CERTIFICATE		11
#define HS_SERVER_KEY_EXCHANGE	12
#define HS_SERVER_HELLO_DONE	14

/* Record content types. */
#define REC_CCS		20
#define REC_ALERT	21
#define REC_HANDSHAKE	22
#define REC_APPDATA	23

/* Extensions. */
#define EXT_SERVER_NAME		0
#define EXT_SUPPORTED_GROUPS	10
#define EXT_EC_POINT_FORMATS	11
#define EXT_SIGNATURE_ALGS	13
#define EXT_PADDING		21
#define EXT_ENCRYPT_THEN_MAC	22
#define EXT_EXTENDED_MS		23
#define EXT_SUPPORTED_VERSIONS	43
#define EXT_KEY_SHARE		51
#define EXT_RENEGOTIATION_INFO	0xff01

#define SCSV_RENEGOTIATION	0x00ff

/* The ServerHello.random of a HelloRetryRequest: SHA-256("HelloRetryRequest"). */
static const uint8_t hrr_random[32] = {
	0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11,
	0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
	0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e,
	0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
};

/* --- writing ---------------------------------------------------------- */

static int
put8(struct buf *b, unsigned v)
{
	uint8_t c = (uint8_t)v;

	return buf_append(b, &c, 1);
}

static int
put16(struct buf *b, unsigned v)
{
	uint8_t c[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	return buf_append(b, c, 2);
}

/* Fill a length of width bytes at off with what follows it. */
static void
patch_len(struct buf *b, size_t off, int width)
{
	size_t n = b->len - off - (size_t)width;
	int i;

	for (i = width - 1; i >= 0; i--) {
		b->data[off + (size_t)i] = (char)(n & 0xff);
		n >>= 8;
	}
}

static int
put_u16_list(struct buf *b, const uint16_t *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (put16(b, v[i]) == -1)
			return -1;
	return 0;
}

/* An extension of type whose body is a 2-byte-length list of uint16. */
static int
ext_u16_list(struct buf *b, unsigned type, const uint16_t *v, size_t n)
{
	return put16(b, type) == -1 || put16(b, (unsigned)(2 * n + 2)) == -1 ||
	    put16(b, (unsigned)(2 * n)) == -1 ||
	    put_u16_list(b, v, n) == -1 ? -1 : 0;
}

static int
ext_bytes(struct buf *b, unsigned type, const void *body, size_t n)
{
	return put16(b, type) == -1 || put16(b, (unsigned)n) == -1 ||
	    buf_append(b, body, n) == -1 ? -1 : 0;
}

static int
ext_sni(struct buf *b, const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > 255)
		return 0;	/* not a host name anyone serves */
	return put16(b, EXT_SERVER_NAME) == -1 ||
	    put16(b, (unsigned)(n + 5)) == -1 ||
	    put16(b, (unsigned)(n + 3)) == -1 || put8(b, 0) == -1 ||
	    put16(b, (unsigned)n) == -1 || buf_append(b, name, n) == -1 ?
	    -1 : 0;
}

static int
extensions(const struct tls_hello_spec *s, struct buf *b)
{
	static const uint8_t point_formats[] = { 3, 0, 1, 2 };
	static const uint8_t empty_reneg[] = { 0 };
	static const uint8_t tls13_only[] = { 2, 0x03, 0x04 };
	static const uint8_t no_shares[] = { 0, 0 };
	int tls13 = s->version == TLS_V13;

	if (s->sni != NULL && ext_sni(b, s->sni) == -1)
		return -1;
	if (s->ngroups > 0 && ext_u16_list(b, EXT_SUPPORTED_GROUPS,
	    s->groups, s->ngroups) == -1)
		return -1;
	if (s->version >= TLS_V12 && s->nsigalgs > 0 &&
	    ext_u16_list(b, EXT_SIGNATURE_ALGS, s->sigalgs, s->nsigalgs) == -1)
		return -1;
	if (tls13)
		return ext_bytes(b, EXT_SUPPORTED_VERSIONS, tls13_only,
		    sizeof(tls13_only)) == -1 ||
		    ext_bytes(b, EXT_KEY_SHARE, no_shares,
		    sizeof(no_shares)) == -1 ? -1 : 0;
	return ext_bytes(b, EXT_EC_POINT_FORMATS, point_formats,
	    sizeof(point_formats)) == -1 ||
	    ext_bytes(b, EXT_ENCRYPT_THEN_MAC, NULL, 0) == -1 ||
	    ext_bytes(b, EXT_EXTENDED_MS, NULL, 0) == -1 ||
	    ext_bytes(b, EXT_RENEGOTIATION_INFO, empty_reneg,
	    sizeof(empty_reneg)) == -1 ? -1 : 0;
}

int
tls_hello_build(const struct tls_hello_spec *s, struct buf *b)
{
	/* Deflate, then null: a server that picks deflate compresses. */
	static const uint8_t compress_any[] = { 2, 1, 0 };
	static const uint8_t compress_none[] = { 1, 0 };
	static const uint8_t zeros[512];
	uint8_t random[32], sid[32];
	size_t rec, hs, ext, hslen;
	int ssl3 = s->version == TLS_SSL3, tls13 = s->version == TLS_V13;

	if (RAND_bytes(random, sizeof(random)) != 1 ||
	    RAND_bytes(sid, sizeof(sid)) != 1)
		return -1;
	rec = b->len;
	if (put8(b, REC_HANDSHAKE) == -1 ||
	    put16(b, ssl3 ? TLS_SSL3 : TLS_V10) == -1 || put16(b, 0) == -1)
		return -1;
	hs = b->len;
	if (put8(b, 1) == -1 || put8(b, 0) == -1 || put16(b, 0) == -1 ||
	    put16(b, tls13 ? TLS_V12 : s->version) == -1 ||
	    buf_append(b, random, sizeof(random)) == -1)
		return -1;
	/* A TLS 1.3 hello carries a session id for middlebox compatibility. */
	if (tls13 ? put8(b, sizeof(sid)) == -1 ||
	    buf_append(b, sid, sizeof(sid)) == -1 : put8(b, 0) == -1)
		return -1;
	if (put16(b, (unsigned)(2 * (s->nsuites + ssl3))) == -1 ||
	    put_u16_list(b, s->suites, s->nsuites) == -1 ||
	    (ssl3 && put16(b, SCSV_RENEGOTIATION) == -1))
		return -1;
	if (tls13 ? buf_append(b, compress_none, sizeof(compress_none)) :
	    buf_append(b, compress_any, sizeof(compress_any)))
		return -1;
	if (!ssl3) {
		ext = b->len;
		if (put16(b, 0) == -1 || extensions(s, b) == -1)
			return -1;
		/*
		 * Some servers hang on hellos of 256-511 bytes; pad them
		 * past 511 (RFC 7685 §4).
		 */
		hslen = b->len - hs - 4;
		if (hslen >= 256 && hslen < 512) {
			size_t pad = 512 - hslen;

			pad = pad >= 4 ? pad - 4 : 0;
			if (ext_bytes(b, EXT_PADDING, zeros, pad) == -1)
				return -1;
		}
		patch_len(b, ext, 2);
	}
	/* The handshake length is 24 bits: patch 3 bytes after the type. */
	patch_len(b, hs + 1, 3);
	patch_len(b, rec + 3, 2);
	return 0;
}

/* --- reading ---------------------------------------------------------- */

struct cur {
	const uint8_t	*p;
	size_t		 n;
	int		 bad;
};

static unsigned
get8(struct cur *c)
{
	if (c->n < 1) {
		c->bad = 1;
		return 0;
	}
	c->n--;
	return *c->p++;
}

static unsigned
get16(struct cur *c)
{
	unsigned hi = get8(c);

	return hi << 8 | get8(c);
}

static size_t
get24(struct cur *c)
{
	size_t hi = get8(c);

	return hi << 16 | (size_t)get16(c);
}

/* Take n bytes: returns a pointer to them, or NULL (and bad) if short. */
static const uint8_t *
take(struct cur *c, size_t n)
{
	const uint8_t *p = c->p;

	if (c->n < n) {
		c->bad = 1;
		c->n = 0;
		return NULL;
	}
	c->p += n;
	c->n -= n;
	return p;
}

void
tls_reader_init(struct tls_reader *r, int want_ske)
{
	memset(r, 0, sizeof(*r));
	r->want_ske = want_ske;
	buf_init(&r->rec, 5 + TLS_RECORD_MAX);
	buf_init(&r->hs, TLS_FLIGHT_MAX);
}

void
tls_reader_release(struct tls_reader *r)
{
	buf_release(&r->rec);
	buf_release(&r->hs);
}

static enum tls_reply_kind
bad(struct tls_reader *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static enum tls_reply_kind
bad(struct tls_reader *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->reply.error, sizeof(r->reply.error), fmt, ap);
	va_end(ap);
	return r->reply.kind = TLS_REPLY_BAD;
}

static enum tls_reply_kind
server_hello(struct tls_reader *r, const uint8_t *p, size_t n)
{
	struct cur c = { p, n, 0 }, e;
	struct tls_reply *rep = &r->reply;
	const uint8_t *random;
	unsigned sidlen, extlen;
	int hrr;

	rep->version = (uint16_t)get16(&c);
	random = take(&c, 32);
	sidlen = get8(&c);
	take(&c, sidlen);
	rep->suite = (uint16_t)get16(&c);
	rep->compression = (uint8_t)get8(&c);
	if (c.bad)
		return bad(r, "malformed ServerHello");
	hrr = memcmp(random, hrr_random, sizeof(hrr_random)) == 0;
	/* Extensions are optional before TLS 1.3. */
	extlen = c.n > 0 ? get16(&c) : 0;
	e.p = take(&c, extlen);
	e.n = extlen;
	e.bad = c.bad;
	while (!e.bad && e.n > 0) {
		unsigned type = get16(&e), len = get16(&e);
		struct cur x = { take(&e, len), len, 0 };

		if (e.bad)
			break;
		switch (type) {
		case EXT_SUPPORTED_VERSIONS:
			rep->version = (uint16_t)get16(&x);
			break;
		case EXT_KEY_SHARE:
			/* HRR: the group alone; else group and share. */
			rep->group = (uint16_t)get16(&x);
			break;
		case EXT_RENEGOTIATION_INFO:
			rep->renegotiation_info = 1;
			break;
		case EXT_EXTENDED_MS:
			rep->extended_master_secret = 1;
			break;
		case EXT_ENCRYPT_THEN_MAC:
			rep->encrypt_then_mac = 1;
			break;
		default:
			break;
		}
		e.bad |= x.bad;
	}
	if (e.bad || c.bad)
		return bad(r, "malformed ServerHello extensions");
	if (hrr)
		return rep->kind = TLS_REPLY_HRR;
	r->seen_hello = 1;
	if (!r->want_ske || rep->version >= TLS_V13)
		return rep->kind = TLS_REPLY_HELLO;
	return TLS_REPLY_MORE;
}

/*
 * Note where the first certificate of a Certificate message body (RFC 5246
 * §7.4.2: a 24-bit list length, then 24-bit length and DER per entry) is
 * in r->hs. Only offsets are kept: r->hs may move as more records arrive.
 */
static void
leaf_certificate(struct tls_reader *r, const uint8_t *p, size_t n)
{
	struct cur c = { p, n, 0 };
	size_t list, len;

	list = get24(&c);
	len = get24(&c);
	if (c.bad || list < 3 || list > n - 3 || len == 0 || len > list - 3)
		return;
	r->cert_off = (size_t)(p + 6 - (const uint8_t *)r->hs.data);
	r->cert_len = len;
}

/* The flight is read: point the reply at what it keeps of r->hs. */
static enum tls_reply_kind
flight_done(struct tls_reader *r)
{
	if (r->cert_len > 0) {
		r->reply.cert = (const uint8_t *)r->hs.data + r->cert_off;
		r->reply.cert_len = r->cert_len;
	}
	return r->reply.kind = TLS_REPLY_HELLO;
}

/* Read the complete handshake messages buffered so far. */
static enum tls_reply_kind
handshake(struct tls_reader *r)
{
	for (;;) {
		const uint8_t *m = (const uint8_t *)r->hs.data + r->hs_off;
		size_t avail = r->hs.len - r->hs_off, len;
		unsigned type;

		if (avail < 4)
			return TLS_REPLY_MORE;
		type = m[0];
		len = (size_t)m[1] << 16 | (size_t)m[2] << 8 | m[3];
		if (len > TLS_FLIGHT_MAX - 4)
			return bad(r, "handshake message of %zu bytes is over "
			    "the %d-byte limit", len, TLS_FLIGHT_MAX);
		if (avail < 4 + len)
			return TLS_REPLY_MORE;
		r->hs_off += 4 + len;
		if (!r->seen_hello) {
			enum tls_reply_kind k;

			if (type != HS_SERVER_HELLO)
				return bad(r, "expected a ServerHello, got "
				    "handshake message type %u", type);
			if ((k = server_hello(r, m + 4, len)) != TLS_REPLY_MORE)
				return k;
			continue;
		}
		if (type == HS_CERTIFICATE && r->cert_len == 0)
			leaf_certificate(r, m + 4, len);
		if (type == HS_SERVER_KEY_EXCHANGE) {
			r->reply.have_ske = 1;
			r->reply.ske = m + 4;
			r->reply.ske_len = len;
			return flight_done(r);
		}
		if (type == HS_SERVER_HELLO_DONE)
			return flight_done(r);
		/* CertificateStatus, CertificateRequest: skip. */
	}
}

static enum tls_reply_kind
record(struct tls_reader *r, unsigned type, const uint8_t *body, size_t n)
{
	switch (type) {
	case REC_ALERT:
		if (n < 2)
			return bad(r, "truncated alert");
		r->reply.alert_level = body[0];
		r->reply.alert = body[1];
		/* An alert after the ServerHello ends the flight early. */
		if (r->seen_hello)
			return flight_done(r);
		return r->reply.kind = TLS_REPLY_ALERT;
	case REC_HANDSHAKE:
		if (buf_append(&r->hs, body, n) == -1)
			return bad(r, "server's first flight is over the "
			    "%d-byte limit", TLS_FLIGHT_MAX);
		return handshake(r);
	case REC_CCS:
		return TLS_REPLY_MORE;	/* TLS 1.3 compatibility mode */
	default:
		return bad(r, "application data before the handshake");
	}
}

enum tls_reply_kind
tls_reader_feed(struct tls_reader *r, const uint8_t *p, size_t n)
{
	if (r->reply.kind != TLS_REPLY_MORE)
		return r->reply.kind;
	r->total += n;
	while (n > 0) {
		const uint8_t *h;
		size_t need, take_n, len;

		/* Collect the 5-byte header, then the body it announces. */
		if (r->rec.len < 5)
			need = 5 - r->rec.len;
		else {
			h = (const uint8_t *)r->rec.data;
			len = (size_t)h[3] << 8 | h[4];
			need = 5 + len - r->rec.len;
		}
		take_n = n < need ? n : need;
		if (buf_append(&r->rec, p, take_n) == -1)
			return bad(r, "out of memory");
		p += take_n;
		n -= take_n;
		h = (const uint8_t *)r->rec.data;
		if (r->rec.len == 5) {
			len = (size_t)h[3] << 8 | h[4];
			if (h[0] < REC_CCS || h[0] > REC_APPDATA || h[1] != 3) {
				char text[6];
				int i;

				/* Show the bytes as text too: "HTTP/"... */
				for (i = 0; i < 5; i++)
					text[i] = h[i] >= 0x20 && h[i] < 0x7f ?
					    (char)h[i] : '.';
				text[5] = '\0';
				return bad(r, "not TLS: the server sent "
				    "%02x %02x %02x %02x %02x (\"%s\")", h[0],
				    h[1], h[2], h[3], h[4], text);
			}
			if (len > TLS_RECORD_MAX)
				return bad(r, "record of %zu bytes is over the "
				    "%d-byte limit", len, TLS_RECORD_MAX);
			if (len == 0)
				return bad(r, "empty TLS record");
		}
		if (r->rec.len < 5)
			continue;
		len = (size_t)h[3] << 8 | h[4];
		if (r->rec.len == 5 + len) {
			enum tls_reply_kind k = record(r, h[0], h + 5, len);

			buf_reset(&r->rec);
			if (k != TLS_REPLY_MORE)
				return k;
		}
	}
	return TLS_REPLY_MORE;
}

int
tls_ske_parse(const uint8_t *p, size_t n, int ecdhe, uint16_t version,
    struct tls_ske *out)
{
	struct cur c = { p, n, 0 };

	memset(out, 0, sizeof(*out));
	if (ecdhe) {
		if (get8(&c) != 3)	/* named_curve */
			return -1;
		out->group = (uint16_t)get16(&c);
		take(&c, get8(&c));
	} else {
		size_t plen = get16(&c), i;
		const uint8_t *prime = take(&c, plen);

		take(&c, get16(&c));	/* g */
		take(&c, get16(&c));	/* Ys */
		if (c.bad)
			return -1;
		for (i = 0; i < plen && prime[i] == 0; i++)
			;
		out->dh_p = prime + i;
		out->dh_plen = plen - i;
		if (i < plen) {
			unsigned top = prime[i];
			int bits = 0;

			while (top) {
				bits++;
				top >>= 1;
			}
			out->dh_bits = (int)(plen - i - 1) * 8 + bits;
		}
	}
	if (version >= TLS_V12 && !c.bad && c.n >= 2)
		out->sigalg = (uint16_t)get16(&c);
	return c.bad ? -1 : 0;
}

/* --- SSL 2.0 ---------------------------------------------------------- */

/* The SSL 2.0 cipher kinds (draft-hickman-netscape-ssl-00). */
static const struct {
	uint32_t	 kind;
	const char	*name;
} sslv2_kinds[] = {
	{ 0x010080, "SSL_CK_RC4_128_WITH_MD5" },
	{ 0x020080, "SSL_CK_RC4_128_EXPORT40_WITH_MD5" },
	{ 0x030080, "SSL_CK_RC2_128_CBC_WITH_MD5" },
	{ 0x040080, "SSL_CK_RC2_128_CBC_EXPORT40_WITH_MD5" },
	{ 0x050080, "SSL_CK_IDEA_128_CBC_WITH_MD5" },
	{ 0x060040, "SSL_CK_DES_64_CBC_WITH_MD5" },
	{ 0x0700c0, "SSL_CK_DES_192_EDE3_CBC_WITH_MD5" },
};
#define NSSLV2_KINDS	(sizeof(sslv2_kinds) / sizeof(sslv2_kinds[0]))

int
tls_sslv2_hello_build(struct buf *b)
{
	uint8_t challenge[16];
	size_t start, i;

	if (RAND_bytes(challenge, sizeof(challenge)) != 1)
		return -1;
	start = b->len;
	/* Two-byte header (high bit set), then CLIENT-HELLO. */
	if (put16(b, 0x8000) == -1 || put8(b, 1) == -1 ||
	    put16(b, 0x0002) == -1 || put16(b, 3 * NSSLV2_KINDS) == -1 ||
	    put16(b, 0) == -1 || put16(b, sizeof(challenge)) == -1)
		return -1;
	for (i = 0; i < NSSLV2_KINDS; i++)
		if (put8(b, sslv2_kinds[i].kind >> 16) == -1 ||
		    put16(b, sslv2_kinds[i].kind & 0xffff) == -1)
			return -1;
	if (buf_append(b, challenge, sizeof(challenge)) == -1)
		return -1;
	b->data[start] = (char)(0x80 | (b->len - start - 2) >> 8);
	b->data[start + 1] = (char)((b->len - start - 2) & 0xff);
	return 0;
}

enum tls_reply_kind
tls_sslv2_read(const uint8_t *p, size_t n, struct sslv2_reply *out,
    char *err, size_t errlen)
{
	size_t len, certlen, specslen, i;

	memset(out, 0, sizeof(*out));
	if (n >= 1 && (p[0] == REC_ALERT || p[0] == REC_HANDSHAKE)) {
		/* A TLS server said no, once its whole record is here. */
		if (n < 5 || n < 5 + ((size_t)p[3] << 8 | p[4]))
			return TLS_REPLY_MORE;
		return TLS_REPLY_ALERT;
	}
	if (n < 3)
		return TLS_REPLY_MORE;
	if (!(p[0] & 0x80)) {
		snprintf(err, errlen, "not SSL 2.0: the server sent %02x %02x "
		    "%02x", p[0], p[1], p[2]);
		return TLS_REPLY_BAD;
	}
	len = (size_t)(p[0] & 0x7f) << 8 | p[1];
	if (p[2] != 4)			/* not SERVER-HELLO: an error */
		return TLS_REPLY_ALERT;
	if (n < 2 + len)
		return TLS_REPLY_MORE;
	if (len < 11) {
		snprintf(err, errlen, "malformed SSL 2.0 SERVER-HELLO");
		return TLS_REPLY_BAD;
	}
	certlen = (size_t)p[7] << 8 | p[8];
	specslen = (size_t)p[9] << 8 | p[10];
	if (13 + certlen + specslen > 2 + len || specslen % 3 != 0) {
		snprintf(err, errlen, "malformed SSL 2.0 SERVER-HELLO");
		return TLS_REPLY_BAD;
	}
	for (i = 0; i < specslen / 3 && out->nkinds < SSLV2_MAX_KINDS; i++) {
		const uint8_t *k = p + 13 + certlen + 3 * i;

		out->kinds[out->nkinds++] = (uint32_t)k[0] << 16 |
		    (uint32_t)k[1] << 8 | k[2];
	}
	return TLS_REPLY_HELLO;
}

const char *
tls_sslv2_kind_name(uint32_t kind)
{
	size_t i;

	for (i = 0; i < NSSLV2_KINDS; i++)
		if (sslv2_kinds[i].kind == kind)
			return sslv2_kinds[i].name;
	return NULL;
}

const char *
tls_version_name(uint16_t v)
{
	switch (v) {
	case TLS_SSL3:
		return "SSLv3";
	case TLS_V10:
		return "TLSv1.0";
	case TLS_V11:
		return "TLSv1.1";
	case TLS_V12:
		return "TLSv1.2";
	case TLS_V13:
		return "TLSv1.3";
	default:
		return NULL;
	}
}

const char *
tls_alert_name(uint8_t desc)
{
	static const struct {
		uint8_t		 code;
		const char	*name;
	} alerts[] = {
		{ 0, "close_notify" }, { 10, "unexpected_message" },
		{ 20, "bad_record_mac" }, { 22, "record_overflow" },
		{ 30, "decompression_failure" }, { 40, "handshake_failure" },
		{ 41, "no_certificate" }, { 42, "bad_certificate" },
		{ 47, "illegal_parameter" }, { 50, "decode_error" },
		{ 51, "decrypt_error" }, { 70, "protocol_version" },
		{ 71, "insufficient_security" }, { 80, "internal_error" },
		{ 86, "inappropriate_fallback" }, { 90, "user_canceled" },
		{ 109, "missing_extension" }, { 110, "unsupported_extension" },
		{ 112, "unrecognized_name" }, { 120, "no_application_protocol" },
	};
	size_t i;

	for (i = 0; i < sizeof(alerts) / sizeof(alerts[0]); i++)
		if (alerts[i].code == desc)
			return alerts[i].name;
	return NULL;
}
