/*
 * timestamp.c - see timestamp.h.
 */
#define _GNU_SOURCE	/* timegm() */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pkcs7.h>
#include <openssl/rand.h>
#include <openssl/ts.h>
#include <openssl/x509.h>

#include "bundle/timestamp.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/ossl.h"
#include "util/banned.h"

/* How long a TSA may take to answer. */
#define TS_TIMEOUT_S	30L

/* The SHA-256 imprint of data as a request carries it. */
static TS_REQ *
request_for(const unsigned char digest[32], ASN1_INTEGER **nonce)
{
	TS_MSG_IMPRINT *mi = NULL;
	X509_ALGOR *alg = NULL;
	TS_REQ *req = NULL;
	unsigned char rnd[8];
	BIGNUM *bn = NULL;

	*nonce = NULL;
	if ((req = TS_REQ_new()) == NULL || !TS_REQ_set_version(req, 1) ||
	    (mi = TS_MSG_IMPRINT_new()) == NULL ||
	    (alg = X509_ALGOR_new()) == NULL ||
	    !X509_ALGOR_set0(alg, OBJ_nid2obj(NID_sha256), V_ASN1_NULL,
	    NULL) || !TS_MSG_IMPRINT_set_algo(mi, alg) ||
	    !TS_MSG_IMPRINT_set_msg(mi, (unsigned char *)digest, 32) ||
	    !TS_REQ_set_msg_imprint(req, mi) ||
	    RAND_bytes(rnd, sizeof(rnd)) != 1 ||
	    (bn = BN_bin2bn(rnd, sizeof(rnd), NULL)) == NULL ||
	    (*nonce = BN_to_ASN1_INTEGER(bn, NULL)) == NULL ||
	    !TS_REQ_set_nonce(req, *nonce) || !TS_REQ_set_cert_req(req, 1)) {
		TS_REQ_free(req);
		req = NULL;
		ASN1_INTEGER_free(*nonce);
		*nonce = NULL;
	}
	/* The setters copied what they were given. */
	BN_free(bn);
	X509_ALGOR_free(alg);
	TS_MSG_IMPRINT_free(mi);
	return req;
}

static size_t
on_reply(char *p, size_t size, size_t n, void *arg)
{
	/* A short count makes libcurl stop: a reply past TS_REPLY_MAX. */
	return buf_append(arg, p, size * n) == -1 ? 0 : size * n;
}

/* POST the DER request to url; the reply's bytes into body. */
static int
post(const char *url, const unsigned char *der, int len, struct buf *body,
    char *why, size_t whylen)
{
	char errbuf[CURL_ERROR_SIZE];
	struct curl_slist *hdrs = NULL;
	long status = 0;
	CURLcode cc;
	CURL *h;
	int rc = -1;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK ||
	    (h = curl_easy_init()) == NULL) {
		snprintf(why, whylen, "cannot start libcurl");
		return -1;
	}
	hdrs = curl_slist_append(hdrs,
	    "Content-Type: application/timestamp-query");
	errbuf[0] = '\0';
	curl_easy_setopt(h, CURLOPT_URL, url);
	/* The token is signed: plain HTTP is as good as https here. */
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, der);
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)len);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_reply);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, body);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, TS_TIMEOUT_S);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	if ((cc = curl_easy_perform(h)) != CURLE_OK)
		snprintf(why, whylen, "the TSA %s cannot be reached: %s", url,
		    cc == CURLE_WRITE_ERROR ? "its reply is larger than 1 MiB" :
		    errbuf[0] != '\0' ? errbuf : curl_easy_strerror(cc));
	else if (curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status),
	    status != 200)
		snprintf(why, whylen, "the TSA %s answered HTTP %ld", url,
		    status);
	else
		rc = 0;
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(h);
	return rc;
}

/* t as seconds since the epoch; 0 when it cannot be read. */
static time_t
seconds(const ASN1_TIME *t)
{
	struct tm tm;

	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1)
		return 0;
	return timegm(&tm);
}

/*
 * The reply resp against data's digest: granted, a SHA-256 imprint of it,
 * the token's signature sound (the TSA's certificate inside it, chain not
 * judged here). Fills v->when and v->tsa. Returns 1, or 0 with v->why.
 */
static int
reply_holds(TS_RESP *resp, const unsigned char digest[32],
    struct ts_verdict *v)
{
	TS_STATUS_INFO *si = TS_RESP_get_status_info(resp);
	TS_TST_INFO *tst = TS_RESP_get_tst_info(resp);
	PKCS7 *token = TS_RESP_get_token(resp);
	TS_MSG_IMPRINT *mi;
	ASN1_OCTET_STRING *md;
	STACK_OF(X509) *signers;
	const ASN1_OBJECT *alg;
	long status;

	status = si != NULL ? ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(si)) :
	    -1;
	/* 0 granted, 1 granted with modifications: both are tokens. */
	if (status != 0 && status != 1) {
		snprintf(v->why, sizeof(v->why), "the TSA did not grant a "
		    "token (status %ld)", status);
		return 0;
	}
	if (tst == NULL || token == NULL) {
		snprintf(v->why, sizeof(v->why), "the reply holds no token");
		return 0;
	}
	mi = TS_TST_INFO_get_msg_imprint(tst);
	md = TS_MSG_IMPRINT_get_msg(mi);
	X509_ALGOR_get0(&alg, NULL, NULL, TS_MSG_IMPRINT_get_algo(mi));
	if (OBJ_obj2nid(alg) != NID_sha256 || md == NULL ||
	    ASN1_STRING_length(md) != 32 ||
	    memcmp(ASN1_STRING_get0_data(md), digest, 32) != 0) {
		snprintf(v->why, sizeof(v->why), "the token is not over this "
		    "signature (its imprint differs)");
		return 0;
	}
	ERR_clear_error();
	if (PKCS7_verify(token, NULL, NULL, NULL, NULL, PKCS7_NOVERIFY) != 1) {
		snprintf(v->why, sizeof(v->why), "the token's signature does "
		    "not verify: %s", ossl_reason());
		return 0;
	}
	if ((v->when = seconds(TS_TST_INFO_get_time(tst))) == 0) {
		snprintf(v->why, sizeof(v->why), "the token's time cannot be "
		    "read");
		return 0;
	}
	if ((signers = PKCS7_get0_signers(token, NULL, 0)) != NULL) {
		if (sk_X509_num(signers) > 0)
			X509_NAME_oneline(X509_get_subject_name(
			    sk_X509_value(signers, 0)), v->tsa,
			    (int)sizeof(v->tsa));
		sk_X509_free(signers);
	}
	return 1;
}

/*
 * Does the TSA that signed resp chain to tsa_ca, judged at the token's
 * time, with the timestamping purpose and the ESS certificate binding
 * (OpenSSL's TS verification)? 1, 0 with v->why, -1 logged.
 */
static int
tsa_trusted(TS_RESP *resp, const unsigned char digest[32],
    const char *tsa_ca, struct ts_verdict *v)
{
	TS_VERIFY_CTX *ctx;
	X509_STORE *store;
	unsigned char *imprint;
	int ok;

	if ((store = X509_STORE_new()) == NULL ||
	    (ctx = TS_VERIFY_CTX_new()) == NULL) {
		X509_STORE_free(store);
		log_err("cannot check the timestamp: out of memory");
		return -1;
	}
	if (X509_STORE_load_file(store, tsa_ca) != 1) {
		log_err("cannot load TSA CA '%s': %s", tsa_ca, ossl_reason());
		X509_STORE_free(store);
		TS_VERIFY_CTX_free(ctx);
		return -1;
	}
	X509_VERIFY_PARAM_set_time(X509_STORE_get0_param(store), v->when);
	/* The context owns the store and the imprint from here on. */
	TS_VERIFY_CTX_set_store(ctx, store);
	if ((imprint = OPENSSL_memdup(digest, 32)) == NULL) {
		TS_VERIFY_CTX_free(ctx);
		log_err("cannot check the timestamp: out of memory");
		return -1;
	}
	TS_VERIFY_CTX_set_imprint(ctx, imprint, 32);
	TS_VERIFY_CTX_set_flags(ctx, TS_VFY_VERSION | TS_VFY_SIGNATURE |
	    TS_VFY_IMPRINT);
	ERR_clear_error();
	if (!(ok = TS_RESP_verify_response(ctx, resp) == 1))
		snprintf(v->why, sizeof(v->why), "the TSA does not chain to "
		    "'%s': %s", tsa_ca, ossl_reason());
	TS_VERIFY_CTX_free(ctx);
	return ok;
}

int
ts_check(const unsigned char *der, size_t len, const void *data, size_t n,
    const char *tsa_ca, struct ts_verdict *v)
{
	const unsigned char *p = der;
	unsigned char digest[32];
	TS_RESP *resp;
	int rc;

	memset(v, 0, sizeof(*v));
	if (EVP_Digest(data, n, digest, NULL, EVP_sha256(), NULL) != 1) {
		log_err("cannot hash the signature");
		return -1;
	}
	resp = len <= TS_REPLY_MAX ? d2i_TS_RESP(NULL, &p, (long)len) : NULL;
	if (resp == NULL || p != der + len) {
		TS_RESP_free(resp);
		snprintf(v->why, sizeof(v->why), "not an RFC 3161 time-stamp "
		    "reply");
		return 0;
	}
	if ((rc = reply_holds(resp, digest, v)) == 1) {
		if (tsa_ca == NULL) {
			snprintf(v->why, sizeof(v->why), "the TSA is not "
			    "checked: give --tsa-ca");
			rc = 2;
		} else if ((rc = tsa_trusted(resp, digest, tsa_ca, v)) == 0)
			rc = 2;
	}
	TS_RESP_free(resp);
	return rc;
}

int
ts_fetch(const char *url, const char *tsa_ca, const void *data, size_t n,
    unsigned char **der, size_t *len, char *why, size_t whylen)
{
	unsigned char digest[32], *q = NULL;
	const unsigned char *p;
	ASN1_INTEGER *nonce = NULL;
	struct ts_verdict v;
	struct buf body;
	TS_RESP *resp = NULL;
	TS_REQ *req = NULL;
	const ASN1_INTEGER *got;
	int qlen, rc = -1, r;

	*der = NULL;
	*len = 0;
	buf_init(&body, TS_REPLY_MAX);
	if (EVP_Digest(data, n, digest, NULL, EVP_sha256(), NULL) != 1 ||
	    (req = request_for(digest, &nonce)) == NULL ||
	    (qlen = i2d_TS_REQ(req, &q)) <= 0) {
		snprintf(why, whylen, "cannot make the request: %s",
		    ossl_reason());
		goto out;
	}
	if (post(url, q, qlen, &body, why, whylen) == -1)
		goto out;
	p = (const unsigned char *)body.data;
	if (body.len == 0 || (resp = d2i_TS_RESP(NULL, &p,
	    (long)body.len)) == NULL) {
		snprintf(why, whylen, "the TSA %s answered with no time-stamp "
		    "reply", url);
		goto out;
	}
	got = TS_RESP_get_tst_info(resp) != NULL ?
	    TS_TST_INFO_get_nonce(TS_RESP_get_tst_info(resp)) : NULL;
	if ((r = ts_check((unsigned char *)body.data, body.len, data, n,
	    tsa_ca, &v)) == -1) {
		snprintf(why, whylen, "the TSA's reply cannot be checked");
		goto out;
	}
	if (r == 0 || (r == 2 && tsa_ca != NULL)) {
		snprintf(why, whylen, "the TSA %s: %s", url, v.why);
		goto out;
	}
	/* A replayed token would not carry the nonce just sent. */
	if (got == NULL || ASN1_INTEGER_cmp(got, nonce) != 0) {
		snprintf(why, whylen, "the TSA %s answered with another "
		    "request's token (the nonce differs)", url);
		goto out;
	}
	if ((*der = malloc(body.len)) == NULL) {
		snprintf(why, whylen, "out of memory");
		goto out;
	}
	memcpy(*der, body.data, body.len);
	*len = body.len;
	rc = 0;
out:
	TS_RESP_free(resp);
	TS_REQ_free(req);
	ASN1_INTEGER_free(nonce);
	OPENSSL_free(q);
	buf_release(&body);
	return rc;
}
