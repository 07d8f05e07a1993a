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

#include "collector/net/http.h"
#include "collector/net/klist.h"
#include "collector/net/kube.h"
#include "collector/cluster/values.h"
#include "util/buf.h"
#include "util/digest.h"
#include "util/fsutil.h"
#include "util/json.h"
#include "util/log.h"
#include "util/text.h"
#include "util/tsv.h"
#include "util/banned.h"

/* A kubeconfig, token or PEM file larger than this is not one. */
#define KUBE_FILE_MAX	(4 * 1024 * 1024)
/* Pages of one list; more means the server is looping. */
#define KUBE_MAX_PAGES	20000
/* One page of a list: a larger one is asked again in smaller pages. */
#define KUBE_PAGE_MAX	((size_t)64 << 20)

struct kube {
	struct http	 http;		/* server, credentials, libcurl */
	char		*token;		/* bearer token while reading, or NULL */
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
	return k->http.server;
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
	http_release(&k->http);
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
	if ((k->http.server = strdup(s)) == NULL) {
		log_errno("kubeconfig");
		goto out;
	}
	if (k->http.server[strlen(k->http.server) - 1] == '/')
		k->http.server[strlen(k->http.server) - 1] = '\0';
	insecure = cJSON_GetObjectItemCaseSensitive(cluster,
	    "insecure-skip-tls-verify");
	if (cJSON_IsTrue(insecure)) {
		log_err("kubeconfig '%s': cluster of context '%s' sets "
		    "insecure-skip-tls-verify; fipsev always verifies the API "
		    "server", path, ctxname);
		goto out;
	}
	if ((s = json_get_str(cluster, "certificate-authority-data")) != NULL) {
		if (decode_into(&k->http.ca, s, "certificate-authority-data") == -1)
			goto out;
	} else if ((s = json_get_str(cluster, "certificate-authority")) !=
	    NULL) {
		resolve_path(path, s, file, sizeof(file));
		if (read_into(&k->http.ca, file, "certificate authority") == -1)
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
			buf_wipe(&t);
			goto out;
		}
		k->token = strndup(buf_str(&t), rtrim_len(buf_str(&t), t.len));
		buf_wipe(&t);
		if (k->token == NULL)
			goto oom;
	}
	if ((s = json_get_str(user, "client-certificate-data")) != NULL &&
	    decode_into(&k->http.cert, s, "client-certificate-data") == -1)
		goto out;
	if ((s = json_get_str(user, "client-certificate")) != NULL) {
		resolve_path(path, s, file, sizeof(file));
		if (read_into(&k->http.cert, file, "client certificate") == -1)
			goto out;
	}
	if ((s = json_get_str(user, "client-key-data")) != NULL &&
	    decode_into(&k->http.key, s, "client-key-data") == -1)
		goto out;
	if ((s = json_get_str(user, "client-key")) != NULL) {
		resolve_path(path, s, file, sizeof(file));
		if (read_into(&k->http.key, file, "client key") == -1)
			goto out;
	}
	if (k->token == NULL && k->http.cert.len == 0) {
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
	if ((k->http.server = strdup(url)) == NULL) {
		log_errno("in-cluster");
		return -1;
	}
	if (fs_pathf(file, sizeof(file), "%s/ca.crt", dir) == -1)
		return -1;
	if (read_into(&k->http.ca, file, "service account CA") == -1)
		return -1;
	buf_init(&t, KUBE_FILE_MAX);
	if (fs_pathf(file, sizeof(file), "%s/token", dir) == -1 ||
	    read_into(&t, file, "service account token") == -1) {
		buf_wipe(&t);
		return -1;
	}
	k->token = strndup(buf_str(&t), rtrim_len(buf_str(&t), t.len));
	buf_wipe(&t);
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
	if (http_init(&k->http, NULL) == -1) {
		log_err("cannot start libcurl");
		goto fail;
	}
	k->http.timeout_ms = o->timeout_ms;
	k->http.retries = o->retries;
	if ((o->kubeconfig != NULL ? from_kubeconfig(k, o) :
	    in_cluster(k, o)) == -1)
		goto fail;
	if (k->token != NULL) {
		size_t n = strlen(k->token) + sizeof("Authorization: Bearer ");

		if ((k->http.auth = malloc(n)) == NULL) {
			log_errno("kube");
			goto fail;
		}
		snprintf(k->http.auth, n, "Authorization: Bearer %s",
		    k->token);
	}
	*out = k;
	return 0;
fail:
	kube_close(k);
	return -1;
}

int
kube_request(struct kube *k, const char *method, const char *path,
    const char *payload, char **body, size_t *len, char *err, size_t errlen)
{
	return http_request_text(&k->http, method, path, payload, body, len,
	    err, errlen);
}

/* Has this continue token come before (any earlier page, not only the
 * last)? Then the server is looping. Tokens are kept as digests. */
static int
seen_before(char (**seen)[SHA256_HEX_LEN + 1], size_t *n,
    const char *token)
{
	char (*grown)[SHA256_HEX_LEN + 1], hex[SHA256_HEX_LEN + 1];
	size_t i;

	if (sha256_hex(token, strlen(token), hex) == -1)
		return -1;
	for (i = 0; i < *n; i++)
		if (memcmp((*seen)[i], hex, SHA256_HEX_LEN) == 0)
			return 1;
	if ((grown = reallocarray(*seen, *n + 1, sizeof(*grown))) == NULL)
		return -1;
	*seen = grown;
	memcpy(grown[(*n)++], hex, sizeof(hex));
	return 0;
}

int
kube_list(struct kube *k, const char *path, cJSON *out,
    struct klist_budget *budget, char *err, size_t errlen)
{
	struct buf body;
	struct klist l;
	char page[8192], *cont = NULL, (*seen)[SHA256_HEX_LEN + 1] = NULL;
	size_t nseen = 0;
	int pages, limit = k->o.page_size, ceiling = limit, rc = -1, r;

	buf_init(&body, KUBE_PAGE_MAX);
	klist_init(&l, out, budget);
	for (pages = 0; pages < KUBE_MAX_PAGES; pages++) {
		char *esc = NULL;

		if (cont != NULL && (esc = curl_easy_escape(k->http.h, cont, 0)) ==
		    NULL) {
			snprintf(err, errlen, "out of memory");
			goto out;
		}
		r = snprintf(page, sizeof(page), "%s%climit=%d%s%s", path,
		    strchr(path, '?') != NULL ? '&' : '?', limit,
		    esc != NULL ? "&continue=" : "", esc != NULL ? esc : "");
		curl_free(esc);
		if (r < 0 || (size_t)r >= sizeof(page)) {
			snprintf(err, errlen, "server %s: the continue token "
			    "for %s is too long", k->http.server, path);
			goto out;
		}
		rc = http_request(&k->http, "GET", page, NULL, &body, err,
		    errlen);
		/* A page over the cap is asked again in halves, down to one
		 * item a page (then one item alone is over it), and pages
		 * never grow back to a size that was over it. What such a
		 * refused answer brought counts towards the list's bytes. */
		if (rc == HTTP_TOO_BIG && limit > 1) {
			if (klist_charge(&l, body.len) == -1) {
				snprintf(err, errlen, "server %s: the list %s: %s",
				    k->http.server, path, l.err);
				rc = -1;
				goto out;
			}
			ceiling = limit = limit / 2;
			continue;
		}
		if (rc == HTTP_TOO_BIG)
			rc = -1;	/* one item alone is over the cap */
		if (rc != 0)
			goto out;
		rc = -1;
		klist_begin(&l);
		if (klist_feed(&l, buf_str(&body), body.len) == -1 ||
		    klist_end(&l) == -1) {
			snprintf(err, errlen, "server %s: the list %s: %s",
			    k->http.server, path, l.err);
			goto out;
		}
		if (limit < ceiling)
			limit = limit > ceiling / 2 ? ceiling : limit * 2;
		if (l.cont == NULL) {
			rc = 0;
			goto out;
		}
		if ((r = seen_before(&seen, &nseen, l.cont)) != 0) {
			if (r == 1)
				snprintf(err, errlen, "server %s: paging of %s "
				    "does not advance (a continue token came "
				    "back)", k->http.server, path);
			else
				snprintf(err, errlen, "out of memory");
			goto out;
		}
		free(cont);
		cont = l.cont;
		l.cont = NULL;
	}
	snprintf(err, errlen, "server %s: more than %d pages for %s",
	    k->http.server, KUBE_MAX_PAGES, path);
out:
	free(cont);
	free(seen);
	klist_release(&l);
	buf_release(&body);
	return rc;
}
