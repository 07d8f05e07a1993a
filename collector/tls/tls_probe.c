/*
 * tls_probe.c - one connection, from connect to the answer; see
 * tls_scan_int.h.
 */
#define _GNU_SOURCE	/* strcasestr */


#include <sys/socket.h>

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "collector/tls/tls_cert.h"
#include "collector/tls/tls_scan_int.h"
#include "util/banned.h"

/* --- probes ----------------------------------------------------------- */

void
tls_probe_free(struct probe *p)
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
void
tls_probe_end(struct scan *s, struct probe *p, enum fail f, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

void
tls_probe_end(struct scan *s, struct probe *p, enum fail f, const char *fmt, ...)
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
	    tls_track_retry(s, t)) {
		tls_probe_free(p);
		return;
	}
	if (t->kind == TR_SSL2) {
		if (!tls_answered(t, f) && (f == FAIL_REFUSED || f == FAIL_LOCAL ||
		    f == FAIL_CLOSED || f == FAIL_CUT))
			tls_note_gap(ep, t, why);
		/* Only an SSL 2.0 SERVER-HELLO counts as an answer here. */
		if (f == FAIL_NONE && ep->v2.spoken)
			ep->tls_seen = 1;
		if (f != FAIL_NONE || ep->v2.spoken)
			snprintf(ep->v2.outcome, sizeof(ep->v2.outcome), "%s",
			    f != FAIL_NONE ? why : "accepted");
		tls_track_done(s, t);
	} else if (t->kind == TR_SIGALGS13) {
		if (!tls_answered(t, f))
			tls_note_gap(ep, t, why);
		/* Take away the scheme the server used, and ask again. */
		if (f == FAIL_NONE && !ep->timed_out &&
		    tls_u16_has(&t->offer, p->ssl_sigalg)) {
			tls_u16_remove(&t->offer, p->ssl_sigalg);
			if (t->offer.n > 0)
				tls_track_ready(s, t);
			else
				tls_track_done(s, t);
		} else
			tls_track_done(s, t);
	} else if (t->kind == TR_CERT) {
		/* The raw probes explain a broken server better. */
		if (f != FAIL_NONE)
			snprintf(ep->cert_error, sizeof(ep->cert_error), "%s",
			    why);
		tls_track_done(s, t);
	} else if (ep->timed_out)
		tls_track_done(s, t);
	else
		tls_track_result(s, t, &p->rd.reply, f, why);
	/* A new probe of the track starts with retries of its own. */
	if (f == FAIL_NONE || f == FAIL_ALERT)
		t->retries = 0;
	tls_probe_free(p);
}

int
tls_probe_start(struct scan *s, struct track *t, int64_t now)
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
		tls_probe_end(s, p, FAIL_LOCAL, "cannot open a socket: %s",
		    strerror(errno));
		return 0;
	}
	if (connect(p->fd, (struct sockaddr *)&ep->addr, ep->addrlen) == -1 &&
	    errno != EINPROGRESS) {
		tls_probe_end(s, p, errno == ECONNREFUSED ? FAIL_REFUSED :
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
		if (tls_track_hello(s, p->tr, &p->out) == -1) {
			tls_probe_end(s, p, FAIL_LOCAL, "cannot build a ClientHello");
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
		tls_probe_end(s, p, FAIL_LOCAL, "cannot set up OpenSSL: %s",
		    ERR_reason_error_string(ERR_get_error()));
		return;
	}
	if (p->tr->kind == TR_SIGALGS13 && tls13_only(s, p->ssl,
	    &p->tr->offer) == -1) {
		tls_probe_end(s, p, FAIL_LOCAL, "cannot offer TLS 1.3 signature "
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
			tls_probe_end(s, p, FAIL_CLOSED, "connection reset without "
			    "an answer");
			return -1;
		}
		if (n == -1) {
			tls_probe_end(s, p, FAIL_LOCAL, "cannot send: %s",
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
				tls_probe_end(s, p, FAIL_SMTP, "not SMTP: the "
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
			tls_probe_end(s, p, FAIL_SMTP, "SMTP server closed the "
			    "connection%s", n == 0 ? "" : " (reset)");
			return -1;
		}
		if (memchr(chunk, '\0', (size_t)n) != NULL ||
		    buf_append(&p->line, chunk, (size_t)n) == -1) {
			tls_probe_end(s, p, FAIL_SMTP, "not SMTP: reply too long "
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
			tls_probe_end(s, p, FAIL_SMTP, "SMTP greeting %d, not 220",
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
			tls_probe_end(s, p, FAIL_SMTP, "SMTP server does not offer "
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
			tls_probe_end(s, p, FAIL_SMTP, "SMTP STARTTLS refused "
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
				tls_probe_end(s, p, FAIL_LOCAL, "cannot receive: "
				    "%s", strerror(errno));
				return;
			}
			if (p->rd.total == 0)
				tls_probe_end(s, p, FAIL_CLOSED, "%s without an "
				    "answer", reset ? "connection reset" :
				    "connection closed");
			else
				tls_probe_end(s, p, FAIL_CUT, "%s mid-record after "
				    "%zu bytes", reset ? "connection reset" :
				    "connection closed", p->rd.total);
			return;
		}
		if (p->tr->kind == TR_SSL2) {
			struct endpoint *ep = p->tr->ep;
			char err[128] = "";

			if (buf_append(&p->v2, chunk, (size_t)n) == -1) {
				tls_probe_end(s, p, FAIL_BAD, "SSL 2.0 answer over "
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
				tls_probe_end(s, p, FAIL_BAD, "%s", err);
			else
				tls_probe_end(s, p, FAIL_NONE, NULL);
			return;
		}
		k = tls_reader_feed(&p->rd, chunk, (size_t)n);
		if (k == TLS_REPLY_BAD) {
			if (p->rd.total == (size_t)n)
				note_plaintext(p->tr->ep, chunk, (size_t)n);
			tls_probe_end(s, p, FAIL_BAD, "%s", p->rd.reply.error);
			return;
		}
		if (k != TLS_REPLY_MORE) {
			tls_probe_end(s, p, FAIL_NONE, NULL);
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
		const struct tls_named *g = gname != NULL ? tls_named_by_name(
		    s->reg.groups, s->reg.ngroups, gname) : NULL;

		ep->tls_seen = 1;
		/*
		 * OpenSSL names the scheme and the group; note them with
		 * the version, as any other handshake that chose them.
		 */
		p->ssl_sigalg = sig != NULL ? tls_sigalg_id(s, sig) : 0;
		for (vi = 0; vi < NVERSIONS; vi++) {
			if (SSL_version(p->ssl) != versions[vi])
				continue;
			if (sig != NULL && tls_seen_add(&ep->sigalgs,
			    p->ssl_sigalg, sig, vi, 0) == -1)
				s->oom = 1;
			if (g != NULL && tls_seen_add(&ep->groups, g->id, g->name,
			    vi, 0) == -1)
				s->oom = 1;
		}
		if (p->tr->kind == TR_CERT)
			cert_record(s, p, NULL);
		tls_probe_end(s, p, FAIL_NONE, NULL);
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
		tls_probe_end(s, p, FAIL_NONE, NULL);
		return;
	}
	tls_probe_end(s, p, f, "%s", why);
}

void
tls_probe_event(struct scan *s, struct probe *p, short revents)
{
	if (p->state == P_CONNECT) {
		int err = 0;
		socklen_t len = sizeof(err);

		if (getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
			err = errno;
		if (err != 0) {
			tls_probe_end(s, p, err == ECONNREFUSED ? FAIL_REFUSED :
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

short
tls_probe_events(const struct probe *p)
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
