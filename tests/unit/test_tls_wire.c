/*
 * test_tls_wire.c - the ClientHellos fipsev builds, and how it reads what
 * servers send back, byte by byte and when it is hostile.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "collector/tls/tls_wire.h"

static unsigned
u16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

/* The parts of a built hello, found by walking it as a server would. */
struct parsed {
	unsigned	 rec_version, client_version;
	size_t		 rec_len, hs_len, sid_len, nsuites;
	const uint8_t	*suites, *comp, *ext;
	size_t		 comp_len, ext_len;	/* ext NULL: no extensions */
};

static void
parse_hello(const struct buf *b, struct parsed *h)
{
	const uint8_t *p = (const uint8_t *)b->data, *q;
	size_t n;

	memset(h, 0, sizeof(*h));
	assert_true(b->len > 9);
	assert_int_equal(p[0], 22);
	h->rec_version = u16(p + 1);
	h->rec_len = u16(p + 3);
	assert_int_equal(h->rec_len + 5, b->len);
	assert_int_equal(p[5], 1);
	h->hs_len = (size_t)p[6] << 16 | (size_t)p[7] << 8 | p[8];
	assert_int_equal(h->hs_len + 4, h->rec_len);
	q = p + 9;
	h->client_version = u16(q);
	q += 2 + 32;
	h->sid_len = *q++;
	q += h->sid_len;
	n = u16(q);
	h->nsuites = n / 2;
	h->suites = q + 2;
	q += 2 + n;
	h->comp_len = *q;
	h->comp = q + 1;
	q += 1 + h->comp_len;
	if (q == p + b->len)
		return;
	h->ext_len = u16(q);
	h->ext = q + 2;
	assert_ptr_equal(h->ext + h->ext_len, p + b->len);
}

/* The body of extension type in h, or NULL; its length in *len. */
static const uint8_t *
find_ext(const struct parsed *h, unsigned type, size_t *len)
{
	const uint8_t *e = h->ext;

	while (e != NULL && e < h->ext + h->ext_len) {
		unsigned t = u16(e);
		size_t l = u16(e + 2);

		if (t == type) {
			*len = l;
			return e + 4;
		}
		e += 4 + l;
	}
	return NULL;
}

static const uint16_t suites[] = { 0xC02F, 0x0001 };
static const uint16_t groups[] = { 23, 29 };
static const uint16_t sigalgs[] = { 0x0401, 0x0804 };

static void
test_hello_tls12(void **state)
{
	struct tls_hello_spec s = {
		.version = TLS_V12, .suites = suites, .nsuites = 2,
		.groups = groups, .ngroups = 2, .sigalgs = sigalgs,
		.nsigalgs = 2, .sni = "example.test",
	};
	struct parsed h;
	struct buf b;
	const uint8_t *e;
	size_t len;

	(void)state;
	buf_init(&b, 65536);
	assert_int_equal(tls_hello_build(&s, &b), 0);
	parse_hello(&b, &h);
	assert_int_equal(h.rec_version, TLS_V10);
	assert_int_equal(h.client_version, TLS_V12);
	assert_int_equal(h.sid_len, 0);
	assert_int_equal(h.nsuites, 2);
	assert_int_equal(u16(h.suites), 0xC02F);
	assert_int_equal(u16(h.suites + 2), 0x0001);
	/* Deflate is offered, so a server that compresses shows it. */
	assert_int_equal(h.comp_len, 2);
	assert_int_equal(h.comp[0], 1);
	assert_non_null(e = find_ext(&h, 0, &len));
	assert_int_equal(len, 5 + strlen("example.test"));
	assert_memory_equal(e + 5, "example.test", strlen("example.test"));
	assert_non_null(e = find_ext(&h, 10, &len));
	assert_int_equal(len, 6);
	assert_int_equal(u16(e + 2), 23);
	assert_non_null(e = find_ext(&h, 13, &len));
	assert_int_equal(u16(e + 4), 0x0804);
	assert_non_null(find_ext(&h, 0xff01, &len));
	assert_non_null(find_ext(&h, 23, &len));
	assert_null(find_ext(&h, 43, &len));
	/* Never a length some servers choke on. */
	assert_false(h.hs_len >= 256 && h.hs_len < 512);
	buf_release(&b);
}

static void
test_hello_tls13(void **state)
{
	struct tls_hello_spec s = {
		.version = TLS_V13, .suites = suites, .nsuites = 1,
		.groups = groups, .ngroups = 2, .sigalgs = sigalgs,
		.nsigalgs = 2,
	};
	struct parsed h;
	struct buf b;
	const uint8_t *e;
	size_t len;

	(void)state;
	buf_init(&b, 65536);
	assert_int_equal(tls_hello_build(&s, &b), 0);
	parse_hello(&b, &h);
	assert_int_equal(h.client_version, TLS_V12);
	assert_int_equal(h.sid_len, 32);
	assert_int_equal(h.comp_len, 1);
	assert_int_equal(h.comp[0], 0);
	assert_non_null(e = find_ext(&h, 43, &len));
	assert_int_equal(len, 3);
	assert_int_equal(u16(e + 1), TLS_V13);
	/* An empty key_share: the server names its group in an HRR. */
	assert_non_null(e = find_ext(&h, 51, &len));
	assert_int_equal(len, 2);
	assert_int_equal(u16(e), 0);
	assert_null(find_ext(&h, 0, &len));	/* no SNI asked for */
	assert_null(find_ext(&h, 0xff01, &len));
	buf_release(&b);
}

static void
test_hello_ssl3(void **state)
{
	struct tls_hello_spec s = {
		.version = TLS_SSL3, .suites = suites, .nsuites = 2,
		.groups = groups, .ngroups = 2, .sni = "example.test",
	};
	struct parsed h;
	struct buf b;

	(void)state;
	buf_init(&b, 65536);
	assert_int_equal(tls_hello_build(&s, &b), 0);
	parse_hello(&b, &h);
	assert_int_equal(h.rec_version, TLS_SSL3);
	assert_int_equal(h.client_version, TLS_SSL3);
	/* The renegotiation SCSV stands in for the extension. */
	assert_int_equal(h.nsuites, 3);
	assert_int_equal(u16(h.suites + 4), 0x00ff);
	assert_null(h.ext);
	buf_release(&b);
}

static void
test_hello_padding(void **state)
{
	uint16_t many[120];
	struct tls_hello_spec s = { .version = TLS_V12, .suites = many };
	struct parsed h;
	struct buf b;
	size_t n;

	(void)state;
	for (n = 0; n < 120; n++)
		many[n] = (uint16_t)(0xC000 + n);
	/* Walk the sizes through the 256-511 range: never left there. */
	for (n = 60; n < 120; n++) {
		s.nsuites = n;
		buf_init(&b, 65536);
		assert_int_equal(tls_hello_build(&s, &b), 0);
		parse_hello(&b, &h);
		assert_false(h.hs_len >= 256 && h.hs_len < 512);
		buf_release(&b);
	}
}

/* A record of type around body. */
static size_t
record(uint8_t *out, uint8_t type, const uint8_t *body, size_t n)
{
	out[0] = type;
	out[1] = 3;
	out[2] = 3;
	out[3] = (uint8_t)(n >> 8);
	out[4] = (uint8_t)n;
	memcpy(out + 5, body, n);
	return n + 5;
}

/* A ServerHello handshake message into out; returns its length. */
static size_t
server_hello(uint8_t *out, uint16_t version, const uint8_t *random,
    uint16_t suite, const uint8_t *ext, size_t ext_len)
{
	size_t n = 0, body;

	out[n++] = 2;
	n += 3;
	out[n++] = (uint8_t)(version >> 8);
	out[n++] = (uint8_t)version;
	if (random != NULL)
		memcpy(out + n, random, 32);
	else
		memset(out + n, 0x11, 32);
	n += 32;
	out[n++] = 0;			/* session id */
	out[n++] = (uint8_t)(suite >> 8);
	out[n++] = (uint8_t)suite;
	out[n++] = 0;			/* compression */
	if (ext != NULL) {
		out[n++] = (uint8_t)(ext_len >> 8);
		out[n++] = (uint8_t)ext_len;
		memcpy(out + n, ext, ext_len);
		n += ext_len;
	}
	body = n - 4;
	out[1] = (uint8_t)(body >> 16);
	out[2] = (uint8_t)(body >> 8);
	out[3] = (uint8_t)body;
	return n;
}

static void
test_read_hello_bytewise(void **state)
{
	static const uint8_t ext[] = {
		0xff, 0x01, 0x00, 0x01, 0x00,	/* renegotiation_info */
		0x00, 0x17, 0x00, 0x00,		/* extended_master_secret */
	};
	uint8_t hs[256], wire[300];
	struct tls_reader r;
	size_t n, i;

	(void)state;
	n = record(wire, 22, hs, server_hello(hs, TLS_V12, NULL, 0xC02F, ext,
	    sizeof(ext)));
	tls_reader_init(&r, 0);
	for (i = 0; i + 1 < n; i++)
		assert_int_equal(tls_reader_feed(&r, wire + i, 1),
		    TLS_REPLY_MORE);
	assert_int_equal(tls_reader_feed(&r, wire + i, 1), TLS_REPLY_HELLO);
	assert_int_equal(r.reply.version, TLS_V12);
	assert_int_equal(r.reply.suite, 0xC02F);
	assert_int_equal(r.reply.renegotiation_info, 1);
	assert_int_equal(r.reply.extended_master_secret, 1);
	assert_int_equal(r.reply.encrypt_then_mac, 0);
	tls_reader_release(&r);
}

static void
test_read_hrr(void **state)
{
	static const uint8_t hrr[32] = {
		0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11,
		0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
		0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e,
		0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
	};
	static const uint8_t ext[] = {
		0x00, 0x2b, 0x00, 0x02, 0x03, 0x04,	/* supported_versions */
		0x00, 0x33, 0x00, 0x02, 0x00, 0x18,	/* key_share: P-384 */
	};
	uint8_t hs[256], wire[300];
	struct tls_reader r;
	size_t n;

	(void)state;
	n = record(wire, 22, hs, server_hello(hs, TLS_V12, hrr, 0x1302, ext,
	    sizeof(ext)));
	tls_reader_init(&r, 1);
	assert_int_equal(tls_reader_feed(&r, wire, n), TLS_REPLY_HRR);
	assert_int_equal(r.reply.version, TLS_V13);
	assert_int_equal(r.reply.suite, 0x1302);
	assert_int_equal(r.reply.group, 0x18);
	tls_reader_release(&r);
}

static void
test_read_ske(void **state)
{
	/* ServerHello, an empty Certificate, then an ECDHE key exchange. */
	uint8_t hs[512], wire[600], ske[80];
	struct tls_reader r;
	struct tls_ske k;
	size_t n, off = 0;

	(void)state;
	off = server_hello(hs, TLS_V12, NULL, 0xC02F, NULL, 0);
	memcpy(hs + off, "\x0b\x00\x00\x03\x00\x00\x00", 7);
	off += 7;
	n = 0;
	ske[n++] = 3;			/* named_curve */
	ske[n++] = 0;
	ske[n++] = 23;			/* secp256r1 */
	ske[n++] = 65;
	memset(ske + n, 4, 65);
	n += 65;
	ske[n++] = 0x08;		/* rsa_pss_rsae_sha256 */
	ske[n++] = 0x04;
	ske[n++] = 0;
	ske[n++] = 2;
	ske[n++] = 0xaa;
	ske[n++] = 0xbb;
	hs[off++] = 12;
	hs[off++] = 0;
	hs[off++] = 0;
	hs[off++] = (uint8_t)n;
	memcpy(hs + off, ske, n);
	off += n;
	/* Split across two records, as servers may. */
	n = record(wire, 22, hs, 50);
	n += record(wire + n, 22, hs + 50, off - 50);
	tls_reader_init(&r, 1);
	assert_int_equal(tls_reader_feed(&r, wire, n), TLS_REPLY_HELLO);
	assert_int_equal(r.reply.have_ske, 1);
	assert_int_equal(tls_ske_parse(r.reply.ske, r.reply.ske_len, 1,
	    TLS_V12, &k), 0);
	assert_int_equal(k.group, 23);
	assert_int_equal(k.sigalg, 0x0804);
	assert_null(r.reply.cert);		/* the Certificate was empty */
	/* Read as DHE, the same bytes are nonsense. */
	assert_int_equal(tls_ske_parse(r.reply.ske, 3, 0, TLS_V12, &k), -1);
	tls_reader_release(&r);
}

/*
 * The server's own certificate is the first entry of its Certificate
 * message, found again after the flight was split over many records.
 */
static void
test_read_leaf_certificate(void **state)
{
	uint8_t hs[2048], wire[2400], leaf[300], other[100];
	struct tls_reader r;
	size_t n = 0, off, list, i;

	(void)state;
	memset(leaf, 0x30, sizeof(leaf));
	memset(other, 0x31, sizeof(other));
	off = server_hello(hs, TLS_V12, NULL, 0xC02B, NULL, 0);
	list = 3 + sizeof(leaf) + 3 + sizeof(other);
	hs[off++] = 11;
	hs[off++] = (uint8_t)((list + 3) >> 16);
	hs[off++] = (uint8_t)((list + 3) >> 8);
	hs[off++] = (uint8_t)(list + 3);
	hs[off++] = (uint8_t)(list >> 16);
	hs[off++] = (uint8_t)(list >> 8);
	hs[off++] = (uint8_t)list;
	hs[off++] = 0;
	hs[off++] = (uint8_t)(sizeof(leaf) >> 8);
	hs[off++] = (uint8_t)sizeof(leaf);
	memcpy(hs + off, leaf, sizeof(leaf));
	off += sizeof(leaf);
	hs[off++] = 0;
	hs[off++] = 0;
	hs[off++] = sizeof(other);
	memcpy(hs + off, other, sizeof(other));
	off += sizeof(other);
	memcpy(hs + off, "\x0e\x00\x00\x00", 4);	/* ServerHelloDone */
	off += 4;
	for (i = 0; i < off; i += 64)
		n += record(wire + n, 22, hs + i, off - i < 64 ? off - i : 64);
	tls_reader_init(&r, 1);
	assert_int_equal(tls_reader_feed(&r, wire, n), TLS_REPLY_HELLO);
	assert_int_equal(r.reply.cert_len, sizeof(leaf));
	assert_memory_equal(r.reply.cert, leaf, sizeof(leaf));
	tls_reader_release(&r);

	/* A list length past the message: no certificate, no overread. */
	hs[off - 4 - sizeof(other) - 3 - sizeof(leaf) - 3 - 3 + 0] = 0x7f;
	n = 0;
	for (i = 0; i < off; i += 64)
		n += record(wire + n, 22, hs + i, off - i < 64 ? off - i : 64);
	tls_reader_init(&r, 1);
	assert_int_equal(tls_reader_feed(&r, wire, n), TLS_REPLY_HELLO);
	assert_null(r.reply.cert);
	tls_reader_release(&r);
}

static void
test_ske_dhe(void **state)
{
	static const uint8_t dhe[] = {
		0x00, 0x03, 0x00, 0x01, 0x00,	/* p: 257, 9 bits */
		0x00, 0x01, 0x02,		/* g */
		0x00, 0x01, 0x05,		/* Ys */
		0x04, 0x01, 0x00, 0x00,		/* rsa_pkcs1_sha256 */
	};
	struct tls_ske k;

	(void)state;
	assert_int_equal(tls_ske_parse(dhe, sizeof(dhe), 0, TLS_V12, &k), 0);
	assert_int_equal(k.dh_bits, 9);
	assert_int_equal(k.dh_plen, 2);
	assert_int_equal(k.sigalg, 0x0401);
	/* TLS 1.0 key exchanges carry no scheme. */
	assert_int_equal(tls_ske_parse(dhe, 11, 0, TLS_V10, &k), 0);
	assert_int_equal(k.sigalg, 0);
	assert_int_equal(tls_ske_parse(dhe, 6, 0, TLS_V12, &k), -1);
}

/* Feed bytes to a fresh reader; returns the kind, error into err. */
static enum tls_reply_kind
feed(const void *p, size_t n, char *err, size_t errlen)
{
	struct tls_reader r;
	enum tls_reply_kind k;

	tls_reader_init(&r, 0);
	k = tls_reader_feed(&r, p, n);
	snprintf(err, errlen, "%s", r.reply.error);
	if (k == TLS_REPLY_ALERT)
		snprintf(err, errlen, "%s", tls_alert_name(r.reply.alert));
	tls_reader_release(&r);
	return k;
}

static void
test_read_hostile(void **state)
{
	uint8_t hs[256], wire[300];
	char err[128];
	size_t n;

	(void)state;
	assert_int_equal(feed("\x15\x03\x03\x00\x02\x02\x28", 7, err,
	    sizeof(err)), TLS_REPLY_ALERT);
	assert_string_equal(err, "handshake_failure");
	assert_int_equal(feed("HTTP/1.1 400", 12, err, sizeof(err)),
	    TLS_REPLY_BAD);
	assert_string_equal(err, "not TLS: the server sent 48 54 54 50 2f "
	    "(\"HTTP/\")");
	assert_int_equal(feed("\x16\x03\x03\xff\xff", 5, err, sizeof(err)),
	    TLS_REPLY_BAD);
	assert_string_equal(err, "record of 65535 bytes is over the "
	    "18432-byte limit");
	assert_int_equal(feed("\x16\x03\x03\x00\x04\x02\xff\xff\xff", 9, err,
	    sizeof(err)), TLS_REPLY_BAD);
	assert_string_equal(err, "handshake message of 16777215 bytes is "
	    "over the 262144-byte limit");
	assert_int_equal(feed("\x16\x03\x03\x00\x00", 5, err, sizeof(err)),
	    TLS_REPLY_BAD);
	assert_int_equal(feed("\x17\x03\x03\x00\x01\x00", 6, err,
	    sizeof(err)), TLS_REPLY_BAD);
	assert_string_equal(err, "application data before the handshake");
	/* A Certificate where the ServerHello belongs. */
	assert_int_equal(feed("\x16\x03\x03\x00\x04\x0b\x00\x00\x00", 9, err,
	    sizeof(err)), TLS_REPLY_BAD);
	/* A ServerHello cut short inside its own length. */
	n = server_hello(hs, TLS_V12, NULL, 0xC02F, NULL, 0);
	hs[3] = 10;
	n = record(wire, 22, hs, 14);
	assert_int_equal(feed(wire, n, err, sizeof(err)), TLS_REPLY_BAD);
	assert_string_equal(err, "malformed ServerHello");
	/* Extensions whose lengths run past the message. */
	n = server_hello(hs, TLS_V12, NULL, 0xC02F,
	    (const uint8_t *)"\x00\x17\x00\x09", 4);
	n = record(wire, 22, hs, n);
	assert_int_equal(feed(wire, n, err, sizeof(err)), TLS_REPLY_BAD);
}

static void
test_sslv2(void **state)
{
	static const uint8_t hello[] = {
		0x80, 0x1d,			/* header: 29 bytes */
		0x04, 0x00, 0x01, 0x00, 0x02,	/* SERVER-HELLO, SSL 2.0 */
		0x00, 0x02, 0x00, 0x06, 0x00, 0x10,
		0xaa, 0xbb,			/* "certificate" */
		0x01, 0x00, 0x80, 0x07, 0x00, 0xc0,
		0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42,
		0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42,
	};
	struct sslv2_reply r;
	struct buf b;
	const uint8_t *p;
	char err[128];
	uint8_t bad[sizeof(hello)];

	(void)state;
	buf_init(&b, 4096);
	assert_int_equal(tls_sslv2_hello_build(&b), 0);
	p = (const uint8_t *)b.data;
	assert_int_equal(b.len, 2 + 9 + 21 + 16);
	assert_int_equal(((p[0] & 0x7f) << 8 | p[1]), b.len - 2);
	assert_int_equal(p[2], 1);		/* CLIENT-HELLO */
	assert_int_equal(u16(p + 3), 0x0002);
	assert_int_equal(u16(p + 5), 21);	/* seven kinds */
	assert_int_equal(u16(p + 9), 16);	/* challenge */
	buf_release(&b);

	assert_int_equal(tls_sslv2_read(hello, sizeof(hello), &r, err,
	    sizeof(err)), TLS_REPLY_HELLO);
	assert_int_equal(r.nkinds, 2);
	assert_int_equal(r.kinds[0], 0x010080);
	assert_string_equal(tls_sslv2_kind_name(r.kinds[1]),
	    "SSL_CK_DES_192_EDE3_CBC_WITH_MD5");
	assert_null(tls_sslv2_kind_name(0x123456));
	assert_int_equal(tls_sslv2_read(hello, 20, &r, err, sizeof(err)),
	    TLS_REPLY_MORE);
	/* A TLS server's alert, whole and in part. */
	assert_int_equal(tls_sslv2_read((const uint8_t *)"\x15\x03\x01\x00"
	    "\x02\x02\x46", 7, &r, err, sizeof(err)), TLS_REPLY_ALERT);
	assert_int_equal(tls_sslv2_read((const uint8_t *)"\x15\x03\x01\x00"
	    "\x02\x02", 6, &r, err, sizeof(err)), TLS_REPLY_MORE);
	assert_int_equal(tls_sslv2_read((const uint8_t *)"HTTP/1.1", 8, &r,
	    err, sizeof(err)), TLS_REPLY_BAD);
	/* Lengths that run past the message. */
	memcpy(bad, hello, sizeof(bad));
	bad[8] = 0x40;
	assert_int_equal(tls_sslv2_read(bad, sizeof(bad), &r, err,
	    sizeof(err)), TLS_REPLY_BAD);
	assert_string_equal(err, "malformed SSL 2.0 SERVER-HELLO");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hello_tls12),
		cmocka_unit_test(test_hello_tls13),
		cmocka_unit_test(test_hello_ssl3),
		cmocka_unit_test(test_hello_padding),
		cmocka_unit_test(test_read_hello_bytewise),
		cmocka_unit_test(test_read_hrr),
		cmocka_unit_test(test_read_ske),
		cmocka_unit_test(test_read_leaf_certificate),
		cmocka_unit_test(test_ske_dhe),
		cmocka_unit_test(test_read_hostile),
		cmocka_unit_test(test_sslv2),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
