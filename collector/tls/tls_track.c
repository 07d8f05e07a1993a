/*
 * tls_track.c - tracks and what their answers mean; see tls_scan_int.h.
 */
#define _GNU_SOURCE	/* strcasestr */



#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "collector/tls/tls_scan_int.h"
#include "util/banned.h"

/* --- small lists ------------------------------------------------------ */

int
tls_u16_push(struct u16list *l, uint16_t v)
{
	uint16_t *p;

	if ((p = reallocarray(l->v, l->n + 1, sizeof(*p))) == NULL)
		return -1;
	l->v = p;
	l->v[l->n++] = v;
	return 0;
}

int
tls_u16_has(const struct u16list *l, uint16_t v)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->v[i] == v)
			return 1;
	return 0;
}

void
tls_u16_remove(struct u16list *l, uint16_t v)
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

int
tls_u16_copy(struct u16list *dst, const struct u16list *src)
{
	size_t i;

	for (i = 0; i < src->n; i++)
		if (tls_u16_push(dst, src->v[i]) == -1)
			return -1;
	return 0;
}

void
tls_u16_free(struct u16list *l)
{
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* Record that name (id) was seen at version index vi. */
int
tls_seen_add(struct seenlist *l, uint16_t id, const char *name, int vi, int bits)
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
const struct tls_named *
tls_named_by_name(const struct tls_named *arr, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(arr[i].name, name) == 0)
			return &arr[i];
	return NULL;
}

/* --- tracks ----------------------------------------------------------- */

struct track *
tls_track_new(struct scan *s, struct endpoint *ep, enum track_kind kind, int vi)
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

void
tls_track_ready(struct scan *s, struct track *t)
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
struct track *
tls_track_next(struct scan *s)
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
int
tls_track_retry(struct scan *s, struct track *t)
{
	struct endpoint *ep = t->ep;
	int64_t wait = RETRY_FIRST_MS, now = tls_now_ms();
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
int64_t
tls_retries_due(struct scan *s, int64_t now)
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

void
tls_track_done(struct scan *s, struct track *t)
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

const struct tls_suite *
tls_suite_of(const struct scan *s, uint16_t id)
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
uint16_t
tls_sigalg_id(const struct scan *s, const char *name)
{
	const struct tls_named *n = tls_named_by_name(s->reg.sigalgs,
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
			tls_u16_remove(&t->offer, seen->v[i].id);
}

/* Ready t, or end it now when nothing is left to offer. */
static void
track_start(struct scan *s, struct track *t)
{
	if (t->offer.n > 0)
		tls_track_ready(s, t);
	else
		tls_track_done(s, t);
}

static void
phase2(struct scan *s, struct endpoint *ep)
{
	struct track *t;
	int vi, lv = -1;
	size_t i;

	for (vi = 0; vi < NVERSIONS; vi++) {
		struct verres *vr = &ep->ver[vi];

		if (vr->suites.n >= 2 && (t = tls_track_new(s, ep, TR_ORDER,
		    vi)) != NULL) {
			/* Reversed: a server that follows us now differs. */
			for (i = vr->suites.n; i-- > 0;)
				if (tls_u16_push(&t->offer, vr->suites.v[i]) == -1)
					s->oom = 1;
			tls_track_ready(s, t);
		}
		if (vi < VI_TLS13 && vr->suites.n > 0)
			lv = vi;
	}
	if (ep->ver[VI_TLS13].suites.n > 0 &&
	    (t = tls_track_new(s, ep, TR_GROUPS13, VI_TLS13)) != NULL) {
		if (tls_u16_copy(&t->suites, &ep->ver[VI_TLS13].suites) == -1 ||
		    tls_u16_copy(&t->offer, &s->all_groups) == -1)
			s->oom = 1;
		offer_unseen(t, &ep->groups);
		track_start(s, t);
	}
	if (ep->ver[VI_TLS13].suites.n > 0 &&
	    (t = tls_track_new(s, ep, TR_SIGALGS13, VI_TLS13)) != NULL) {
		for (i = 0; i < sizeof(tls13_sigalgs) / sizeof(tls13_sigalgs[0]);
		    i++) {
			uint16_t id = tls_sigalg_id(s, tls13_sigalgs[i]);

			if (id != 0 && tls_u16_push(&t->offer, id) == -1)
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
			const struct tls_suite *su = tls_suite_of(s, acc->v[i]);

			if (kex_is(su, "ECDHE_")) {
				k = kex_is(su, "ECDHE_ECDSA");
				if (ec[k] == NULL)
					ec[k] = tls_track_new(s, ep, TR_GROUPS12,
					    lv);
				if (ec[k] != NULL && tls_u16_push(&ec[k]->suites,
				    acc->v[i]) == -1)
					s->oom = 1;
			}
			if (kex_is(su, "DHE_")) {
				if (dh == NULL)
					dh = tls_track_new(s, ep, TR_DH12, lv);
				if (dh != NULL && tls_u16_push(&dh->suites,
				    acc->v[i]) == -1)
					s->oom = 1;
			}
			if (lv == VI_TLS12 && kex_signed(su)) {
				if (sa == NULL)
					sa = tls_track_new(s, ep, TR_SIGALGS12, lv);
				if (sa != NULL && tls_u16_push(&sa->suites,
				    acc->v[i]) == -1)
					s->oom = 1;
			}
		}
		for (k = 0; k < 2; k++) {
			if (ec[k] == NULL)
				continue;
			if (tls_u16_copy(&ec[k]->offer, &s->all_groups) == -1)
				s->oom = 1;
			/*
			 * Not seeded with groups already seen: which one is
			 * the certificate's curve, to be kept, is learned
			 * from this track's first answer.
			 */
			tls_track_ready(s, ec[k]);
		}
		if (dh != NULL) {
			if (tls_u16_copy(&dh->offer, &s->all_groups) == -1)
				s->oom = 1;
			tls_track_ready(s, dh);
		}
		if (sa != NULL) {
			if (tls_u16_copy(&sa->offer, &s->all_sigalgs) == -1)
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
			g = tls_named_by_name(s->reg.groups, s->reg.ngroups,
			    "secp256r1");
		else if (strcmp(name, "prime192v1") == 0)
			g = tls_named_by_name(s->reg.groups, s->reg.ngroups,
			    "secp192r1");
		else
			g = tls_named_by_name(s->reg.groups, s->reg.ngroups, name);
	}
	X509_free(x);
	return g != NULL ? g->id : 0;
}

/* The hello for the track's next probe. */
int
tls_track_hello(struct scan *s, struct track *t, struct buf *out)
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
		if (t->keep != 0 && !tls_u16_has(&t->offer, t->keep)) {
			t->hello_groups.n = 0;
			if (tls_u16_copy(&t->hello_groups, &t->offer) == -1 ||
			    tls_u16_push(&t->hello_groups, t->keep) == -1)
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
void
tls_note_gap(struct endpoint *ep, const struct track *t, const char *why)
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
int
tls_answered(const struct track *t, enum fail f)
{
	return f == FAIL_NONE || f == FAIL_ALERT || ((f == FAIL_CLOSED ||
	    f == FAIL_CUT) && t->retries >= RETRIES_MAX);
}

/*
 * A probe of track t ended: rep is the server's reply when f is
 * FAIL_NONE. Decide what the track does next.
 */
void
tls_track_result(struct scan *s, struct track *t, const struct tls_reply *rep,
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
	if (!tls_answered(t, f) && (t->kind != TR_SUITES || vr->suites.n > 0 ||
	    f == FAIL_REFUSED || f == FAIL_LOCAL || f == FAIL_CLOSED ||
	    f == FAIL_CUT))
		tls_note_gap(ep, t, why);
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
		tls_track_done(s, t);
		return;
	}

	switch (t->kind) {
	case TR_SUITES:
		if (!tls_u16_has(&t->offer, rep->suite)) {
			note_outcome(vr, "server chose suite 0x%04X, which "
			    "was not offered", rep->suite);
			break;
		}
		note_outcome(vr, "accepted");
		if (tls_u16_push(&vr->suites, rep->suite) == -1)
			s->oom = 1;
		/* A TLS 1.3 server names the group it takes, too. */
		if (rep->group != 0 && tls_u16_has(&s->all_groups, rep->group) &&
		    tls_seen_add(&ep->groups, rep->group, name_or_unknown(
		    tls_group_by_id(&s->reg, rep->group), rep->group, tmp,
		    sizeof(tmp)), t->vi, 0) == -1)
			s->oom = 1;
		tls_u16_remove(&t->offer, rep->suite);
		vr->reneg |= rep->renegotiation_info;
		vr->ems |= rep->extended_master_secret;
		vr->etm |= rep->encrypt_then_mac;
		vr->compression |= rep->compression != 0;
		if (t->offer.n > 0) {
			tls_track_ready(s, t);
			return;
		}
		break;
	case TR_ORDER:
		/* The first suite picked is the server's favourite only if
		 * it still wins when offered last. */
		vr->server_order = rep->suite == vr->suites.v[0];
		break;
	case TR_GROUPS13:
		if (rep->group == 0 || !tls_u16_has(&t->offer, rep->group))
			break;
		if (tls_seen_add(&ep->groups, rep->group, name_or_unknown(
		    tls_group_by_id(&s->reg, rep->group), rep->group, tmp,
		    sizeof(tmp)), t->vi, 0) == -1)
			s->oom = 1;
		tls_u16_remove(&t->offer, rep->group);
		if (t->offer.n > 0) {
			tls_track_ready(s, t);
			return;
		}
		break;
	case TR_GROUPS12:
	case TR_DH12:
	case TR_SIGALGS12: {
		const struct tls_suite *su = tls_suite_of(s, rep->suite);
		int ecdhe = kex_is(su, "ECDHE_");

		if (!rep->have_ske || !tls_u16_has(&t->suites, rep->suite) ||
		    tls_ske_parse(rep->ske, rep->ske_len, ecdhe, rep->version,
		    &ske) == -1)
			break;
		/* Every signed key exchange also names its scheme. */
		if (ske.sigalg != 0 && tls_seen_add(&ep->sigalgs, ske.sigalg,
		    name_or_unknown(tls_sigalg_by_id(&s->reg, ske.sigalg),
		    ske.sigalg, tmp, sizeof(tmp)), t->vi, 0) == -1)
			s->oom = 1;
		if (t->kind == TR_SIGALGS12) {
			if (ske.sigalg == 0 || !tls_u16_has(&t->offer, ske.sigalg))
				break;
			tls_u16_remove(&t->offer, ske.sigalg);
		} else if (t->kind == TR_GROUPS12) {
			if (t->keep == 0 && kex_is(su, "ECDHE_ECDSA") &&
			    rep->cert != NULL)
				t->keep = cert_curve(s, rep->cert,
				    rep->cert_len);
			/*
			 * A group already taken out, the certificate's kept
			 * curve: nothing else is left that it would choose.
			 */
			if (ske.group == 0 || !tls_u16_has(&t->offer, ske.group))
				break;
			if (tls_seen_add(&ep->groups, ske.group, name_or_unknown(
			    tls_group_by_id(&s->reg, ske.group), ske.group, tmp,
			    sizeof(tmp)), t->vi, 0) == -1)
				s->oom = 1;
			tls_u16_remove(&t->offer, ske.group);
		} else {
			const struct tls_named *g;
			char name[48];

			if (ske.dh_bits == 0)
				break;
			dh_group_name(ske.dh_p, ske.dh_plen, ske.dh_bits, name,
			    sizeof(name));
			g = tls_named_by_name(s->reg.groups, s->reg.ngroups, name);
			if (tls_seen_add(&ep->groups, g != NULL ? g->id : 0, name,
			    t->vi, ske.dh_bits) == -1)
				s->oom = 1;
			/*
			 * RFC 7919 servers pick from the offer: take the
			 * group away and ask again. Others send the same
			 * parameters whatever is offered; stop there.
			 */
			if (g == NULL || !tls_u16_has(&t->offer, g->id))
				break;
			tls_u16_remove(&t->offer, g->id);
		}
		if (t->offer.n > 0) {
			tls_track_ready(s, t);
			return;
		}
		break;
	}
	case TR_SSL2:
	case TR_SIGALGS13:
	case TR_CERT:
		break;
	}
	tls_track_done(s, t);
}
