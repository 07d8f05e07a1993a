/*
 * tls_scan.h - what each TLS endpoint accepts, and whether FIPS allows it.
 *
 * For every endpoint, fipsev finds the protocol versions, cipher suites,
 * groups and signature algorithms the server accepts by offering a set and
 * removing what the server picks, one connection per accepted item plus
 * one to learn that nothing is left (per protocol version), rather than one
 * connection per code point. It reads only the server's first flight, so
 * it sees suites the local OpenSSL cannot negotiate. One real OpenSSL
 * handshake adds the certificate chain (tls_cert.h).
 *
 * All endpoints are scanned at once from one poll(2) loop: non-blocking
 * sockets, a deadline per connection and per endpoint, a cap on open
 * connections and on new connections per second. An endpoint that is dead,
 * silent, slow, resets or speaks garbage gets an error of its own and
 * never holds up the others.
 */
#ifndef FIPSEV_TLS_SCAN_H
#define FIPSEV_TLS_SCAN_H

#include "evidence/tls.h"	/* TLS_FORMAT */

#include "collector/tls/fips_policy.h"

struct cJSON;


enum tls_starttls {
	STARTTLS_NONE,
	STARTTLS_SMTP,		/* RFC 3207 */
};

struct tls_scan_opts {
	int		 timeout_ms;		/* one connection, connect to answer */
	int		 endpoint_timeout_ms;	/* all of one endpoint's probes */
	int		 rate;			/* new connections per second, in all */
	int		 max_conns;		/* open at once, in all */
	const char	*sni;			/* server_name for every target,
						   NULL: each target's host name */
	enum tls_starttls starttls;
	const char	*ca_file;		/* trust for the recorded verification,
						   NULL: the system store */
	int		 no_link_local;		/* refuse targets that resolve to
						   link-local or cloud metadata
						   addresses (169.254.0.0/16,
						   fe80::/10, fd00:ec2::254) */
};

#define TLS_SCAN_TIMEOUT_MS		5000
#define TLS_SCAN_ENDPOINT_TIMEOUT_MS	60000
#define TLS_SCAN_RATE			1000
#define TLS_SCAN_MAX_CONNS		256

void	 tls_scan_defaults(struct tls_scan_opts *o);

/*
 * Split a target "host:port", "[v6addr]:port" or "host" (port 443, or 25
 * with STARTTLS for SMTP) into new strings. Returns 0, or -1 after logging
 * what is wrong with spec.
 */
int	 tls_target_parse(const char *spec, enum tls_starttls starttls,
	    char **host, char **port);

/*
 * Scan the n targets (already checked with tls_target_parse) and return
 * {"format": "fipsev-tls/1", "policy": ..., "endpoints": [...]}, in the
 * order given; README "TLS evidence" (its JSON part) lists the fields.
 * Failures of an endpoint are reported in that endpoint's "error"; NULL
 * (after logging) only when fipsev itself cannot go on, e.g. out of
 * memory.
 */
struct cJSON *tls_scan(const char *const *targets, size_t n,
	    const struct tls_scan_opts *o, const struct fips_policy *p);

#endif
