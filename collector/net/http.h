/*
 * http.h - HTTPS requests to an API server (libcurl), TLS verification
 * always on, TLS 1.2 at least.
 *
 * One client per server: its URL, one authentication header (a bearer
 * token, an API key), optional CA and client certificate in memory.
 * Requests are retried with backoff on 429, 5xx and connection failures
 * (Retry-After honoured), each has a timeout and its answer a size cap.
 * Secrets held here are wiped when the client is released.
 */
#ifndef FIPSEV_HTTP_H
#define FIPSEV_HTTP_H

#include <stddef.h>

#include "util/buf.h"

/* One answer larger than this is refused (lists have their own cap). */
#define HTTP_BODY_MAX	((size_t)32 * 1024 * 1024)
/* What one answer may take once parsed (json_parse_capped()). */
#define HTTP_JSON_WEIGHT_MAX	(4 * HTTP_BODY_MAX)
/* A CA bundle or client certificate larger than this is not one. */
#define HTTP_PEM_MAX	(4 * 1024 * 1024)

/* No request can work: credentials refused, server unverifiable or gone. */
#define HTTP_FATAL	(-2)
/* The answer was larger than its buffer's cap (err says so). */
#define HTTP_TOO_BIG	(-3)

struct http {
	char		*server;	/* https://host[:port][/prefix] */
	char		*auth;		/* a header line, e.g. "x-api-key: K" */
	struct buf	 ca;		/* PEM; empty: the system store */
	struct buf	 cert;		/* client certificate PEM, or empty */
	struct buf	 key;		/* client key PEM, or empty */
	int		 timeout_ms;	/* per request */
	int		 retries;
	void		*h;		/* CURL */
};

/* Set up c for server (trailing '/' dropped). Returns 0 or -1. */
int	 http_init(struct http *c, const char *server);
void	 http_release(struct http *c);

/*
 * method path (with its query) and payload (JSON, or NULL) to the server;
 * a 2xx answer's body is appended to body. Returns 0; -1 with err for
 * this request (HTTP 403, 404, 5xx after retries...); HTTP_TOO_BIG with
 * err when the answer is over body's cap; HTTP_FATAL with err when
 * nothing will work (HTTP 401, TLS verification, unreachable).
 */
int	 http_request(struct http *c, const char *method, const char *path,
	    const char *payload, struct buf *body, char *err, size_t errlen);

/* http_request() into a new NUL-terminated *body of *len bytes. */
int	 http_request_text(struct http *c, const char *method,
	    const char *path, const char *payload, char **body, size_t *len,
	    char *err, size_t errlen);

#endif
