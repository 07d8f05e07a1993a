/*
 * tls_wire.h - the bytes of a TLS ClientHello, and what comes back.
 *
 * fipsev builds its own ClientHellos so that it can offer any code point
 * (RC4, GOST, EXPORT, hybrid ML-KEM groups...) whether or not the local
 * OpenSSL knows it, and it reads only the server's first flight in the
 * clear: ServerHello or HelloRetryRequest, and for TLS 1.2 and earlier the
 * ServerKeyExchange, or an alert. It never completes a handshake itself,
 * so it needs no key material for anything it offers: TLS 1.3 hellos carry
 * an empty key_share, and the server names its group in a
 * HelloRetryRequest (RFC 8446 §4.1.4).
 *
 * Nothing here does I/O; the scanner feeds bytes in as they arrive.
 */
#ifndef FIPSEV_TLS_WIRE_H
#define FIPSEV_TLS_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

#define TLS_SSL3	0x0300
#define TLS_V10		0x0301
#define TLS_V11		0x0302
#define TLS_V12		0x0303
#define TLS_V13		0x0304

/* The largest record a peer may send: 2^14 plus expansion (RFC 5246). */
#define TLS_RECORD_MAX	(16384 + 2048)

/* What fipsev will buffer of a server's first flight (certificates...). */
#define TLS_FLIGHT_MAX	(256 * 1024)

struct tls_hello_spec {
	uint16_t	 version;	/* TLS_SSL3 .. TLS_V13 */
	const uint16_t	*suites;
	size_t		 nsuites;
	const uint16_t	*groups;	/* supported_groups; may be empty */
	size_t		 ngroups;
	const uint16_t	*sigalgs;	/* signature_algorithms (TLS 1.2+) */
	size_t		 nsigalgs;
	const char	*sni;		/* server_name, or NULL */
};

/*
 * Append one ClientHello record for spec to out. SSL 3.0 hellos carry no
 * extensions (the renegotiation SCSV instead), as SSL 3.0 servers expect.
 * Returns 0, or -1 (errno set, nothing logged) when out is full.
 */
int	 tls_hello_build(const struct tls_hello_spec *spec, struct buf *out);

enum tls_reply_kind {
	TLS_REPLY_MORE,		/* need more bytes */
	TLS_REPLY_HELLO,	/* ServerHello (and what followed, if asked) */
	TLS_REPLY_HRR,		/* HelloRetryRequest */
	TLS_REPLY_ALERT,	/* an alert before any ServerHello */
	TLS_REPLY_BAD,		/* not TLS, or TLS broken: see error */
};

/* What the server said. Fields are 0 when the server did not say. */
struct tls_reply {
	enum tls_reply_kind	 kind;
	uint16_t		 version;	/* negotiated */
	uint16_t		 suite;
	uint8_t			 compression;	/* method chosen */
	uint16_t		 group;		/* key_share or HRR */
	int			 renegotiation_info;	/* extension echoed */
	int			 extended_master_secret;
	int			 encrypt_then_mac;
	uint8_t			 alert_level;
	uint8_t			 alert;
	/* TLS <= 1.2 with want_ske: the ServerKeyExchange body. */
	int			 have_ske;
	const uint8_t		*ske;
	size_t			 ske_len;
	/*
	 * TLS <= 1.2 with want_ske: the server's own certificate (DER, the
	 * first of its Certificate message), or NULL. In TLS 1.2 its key
	 * decides which groups the server can still answer with.
	 */
	const uint8_t		*cert;
	size_t			 cert_len;
	char			 error[128];	/* for TLS_REPLY_BAD */
};

/* Incremental reader of a server's first flight. */
struct tls_reader {
	int		 want_ske;	/* read on to ServerKeyExchange */
	struct buf	 rec;		/* bytes of the current record */
	struct buf	 hs;		/* handshake bytes, reassembled */
	size_t		 hs_off;	/* first unread handshake byte */
	size_t		 total;		/* all bytes received */
	int		 seen_hello;
	size_t		 cert_off, cert_len;	/* the leaf, in hs */
	struct tls_reply reply;
};

void	 tls_reader_init(struct tls_reader *r, int want_ske);
void	 tls_reader_release(struct tls_reader *r);

/*
 * Feed n received bytes. Returns the reply kind once known (the reply is
 * in r->reply and stays valid until release), else TLS_REPLY_MORE.
 */
enum tls_reply_kind tls_reader_feed(struct tls_reader *r, const uint8_t *p,
	    size_t n);

/* What a TLS 1.0-1.2 ServerKeyExchange says. */
struct tls_ske {
	uint16_t	 group;		/* ECDHE named curve, else 0 */
	int		 dh_bits;	/* DHE prime size, else 0 */
	const uint8_t	*dh_p;		/* DHE prime, into the message */
	size_t		 dh_plen;
	uint16_t	 sigalg;	/* TLS 1.2 signature scheme, else 0 */
};

/*
 * Parse a ServerKeyExchange body for an ECDHE (ecdhe != 0) or DHE suite at
 * version. Returns 0, or -1 when it is malformed.
 */
int	 tls_ske_parse(const uint8_t *p, size_t n, int ecdhe,
	    uint16_t version, struct tls_ske *out);

/*
 * SSL 2.0 (a legacy check only: the protocol is broken). The hello offers
 * every SSL 2.0 cipher kind; a server that speaks SSL 2.0 answers with a
 * SERVER-HELLO listing all the kinds it shares, so one connection tells
 * everything.
 */
int	 tls_sslv2_hello_build(struct buf *out);

#define SSLV2_MAX_KINDS	16

struct sslv2_reply {
	uint32_t	 kinds[SSLV2_MAX_KINDS];	/* 24-bit cipher kinds */
	size_t		 nkinds;
};

/*
 * Read what a server sent to the SSL 2.0 hello: TLS_REPLY_MORE, _HELLO (an
 * SSL 2.0 SERVER-HELLO, kinds in out), _ALERT (a TLS alert or an SSL 2.0
 * error: not spoken) or _BAD (why in err).
 */
enum tls_reply_kind tls_sslv2_read(const uint8_t *p, size_t n,
	    struct sslv2_reply *out, char *err, size_t errlen);

/* The name of an SSL 2.0 cipher kind ("SSL_CK_RC4_128_WITH_MD5"), or NULL. */
const char *tls_sslv2_kind_name(uint32_t kind);

/* "TLSv1.2" etc., or NULL for a version fipsev does not name. */
const char *tls_version_name(uint16_t v);

/* The name of an alert description (RFC 8446 §6), or NULL. */
const char *tls_alert_name(uint8_t desc);

#endif
