/*
 * http.c - see http.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "collector/net/http.h"
#include "util/banned.h"

int
http_init(struct http *c, const char *server)
{
	size_t n;

	memset(c, 0, sizeof(*c));
	buf_init(&c->ca, HTTP_PEM_MAX);
	buf_init(&c->cert, HTTP_PEM_MAX);
	buf_init(&c->key, HTTP_PEM_MAX);
	c->timeout_ms = 30000;
	c->retries = 4;
	if (server != NULL) {
		if ((c->server = strdup(server)) == NULL)
			return -1;
		n = strlen(c->server);
		while (n > 0 && c->server[n - 1] == '/')
			c->server[--n] = '\0';
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK ||
	    (c->h = curl_easy_init()) == NULL)
		return -1;
	return 0;
}

void
http_release(struct http *c)
{
	if (c->auth != NULL) {
		explicit_bzero(c->auth, strlen(c->auth));
		free(c->auth);
	}
	buf_wipe(&c->key);
	buf_release(&c->cert);
	buf_release(&c->ca);
	if (c->h != NULL)
		curl_easy_cleanup(c->h);
	free(c->server);
	memset(c, 0, sizeof(*c));
}

static size_t
on_body(char *p, size_t size, size_t n, void *arg)
{
	struct buf *b = arg;

	/* A short count makes libcurl stop with CURLE_WRITE_ERROR. */
	return buf_append(b, p, size * n) == -1 ? 0 : size * n;
}

static void
pause_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

int
http_request(struct http *k, const char *method, const char *path,
    const char *payload, struct buf *body, char *err, size_t errlen)
{
	struct curl_slist *hdrs = NULL;
	int rc = -1;
	struct curl_blob blob;
	char url[8192], auth[8192 + 32], errbuf[CURL_ERROR_SIZE];
	int attempt;

	snprintf(url, sizeof(url), "%s%s", k->server, path);
	hdrs = curl_slist_append(hdrs, "Accept: application/json");
	if (payload != NULL)
		hdrs = curl_slist_append(hdrs,
		    "Content-Type: application/json");
	if (k->auth != NULL) {
		snprintf(auth, sizeof(auth), "%s", k->auth);
		hdrs = curl_slist_append(hdrs, auth);
		explicit_bzero(auth, sizeof(auth));
	}
	for (attempt = 0;; attempt++) {
		CURLcode cc;
		long status = 0, wait_ms;
		curl_off_t retry_after = 0;

		buf_reset(body);
		errbuf[0] = '\0';
		curl_easy_reset(k->h);
		curl_easy_setopt(k->h, CURLOPT_URL, url);
		curl_easy_setopt(k->h, CURLOPT_PROTOCOLS_STR, "https");
		curl_easy_setopt(k->h, CURLOPT_SSL_VERIFYPEER, 1L);
		curl_easy_setopt(k->h, CURLOPT_SSL_VERIFYHOST, 2L);
		curl_easy_setopt(k->h, CURLOPT_SSLVERSION,
		    CURL_SSLVERSION_TLSv1_2);
		if (k->ca.len > 0) {
			blob.data = k->ca.data;
			blob.len = k->ca.len;
			blob.flags = CURL_BLOB_COPY;
			curl_easy_setopt(k->h, CURLOPT_CAINFO_BLOB, &blob);
		}
		if (k->cert.len > 0) {
			blob.data = k->cert.data;
			blob.len = k->cert.len;
			blob.flags = CURL_BLOB_COPY;
			curl_easy_setopt(k->h, CURLOPT_SSLCERT_BLOB, &blob);
			curl_easy_setopt(k->h, CURLOPT_SSLCERTTYPE, "PEM");
		}
		if (k->key.len > 0) {
			blob.data = k->key.data;
			blob.len = k->key.len;
			blob.flags = CURL_BLOB_COPY;
			curl_easy_setopt(k->h, CURLOPT_SSLKEY_BLOB, &blob);
			curl_easy_setopt(k->h, CURLOPT_SSLKEYTYPE, "PEM");
		}
		curl_easy_setopt(k->h, CURLOPT_HTTPHEADER, hdrs);
		curl_easy_setopt(k->h, CURLOPT_CUSTOMREQUEST, method);
		if (payload != NULL) {
			curl_easy_setopt(k->h, CURLOPT_POSTFIELDS, payload);
			curl_easy_setopt(k->h, CURLOPT_POSTFIELDSIZE,
			    (long)strlen(payload));
		}
		curl_easy_setopt(k->h, CURLOPT_USERAGENT, "fipsev");
		curl_easy_setopt(k->h, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(k->h, CURLOPT_TIMEOUT_MS,
		    (long)k->timeout_ms);
		curl_easy_setopt(k->h, CURLOPT_CONNECTTIMEOUT_MS,
		    (long)(k->timeout_ms < 10000 ? k->timeout_ms : 10000));
		curl_easy_setopt(k->h, CURLOPT_WRITEFUNCTION, on_body);
		curl_easy_setopt(k->h, CURLOPT_WRITEDATA, body);
		curl_easy_setopt(k->h, CURLOPT_ERRORBUFFER, errbuf);
		cc = curl_easy_perform(k->h);
		curl_easy_getinfo(k->h, CURLINFO_RESPONSE_CODE, &status);
		curl_easy_getinfo(k->h, CURLINFO_RETRY_AFTER, &retry_after);
		if (cc == CURLE_PEER_FAILED_VERIFICATION ||
		    cc == CURLE_SSL_CACERT_BADFILE ||
		    cc == CURLE_SSL_CERTPROBLEM || cc == CURLE_SSL_CONNECT_ERROR) {
			snprintf(err, errlen, "cannot verify server %s: %s",
			    k->server, errbuf[0] != '\0' ? errbuf :
			    curl_easy_strerror(cc));
			rc = HTTP_FATAL;
			break;
		}
		if (cc == CURLE_WRITE_ERROR) {
			snprintf(err, errlen, "server %s: the answer to %s is "
			    "over %zu MiB", k->server, path, body->max >> 20);
			rc = HTTP_TOO_BIG;
			break;
		}
		if (cc == CURLE_OK && status >= 200 && status < 300) {
			curl_slist_free_all(hdrs);
			return 0;
		}
		if (cc == CURLE_OK && status == 401) {
			snprintf(err, errlen, "server %s refused the credentials "
			    "(HTTP 401 for %s)", k->server, path);
			rc = HTTP_FATAL;
			break;
		}
		/* Authenticated but not allowed: RBAC, for this path only. */
		if (cc == CURLE_OK && status == 403) {
			snprintf(err, errlen, "server %s forbids %s %s to these "
			    "credentials (HTTP 403)", k->server, method, path);
			break;
		}
		if (cc == CURLE_OK && status != 429 && status < 500) {
			snprintf(err, errlen, "server %s answered HTTP %ld for "
			    "%s", k->server, status, path);
			break;
		}
		if (attempt >= k->retries) {
			if (cc == CURLE_COULDNT_CONNECT ||
			    cc == CURLE_COULDNT_RESOLVE_HOST ||
			    cc == CURLE_OPERATION_TIMEDOUT)
				rc = HTTP_FATAL;
			if (cc != CURLE_OK)
				snprintf(err, errlen, "server %s: %s (after %d "
				    "tries)", k->server, errbuf[0] != '\0' ?
				    errbuf : curl_easy_strerror(cc),
				    attempt + 1);
			else
				snprintf(err, errlen, "server %s answered HTTP "
				    "%ld for %s (after %d tries)", k->server,
				    status, path, attempt + 1);
			break;
		}
		/* Back off: Retry-After if the server said, else 2^n x 250 ms. */
		wait_ms = retry_after > 0 && retry_after <= 60 ?
		    (long)retry_after * 1000 : 250L << attempt;
		pause_ms(wait_ms);
	}
	curl_slist_free_all(hdrs);
	return rc;
}


int
http_request_text(struct http *c, const char *method, const char *path,
    const char *payload, char **body, size_t *len, char *err, size_t errlen)
{
	struct buf b;
	int rc;

	buf_init(&b, HTTP_BODY_MAX);
	rc = http_request(c, method, path, payload, &b, err, errlen);
	if (rc == 0 && b.data == NULL && buf_append(&b, "", 0) == -1)
		rc = -1;
	if (rc == 0) {
		*body = b.data;
		*len = b.len;
		return 0;
	}
	buf_release(&b);
	return rc;
}
