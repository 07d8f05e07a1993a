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

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <openssl/ssl.h>

#include "collector/tls/tls_cert.h"
#include "collector/tls/tls_scan.h"
#include "util/json.h"
#include "util/log.h"
#include "util/progress.h"
#include "collector/tls/tls_scan_int.h"
#include "util/banned.h"

int64_t
tls_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
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
			tls_probe_end(s, p, FAIL_TIMEOUT, "endpoint timed out");
	}
	for (t = ep->tracks; t != NULL; t = t->next)
		tls_track_done(s, t);
}

int
tls_run(struct scan *s)
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
	s->refilled = tls_now_ms();
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
		now = tls_now_ms();
		s->tokens += (double)(now - s->refilled) * s->o->rate / 1000.0;
		if (s->tokens > cap)
			s->tokens = cap;
		s->refilled = now;
		retry_at = tls_retries_due(s, now);
		/* Start what the caps allow. */
		while (s->nready > 0 && s->nprobes < s->max_conns &&
		    s->tokens >= 1) {
			struct track *t = tls_track_next(s);

			if (t == NULL)
				break;
			if (t->done)
				continue;
			s->tokens -= 1;
			if (tls_probe_start(s, t, now) == -1)
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
			pfd[n].events = tls_probe_events(p);
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
				tls_probe_event(s, who[i], pfd[i].revents);
		/* Anything past its deadline ends now. */
		now = tls_now_ms();
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
				tls_probe_end(s, p, FAIL_TIMEOUT, "no connection "
				    "within %d ms", s->o->timeout_ms);
			else if (p->rd.total > 0)
				tls_probe_end(s, p, FAIL_TIMEOUT, "answer "
				    "incomplete after %d ms (%zu bytes)",
				    s->o->timeout_ms, p->rd.total);
			else
				tls_probe_end(s, p, FAIL_TIMEOUT, "no answer within "
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
	int64_t deadline = tls_now_ms() + timeout_ms;
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
		int64_t left = deadline - tls_now_ms();
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
		if (tls_u16_push(s->reg.suites[i].tls13 ? &s->tls13_suites :
		    &s->legacy_suites, s->reg.suites[i].id) == -1)
			return -1;
	for (i = 0; i < s->reg.ngroups; i++)
		if (tls_u16_push(&s->all_groups, s->reg.groups[i].id) == -1)
			return -1;
	for (i = 0; i < s->reg.nsigalgs; i++)
		if (tls_u16_push(&s->all_sigalgs, s->reg.sigalgs[i].id) == -1)
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
		if ((t = tls_track_new(s, ep, TR_SUITES, vi)) == NULL ||
		    tls_u16_copy(&t->offer, vi == VI_TLS13 ? &s->tls13_suites :
		    &s->legacy_suites) == -1)
			return -1;
		ep->phase1_left++;
		tls_track_ready(s, t);
	}
	if ((t = tls_track_new(s, ep, TR_SSL2, 0)) == NULL)
		return -1;
	tls_track_ready(s, t);
	/* The certificate handshake goes first: it takes longest. */
	if ((t = tls_track_new(s, ep, TR_CERT, VI_TLS12)) == NULL)
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
		tls_probe_free(p);
	}
	for (i = 0; s->eps != NULL && i < s->neps; i++) {
		struct endpoint *ep = &s->eps[i];
		struct track *t, *next;
		int vi;

		for (t = ep->tracks; t != NULL; t = next) {
			next = t->next;
			tls_u16_free(&t->offer);
			tls_u16_free(&t->suites);
			tls_u16_free(&t->hello_groups);
			free(t);
		}
		for (vi = 0; vi < NVERSIONS; vi++)
			tls_u16_free(&ep->ver[vi].suites);
		free(ep->groups.v);
		free(ep->sigalgs.v);
		cJSON_Delete(ep->cert);
		free(ep->host);
		free(ep->port);
	}
	free(s->eps);
	tls_u16_free(&s->legacy_suites);
	tls_u16_free(&s->tls13_suites);
	tls_u16_free(&s->all_groups);
	tls_u16_free(&s->all_sigalgs);
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
	ran = tls_run(&s);
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
			    tls_cmp_seen);
		if (ep->sigalgs.n > 0)
			qsort(ep->sigalgs.v, ep->sigalgs.n,
			    sizeof(*ep->sigalgs.v), tls_cmp_seen);
		tls_final_gaps(ep);
		if ((e = tls_endpoint_json(&s, ep)) == NULL)
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
