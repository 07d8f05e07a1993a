/*
 * tls_scan.c - see tls_scan.h.
 *
 * Each endpoint's work is split into tracks. A track is a sequence of
 * probes that depend on each other ("offer this set; the server picked X;
 * offer the set without X; ..."), so a track has at most one connection
 * open, while the tracks of an endpoint, and all endpoints, run side by
 * side. Phase 1 runs one suite track per protocol version and the OpenSSL
 * certificate handshake; when the suite tracks are done, phase 2 learns
 * server order, groups, finite-field parameters and signature algorithms
 * from what phase 1 found.
 */
#define _GNU_SOURCE	/* strcasestr */

#include <sys/resource.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "collector/tls/tls_cert.h"
#include "collector/tls/tls_registry.h"
#include "collector/tls/tls_scan.h"
#include "collector/tls/tls_wire.h"
#include "util/json.h"
#include "util/log.h"
#include "util/progress.h"
#include "util/banned.h"

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

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* --- small lists ------------------------------------------------------ */

static int
u16_push(struct u16list *l, uint16_t v)
{
	uint16_t *p;

	if ((p = reallocarray(l->v, l->n + 1, sizeof(*p))) == NULL)
		return -1;
	l->v = p;
	l->v[l->n++] = v;
	return 0;
}

static int
u16_has(const struct u16list *l, uint16_t v)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->v[i] == v)
			return 1;
	return 0;
}

static void
u16_remove(struct u16list *l, uint16_t v)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->v[i] == v) {
			memmove(&l->v[i], &l->v[i + 1],
			    (l->n - i - 1) * sizeof(*l->v));
			l->n--;
			return;
		}
}

static int
u16_copy(struct u16list *dst, const struct u16list *src)
{
	size_t i;

	for (i = 0; i < src->n; i++)
		if (u16_push(dst, src->v[i]) == -1)
			return -1;
	return 0;
}

static void
u16_free(struct u16list *l)
{
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* Record that name (id) was seen at version index vi. */
static int
seen_add(struct seenlist *l, uint16_t id, const char *name, int vi, int bits)
{
	struct seen *p;
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i].name, name) == 0) {
			l->v[i].vmask |= 1u << vi;
			if (l->v[i].bits == 0)
				l->v[i].bits = bits;
			return 0;
		}
	if ((p = reallocarray(l->v, l->n + 1, sizeof(*p))) == NULL)
		return -1;
	l->v = p;
	p = &l->v[l->n++];
	memset(p, 0, sizeof(*p));
	p->id = id;
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->vmask = 1u << vi;
	p->bits = bits;
	return 0;
}

/* The registry's name for a code point, else "unknown-0xNNNN" in tmp. */
static const char *
name_or_unknown(const struct tls_named *n, uint16_t id, char *tmp,
    size_t len)
{
	if (n != NULL)
		return n->name;
	snprintf(tmp, len, "unknown-0x%04X", id);
	return tmp;
}

/* An entry of a registry table by name, or NULL. */
static const struct tls_named *
named_by_name(const struct tls_named *arr, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(arr[i].name, name) == 0)
			return &arr[i];
	return NULL;
}

/* --- targets ---------------------------------------------------------- */

void
tls_scan_defaults(struct tls_scan_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->timeout_ms = TLS_SCAN_TIMEOUT_MS;
	o->endpoint_timeout_ms = TLS_SCAN_ENDPOINT_TIMEOUT_MS;
	o->rate = TLS_SCAN_RATE;
	o->max_conns = TLS_SCAN_MAX_CONNS;
}

int
tls_target_parse(const char *spec, enum tls_starttls starttls, char **host,
    char **port)
{
	const char *h = spec, *colon, *p = NULL;
	size_t hlen;
	char *end;
	long n;

	*host = *port = NULL;
	if (spec[0] == '[') {
		const char *close = strchr(spec, ']');

		if (close == NULL || (close[1] != '\0' && close[1] != ':')) {
			log_err("bad target '%s': expected [ADDRESS]:PORT",
			    spec);
			return -1;
		}
		h = spec + 1;
		hlen = (size_t)(close - h);
		if (close[1] == ':')
			p = close + 2;
	} else if ((colon = strrchr(spec, ':')) != NULL) {
		if (strchr(spec, ':') != colon) {
			log_err("bad target '%s': write an IPv6 address as "
			    "[ADDRESS]:PORT", spec);
			return -1;
		}
		hlen = (size_t)(colon - spec);
		p = colon + 1;
	} else
		hlen = strlen(spec);
	if (hlen == 0 || hlen > 253 || strcspn(h, " \t\r\n/") < hlen) {
		log_err("bad target '%s': no usable host name", spec);
		return -1;
	}
	if (p != NULL) {
		errno = 0;
		n = strtol(p, &end, 10);
		if (*p == '\0' || *end != '\0' || errno != 0 || n < 1 ||
		    n > 65535) {
			log_err("bad target '%s': port must be 1-65535", spec);
			return -1;
		}
	}
	if ((*host = strndup(h, hlen)) == NULL ||
	    (*port = strdup(p != NULL ? p :
	    starttls == STARTTLS_SMTP ? "25" : "443")) == NULL) {
		log_errno("cannot parse target '%s'", spec);
		free(*host);
		*host = NULL;
		return -1;
	}
	return 0;
}

/* --- tracks ----------------------------------------------------------- */

static struct track *
track_new(struct scan *s, struct endpoint *ep, enum track_kind kind, int vi)
{
	struct track *t;

	if ((t = calloc(1, sizeof(*t))) == NULL) {
		s->oom = 1;
		return NULL;
	}
	t->ep = ep;
	t->kind = kind;
	t->vi = vi;
	t->next = ep->tracks;
	ep->tracks = t;
	ep->tracks_left++;
	return t;
}

static void
track_ready(struct scan *s, struct track *t)
{
	struct endpoint *ep = t->ep;

	t->next_ready = NULL;
	if (ep->ready_tail != NULL)
		ep->ready_tail->next_ready = t;
	else
		ep->ready_head = t;
	ep->ready_tail = t;
	s->nready++;
}

/* The next track to start: the first of the earliest endpoint with one. */
static struct track *
track_next(struct scan *s)
{
	size_t i;

	while (s->first_open < s->neps &&
	    s->eps[s->first_open].tracks_left == 0 &&
	    s->eps[s->first_open].ready_head == NULL &&
	    s->eps[s->first_open].retry_head == NULL)
		s->first_open++;
	for (i = s->first_open; s->nready > 0 && i < s->neps; i++) {
		struct endpoint *ep = &s->eps[i];
		struct track *t = ep->ready_head;

		if (ep->solo)
			continue;
		/* A retry waits for the endpoint to go quiet, then runs. */
		if ((t = ep->retry_head) != NULL) {
			if (ep->inflight > 0 && !t->done)
				continue;
			ep->retry_head = t->next_ready;
			ep->solo = !t->done;
			s->nready--;
			return t;
		}
		if ((t = ep->ready_head) == NULL)
			continue;
		ep->ready_head = t->next_ready;
		if (ep->ready_head == NULL)
			ep->ready_tail = NULL;
		s->nready--;
		return t;
	}
	return NULL;
}

/*
 * Try t's probe again later, if it may be: RETRIES_MAX times at most, and
 * only while the endpoint's deadline leaves room for it.
 */
static int
track_retry(struct scan *s, struct track *t)
{
	struct endpoint *ep = t->ep;
	int64_t wait = RETRY_FIRST_MS, now = now_ms();
	int i;

	if (ep->timed_out || t->done || t->retries >= RETRIES_MAX)
		return 0;
	for (i = 0; i < t->retries; i++)
		wait *= 4;
	if (ep->deadline != 0 && now + wait + s->o->timeout_ms / 4 >
	    ep->deadline)
		return 0;
	t->retries++;
	t->not_before = now + wait;
	t->next_ready = s->delayed;
	s->delayed = t;
	return 1;
}

/* Retries whose time has come join their queues; when the next is due. */
static int64_t
retries_due(struct scan *s, int64_t now)
{
	struct track **tp = &s->delayed, *t;
	int64_t next = INT64_MAX;

	while ((t = *tp) != NULL) {
		if (t->not_before <= now || t->done) {
			*tp = t->next_ready;
			if (!t->done) {
				t->next_ready = t->ep->retry_head;
				t->ep->retry_head = t;
				s->nready++;
			}
			continue;
		}
		if (t->not_before < next)
			next = t->not_before;
		tp = &t->next_ready;
	}
	return next;
}

static void phase2(struct scan *s, struct endpoint *ep);

static void
track_done(struct scan *s, struct track *t)
{
	struct endpoint *ep = t->ep;

	if (t->done)
		return;
	t->done = 1;
	/* Phase 2's tracks first, so the endpoint is done only once. */
	if (t->kind == TR_SUITES && --ep->phase1_left == 0 && !ep->timed_out)
		phase2(s, ep);
	if (--ep->tracks_left == 0)
		s->eps_done++;
}

static const struct tls_suite *
suite_of(const struct scan *s, uint16_t id)
{
	return tls_suite_by_id(&s->reg, id);
}

static int
kex_is(const struct tls_suite *su, const char *prefix)
{
	return su != NULL && strncmp(su->kex, prefix, strlen(prefix)) == 0 &&
	    strstr(su->kex, "PSK") == NULL;
}

/* Signed ServerKeyExchange: ephemeral (EC)DH with a certificate. */
static int
kex_signed(const struct tls_suite *su)
{
	return kex_is(su, "ECDHE_") || kex_is(su, "DHE_");
}

/* The code point of a signature scheme by its registry name, or 0. */
static uint16_t
sigalg_id(const struct scan *s, const char *name)
{
	const struct tls_named *n = named_by_name(s->reg.sigalgs,
	    s->reg.nsigalgs, name);

	return n != NULL ? n->id : 0;
}

/*
 * Take out of t's offer what any handshake already showed the server takes
 * at t's version: enumerating the rest gives the same list, with fewer
 * connections (the certificate handshake and the TLS 1.3 suite probes'
 * HelloRetryRequests have chosen one each).
 */
static void
offer_unseen(struct track *t, const struct seenlist *seen)
{
	size_t i;

	for (i = 0; i < seen->n; i++)
		if (seen->v[i].id != 0 && seen->v[i].vmask & 1u << t->vi)
			u16_remove(&t->offer, seen->v[i].id);
}

/* Ready t, or end it now when nothing is left to offer. */
static void
track_start(struct scan *s, struct track *t)
{
	if (t->offer.n > 0)
		track_ready(s, t);
	else
		track_done(s, t);
}

static void
phase2(struct scan *s, struct endpoint *ep)
{
	struct track *t;
	int vi, lv = -1;
	size_t i;

	for (vi = 0; vi < NVERSIONS; vi++) {
		struct verres *vr = &ep->ver[vi];

		if (vr->suites.n >= 2 && (t = track_new(s, ep, TR_ORDER,
		    vi)) != NULL) {
			/* Reversed: a server that follows us now differs. */
			for (i = vr->suites.n; i-- > 0;)
				if (u16_push(&t->offer, vr->suites.v[i]) == -1)
					s->oom = 1;
			track_ready(s, t);
		}
		if (vi < VI_TLS13 && vr->suites.n > 0)
			lv = vi;
	}
	if (ep->ver[VI_TLS13].suites.n > 0 &&
	    (t = track_new(s, ep, TR_GROUPS13, VI_TLS13)) != NULL) {
		if (u16_copy(&t->suites, &ep->ver[VI_TLS13].suites) == -1 ||
		    u16_copy(&t->offer, &s->all_groups) == -1)
			s->oom = 1;
		offer_unseen(t, &ep->groups);
		track_start(s, t);
	}
	if (ep->ver[VI_TLS13].suites.n > 0 &&
	    (t = track_new(s, ep, TR_SIGALGS13, VI_TLS13)) != NULL) {
		for (i = 0; i < sizeof(tls13_sigalgs) / sizeof(tls13_sigalgs[0]);
		    i++) {
			uint16_t id = sigalg_id(s, tls13_sigalgs[i]);

			if (id != 0 && u16_push(&t->offer, id) == -1)
				s->oom = 1;
		}
		offer_unseen(t, &ep->sigalgs);
		track_start(s, t);
	}
	if (lv < 0)
		return;
	{
		const struct u16list *acc = &ep->ver[lv].suites;
		/*
		 * ECDHE groups twice when the server takes both: behind an
		 * ECDSA certificate, whose curve the offer keeps, and behind
		 * the others. A server that prefers that curve would always
		 * pick it again, hiding what its RSA suites take.
		 */
		struct track *ec[2] = { NULL, NULL }, *dh = NULL, *sa = NULL;
		int k;

		for (i = 0; i < acc->n; i++) {
			const struct tls_suite *su = suite_of(s, acc->v[i]);

			if (kex_is(su, "ECDHE_")) {
				k = kex_is(su, "ECDHE_ECDSA");
				if (ec[k] == NULL)
					ec[k] = track_new(s, ep, TR_GROUPS12,
					    lv);
				if (ec[k] != NULL && u16_push(&ec[k]->suites,
				    acc->v[i]) == -1)
					s->oom = 1;
			}
			if (kex_is(su, "DHE_")) {
				if (dh == NULL)
					dh = track_new(s, ep, TR_DH12, lv);
				if (dh != NULL && u16_push(&dh->suites,
				    acc->v[i]) == -1)
					s->oom = 1;
			}
			if (lv == VI_TLS12 && kex_signed(su)) {
				if (sa == NULL)
					sa = track_new(s, ep, TR_SIGALGS12, lv);
				if (sa != NULL && u16_push(&sa->suites,
				    acc->v[i]) == -1)
					s->oom = 1;
			}
		}
		for (k = 0; k < 2; k++) {
			if (ec[k] == NULL)
				continue;
			if (u16_copy(&ec[k]->offer, &s->all_groups) == -1)
				s->oom = 1;
			/*
			 * Not seeded with groups already seen: which one is
			 * the certificate's curve, to be kept, is learned
			 * from this track's first answer.
			 */
			track_ready(s, ec[k]);
		}
		if (dh != NULL) {
			if (u16_copy(&dh->offer, &s->all_groups) == -1)
				s->oom = 1;
			track_ready(s, dh);
		}
		if (sa != NULL) {
			if (u16_copy(&sa->offer, &s->all_sigalgs) == -1)
				s->oom = 1;
			offer_unseen(sa, &ep->sigalgs);
			track_start(s, sa);
		}
	}
}

/*
 * The TLS group of the curve of a certificate's EC key (DER), or 0 when
 * the key is not on a named curve the registry knows.
 */
static uint16_t
cert_curve(const struct scan *s, const uint8_t *der, size_t len)
{
	const unsigned char *p = der;
	X509 *x = d2i_X509(NULL, &p, (long)len);
	EVP_PKEY *pk = x != NULL ? X509_get0_pubkey(x) : NULL;
	const struct tls_named *g = NULL;
	char name[64];
	size_t n;

	if (pk != NULL && EVP_PKEY_is_a(pk, "EC") &&
	    EVP_PKEY_get_utf8_string_param(pk, OSSL_PKEY_PARAM_GROUP_NAME,
	    name, sizeof(name), &n) == 1) {
		/* OpenSSL says X9.62 "prime256v1"; the registry, SEC 2. */
		if (strcmp(name, "prime256v1") == 0)
			g = named_by_name(s->reg.groups, s->reg.ngroups,
			    "secp256r1");
		else if (strcmp(name, "prime192v1") == 0)
			g = named_by_name(s->reg.groups, s->reg.ngroups,
			    "secp192r1");
		else
			g = named_by_name(s->reg.groups, s->reg.ngroups, name);
	}
	X509_free(x);
	return g != NULL ? g->id : 0;
}

/* The hello for the track's next probe. */
static int
track_hello(struct scan *s, struct track *t, struct buf *out)
{
	struct tls_hello_spec h;

	memset(&h, 0, sizeof(h));
	h.version = versions[t->vi];
	h.sni = t->ep->sni;
	h.groups = s->all_groups.v;
	h.ngroups = s->all_groups.n;
	h.sigalgs = s->all_sigalgs.v;
	h.nsigalgs = s->all_sigalgs.n;
	switch (t->kind) {
	case TR_SUITES:
	case TR_ORDER:
		h.suites = t->offer.v;
		h.nsuites = t->offer.n;
		break;
	case TR_GROUPS13:
	case TR_GROUPS12:
	case TR_DH12:
		h.suites = t->suites.v;
		h.nsuites = t->suites.n;
		h.groups = t->offer.v;
		h.ngroups = t->offer.n;
		if (t->keep != 0 && !u16_has(&t->offer, t->keep)) {
			t->hello_groups.n = 0;
			if (u16_copy(&t->hello_groups, &t->offer) == -1 ||
			    u16_push(&t->hello_groups, t->keep) == -1)
				return -1;
			h.groups = t->hello_groups.v;
			h.ngroups = t->hello_groups.n;
		}
		break;
	case TR_SIGALGS12:
		h.suites = t->suites.v;
		h.nsuites = t->suites.n;
		h.sigalgs = t->offer.v;
		h.nsigalgs = t->offer.n;
		break;
	case TR_SSL2:
		return tls_sslv2_hello_build(out);
	case TR_SIGALGS13:
	case TR_CERT:
		return 0;
	}
	return tls_hello_build(&h, out);
}

/*
 * The name of a finite-field group by its prime: one of the safe-prime
 * groups OpenSSL knows (RFC 7919 ffdhe, RFC 3526 MODP), or
 * "dh-custom-BITS".
 */
static void
dh_group_name(const uint8_t *p, size_t n, int bits, char *out, size_t len)
{
	static const char *const named[] = {
		"ffdhe2048", "ffdhe3072", "ffdhe4096", "ffdhe6144",
		"ffdhe8192", "modp_2048", "modp_3072", "modp_4096",
		"modp_6144", "modp_8192",
	};
	BIGNUM *seen = BN_bin2bn(p, (int)n, NULL);
	size_t i;

	snprintf(out, len, "dh-custom-%d", bits);
	for (i = 0; seen != NULL && i < sizeof(named) / sizeof(named[0]);
	    i++) {
		EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_from_name(NULL, "DH", NULL);
		EVP_PKEY *pk = NULL;
		BIGNUM *q = NULL;
		OSSL_PARAM params[2];
		int same = 0;

		params[0] = OSSL_PARAM_construct_utf8_string(
		    OSSL_PKEY_PARAM_GROUP_NAME, (char *)named[i], 0);
		params[1] = OSSL_PARAM_construct_end();
		if (c != NULL && EVP_PKEY_paramgen_init(c) == 1 &&
		    EVP_PKEY_CTX_set_params(c, params) == 1 &&
		    EVP_PKEY_paramgen(c, &pk) == 1 &&
		    EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_FFC_P, &q) == 1)
			same = BN_cmp(seen, q) == 0;
		BN_free(q);
		EVP_PKEY_free(pk);
		EVP_PKEY_CTX_free(c);
		if (same) {
			snprintf(out, len, "%s", named[i]);
			break;
		}
	}
	BN_free(seen);
}

/* Note what a version's first probe got; later probes say no more. */
static void
note_outcome(struct verres *vr, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
note_outcome(struct verres *vr, const char *fmt, ...)
{
	va_list ap;

	if (vr->outcome[0] != '\0')
		return;
	va_start(ap, fmt);
	vsnprintf(vr->outcome, sizeof(vr->outcome), fmt, ap);
	va_end(ap);
}

/* Why a probe got no ServerHello, as a phrase. */
static void
describe(const struct tls_reply *rep, enum fail f, const char *why,
    char *out, size_t len)
{
	if (f != FAIL_NONE)
		snprintf(out, len, "%s", why);
	else if (rep->kind == TLS_REPLY_ALERT) {
		const char *a = tls_alert_name(rep->alert);

		if (a != NULL)
			snprintf(out, len, "alert %s", a);
		else
			snprintf(out, len, "alert %u", rep->alert);
	} else
		snprintf(out, len, "no answer");
}

/* What a track enumerates, for an evidence gap. */
static const char *
track_what(enum track_kind k)
{
	switch (k) {
	case TR_SUITES:
		return "cipher suites";
	case TR_ORDER:
		return "server order";
	case TR_GROUPS13:
	case TR_GROUPS12:
		return "groups";
	case TR_DH12:
		return "DH groups";
	case TR_SIGALGS12:
	case TR_SIGALGS13:
		return "signature algorithms";
	default:
		return "probe";
	}
}

/*
 * A probe of t timed out: what t had found so far may be short. Noted
 * once per track kind and version; an endpoint timeout says it already.
 */
static void
note_gap(struct endpoint *ep, const struct track *t, const char *why)
{
	char gap[160];
	int i;

	if (ep->timed_out)
		return;
	snprintf(gap, sizeof(gap), "%s %s not fully enumerated: %s",
	    t->kind == TR_SSL2 ? "SSLv2" : tls_version_name(versions[t->vi]),
	    track_what(t->kind), why);
	for (i = 0; i < ep->ngaps; i++)
		if (strncmp(ep->gaps[i], gap, strcspn(gap, ":")) == 0)
			return;
	if (ep->ngaps < (int)(sizeof(ep->gaps) / sizeof(ep->gaps[0])))
		snprintf(ep->gaps[ep->ngaps++], sizeof(ep->gaps[0]), "%s",
		    gap);
}

/*
 * Did the probe of t that ended with f get the server's answer? A reply
 * (which may be "no": an alert, a ServerHello choosing something else),
 * or a connection closed or reset every time it was tried alone.
 */
static int
answered(const struct track *t, enum fail f)
{
	return f == FAIL_NONE || f == FAIL_ALERT || ((f == FAIL_CLOSED ||
	    f == FAIL_CUT) && t->retries >= RETRIES_MAX);
}

/*
 * A probe of track t ended: rep is the server's reply when f is
 * FAIL_NONE. Decide what the track does next.
 */
static void
track_result(struct scan *s, struct track *t, const struct tls_reply *rep,
    enum fail f, const char *why)
{
	struct endpoint *ep = t->ep;
	struct verres *vr = &ep->ver[t->vi];
	uint16_t want = versions[t->vi];
	int hello = f == FAIL_NONE && (rep->kind == TLS_REPLY_HELLO ||
	    rep->kind == TLS_REPLY_HRR);
	char tmp[48], text[200];
	struct tls_ske ske;

	if (f == FAIL_NONE)
		ep->tls_seen = 1;
	else if (ep->first_failure[0] == '\0')
		snprintf(ep->first_failure, sizeof(ep->first_failure), "%s",
		    why);
	/*
	 * Only an answer may end a list. A version's first probe that times
	 * out or gets no TLS is that version's outcome (the endpoint's error
	 * says more), unless no connection could be made at all.
	 */
	if (!answered(t, f) && (t->kind != TR_SUITES || vr->suites.n > 0 ||
	    f == FAIL_REFUSED || f == FAIL_LOCAL || f == FAIL_CLOSED ||
	    f == FAIL_CUT))
		note_gap(ep, t, why);
	if (!hello || rep->version != want) {
		if (t->kind == TR_SUITES && vr->suites.n == 0) {
			if (hello)
				note_outcome(vr, "server answered with "
				    "%s", tls_version_name(rep->version) ?
				    tls_version_name(rep->version) : "another "
				    "version");
			else {
				describe(rep, f, why, text, sizeof(text));
				note_outcome(vr, "%s", text);
			}
		}
		track_done(s, t);
		return;
	}

	switch (t->kind) {
	case TR_SUITES:
		if (!u16_has(&t->offer, rep->suite)) {
			note_outcome(vr, "server chose suite 0x%04X, which "
			    "was not offered", rep->suite);
			break;
		}
		note_outcome(vr, "accepted");
		if (u16_push(&vr->suites, rep->suite) == -1)
			s->oom = 1;
		/* A TLS 1.3 server names the group it takes, too. */
		if (rep->group != 0 && u16_has(&s->all_groups, rep->group) &&
		    seen_add(&ep->groups, rep->group, name_or_unknown(
		    tls_group_by_id(&s->reg, rep->group), rep->group, tmp,
		    sizeof(tmp)), t->vi, 0) == -1)
			s->oom = 1;
		u16_remove(&t->offer, rep->suite);
		vr->reneg |= rep->renegotiation_info;
		vr->ems |= rep->extended_master_secret;
		vr->etm |= rep->encrypt_then_mac;
		vr->compression |= rep->compression != 0;
		if (t->offer.n > 0) {
			track_ready(s, t);
			return;
		}
		break;
	case TR_ORDER:
		/* The first suite picked is the server's favourite only if
		 * it still wins when offered last. */
		vr->server_order = rep->suite == vr->suites.v[0];
		break;
	case TR_GROUPS13:
		if (rep->group == 0 || !u16_has(&t->offer, rep->group))
			break;
		if (seen_add(&ep->groups, rep->group, name_or_unknown(
		    tls_group_by_id(&s->reg, rep->group), rep->group, tmp,
		    sizeof(tmp)), t->vi, 0) == -1)
			s->oom = 1;
		u16_remove(&t->offer, rep->group);
		if (t->offer.n > 0) {
			track_ready(s, t);
			return;
		}
		break;
	case TR_GROUPS12:
	case TR_DH12:
	case TR_SIGALGS12: {
		const struct tls_suite *su = suite_of(s, rep->suite);
		int ecdhe = kex_is(su, "ECDHE_");

		if (!rep->have_ske || !u16_has(&t->suites, rep->suite) ||
		    tls_ske_parse(rep->ske, rep->ske_len, ecdhe, rep->version,
		    &ske) == -1)
			break;
		/* Every signed key exchange also names its scheme. */
		if (ske.sigalg != 0 && seen_add(&ep->sigalgs, ske.sigalg,
		    name_or_unknown(tls_sigalg_by_id(&s->reg, ske.sigalg),
		    ske.sigalg, tmp, sizeof(tmp)), t->vi, 0) == -1)
			s->oom = 1;
		if (t->kind == TR_SIGALGS12) {
			if (ske.sigalg == 0 || !u16_has(&t->offer, ske.sigalg))
				break;
			u16_remove(&t->offer, ske.sigalg);
		} else if (t->kind == TR_GROUPS12) {
			if (t->keep == 0 && kex_is(su, "ECDHE_ECDSA") &&
			    rep->cert != NULL)
				t->keep = cert_curve(s, rep->cert,
				    rep->cert_len);
			/*
			 * A group already taken out, the certificate's kept
			 * curve: nothing else is left that it would choose.
			 */
			if (ske.group == 0 || !u16_has(&t->offer, ske.group))
				break;
			if (seen_add(&ep->groups, ske.group, name_or_unknown(
			    tls_group_by_id(&s->reg, ske.group), ske.group, tmp,
			    sizeof(tmp)), t->vi, 0) == -1)
				s->oom = 1;
			u16_remove(&t->offer, ske.group);
		} else {
			const struct tls_named *g;
			char name[48];

			if (ske.dh_bits == 0)
				break;
			dh_group_name(ske.dh_p, ske.dh_plen, ske.dh_bits, name,
			    sizeof(name));
			g = named_by_name(s->reg.groups, s->reg.ngroups, name);
			if (seen_add(&ep->groups, g != NULL ? g->id : 0, name,
			    t->vi, ske.dh_bits) == -1)
				s->oom = 1;
			/*
			 * RFC 7919 servers pick from the offer: take the
			 * group away and ask again. Others send the same
			 * parameters whatever is offered; stop there.
			 */
			if (g == NULL || !u16_has(&t->offer, g->id))
				break;
			u16_remove(&t->offer, g->id);
		}
		if (t->offer.n > 0) {
			track_ready(s, t);
			return;
		}
		break;
	}
	case TR_SSL2:
	case TR_SIGALGS13:
	case TR_CERT:
		break;
	}
	track_done(s, t);
}

/* --- probes ----------------------------------------------------------- */

static void
probe_free(struct probe *p)
{
	if (p->fd != -1)
		close(p->fd);
	SSL_free(p->ssl);
	buf_release(&p->out);
	buf_release(&p->line);
	buf_release(&p->v2);
	tls_reader_release(&p->rd);
	free(p);
}

static void
probe_unlink(struct scan *s, struct probe *p)
{
	struct probe **pp;

	for (pp = &s->probes; *pp != NULL; pp = &(*pp)->next)
		if (*pp == p) {
			*pp = p->next;
			s->nprobes--;
			p->tr->ep->inflight--;
			if (p->tr->retries > 0)
				p->tr->ep->solo = 0;
			return;
		}
}

/* End a probe: tell its track, then free it. */
static void
probe_end(struct scan *s, struct probe *p, enum fail f, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
probe_end(struct scan *s, struct probe *p, enum fail f, const char *fmt, ...)
{
	struct track *t = p->tr;
	struct endpoint *ep = t->ep;
	char why[200] = "";
	va_list ap;

	if (fmt != NULL) {
		va_start(ap, fmt);
		vsnprintf(why, sizeof(why), fmt, ap);
		va_end(ap);
	}
	probe_unlink(s, p);
	if ((f == FAIL_REFUSED || f == FAIL_CLOSED || f == FAIL_CUT) &&
	    track_retry(s, t)) {
		probe_free(p);
		return;
	}
	if (t->kind == TR_SSL2) {
		if (!answered(t, f) && (f == FAIL_REFUSED || f == FAIL_LOCAL ||
		    f == FAIL_CLOSED || f == FAIL_CUT))
			note_gap(ep, t, why);
		/* Only an SSL 2.0 SERVER-HELLO counts as an answer here. */
		if (f == FAIL_NONE && ep->v2.spoken)
			ep->tls_seen = 1;
		if (f != FAIL_NONE || ep->v2.spoken)
			snprintf(ep->v2.outcome, sizeof(ep->v2.outcome), "%s",
			    f != FAIL_NONE ? why : "accepted");
		track_done(s, t);
	} else if (t->kind == TR_SIGALGS13) {
		if (!answered(t, f))
			note_gap(ep, t, why);
		/* Take away the scheme the server used, and ask again. */
		if (f == FAIL_NONE && !ep->timed_out &&
		    u16_has(&t->offer, p->ssl_sigalg)) {
			u16_remove(&t->offer, p->ssl_sigalg);
			if (t->offer.n > 0)
				track_ready(s, t);
			else
				track_done(s, t);
		} else
			track_done(s, t);
	} else if (t->kind == TR_CERT) {
		/* The raw probes explain a broken server better. */
		if (f != FAIL_NONE)
			snprintf(ep->cert_error, sizeof(ep->cert_error), "%s",
			    why);
		track_done(s, t);
	} else if (ep->timed_out)
		track_done(s, t);
	else
		track_result(s, t, &p->rd.reply, f, why);
	/* A new probe of the track starts with retries of its own. */
	if (f == FAIL_NONE || f == FAIL_ALERT)
		t->retries = 0;
	probe_free(p);
}

static int
probe_start(struct scan *s, struct track *t, int64_t now)
{
	struct endpoint *ep = t->ep;
	struct probe *p;

	if ((p = calloc(1, sizeof(*p))) == NULL) {
		s->oom = 1;
		return -1;
	}
	p->tr = t;
	p->fd = -1;
	buf_init(&p->out, 64 * 1024);
	buf_init(&p->line, SMTP_LINE_MAX);
	buf_init(&p->v2, TLS_RECORD_MAX);
	tls_reader_init(&p->rd, t->kind == TR_GROUPS12 || t->kind == TR_DH12 ||
	    t->kind == TR_SIGALGS12);
	/* An endpoint's time runs from its first connection. */
	if (ep->deadline == 0)
		ep->deadline = now + s->o->endpoint_timeout_ms;
	p->deadline = now + s->o->timeout_ms;
	if (p->deadline > ep->deadline)
		p->deadline = ep->deadline;
	p->next = s->probes;
	s->probes = p;
	s->nprobes++;
	ep->connections++;
	ep->inflight++;

	p->fd = socket(ep->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (p->fd == -1) {
		probe_end(s, p, FAIL_LOCAL, "cannot open a socket: %s",
		    strerror(errno));
		return 0;
	}
	if (connect(p->fd, (struct sockaddr *)&ep->addr, ep->addrlen) == -1 &&
	    errno != EINPROGRESS) {
		probe_end(s, p, errno == ECONNREFUSED ? FAIL_REFUSED :
		    FAIL_LOCAL, "cannot connect: %s", strerror(errno));
		return 0;
	}
	p->state = P_CONNECT;
	return 0;
}

/* Make ssl a TLS 1.3 client that offers just the schemes in offer. */
static int
tls13_only(const struct scan *s, SSL *ssl, const struct u16list *offer)
{
	char list[512];
	size_t i, off = 0;

	list[0] = '\0';
	for (i = 0; i < offer->n; i++) {
		const struct tls_named *n = tls_sigalg_by_id(&s->reg,
		    offer->v[i]);
		int w;

		if (n == NULL)
			continue;
		w = snprintf(list + off, sizeof(list) - off, "%s%s",
		    off > 0 ? ":" : "", n->name);
		if (w < 0 || (size_t)w >= sizeof(list) - off)
			return -1;
		off += (size_t)w;
	}
	return SSL_set_min_proto_version(ssl, TLS1_3_VERSION) == 1 &&
	    SSL_set_max_proto_version(ssl, TLS1_3_VERSION) == 1 &&
	    SSL_set1_sigalgs_list(ssl, list) == 1 ? 0 : -1;
}

/* Connected (and past STARTTLS): send the hello or start OpenSSL. */
static void
probe_begin_tls(struct scan *s, struct probe *p)
{
	struct endpoint *ep = p->tr->ep;

	if (p->tr->kind != TR_CERT && p->tr->kind != TR_SIGALGS13) {
		buf_reset(&p->out);
		p->out_off = 0;
		if (track_hello(s, p->tr, &p->out) == -1) {
			probe_end(s, p, FAIL_LOCAL, "cannot build a ClientHello");
			return;
		}
		p->state = P_RAW;
		return;
	}
	p->state = P_SSL;
	p->ssl_events = POLLOUT;
	if ((p->ssl = SSL_new(s->ctx)) == NULL ||
	    SSL_set_fd(p->ssl, p->fd) != 1 ||
	    tls_cert_prepare(p->ssl, ep->sni, ep->host,
	    &p->client_cert_asked) == -1) {
		probe_end(s, p, FAIL_LOCAL, "cannot set up OpenSSL: %s",
		    ERR_reason_error_string(ERR_get_error()));
		return;
	}
	if (p->tr->kind == TR_SIGALGS13 && tls13_only(s, p->ssl,
	    &p->tr->offer) == -1) {
		probe_end(s, p, FAIL_LOCAL, "cannot offer TLS 1.3 signature "
		    "schemes to OpenSSL");
		return;
	}
	SSL_set_connect_state(p->ssl);
}

/* Write what is pending in p->out. Returns 1 when all is written. */
static int
probe_flush(struct scan *s, struct probe *p)
{
	while (p->out_off < p->out.len) {
		ssize_t n = send(p->fd, p->out.data + p->out_off,
		    p->out.len - p->out_off, MSG_NOSIGNAL);

		if (n == -1 && (errno == EAGAIN || errno == EINTR))
			return 0;
		if (n == -1 && (errno == ECONNRESET || errno == EPIPE)) {
			probe_end(s, p, FAIL_CLOSED, "connection reset without "
			    "an answer");
			return -1;
		}
		if (n == -1) {
			probe_end(s, p, FAIL_LOCAL, "cannot send: %s",
			    strerror(errno));
			return -1;
		}
		p->out_off += (size_t)n;
	}
	return 1;
}

/*
 * SMTP: read until a whole reply is in p->line. Returns the reply code
 * when one is complete, 0 when more is needed, -1 when the probe ended.
 */
static int
smtp_reply(struct scan *s, struct probe *p)
{
	char chunk[1024];
	ssize_t n;

	for (;;) {
		const char *text = buf_str(&p->line), *last = text, *nl;
		size_t len;

		/*
		 * A reply is complete when its last line is "NNN text" (a
		 * space, not the '-' of a continuation) and ends in a newline.
		 */
		while ((nl = strchr(last, '\n')) != NULL && nl[1] != '\0')
			last = nl + 1;
		if (nl != NULL) {
			len = (size_t)(nl - last);
			if (len > 0 && last[len - 1] == '\r')
				len--;
			if (len < 3 || last[0] < '2' || last[0] > '5' ||
			    (len > 3 && last[3] != ' ' && last[3] != '-')) {
				probe_end(s, p, FAIL_SMTP, "not SMTP: the "
				    "server sent \"%.*s\"", (int)(len < 40 ?
				    len : 40), last);
				return -1;
			}
			if (len == 3 || last[3] == ' ')
				return atoi(last);
		}
		n = recv(p->fd, chunk, sizeof(chunk), 0);
		if (n == -1 && (errno == EAGAIN || errno == EINTR))
			return 0;
		if (n <= 0) {
			probe_end(s, p, FAIL_SMTP, "SMTP server closed the "
			    "connection%s", n == 0 ? "" : " (reset)");
			return -1;
		}
		if (memchr(chunk, '\0', (size_t)n) != NULL ||
		    buf_append(&p->line, chunk, (size_t)n) == -1) {
			probe_end(s, p, FAIL_SMTP, "not SMTP: reply too long "
			    "or binary");
			return -1;
		}
	}
}

static void
smtp_step(struct scan *s, struct probe *p)
{
	static const char ehlo[] = "EHLO fipsev.invalid\r\n";
	static const char starttls[] = "STARTTLS\r\n";
	int code, r;

	if ((r = probe_flush(s, p)) != 1)
		return;
	if ((code = smtp_reply(s, p)) <= 0)
		return;
	switch (p->smtp_stage) {
	case 0:
		if (code != 220) {
			probe_end(s, p, FAIL_SMTP, "SMTP greeting %d, not 220",
			    code);
			return;
		}
		buf_reset(&p->line);
		buf_reset(&p->out);
		p->out_off = 0;
		if (buf_puts(&p->out, ehlo) == -1)
			s->oom = 1;
		p->smtp_stage = 1;
		break;
	case 1:
		if (code != 250 || strcasestr(buf_str(&p->line),
		    "STARTTLS") == NULL) {
			probe_end(s, p, FAIL_SMTP, "SMTP server does not offer "
			    "STARTTLS");
			return;
		}
		buf_reset(&p->line);
		buf_reset(&p->out);
		p->out_off = 0;
		if (buf_puts(&p->out, starttls) == -1)
			s->oom = 1;
		p->smtp_stage = 2;
		break;
	default:
		if (code != 220) {
			probe_end(s, p, FAIL_SMTP, "SMTP STARTTLS refused "
			    "(%d)", code);
			return;
		}
		probe_begin_tls(s, p);
		return;
	}
	probe_flush(s, p);
}

/*
 * A first answer that is a line of text, not a TLS record: what speaks
 * there (an HTTP server answers a ClientHello with "HTTP/1.1 400"). Only
 * the line is kept, printable bytes only; nothing is sent to learn more.
 */
static void
note_plaintext(struct endpoint *ep, const uint8_t *p, size_t n)
{
	size_t i, len = 0;

	if (ep->plain_kind != NULL)
		return;
	for (i = 0; i < n && p[i] != '\r' && p[i] != '\n'; i++)
		if (p[i] < 0x20 || p[i] > 0x7e || p[i] == '"' || p[i] == '\\')
			return;		/* not text */
	if (i < 4)
		return;
	len = i < sizeof(ep->plain_line) - 1 ? i : sizeof(ep->plain_line) - 1;
	memcpy(ep->plain_line, p, len);
	ep->plain_line[len] = '\0';
	if (strncmp(ep->plain_line, "HTTP/", 5) == 0)
		ep->plain_kind = "HTTP";
	else if (strncmp(ep->plain_line, "SSH-", 4) == 0)
		ep->plain_kind = "SSH";
	else if (strspn(ep->plain_line, "0123456789") == 3 &&
	    (ep->plain_line[3] == ' ' || ep->plain_line[3] == '-'))
		ep->plain_kind = "a line-based protocol (SMTP, FTP...)";
	else
		ep->plain_kind = "text";
}

static void
raw_step(struct scan *s, struct probe *p)
{
	uint8_t chunk[4096];
	ssize_t n;

	if (probe_flush(s, p) != 1)
		return;
	for (;;) {
		enum tls_reply_kind k;

		n = recv(p->fd, chunk, sizeof(chunk), 0);
		if (n == -1 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n == 0 || n == -1) {
			int reset = n == -1 && errno == ECONNRESET;

			if (n == -1 && !reset) {
				probe_end(s, p, FAIL_LOCAL, "cannot receive: "
				    "%s", strerror(errno));
				return;
			}
			if (p->rd.total == 0)
				probe_end(s, p, FAIL_CLOSED, "%s without an "
				    "answer", reset ? "connection reset" :
				    "connection closed");
			else
				probe_end(s, p, FAIL_CUT, "%s mid-record after "
				    "%zu bytes", reset ? "connection reset" :
				    "connection closed", p->rd.total);
			return;
		}
		if (p->tr->kind == TR_SSL2) {
			struct endpoint *ep = p->tr->ep;
			char err[128] = "";

			if (buf_append(&p->v2, chunk, (size_t)n) == -1) {
				probe_end(s, p, FAIL_BAD, "SSL 2.0 answer over "
				    "%d bytes", TLS_RECORD_MAX);
				return;
			}
			p->rd.total += (size_t)n;
			k = tls_sslv2_read((const uint8_t *)p->v2.data,
			    p->v2.len, &ep->v2.reply, err, sizeof(err));
			if (k == TLS_REPLY_MORE)
				continue;
			ep->v2.spoken = k == TLS_REPLY_HELLO;
			if (k == TLS_REPLY_ALERT)
				snprintf(ep->v2.outcome, sizeof(ep->v2.outcome),
				    "%s", p->v2.data[0] & 0x80 ? "SSL 2.0 "
				    "error message" : "answered in TLS, not "
				    "SSL 2.0");
			if (k == TLS_REPLY_BAD)
				probe_end(s, p, FAIL_BAD, "%s", err);
			else
				probe_end(s, p, FAIL_NONE, NULL);
			return;
		}
		k = tls_reader_feed(&p->rd, chunk, (size_t)n);
		if (k == TLS_REPLY_BAD) {
			if (p->rd.total == (size_t)n)
				note_plaintext(p->tr->ep, chunk, (size_t)n);
			probe_end(s, p, FAIL_BAD, "%s", p->rd.reply.error);
			return;
		}
		if (k != TLS_REPLY_MORE) {
			probe_end(s, p, FAIL_NONE, NULL);
			return;
		}
	}
}

/* The certificate evidence of p's handshake; failed: why it ended. */
static void
cert_record(struct scan *s, struct probe *p, const char *failed)
{
	struct endpoint *ep = p->tr->ep;
	cJSON *findings = cJSON_CreateArray();

	cJSON_Delete(ep->cert);
	ep->cert = findings != NULL ? tls_cert_evidence(p->ssl, s->policy,
	    p->client_cert_asked, failed, findings) : NULL;
	if (ep->cert == NULL || !cJSON_AddItemToObject(ep->cert, "findings",
	    findings)) {
		cJSON_Delete(findings);
		s->oom = 1;
	}
}

static void
ssl_step(struct scan *s, struct probe *p)
{
	struct endpoint *ep = p->tr->ep;
	int r, e;
	enum fail f = FAIL_BAD;
	unsigned long err;
	char why[200];

	ERR_clear_error();	/* what is queued now is this handshake's */
	r = SSL_do_handshake(p->ssl);
	if (r == 1) {
		const char *sig = tls_cert_peer_sigalg(p->ssl);
		int nid = SSL_get_negotiated_group(p->ssl), vi;
		const char *gname = nid != 0 && nid != NID_undef ?
		    SSL_group_to_name(p->ssl, nid) : NULL;
		const struct tls_named *g = gname != NULL ? named_by_name(
		    s->reg.groups, s->reg.ngroups, gname) : NULL;

		ep->tls_seen = 1;
		/*
		 * OpenSSL names the scheme and the group; note them with
		 * the version, as any other handshake that chose them.
		 */
		p->ssl_sigalg = sig != NULL ? sigalg_id(s, sig) : 0;
		for (vi = 0; vi < NVERSIONS; vi++) {
			if (SSL_version(p->ssl) != versions[vi])
				continue;
			if (sig != NULL && seen_add(&ep->sigalgs,
			    p->ssl_sigalg, sig, vi, 0) == -1)
				s->oom = 1;
			if (g != NULL && seen_add(&ep->groups, g->id, g->name,
			    vi, 0) == -1)
				s->oom = 1;
		}
		if (p->tr->kind == TR_CERT)
			cert_record(s, p, NULL);
		probe_end(s, p, FAIL_NONE, NULL);
		return;
	}
	e = SSL_get_error(p->ssl, r);
	if (e == SSL_ERROR_WANT_READ) {
		p->ssl_events = POLLIN;
		return;
	}
	if (e == SSL_ERROR_WANT_WRITE) {
		p->ssl_events = POLLOUT;
		return;
	}
	err = ERR_get_error();
	ERR_clear_error();
	snprintf(why, sizeof(why), "OpenSSL handshake failed: %s",
	    err != 0 ? ERR_reason_error_string(err) :
	    e == SSL_ERROR_SYSCALL ? "connection closed" : "unknown error");
	/*
	 * The server's alert is its answer; a connection that just ends is
	 * none (retried); anything else is OpenSSL refusing what it got.
	 */
	if (err != 0 && ERR_GET_LIB(err) == ERR_LIB_SSL &&
	    ERR_GET_REASON(err) > SSL_AD_REASON_OFFSET &&
	    ERR_GET_REASON(err) < SSL_AD_REASON_OFFSET + 256)
		f = FAIL_ALERT;
	else if (e == SSL_ERROR_SYSCALL || e == SSL_ERROR_ZERO_RETURN ||
	    (err != 0 && ERR_GET_LIB(err) == ERR_LIB_SSL &&
	    ERR_GET_REASON(err) == SSL_R_UNEXPECTED_EOF_WHILE_READING))
		f = FAIL_CLOSED;
	/*
	 * A server that wants a client certificate (or ends the handshake
	 * for another reason late) has sent its chain by now: that is the
	 * evidence, whatever became of the handshake.
	 */
	if (p->tr->kind == TR_CERT && SSL_get_peer_cert_chain(p->ssl) != NULL &&
	    sk_X509_num(SSL_get_peer_cert_chain(p->ssl)) > 0) {
		cert_record(s, p, why);
		probe_end(s, p, FAIL_NONE, NULL);
		return;
	}
	probe_end(s, p, f, "%s", why);
}

static void
probe_event(struct scan *s, struct probe *p, short revents)
{
	if (p->state == P_CONNECT) {
		int err = 0;
		socklen_t len = sizeof(err);

		if (getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
			err = errno;
		if (err != 0) {
			probe_end(s, p, err == ECONNREFUSED ? FAIL_REFUSED :
			    FAIL_CLOSED, "cannot connect: %s", strerror(err));
			return;
		}
		if (s->o->starttls == STARTTLS_SMTP) {
			p->state = P_SMTP;
			return;
		}
		probe_begin_tls(s, p);
		if (p->state == P_RAW)
			raw_step(s, p);
		return;
	}
	(void)revents;
	switch (p->state) {
	case P_SMTP:
		smtp_step(s, p);
		break;
	case P_RAW:
		raw_step(s, p);
		break;
	case P_SSL:
		ssl_step(s, p);
		break;
	default:
		break;
	}
}

static short
probe_events(const struct probe *p)
{
	switch (p->state) {
	case P_CONNECT:
		return POLLOUT;
	case P_SSL:
		return p->ssl_events;
	default:
		return p->out_off < p->out.len ? POLLOUT : POLLIN;
	}
}

/* --- the loop --------------------------------------------------------- */

static void
endpoint_timeout(struct scan *s, struct endpoint *ep)
{
	struct probe *p, *next;
	struct track *t;

	ep->timed_out = 1;
	snprintf(ep->error, sizeof(ep->error), "scan not finished within "
	    "%d ms (the endpoint timeout); results are partial",
	    s->o->endpoint_timeout_ms);
	for (p = s->probes; p != NULL; p = next) {
		next = p->next;
		if (p->tr->ep == ep)
			probe_end(s, p, FAIL_TIMEOUT, "endpoint timed out");
	}
	for (t = ep->tracks; t != NULL; t = t->next)
		track_done(s, t);
}

static int
run(struct scan *s)
{
	struct pollfd *pfd = NULL;
	struct probe **who = NULL;
	int64_t now;
	size_t i;

	if ((pfd = calloc((size_t)s->max_conns, sizeof(*pfd))) == NULL ||
	    (who = calloc((size_t)s->max_conns, sizeof(*who))) == NULL) {
		free(pfd);
		log_errno("cannot scan");
		return -1;
	}
	s->refilled = now_ms();
	s->tokens = 1;
	for (;;) {
		double cap = s->o->rate / 20.0 > 1 ? s->o->rate / 20.0 : 1;
		int64_t wake, retry_at;
		struct probe *p, *next;
		int n = 0, timeout, r;

		if (s->oom) {
			log_err("out of memory while scanning");
			break;
		}
		now = now_ms();
		s->tokens += (double)(now - s->refilled) * s->o->rate / 1000.0;
		if (s->tokens > cap)
			s->tokens = cap;
		s->refilled = now;
		retry_at = retries_due(s, now);
		/* Start what the caps allow. */
		while (s->nready > 0 && s->nprobes < s->max_conns &&
		    s->tokens >= 1) {
			struct track *t = track_next(s);

			if (t == NULL)
				break;
			if (t->done)
				continue;
			s->tokens -= 1;
			if (probe_start(s, t, now) == -1)
				break;
		}
		progress_step(s->eps_done);
		if (s->probes == NULL && s->nready == 0 && s->delayed == NULL)
			break;
		/* Deadlines: probes, endpoints, retries, the next token. */
		wake = now + 1000;
		if (retry_at < wake)
			wake = retry_at;
		for (p = s->probes; p != NULL; p = p->next)
			if (p->deadline < wake)
				wake = p->deadline;
		for (i = 0; s->delayed != NULL && i < s->neps; i++)
			if (s->eps[i].deadline != 0 && s->eps[i].tracks_left >
			    0 && !s->eps[i].timed_out &&
			    s->eps[i].deadline < wake)
				wake = s->eps[i].deadline;
		if (s->nready > 0 && s->tokens < 1) {
			int64_t t = now + 1 + (int64_t)((1 - s->tokens) *
			    1000.0 / s->o->rate);

			if (t < wake)
				wake = t;
		}
		for (p = s->probes; p != NULL && n < s->max_conns; p = p->next) {
			pfd[n].fd = p->fd;
			pfd[n].events = probe_events(p);
			pfd[n].revents = 0;
			who[n++] = p;
		}
		timeout = wake > now ? (int)(wake - now) : 0;
		r = poll(pfd, (nfds_t)n, timeout);
		if (r == -1 && errno != EINTR) {
			log_errno("poll");
			break;
		}
		for (i = 0; r > 0 && i < (size_t)n; i++)
			if (pfd[i].revents != 0)
				probe_event(s, who[i], pfd[i].revents);
		/* Anything past its deadline ends now. */
		now = now_ms();
		for (p = s->probes; p != NULL; p = next) {
			next = p->next;
			if (p->deadline > now)
				continue;
			if (p->tr->ep->deadline <= now &&
			    !p->tr->ep->timed_out) {
				endpoint_timeout(s, p->tr->ep);
				next = s->probes;	/* list changed */
				continue;
			}
			if (p->state == P_CONNECT)
				probe_end(s, p, FAIL_TIMEOUT, "no connection "
				    "within %d ms", s->o->timeout_ms);
			else if (p->rd.total > 0)
				probe_end(s, p, FAIL_TIMEOUT, "answer "
				    "incomplete after %d ms (%zu bytes)",
				    s->o->timeout_ms, p->rd.total);
			else
				probe_end(s, p, FAIL_TIMEOUT, "no answer within "
				    "%d ms", s->o->timeout_ms);
			next = s->probes;	/* the list changed */
		}
		/* An endpoint past its deadline with probes still queued. */
		for (i = 0; i < s->neps; i++) {
			struct endpoint *ep = &s->eps[i];

			if (ep->tracks_left > 0 && !ep->timed_out &&
			    ep->deadline != 0 && ep->deadline <= now)
				endpoint_timeout(s, ep);
		}
	}
	free(pfd);
	free(who);
	return s->oom ? -1 : 0;
}

/* --- results ---------------------------------------------------------- */

/*
 * Gaps only the whole scan shows: a TLS 1.3 server signs every handshake,
 * so TLS 1.3 suites with no TLS 1.3 scheme seen mean no handshake of
 * fipsev's finished (a suite or key OpenSSL cannot use).
 */
static void
final_gaps(struct endpoint *ep)
{
	struct track t;
	size_t i;

	if (ep->ver[VI_TLS13].suites.n == 0)
		return;
	for (i = 0; i < ep->sigalgs.n; i++)
		if (ep->sigalgs.v[i].vmask & 1u << VI_TLS13)
			return;
	memset(&t, 0, sizeof(t));
	t.kind = TR_SIGALGS13;
	t.vi = VI_TLS13;
	note_gap(ep, &t, ep->cert_error[0] != '\0' ? ep->cert_error :
	    "no TLS 1.3 handshake completed");
}

static int
add_finding(cJSON *findings, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
add_finding(cJSON *findings, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return json_array_add_str(findings, msg);
}

static void
verdict_finding(cJSON *findings, const char *what,
    const struct fips_verdict *v)
{
	add_finding(findings, "%s: %s (%s%s%s)", what,
	    fips_status_name(v->status), v->reason,
	    v->reference[0] != '\0' ? "; " : "", v->reference);
}

static cJSON *
versions_json(unsigned vmask)
{
	cJSON *arr = cJSON_CreateArray();
	int vi;

	for (vi = 0; arr != NULL && vi < NVERSIONS; vi++)
		if (vmask & (1u << vi) &&
		    json_array_add_str(arr, tls_version_name(versions[vi])))
			return cJSON_Delete(arr), NULL;
	return arr;
}

/* By code point, named-only entries (custom DH) last by name. */
static int
cmp_seen(const void *a, const void *b)
{
	const struct seen *x = a, *y = b;

	if ((x->id == 0) != (y->id == 0))
		return x->id == 0 ? 1 : -1;
	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int
seen_json(const struct scan *s, cJSON *ep_json, const char *name,
    const char *kind, const struct seenlist *l, cJSON *findings)
{
	cJSON *arr = cJSON_AddArrayToObject(ep_json, name);
	size_t i;

	if (arr == NULL)
		return -1;
	for (i = 0; i < l->n; i++) {
		const struct seen *e = &l->v[i];
		cJSON *o = cJSON_CreateObject(), *vs;
		struct fips_verdict v;
		char id[8], what[128];

		if (o == NULL)
			return -1;
		cJSON_AddItemToArray(arr, o);
		fips_classify(s->policy, kind, e->name, &v);
		snprintf(id, sizeof(id), "0x%04X", e->id);
		if (json_add_str(o, "name", e->name) ||
		    json_add_str(o, "id", e->id != 0 ? id : NULL) ||
		    (e->bits > 0 && cJSON_AddNumberToObject(o, "bits",
		    e->bits) == NULL) ||
		    (vs = versions_json(e->vmask)) == NULL)
			return -1;
		cJSON_AddItemToObject(o, "protocols", vs);
		if (fips_verdict_json(o, &v) == -1)
			return -1;
		if (v.status != FIPS_APPROVED) {
			snprintf(what, sizeof(what), "%s %s accepted", kind,
			    e->name);
			verdict_finding(findings, what, &v);
		}
	}
	return 0;
}

static int
feature(const struct scan *s, cJSON *findings, const char *name)
{
	struct fips_verdict v;

	fips_classify(s->policy, "feature", name, &v);
	if (v.status != FIPS_APPROVED)
		verdict_finding(findings, name, &v);
	return 0;
}

/* SSL 2.0: its probe outcome, and if spoken, the protocol and kinds. */
static int
sslv2_json(const struct scan *s, const struct endpoint *ep, cJSON *protos,
    cJSON *details, cJSON *ciphers, cJSON *probes, cJSON *findings)
{
	struct fips_verdict v;
	cJSON *d;
	size_t i;

	if (json_add_str(probes, "SSLv2", ep->v2.outcome[0] != '\0' ?
	    ep->v2.outcome : NULL))
		return -1;
	if (!ep->v2.spoken)
		return 0;
	fips_classify(s->policy, "protocol", "SSLv2", &v);
	if (json_array_add_str(protos, "SSLv2") ||
	    (d = cJSON_CreateObject()) == NULL)
		return -1;
	cJSON_AddItemToArray(details, d);
	if (json_add_str(d, "protocol", "SSLv2") ||
	    fips_verdict_json(d, &v) == -1)
		return -1;
	verdict_finding(findings, "SSLv2 accepted", &v);
	for (i = 0; i < ep->v2.reply.nkinds; i++) {
		uint32_t kind = ep->v2.reply.kinds[i];
		const char *name = tls_sslv2_kind_name(kind);
		char id[12], unknown[32], what[96];
		cJSON *c;

		snprintf(id, sizeof(id), "0x%06X", kind);
		snprintf(unknown, sizeof(unknown), "unknown-%s", id);
		fips_classify(s->policy, "suite", name != NULL ? name :
		    unknown, &v);
		if ((c = cJSON_CreateObject()) == NULL)
			return -1;
		cJSON_AddItemToArray(ciphers, c);
		if (json_add_str(c, "protocol", "SSLv2") ||
		    json_add_str(c, "iana_name", name != NULL ? name :
		    unknown) || json_add_str(c, "id", id) ||
		    fips_verdict_json(c, &v) == -1)
			return -1;
		snprintf(what, sizeof(what), "SSLv2 %s accepted",
		    name != NULL ? name : unknown);
		verdict_finding(findings, what, &v);
	}
	return 0;
}

static cJSON *
endpoint_json(const struct scan *s, const struct endpoint *ep)
{
	cJSON *o = cJSON_CreateObject(), *protos, *details, *ciphers, *order,
	    *probes, *findings, *gaps;
	int vi, legacy = 0, reneg = 1, ems = 1, compression = 0;
	struct fips_verdict v;
	size_t i;

	if (o == NULL)
		return NULL;
	if (json_add_str(o, "target", ep->target) ||
	    json_add_str(o, "host", ep->host) ||
	    json_add_str(o, "port", ep->port) ||
	    json_add_str(o, "address", ep->addrstr[0] != '\0' ?
	    ep->addrstr : NULL) ||
	    json_add_str(o, "sni", ep->sni) ||
	    json_add_str(o, "starttls", s->o->starttls == STARTTLS_SMTP ?
	    "smtp" : NULL) ||
	    (protos = cJSON_AddArrayToObject(o, "protocols")) == NULL ||
	    (details = cJSON_AddArrayToObject(o, "protocol_details")) == NULL ||
	    (ciphers = cJSON_AddArrayToObject(o, "ciphers")) == NULL ||
	    (order = cJSON_AddObjectToObject(o, "server_order")) == NULL ||
	    (probes = cJSON_AddObjectToObject(o, "protocol_probes")) == NULL ||
	    (findings = cJSON_CreateArray()) == NULL)
		goto fail;
	if (ep->error[0] != '\0')
		add_finding(findings, "scan failed: %s", ep->error);
	if (sslv2_json(s, ep, protos, details, ciphers, probes, findings) == -1)
		goto fail;
	for (vi = 0; vi < NVERSIONS; vi++) {
		const struct verres *vr = &ep->ver[vi];
		const char *vname = tls_version_name(versions[vi]);
		cJSON *d;

		if (json_add_str(probes, vname, vr->outcome[0] != '\0' ?
		    vr->outcome : NULL))
			goto fail;
		if (vr->suites.n == 0)
			continue;
		fips_classify(s->policy, "protocol", vname, &v);
		if (json_array_add_str(protos, vname) ||
		    (d = cJSON_CreateObject()) == NULL)
			goto fail;
		cJSON_AddItemToArray(details, d);
		if (json_add_str(d, "protocol", vname) ||
		    fips_verdict_json(d, &v) == -1)
			goto fail;
		if (v.status != FIPS_APPROVED) {
			char what[64];

			snprintf(what, sizeof(what), "%s accepted", vname);
			verdict_finding(findings, what, &v);
		}
		if (json_add_tristate(order, vname, vr->server_order))
			goto fail;
		if (vi < VI_TLS13) {
			legacy = 1;
			reneg &= vr->reneg;
			ems &= vr->ems;
			compression |= vr->compression;
		}
		for (i = 0; i < vr->suites.n; i++) {
			const struct tls_suite *su = suite_of(s, vr->suites.v[i]);
			cJSON *c = cJSON_CreateObject();
			char id[8], unknown[40], what[160];

			if (c == NULL)
				goto fail;
			cJSON_AddItemToArray(ciphers, c);
			snprintf(id, sizeof(id), "0x%04X", vr->suites.v[i]);
			snprintf(unknown, sizeof(unknown), "unknown-%s", id);
			if (su != NULL)
				fips_classify_suite(s->policy, su, &v);
			else {
				v.status = FIPS_NOT_APPROVED;
				v.reference = "";
				v.reason = "not in the IANA registry";
			}
			if (json_add_str(c, "protocol", vname) ||
			    json_add_str(c, "iana_name", su != NULL ? su->name :
			    unknown) || json_add_str(c, "id", id) ||
			    fips_verdict_json(c, &v) == -1)
				goto fail;
			if (v.status != FIPS_APPROVED) {
				snprintf(what, sizeof(what), "%s %s accepted",
				    vname, su != NULL ? su->name : unknown);
				verdict_finding(findings, what, &v);
			}
		}
	}
	if (seen_json(s, o, "groups", "group", &ep->groups, findings) == -1 ||
	    seen_json(s, o, "sigalgs", "sigalg", &ep->sigalgs, findings) == -1)
		goto fail;
	if (json_add_tristate(o, "secure_renegotiation", legacy ? reneg : -1) ||
	    json_add_tristate(o, "extended_master_secret", legacy ? ems : -1) ||
	    json_add_tristate(o, "compression", legacy ? compression : -1))
		goto fail;
	if (legacy && compression)
		feature(s, findings, "compression");
	if (legacy && !reneg)
		feature(s, findings, "no-secure-renegotiation");
	if (legacy && !ems)
		feature(s, findings, "no-extended-master-secret");
	if (ep->cert != NULL) {
		cJSON *cert = cJSON_Duplicate(ep->cert, 1), *cf;

		if (cert == NULL)
			goto fail;
		cJSON_AddItemToObject(o, "certificate", cert);
		cf = cJSON_GetObjectItemCaseSensitive(cert, "findings");
		for (i = 0; cf != NULL && i < (size_t)cJSON_GetArraySize(cf);
		    i++)
			json_array_add_str(findings, cJSON_GetArrayItem(cf,
			    (int)i)->valuestring);
	} else {
		if (cJSON_AddNullToObject(o, "certificate") == NULL)
			goto fail;
		if (ep->error[0] == '\0' && ep->tls_seen)
			add_finding(findings, "no certificate evidence: %s",
			    ep->cert_error[0] != '\0' ? ep->cert_error :
			    "no handshake completed");
	}
	/*
	 * Plaintext only from an endpoint that never spoke TLS: one odd
	 * answer of a TLS server (a proxy's 503) is a probe's failure.
	 */
	if (ep->plain_kind != NULL && !ep->tls_seen) {
		cJSON *pl = cJSON_AddObjectToObject(o, "plaintext");

		if (pl == NULL || json_add_str(pl, "protocol", ep->plain_kind) ||
		    json_add_str(pl, "answer", ep->plain_line))
			goto fail;
		add_finding(findings, "answers in plaintext where TLS was "
		    "expected: %s (\"%s\")", ep->plain_kind, ep->plain_line);
	} else if (cJSON_AddNullToObject(o, "plaintext") == NULL)
		goto fail;
	if (ep->error[0] == '\0' && !ep->tls_seen && ep->plain_kind == NULL)
		add_finding(findings, "no TLS answer: %s",
		    ep->first_failure[0] != '\0' ? ep->first_failure :
		    ep->cert_error[0] != '\0' ? ep->cert_error : "none");
	if (cJSON_GetArraySize(protos) == 0 && ep->tls_seen)
		add_finding(findings, "the server accepted no protocol "
		    "version fipsev offered");
	if ((gaps = cJSON_AddArrayToObject(o, "incomplete")) == NULL)
		goto fail;
	for (i = 0; i < (size_t)ep->ngaps; i++) {
		if (json_array_add_str(gaps, ep->gaps[i]))
			goto fail;
		add_finding(findings, "evidence incomplete: %s", ep->gaps[i]);
	}
	if (cJSON_AddNumberToObject(o, "connections", ep->connections) == NULL)
		goto fail;
	{
		const char *err = ep->error[0] != '\0' ? ep->error :
		    ep->tls_seen ? NULL : ep->first_failure[0] != '\0' ?
		    ep->first_failure : ep->cert_error[0] != '\0' ?
		    ep->cert_error : "no answer";

		if (json_add_str(o, "error", err))
			goto fail;
	}
	if (cJSON_AddBoolToObject(o, "compliant",
	    cJSON_GetArraySize(findings) == 0) == NULL)
		goto fail;
	cJSON_AddItemToObject(o, "findings", findings);
	return o;
fail:
	cJSON_Delete(o);
	return NULL;
}

/* --- set-up ----------------------------------------------------------- */

static int
is_address(const char *s)
{
	unsigned char a[16];

	return inet_pton(AF_INET, s, a) == 1 || inet_pton(AF_INET6, s, a) == 1;
}

/*
 * A link-local or cloud metadata address (169.254.0.0/16, where
 * 169.254.169.254 answers for the node's cloud credentials; fe80::/10;
 * AWS's fd00:ec2::254), judged on the address a name resolved to.
 */
static int
link_local(const struct sockaddr_storage *ss)
{
	static const uint8_t ec2[16] = { 0xfd, 0x00, 0x0e, 0xc2, 0, 0, 0, 0,
	    0, 0, 0, 0, 0, 0, 0x02, 0x54 };

	if (ss->ss_family == AF_INET) {
		const uint8_t *a = (const uint8_t *)&((const struct sockaddr_in *)
		    ss)->sin_addr;

		return a[0] == 169 && a[1] == 254;
	}
	if (ss->ss_family == AF_INET6) {
		const uint8_t *a = ((const struct sockaddr_in6 *)ss)->
		    sin6_addr.s6_addr;

		return (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) ||
		    memcmp(a, ec2, sizeof(ec2)) == 0 ||
		    /* ::ffff:169.254.x.x */
		    (memcmp(a, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) == 0 &&
		    a[12] == 169 && a[13] == 254);
	}
	return 0;
}

/* The first address of res into ep. */
static void
take_address(struct endpoint *ep, const struct addrinfo *res)
{
	memcpy(&ep->addr, res->ai_addr, res->ai_addrlen);
	ep->addrlen = res->ai_addrlen;
	if (getnameinfo(res->ai_addr, res->ai_addrlen, ep->addrstr,
	    sizeof(ep->addrstr), NULL, 0, NI_NUMERICHOST) != 0)
		ep->addrstr[0] = '\0';
}

/*
 * Resolve every endpoint's host at once (getaddrinfo_a), so that a slow or
 * dead DNS server costs one timeout, not one per name. A name still
 * unresolved after timeout_ms is an error of its endpoint; its request is
 * cancelled, or, if the resolver thread is already busy with it, left to
 * finish on its own (its small memory is then not freed: freeing it under
 * the resolver would be worse).
 */
static int
resolve_all(struct scan *s, int timeout_ms)
{
	struct addrinfo hints, *res;
	struct gaicb **reqs, **names;
	size_t i, nnames = 0, pending;
	int64_t deadline = now_ms() + timeout_ms;
	int r;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_ADDRCONFIG;
	reqs = calloc(s->neps + 1, sizeof(*reqs));
	names = calloc(s->neps + 1, sizeof(*names));
	if (reqs == NULL || names == NULL)
		goto fail;
	for (i = 0; i < s->neps; i++) {
		struct endpoint *ep = &s->eps[i];

		/* An address needs no DNS: read it here and now. */
		if (is_address(ep->host)) {
			struct addrinfo numeric = hints;

			numeric.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
			if ((r = getaddrinfo(ep->host, ep->port, &numeric,
			    &res)) != 0) {
				snprintf(ep->error, sizeof(ep->error), "cannot "
				    "use address '%s': %s", ep->host,
				    gai_strerror(r));
				continue;
			}
			take_address(ep, res);
			freeaddrinfo(res);
			continue;
		}
		if ((reqs[i] = calloc(1, sizeof(**reqs))) == NULL)
			goto fail;
		reqs[i]->ar_name = ep->host;
		reqs[i]->ar_service = ep->port;
		reqs[i]->ar_request = &hints;
		names[nnames++] = reqs[i];
	}
	if (nnames > 0 && getaddrinfo_a(GAI_NOWAIT, names, (int)nnames,
	    NULL) != 0)
		goto fail;
	for (;;) {
		int64_t left = deadline - now_ms();
		struct timespec ts;

		pending = 0;
		for (i = 0; i < nnames; i++)
			pending += gai_error(names[i]) == EAI_INPROGRESS;
		if (pending == 0 || left <= 0)
			break;
		ts.tv_sec = left / 1000;
		ts.tv_nsec = (left % 1000) * 1000000;
		gai_suspend((const struct gaicb *const *)names, (int)nnames,
		    &ts);
	}
	for (i = 0; i < s->neps; i++) {
		struct endpoint *ep = &s->eps[i];

		if (reqs[i] == NULL)
			continue;
		r = gai_error(reqs[i]);
		if (r == 0) {
			take_address(ep, reqs[i]->ar_result);
			freeaddrinfo(reqs[i]->ar_result);
		} else if (r == EAI_INPROGRESS) {
			snprintf(ep->error, sizeof(ep->error), "cannot resolve "
			    "'%s': no answer within %d ms", ep->host,
			    timeout_ms);
			if (gai_cancel(reqs[i]) != EAI_CANCELED)
				reqs[i] = NULL;	/* still in use: leave it */
		} else
			snprintf(ep->error, sizeof(ep->error), "cannot resolve "
			    "'%s': %s", ep->host, gai_strerror(r));
		free(reqs[i]);
	}
	free(reqs);
	free(names);
	return 0;
fail:
	for (i = 0; reqs != NULL && i < s->neps; i++)
		free(reqs[i]);
	free(reqs);
	free(names);
	return -1;
}


static int
offer_lists(struct scan *s)
{
	size_t i;

	for (i = 0; i < s->reg.nsuites; i++)
		if (u16_push(s->reg.suites[i].tls13 ? &s->tls13_suites :
		    &s->legacy_suites, s->reg.suites[i].id) == -1)
			return -1;
	for (i = 0; i < s->reg.ngroups; i++)
		if (u16_push(&s->all_groups, s->reg.groups[i].id) == -1)
			return -1;
	for (i = 0; i < s->reg.nsigalgs; i++)
		if (u16_push(&s->all_sigalgs, s->reg.sigalgs[i].id) == -1)
			return -1;
	return 0;
}

/* Room for max_conns sockets, raising the soft limit if we may. */
static int
conn_cap(int want)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return want < 64 ? want : 64;
	if (rl.rlim_cur < rl.rlim_max && rl.rlim_cur < (rlim_t)want + 64) {
		rl.rlim_cur = rl.rlim_max < (rlim_t)want + 64 ? rl.rlim_max :
		    (rlim_t)want + 64;
		setrlimit(RLIMIT_NOFILE, &rl);
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur < (rlim_t)want + 32)
		return rl.rlim_cur > 48 ? (int)rl.rlim_cur - 32 : 16;
	return want;
}

static int
parse_endpoint(struct scan *s, struct endpoint *ep, const char *spec)
{
	int vi;

	ep->target = spec;
	for (vi = 0; vi < NVERSIONS; vi++)
		ep->ver[vi].server_order = -1;
	if (tls_target_parse(spec, s->o->starttls, &ep->host, &ep->port) == -1)
		return -1;
	ep->sni = s->o->sni != NULL ? s->o->sni :
	    is_address(ep->host) ? NULL : ep->host;
	return 0;
}

static int
start_endpoint(struct scan *s, struct endpoint *ep)
{
	struct track *t;
	int vi;

	if (ep->error[0] != '\0')
		return 0;	/* unresolved: the endpoint's error, not ours */
	for (vi = 0; vi < NVERSIONS; vi++) {
		if ((t = track_new(s, ep, TR_SUITES, vi)) == NULL ||
		    u16_copy(&t->offer, vi == VI_TLS13 ? &s->tls13_suites :
		    &s->legacy_suites) == -1)
			return -1;
		ep->phase1_left++;
		track_ready(s, t);
	}
	if ((t = track_new(s, ep, TR_SSL2, 0)) == NULL)
		return -1;
	track_ready(s, t);
	/* The certificate handshake goes first: it takes longest. */
	if ((t = track_new(s, ep, TR_CERT, VI_TLS12)) == NULL)
		return -1;
	t->next_ready = ep->ready_head;
	ep->ready_head = t;
	if (ep->ready_tail == NULL)
		ep->ready_tail = t;
	s->nready++;
	return 0;
}

static void
scan_release(struct scan *s)
{
	size_t i;

	while (s->probes != NULL) {
		struct probe *p = s->probes;

		s->probes = p->next;
		probe_free(p);
	}
	for (i = 0; s->eps != NULL && i < s->neps; i++) {
		struct endpoint *ep = &s->eps[i];
		struct track *t, *next;
		int vi;

		for (t = ep->tracks; t != NULL; t = next) {
			next = t->next;
			u16_free(&t->offer);
			u16_free(&t->suites);
			u16_free(&t->hello_groups);
			free(t);
		}
		for (vi = 0; vi < NVERSIONS; vi++)
			u16_free(&ep->ver[vi].suites);
		free(ep->groups.v);
		free(ep->sigalgs.v);
		cJSON_Delete(ep->cert);
		free(ep->host);
		free(ep->port);
	}
	free(s->eps);
	u16_free(&s->legacy_suites);
	u16_free(&s->tls13_suites);
	u16_free(&s->all_groups);
	u16_free(&s->all_sigalgs);
	SSL_CTX_free(s->ctx);
	tls_registry_release(&s->reg);
}

cJSON *
tls_scan(const char *const *targets, size_t n, const struct tls_scan_opts *o,
    const struct fips_policy *p)
{
	struct scan s;
	cJSON *doc = NULL, *eps;
	size_t i;
	int ran;

	memset(&s, 0, sizeof(s));
	s.o = o;
	s.policy = p;
	s.max_conns = conn_cap(o->max_conns);
	if (tls_registry_load(&s.reg) == -1)
		return NULL;
	if ((s.ctx = tls_cert_ctx(o->ca_file)) == NULL)
		goto out;
	if (offer_lists(&s) == -1 ||
	    (s.eps = calloc(n > 0 ? n : 1, sizeof(*s.eps))) == NULL) {
		log_errno("cannot scan");
		goto out;
	}
	s.neps = n;
	for (i = 0; i < n; i++)
		if (parse_endpoint(&s, &s.eps[i], targets[i]) == -1)
			goto out;
	if (resolve_all(&s, o->endpoint_timeout_ms) == -1) {
		log_errno("cannot resolve the targets");
		goto out;
	}
	/* Not a single connection to what the caller did not ask for. */
	for (i = 0; o->no_link_local && i < n; i++)
		if (s.eps[i].error[0] == '\0' && link_local(&s.eps[i].addr))
			snprintf(s.eps[i].error, sizeof(s.eps[i].error),
			    "not scanned: %s is a link-local or cloud metadata "
			    "address, which a cluster can name but fipsev scans "
			    "only when asked (--scan-link-local)",
			    s.eps[i].addrstr);
	for (i = 0; i < n; i++)
		if (start_endpoint(&s, &s.eps[i]) == -1)
			goto out;
	for (i = 0; i < n; i++)
		s.eps_done += s.eps[i].tracks_left == 0;
	progress_begin("scanning TLS endpoints", n);
	ran = run(&s);
	progress_end();
	if (ran == -1)
		goto out;
	if ((doc = cJSON_CreateObject()) == NULL ||
	    json_add_str(doc, "format", TLS_FORMAT) ||
	    json_add_str(doc, "policy", fips_policy_version(p)) ||
	    (eps = cJSON_AddArrayToObject(doc, "endpoints")) == NULL)
		goto oom;
	for (i = 0; i < n; i++) {
		struct endpoint *ep = &s.eps[i];
		cJSON *e;

		/*
		 * Tracks finish in whatever order the network allows; sorted
		 * lists make an unchanged endpoint give identical evidence.
		 */
		if (ep->groups.n > 0)
			qsort(ep->groups.v, ep->groups.n, sizeof(*ep->groups.v),
			    cmp_seen);
		if (ep->sigalgs.n > 0)
			qsort(ep->sigalgs.v, ep->sigalgs.n,
			    sizeof(*ep->sigalgs.v), cmp_seen);
		final_gaps(ep);
		if ((e = endpoint_json(&s, ep)) == NULL)
			goto oom;
		cJSON_AddItemToArray(eps, e);
	}
	goto out;
oom:
	log_err("out of memory writing the TLS results");
	cJSON_Delete(doc);
	doc = NULL;
out:
	scan_release(&s);
	return doc;
}
