/*
 * tls_scan_int.h - what the files of the TLS scanner share: tls_scan.c
 * (targets, set-up and the poll loop), tls_track.c (tracks: what to offer
 * next and what each answer means), tls_probe.c (one connection, from
 * connect to the server's answer) and tls_result.c (an endpoint's part of
 * the document). Nothing outside collector/tls/ includes it.
 */
#ifndef FIPSEV_TLS_SCAN_INT_H
#define FIPSEV_TLS_SCAN_INT_H

#include <sys/socket.h>

#include <netinet/in.h>
#include <stdint.h>

#include <cjson/cJSON.h>
#include <openssl/ssl.h>

#include "collector/tls/tls_registry.h"
#include "collector/tls/tls_scan.h"
#include "collector/tls/tls_wire.h"
#include "util/buf.h"

/* Protocol versions probed, oldest first; index into endpoint.ver[]. */
static const uint16_t versions[] = {
	TLS_SSL3, TLS_V10, TLS_V11, TLS_V12, TLS_V13,
};
#define NVERSIONS	5
#define VI_TLS12	3
#define VI_TLS13	4

/* An SMTP reply line longer than this is not SMTP. */
#define SMTP_LINE_MAX	4096

enum track_kind {
	TR_SUITES,	/* suites of one version */
	TR_ORDER,	/* does the server impose its order? */
	TR_GROUPS13,	/* TLS 1.3 groups, from HelloRetryRequests */
	TR_GROUPS12,	/* ECDHE curves, from ServerKeyExchange */
	TR_DH12,	/* DHE parameters, from ServerKeyExchange */
	TR_SIGALGS12,	/* TLS 1.2 signature schemes, from ServerKeyExchange */
	TR_SIGALGS13,	/* TLS 1.3 signature schemes, by OpenSSL handshakes */
	TR_SSL2,	/* one SSL 2.0 CLIENT-HELLO */
	TR_CERT,	/* one OpenSSL handshake */
};

/*
 * The schemes a TLS 1.3 CertificateVerify may use that OpenSSL can verify;
 * the server's signature is encrypted, so only a full handshake shows it.
 */
static const char *const tls13_sigalgs[] = {
	"ecdsa_secp256r1_sha256", "ecdsa_secp384r1_sha384",
	"ecdsa_secp521r1_sha512", "ed25519", "ed448",
	"rsa_pss_pss_sha256", "rsa_pss_pss_sha384", "rsa_pss_pss_sha512",
	"rsa_pss_rsae_sha256", "rsa_pss_rsae_sha384", "rsa_pss_rsae_sha512",
};

/*
 * How a probe ended. Only FAIL_NONE (an answer, which may be "no": an
 * alert, or a ServerHello choosing something else) and FAIL_ALERT may end
 * an enumeration as complete; the others leave it cut short.
 */
enum fail {
	FAIL_NONE,
	FAIL_ALERT,	/* OpenSSL handshake ended by the server's alert */
	FAIL_REFUSED,	/* connection refused */
	FAIL_TIMEOUT,
	FAIL_CLOSED,	/* closed or reset without an answer */
	FAIL_CUT,	/* closed or reset mid-record */
	FAIL_BAD,	/* not TLS, or broken TLS */
	FAIL_SMTP,
	FAIL_LOCAL,
};

/*
 * A connection refused, closed or reset is what a load balancer at its
 * connection limit does, and also how some servers (Windows SChannel) say
 * "no" instead of an alert. Such a probe is tried again RETRIES_MAX times
 * at most, after RETRY_FIRST_MS, then four times as long each time (50,
 * 200, 800 ms), within the endpoint's deadline, and alone: the endpoint's
 * other connections are let finish first and none starts beside it. A
 * limit lets a lone connection through; a reset that a lone connection
 * still gets, every time, is the server's answer.
 */
#define RETRIES_MAX	3
#define RETRY_FIRST_MS	50

struct u16list {
	uint16_t	*v;
	size_t		 n;
};

struct endpoint;

struct track {
	struct endpoint	*ep;
	enum track_kind	 kind;
	int		 vi;		/* version index */
	struct u16list	 offer;		/* what is left to offer */
	struct u16list	 suites;	/* fixed suites (phase 2) */
	/*
	 * TLS 1.2 groups: the curve of the server's ECDSA certificate. It
	 * stays offered (last) after it was seen, since in TLS 1.2 the
	 * client's supported_groups also bounds the certificate's curve
	 * (RFC 8422 §5.1.1): without it such a server cannot answer at all.
	 */
	uint16_t	 keep;
	struct u16list	 hello_groups;	/* offer, then keep: scratch */
	int		 done;
	int		 retries;	/* of the probe now due */
	int64_t		 not_before;	/* a retry waits until then */
	struct track	*next;		/* in the endpoint */
	struct track	*next_ready;	/* in its endpoint's queue */
};

/* What is known about one protocol version of an endpoint. */
struct verres {
	struct u16list	 suites;	/* accepted, in the order picked */
	int		 server_order;	/* -1 unknown */
	int		 reneg, ems, etm, compression;
	char		 outcome[200];	/* of the first probe */
};

/* A group or signature scheme seen, and with which versions. */
struct seen {
	uint16_t	 id;		/* 0 for a custom DH group */
	char		 name[48];
	unsigned	 vmask;		/* bit per version index */
	int		 bits;		/* DH prime size, else 0 */
};

struct seenlist {
	struct seen	*v;
	size_t		 n;
};

struct endpoint {
	const char		*target;
	char			*host;
	char			*port;
	const char		*sni;		/* NULL: none sent */
	struct sockaddr_storage	 addr;
	socklen_t		 addrlen;
	char			 addrstr[INET6_ADDRSTRLEN];
	int64_t			 deadline;	/* 0 until it starts */
	int			 connections;
	int			 tls_seen;	/* any TLS answer at all */
	int			 phase1_left;
	int			 tracks_left;
	int			 timed_out;
	char			 error[256];
	char			 first_failure[200];
	struct track		*tracks;
	struct track		*ready_head, *ready_tail;
	struct track		*retry_head;	/* due, each to run alone */
	int			 inflight;	/* probes open now */
	int			 solo;		/* a retry is running alone */
	struct verres		 ver[NVERSIONS];
	struct {
		int			 spoken;
		struct sslv2_reply	 reply;
		char			 outcome[200];
	} v2;
	struct seenlist		 groups;
	struct seenlist		 sigalgs;
	cJSON			*cert;
	char			 cert_error[200];
	/* A plaintext answer to a ClientHello: its kind, its first line. */
	const char		*plain_kind;
	char			 plain_line[100];
	/*
	 * Enumerations cut short by a timeout: a server that stalls on
	 * one offer must not make its list look shorter than it is.
	 */
	char			 gaps[8][160];
	int			 ngaps;
};

enum pstate { P_CONNECT, P_SMTP, P_RAW, P_SSL };

struct probe {
	struct track	*tr;
	int		 fd;
	enum pstate	 state;
	int		 smtp_stage;	/* 0 banner, 1 EHLO, 2 STARTTLS */
	struct buf	 out;
	size_t		 out_off;
	struct buf	 line;
	struct buf	 v2;		/* an SSL 2.0 answer */
	struct tls_reader rd;
	SSL		*ssl;
	short		 ssl_events;
	uint16_t	 ssl_sigalg;	/* the scheme the server signed with */
	int		 client_cert_asked;
	int64_t		 deadline;
	struct probe	*next;
};

struct scan {
	const struct tls_scan_opts	*o;
	const struct fips_policy	*policy;
	struct tls_registry		 reg;
	SSL_CTX				*ctx;
	struct endpoint			*eps;
	size_t				 neps;
	/*
	 * Tracks ready to start wait in their endpoint's queue; the
	 * earliest endpoint with one ready goes first, so an endpoint, once
	 * started, gets the connections it needs before a later one starts,
	 * and each finishes within its own deadline however many there are.
	 */
	size_t				 nready;
	size_t				 first_open;	/* eps before it are done */
	struct track			*delayed;	/* retries, unordered */
	struct probe			*probes;
	int				 nprobes;
	int				 max_conns;
	double				 tokens;
	int64_t				 refilled;
	size_t				 eps_done;	/* endpoints with nothing left to do */
	int				 oom;
	/* Every code point, for offering. */
	struct u16list			 legacy_suites, tls13_suites;
	struct u16list			 all_groups, all_sigalgs;
};

/* tls_scan.c: targets, the poll loop, set-up */
int64_t	 tls_now_ms(void);
int	 tls_run(struct scan *s);

/* tls_track.c: tracks and what their answers mean */
int	 tls_answered(const struct track *t, enum fail f);
const struct tls_named *tls_named_by_name(const struct tls_named *arr,
	    size_t n, const char *name);
void	 tls_note_gap(struct endpoint *ep, const struct track *t,
	    const char *why);
int64_t	 tls_retries_due(struct scan *s, int64_t now);
int	 tls_seen_add(struct seenlist *l, uint16_t id, const char *name,
	    int vi, int bits);
uint16_t tls_sigalg_id(const struct scan *s, const char *name);
const struct tls_suite *tls_suite_of(const struct scan *s, uint16_t id);
void	 tls_track_done(struct scan *s, struct track *t);
int	 tls_track_hello(struct scan *s, struct track *t, struct buf *out);
struct track *tls_track_new(struct scan *s, struct endpoint *ep,
	    enum track_kind kind, int vi);
struct track *tls_track_next(struct scan *s);
void	 tls_track_ready(struct scan *s, struct track *t);
void	 tls_track_result(struct scan *s, struct track *t,
	    const struct tls_reply *rep, enum fail f, const char *why);
int	 tls_track_retry(struct scan *s, struct track *t);
int	 tls_u16_copy(struct u16list *dst, const struct u16list *src);
void	 tls_u16_free(struct u16list *l);
int	 tls_u16_has(const struct u16list *l, uint16_t v);
int	 tls_u16_push(struct u16list *l, uint16_t v);
void	 tls_u16_remove(struct u16list *l, uint16_t v);

/* tls_probe.c: one connection, from connect to the answer */
void	 tls_probe_end(struct scan *s, struct probe *p, enum fail f,
	    const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void	 tls_probe_event(struct scan *s, struct probe *p, short revents);
short	 tls_probe_events(const struct probe *p);
void	 tls_probe_free(struct probe *p);
int	 tls_probe_start(struct scan *s, struct track *t, int64_t now);

/* tls_result.c: an endpoint's document */
int	 tls_cmp_seen(const void *a, const void *b);
cJSON *tls_endpoint_json(const struct scan *s, const struct endpoint *ep);
void	 tls_final_gaps(struct endpoint *ep);

#endif
