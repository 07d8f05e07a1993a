/*
 * kube.c - see kube.h.
 */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>

#include "kube.h"
#include "values.h"
#include "util/buf.h"
#include "util/json.h"
#include "util/log.h"
#include "util/text.h"
#include "util/tsv.h"
#include "util/banned.h"

/* A kubeconfig, token or PEM file larger than this is not one. */
#define KUBE_FILE_MAX	(4 * 1024 * 1024)
/* Pages of one list; more means the server is looping. */
#define KUBE_MAX_PAGES	100000

struct kube {
	char		*server;	/* https://host:port, no trailing / */
	char		*token;		/* bearer token, or NULL */
	struct buf	 ca;		/* PEM; empty: the system store */
	struct buf	 cert;		/* client certificate PEM, or empty */
	struct buf	 key;		/* client key PEM, or empty */
	CURL		*h;
	struct kube_opts o;
};

void
kube_defaults(struct kube_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->timeout_ms = 30000;
	o->retries = 4;
	o->page_size = 500;
}

const char *
kube_server(const struct kube *k)
{
	return k->server;
}

static void
wipe(struct buf *b)
{
	if (b->data != NULL)
		explicit_bzero(b->data, b->len);
	buf_release(b);
}

void
kube_close(struct kube *k)
{
	if (k == NULL)
		return;
	if (k->token != NULL) {
		explicit_bzero(k->token, strlen(k->token));
		free(k->token);
	}
	wipe(&k->key);
	buf_release(&k->cert);
	buf_release(&k->ca);
	if (k->h != NULL)
		curl_easy_cleanup(k->h);
	free(k->server);
	free(k);
}

/* Read a whole file into b (a secret: wiped on release by the caller). */
static int
read_into(struct buf *b, const char *path, const char *what)
{
	char *text;
	size_t len;
	int rc;

	if (tsv_read_file(path, KUBE_FILE_MAX, &text, &len) == -1) {
		log_err("cannot read the %s", what);
		return -1;
	}
	rc = buf_append(b, text, len);
	explicit_bzero(text, len);
	free(text);
	if (rc == -1)
		log_errno("cannot read the %s '%s'", what, path);
	return rc;
}

/* A base64 field of the kubeconfig (…-data) into b. */
static int
decode_into(struct buf *b, const char *b64, const char *what)
{
	if (base64_decode(b, b64, strlen(b64)) == -1) {
		log_err("kubeconfig: %s is not base64", what);
		return -1;
	}
	return 0;
}

/* A path in the kubeconfig, relative to the kubeconfig's directory. */
static void
resolve_path(const char *kubeconfig, const char *p, char *out, size_t len)
{
	char copy[4096];

	if (p[0] == '/') {
		snprintf(out, len, "%s", p);
		return;
	}
	snprintf(copy, sizeof(copy), "%s", kubeconfig);
	snprintf(out, len, "%s/%s", dirname(copy), p);
}

/* The entry of list (clusters, users, contexts) called name, its field. */
static const cJSON *
named(const cJSON *cfg, const char *list, const char *name, const char *field)
{
	const cJSON *e;

	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(cfg, list)) {
		const char *n = json_get_str(e, "name");

		if (n != NULL && name != NULL && strcmp(n, name) == 0)
			return cJSON_GetObjectItemCaseSensitive(e, field);
	}
	return NULL;
}

static int
from_kubeconfig(struct kube *k, const struct kube_opts *o)
{
	const char *path = o->kubeconfig, *ctxname, *s;
	const cJSON *ctx, *cluster, *user, *insecure;
	char file[4096];
	cJSON *cfg;
	int rc = -1;

	if ((cfg = values_read_file(path)) == NULL)
		return -1;
	ctxname = o->context != NULL ? o->context :
	    json_get_str(cfg, "current-context");
	if (ctxname == NULL || *ctxname == '\0') {
		log_err("kubeconfig '%s': no current-context; give --context",
		    path);
		goto out;
	}
	if ((ctx = named(cfg, "contexts", ctxname, "context")) == NULL) {
		log_err("kubeconfig '%s': no context '%s'", path, ctxname);
		goto out;
	}
	cluster = named(cfg, "clusters", json_get_str(ctx, "cluster"),
	    "cluster");
	user = named(cfg, "users", json_get_str(ctx, "user"), "user");
	if (cluster == NULL || (s = json_get_str(cluster, "server")) == NULL) {
		log_err("kubeconfig '%s': context '%s' has no cluster with a "
		    "server", path, ctxname);
		goto out;
	}
	if (strncmp(s, "https://", 8) != 0) {
		log_err("kubeconfig '%s': server '%s' is not https: fipsev "
		    "talks to the API over verified TLS only", path, s);
		goto out;
	}
	if ((k->server = strdup(s)) == NULL) {
		log_errno("kubeconfig");
		goto out;
	}
	if (k->server[strlen(k->server) - 1] == '/')
		k->server[strlen(k->server) - 1] = '\0';
	insecure = cJSON_GetObjectItemCaseSensitive(cluster,
	    "insecure-skip-tls-verify");
	if (cJSON_IsTrue(insecure)) {
		log_err("kubeconfig '%s': cluster of context '%s' sets "
		    "insecure-skip-tls-verify; fipsev always verifies the API "
		    "server", path, ctxname);
		goto out;
	}
	if ((s = json_get_str(cluster, "certificate-authority-data")) != NULL) {
		if (decode_into(&k->ca, s, "certificate-authority-data") == -1)
			goto out;
	} else if ((s = json_get_str(cluster, "certificate-authority")) !=
	    NULL) {
		resolve_path(path, s, file, sizeof(file));
		if (read_into(&k->ca, file, "certificate authority") == -1)
			goto out;
	}
	if (cJSON_GetObjectItemCaseSensitive(user, "exec") != NULL ||
	    cJSON_GetObjectItemCaseSensitive(user, "auth-provider") != NULL) {
		log_err("kubeconfig '%s': user of context '%s' gets credentials "
		    "from a plugin, which fipsev does not run; give a token "
		    "(e.g. a service account's) instead", path, ctxname);
		goto out;
	}
	if ((s = json_get_str(user, "token")) != NULL) {
		if ((k->token = strdup(s)) == NULL)
			goto oom;
	} else if ((s = json_get_str(user, "tokenFile")) != NULL) {
		struct buf t;

		buf_init(&t, KUBE_FILE_MAX);
		resolve_path(path, s, file, sizeof(file));
		if (read_into(&t, file, "token file") == -1) {
			wipe(&t);
			goto out;
		}
		k->token = strndup(buf_str(&t), rtrim_len(buf_str(&t), t.len));
		wipe(&t);
		if (k->token == NULL)
			goto oom;
	}
	if ((s = json_get_str(user, "client-certificate-data")) != NULL &&
	    decode_into(&k->cert, s, "client-certificate-data") == -1)
		goto out;
	if ((s = json_get_str(user, "client-certificate")) != NULL) {
		resolve_path(path, s, file, sizeof(file));
		if (read_into(&k->cert, file, "client certificate") == -1)
			goto out;
	}
	if ((s = json_get_str(user, "client-key-data")) != NULL &&
	    decode_into(&k->key, s, "client-key-data") == -1)
		goto out;
	if ((s = json_get_str(user, "client-key")) != NULL) {
		resolve_path(path, s, file, sizeof(file));
		if (read_into(&k->key, file, "client key") == -1)
			goto out;
	}
	if (k->token == NULL && k->cert.len == 0) {
		log_err("kubeconfig '%s': user of context '%s' has neither a "
		    "token nor a client certificate", path, ctxname);
		goto out;
	}
	rc = 0;
	goto out;
oom:
	log_errno("kubeconfig '%s'", path);
out:
	/* The parsed kubeconfig held the credentials: wipe them. */
	values_redact(cfg);
	cJSON_Delete(cfg);
	return rc;
}

static int
in_cluster(struct kube *k, const struct kube_opts *o)
{
	const char *host = getenv("KUBERNETES_SERVICE_HOST");
	const char *port = getenv("KUBERNETES_SERVICE_PORT");
	const char *dir = o->sa_dir != NULL ? o->sa_dir : KUBE_SA_DIR;
	char url[600], file[4096];
	struct buf t;

	if (host == NULL || *host == '\0' || port == NULL || *port == '\0') {
		log_err("not in a cluster (KUBERNETES_SERVICE_HOST and _PORT "
		    "are not set): give --kubeconfig FILE");
		return -1;
	}
	snprintf(url, sizeof(url), strchr(host, ':') != NULL ?
	    "https://[%s]:%s" : "https://%s:%s", host, port);
	if ((k->server = strdup(url)) == NULL) {
		log_errno("in-cluster");
		return -1;
	}
	snprintf(file, sizeof(file), "%s/ca.crt", dir);
	if (read_into(&k->ca, file, "service account CA") == -1)
		return -1;
	buf_init(&t, KUBE_FILE_MAX);
	snprintf(file, sizeof(file), "%s/token", dir);
	if (read_into(&t, file, "service account token") == -1) {
		wipe(&t);
		return -1;
	}
	k->token = strndup(buf_str(&t), rtrim_len(buf_str(&t), t.len));
	wipe(&t);
	if (k->token == NULL) {
		log_errno("in-cluster");
		return -1;
	}
	return 0;
}

int
kube_open(const struct kube_opts *o, struct kube **out)
{
	struct kube *k;

	if ((k = calloc(1, sizeof(*k))) == NULL) {
		log_errno("kube");
		return -1;
	}
	k->o = *o;
	buf_init(&k->ca, KUBE_FILE_MAX);
	buf_init(&k->cert, KUBE_FILE_MAX);
	buf_init(&k->key, KUBE_FILE_MAX);
	if ((o->kubeconfig != NULL ? from_kubeconfig(k, o) :
	    in_cluster(k, o)) == -1)
		goto fail;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK ||
	    (k->h = curl_easy_init()) == NULL) {
		log_err("cannot start libcurl");
		goto fail;
	}
	*out = k;
	return 0;
fail:
	kube_close(k);
	return -1;
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

/*
 * One GET, retried on 429, 5xx and connection failures. Returns 0 with
 * the body, or -1 with err.
 */
static int
request(struct kube *k, const char *method, const char *path,
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
	if (k->token != NULL) {
		snprintf(auth, sizeof(auth), "Authorization: Bearer %s",
		    k->token);
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
		    (long)k->o.timeout_ms);
		curl_easy_setopt(k->h, CURLOPT_CONNECTTIMEOUT_MS,
		    (long)(k->o.timeout_ms < 10000 ? k->o.timeout_ms : 10000));
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
			rc = KUBE_FATAL;
			break;
		}
		if (cc == CURLE_WRITE_ERROR) {
			snprintf(err, errlen, "server %s: answer to %s is over "
			    "%d MB", k->server, path, KUBE_BODY_MAX >> 20);
			break;
		}
		if (cc == CURLE_OK && status >= 200 && status < 300) {
			curl_slist_free_all(hdrs);
			return 0;
		}
		if (cc == CURLE_OK && status == 401) {
			snprintf(err, errlen, "server %s refused the credentials "
			    "(HTTP 401 for %s)", k->server, path);
			rc = KUBE_FATAL;
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
		if (attempt >= k->o.retries) {
			if (cc == CURLE_COULDNT_CONNECT ||
			    cc == CURLE_COULDNT_RESOLVE_HOST ||
			    cc == CURLE_OPERATION_TIMEDOUT)
				rc = KUBE_FATAL;
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
kube_request(struct kube *k, const char *method, const char *path,
    const char *payload, char **body, size_t *len, char *err, size_t errlen)
{
	struct buf b;
	int rc;

	buf_init(&b, KUBE_BODY_MAX);
	rc = request(k, method, path, payload, &b, err, errlen);
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

int
kube_list(struct kube *k, const char *path, cJSON **items, char *err,
    size_t errlen)
{
	struct buf body;
	char page[8192], *cont = NULL;
	cJSON *all = cJSON_CreateArray();
	int pages, rc = -1;

	buf_init(&body, KUBE_BODY_MAX);
	*items = NULL;
	if (all == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (pages = 0; pages < KUBE_MAX_PAGES; pages++) {
		cJSON *doc, *got, *it;
		const char *next;
		char *esc = NULL;

		if (cont != NULL && (esc = curl_easy_escape(k->h, cont, 0)) ==
		    NULL) {
			snprintf(err, errlen, "out of memory");
			goto out;
		}
		snprintf(page, sizeof(page), "%s%climit=%d%s%s", path,
		    strchr(path, '?') != NULL ? '&' : '?', k->o.page_size,
		    esc != NULL ? "&continue=" : "", esc != NULL ? esc : "");
		curl_free(esc);
		if ((rc = request(k, "GET", page, NULL, &body, err,
		    errlen)) != 0)
			goto out;
		rc = -1;
		doc = cJSON_ParseWithLength(body.data != NULL ? body.data : "",
		    body.len);
		got = cJSON_GetObjectItemCaseSensitive(doc, "items");
		if (!cJSON_IsArray(got) && !cJSON_IsNull(got)) {
			snprintf(err, errlen, "server %s: %s is not a list",
			    k->server, path);
			cJSON_Delete(doc);
			goto out;
		}
		while (got != NULL && (it = cJSON_DetachItemFromArray(got,
		    0)) != NULL)
			cJSON_AddItemToArray(all, it);
		next = json_get_str(cJSON_GetObjectItemCaseSensitive(doc,
		    "metadata"), "continue");
		if (next == NULL || *next == '\0') {
			cJSON_Delete(doc);
			rc = 0;
			goto out;
		}
		if (cont != NULL && strcmp(cont, next) == 0) {
			snprintf(err, errlen, "server %s: paging of %s does not "
			    "advance", k->server, path);
			cJSON_Delete(doc);
			goto out;
		}
		free(cont);
		cont = strdup(next);
		cJSON_Delete(doc);
		if (cont == NULL) {
			snprintf(err, errlen, "out of memory");
			goto out;
		}
	}
	snprintf(err, errlen, "server %s: more than %d pages for %s",
	    k->server, KUBE_MAX_PAGES, path);
out:
	free(cont);
	buf_release(&body);
	if (rc == 0)
		*items = all;
	else
		cJSON_Delete(all);
	return rc;
}
