/*
 * tls_cert.c - see tls_cert.h.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>

#include "collector/tls/tls_cert.h"
#include "util/json.h"
#include "util/log.h"
#include "util/banned.h"

/*
 * Every TLS 1.3 suite OpenSSL has: its default leaves out the two CCM
 * ones, and a server that takes only those would show no certificate.
 */
static const char tls13_all[] = "TLS_AES_128_GCM_SHA256:"
    "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:"
    "TLS_AES_128_CCM_SHA256:TLS_AES_128_CCM_8_SHA256";

/*
 * A server that asks for a client certificate gets none (the handshake
 * may then fail, after its own chain was on the wire); the request is
 * noted where tls_cert_prepare() was told.
 */
static int
no_client_certificate(SSL *ssl, X509 **x509, EVP_PKEY **pkey)
{
	int *asked = SSL_get_app_data(ssl);

	(void)x509;
	(void)pkey;
	if (asked != NULL)
		*asked = 1;
	return 0;
}

SSL_CTX *
tls_cert_ctx(const char *ca_file)
{
	SSL_CTX *ctx;

	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL)
		goto fail;
	/*
	 * Evidence, not policy: accept whatever the server offers, a server
	 * without RFC 5746 too (its missing renegotiation_info is judged
	 * from the raw probes; this handshake only measures).
	 */
	if (SSL_CTX_set_min_proto_version(ctx, 0) != 1 ||
	    SSL_CTX_set_cipher_list(ctx, "ALL:COMPLEMENTOFALL:@SECLEVEL=0")
	    != 1 || SSL_CTX_set_ciphersuites(ctx, tls13_all) != 1)
		goto fail;
	SSL_CTX_set_options(ctx, SSL_OP_LEGACY_SERVER_CONNECT);
	SSL_CTX_set_client_cert_cb(ctx, no_client_certificate);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	if (ca_file != NULL) {
		if (SSL_CTX_load_verify_locations(ctx, ca_file, NULL) != 1) {
			log_err("cannot load CA file '%s'", ca_file);
			SSL_CTX_free(ctx);
			return NULL;
		}
	} else if (SSL_CTX_set_default_verify_paths(ctx) != 1)
		goto fail;
	return ctx;
fail:
	log_err("cannot set up an OpenSSL client: %s",
	    ERR_reason_error_string(ERR_get_error()));
	SSL_CTX_free(ctx);
	return NULL;
}

static int
is_ip_address(const char *s)
{
	unsigned char a[16];

	return inet_pton(AF_INET, s, a) == 1 || inet_pton(AF_INET6, s, a) == 1;
}

int
tls_cert_prepare(SSL *ssl, const char *sni, const char *host, int *asked)
{
	SSL_set_app_data(ssl, asked);
	if (sni != NULL && !is_ip_address(sni) &&
	    SSL_set_tlsext_host_name(ssl, sni) != 1)
		return -1;
	/*
	 * The name checked is the one the client asked for: the SNI name,
	 * else the target's host or address. Recorded, never enforced.
	 */
	if (sni == NULL && is_ip_address(host)) {
		X509_VERIFY_PARAM *vp = SSL_get0_param(ssl);

		if (X509_VERIFY_PARAM_set1_ip_asc(vp, host) != 1)
			return -1;
	} else if (SSL_set1_host(ssl, sni != NULL ? sni : host) != 1)
		return -1;
	return SSL_set_tlsext_status_type(ssl, TLSEXT_STATUSTYPE_ocsp) == 1 ?
	    0 : -1;
}

/* An X509 name as one RFC 2253 string into out. */
static void
name_str(const X509_NAME *n, char *out, size_t len)
{
	BIO *b = BIO_new(BIO_s_mem());
	int got = 0;

	out[0] = '\0';
	if (b == NULL)
		return;
	if (X509_NAME_print_ex(b, n, 0, XN_FLAG_RFC2253) >= 0 &&
	    (got = BIO_read(b, out, (int)len - 1)) > 0)
		out[got] = '\0';
	BIO_free(b);
}

static void
time_str(const ASN1_TIME *t, char *out, size_t len)
{
	struct tm tm;

	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1 ||
	    strftime(out, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, len, "unreadable");
}

static int
add_verdict(cJSON *obj, const char *name, const struct fips_verdict *v)
{
	cJSON *o = cJSON_AddObjectToObject(obj, name);

	return o == NULL ? -1 : fips_verdict_json(o, v);
}

static int
add_sans(cJSON *c, X509 *x)
{
	GENERAL_NAMES *gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL,
	    NULL);
	cJSON *arr = cJSON_AddArrayToObject(c, "sans");
	int i, rc = 0;

	if (arr == NULL) {
		GENERAL_NAMES_free(gens);
		return -1;
	}
	for (i = 0; gens != NULL && i < sk_GENERAL_NAME_num(gens); i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
		char ip[INET6_ADDRSTRLEN + 4], text[300];
		const char *s = NULL;

		if (g->type == GEN_DNS) {
			const ASN1_IA5STRING *d = g->d.dNSName;
			size_t n = (size_t)ASN1_STRING_length(d);

			snprintf(text, sizeof(text), "DNS:%.*s",
			    (int)(n < 255 ? n : 255),
			    (const char *)ASN1_STRING_get0_data(d));
			s = text;
		} else if (g->type == GEN_IPADD) {
			const ASN1_OCTET_STRING *a = g->d.iPAddress;
			int n = ASN1_STRING_length(a);
			char addr[INET6_ADDRSTRLEN];

			if ((n == 4 || n == 16) && inet_ntop(n == 4 ? AF_INET :
			    AF_INET6, ASN1_STRING_get0_data(a), addr,
			    sizeof(addr)) != NULL) {
				snprintf(ip, sizeof(ip), "IP:%s", addr);
				s = ip;
			}
		}
		if (s != NULL && json_array_add_str(arr, s) == -1) {
			rc = -1;
			break;
		}
	}
	GENERAL_NAMES_free(gens);
	return rc;
}

/* "RSA", "EC:prime256v1", "ED25519"... and the key size. */
static void
key_type(X509 *x, char *out, size_t len, int *bits)
{
	EVP_PKEY *pk = X509_get0_pubkey(x);
	char group[64];
	size_t glen;

	*bits = 0;
	if (pk == NULL) {
		snprintf(out, len, "unreadable");
		return;
	}
	*bits = EVP_PKEY_get_bits(pk);
	if (EVP_PKEY_is_a(pk, "EC")) {
		if (EVP_PKEY_get_utf8_string_param(pk, "group", group,
		    sizeof(group), &glen) != 1)
			snprintf(group, sizeof(group), "explicit");
		snprintf(out, len, "EC:%s", group);
	} else if (EVP_PKEY_is_a(pk, "RSA"))
		snprintf(out, len, "RSA");
	else if (EVP_PKEY_is_a(pk, "RSA-PSS"))
		snprintf(out, len, "RSA-PSS");
	else if (EVP_PKEY_is_a(pk, "DSA"))
		snprintf(out, len, "DSA");
	else if (EVP_PKEY_is_a(pk, "ED25519"))
		snprintf(out, len, "ED25519");
	else if (EVP_PKEY_is_a(pk, "ED448"))
		snprintf(out, len, "ED448");
	else
		snprintf(out, len, "%s", EVP_PKEY_get0_type_name(pk) != NULL ?
		    EVP_PKEY_get0_type_name(pk) : "unknown");
}

/*
 * An RSASSA-PSS signature's parameters (RFC 4055 §3.1; absent fields mean
 * SHA-1, MGF1 with SHA-1, salt 20): its hash and MGF1 hash into params,
 * and the name the policy judges, "rsassaPss/HASH/MGF1HASH", into out.
 * Parameters that cannot be read are named "unreadable".
 */
static int
pss_params(X509 *x, cJSON *params, char *out, size_t len)
{
	const X509_ALGOR *alg = NULL;
	const ASN1_OBJECT *obj;
	const void *pval;
	const ASN1_STRING *seq;
	const unsigned char *q;
	RSA_PSS_PARAMS *pss = NULL;
	X509_ALGOR *mgf1md = NULL;
	int ptype, md = NID_sha1, mgf = NID_sha1, rc = 0;
	const EVP_MD *hash;
	long salt = 20;

	X509_get0_signature(NULL, &alg, x);
	X509_ALGOR_get0(&obj, &ptype, &pval, alg);
	if (ptype != V_ASN1_SEQUENCE || (seq = pval) == NULL ||
	    (q = ASN1_STRING_get0_data(seq),
	    pss = d2i_RSA_PSS_PARAMS(NULL, &q, ASN1_STRING_length(seq))) ==
	    NULL)
		goto unreadable;
	if (pss->hashAlgorithm != NULL)
		md = OBJ_obj2nid(pss->hashAlgorithm->algorithm);
	if (pss->maskGenAlgorithm != NULL) {
		X509_ALGOR_get0(&obj, &ptype, &pval, pss->maskGenAlgorithm);
		if (OBJ_obj2nid(obj) != NID_mgf1 ||
		    ptype != V_ASN1_SEQUENCE || (seq = pval) == NULL ||
		    (q = ASN1_STRING_get0_data(seq),
		    mgf1md = d2i_X509_ALGOR(NULL, &q,
		    ASN1_STRING_length(seq))) == NULL)
			goto unreadable;
		mgf = OBJ_obj2nid(mgf1md->algorithm);
	}
	if (pss->saltLength != NULL)
		salt = ASN1_INTEGER_get(pss->saltLength);
	if (md == NID_undef || mgf == NID_undef)
		goto unreadable;
	/*
	 * FIPS 186-5 §5.4 bounds the salt by the hash's length; a longer one
	 * (OpenSSL's "max" for RSA-PSS keys) is named so the policy sees it.
	 */
	hash = EVP_get_digestbynid(md);
	snprintf(out, len, "rsassaPss/%s/%s%s", OBJ_nid2ln(md), OBJ_nid2ln(mgf),
	    hash != NULL && salt > EVP_MD_get_size(hash) ? "/salt-too-long" :
	    "");
	if (json_add_str(params, "hash", OBJ_nid2ln(md)) ||
	    json_add_str(params, "mgf1_hash", OBJ_nid2ln(mgf)) ||
	    cJSON_AddNumberToObject(params, "salt_length", (double)salt) ==
	    NULL)
		rc = -1;
	goto out;
unreadable:
	snprintf(out, len, "rsassaPss/unreadable/unreadable");
	if (json_add_str(params, "hash", "unreadable"))
		rc = -1;
out:
	X509_ALGOR_free(mgf1md);
	RSA_PSS_PARAMS_free(pss);
	return rc;
}

static void
finding(cJSON *findings, int depth, const char *what,
    const struct fips_verdict *v)
{
	char msg[512];

	snprintf(msg, sizeof(msg), "certificate %d %s: %s (%s%s%s)", depth,
	    what, fips_status_name(v->status), v->reason,
	    v->reference[0] != '\0' ? "; " : "", v->reference);
	json_array_add_str(findings, msg);
}

/* One certificate of the chain; *ok cleared if it fails the policy. */
static cJSON *
cert_json(X509 *x, int depth, const struct fips_policy *p,
    cJSON *findings, int *ok)
{
	cJSON *c = cJSON_CreateObject();
	struct fips_verdict kv, sv, vv;
	char text[1024], type[80], signame[128];
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, i;
	int bits, self_signed, nid;
	const char *validity = "valid";

	if (c == NULL)
		return NULL;
	name_str(X509_get_subject_name(x), text, sizeof(text));
	if (cJSON_AddNumberToObject(c, "depth", depth) == NULL ||
	    json_add_str(c, "subject", text))
		goto fail;
	name_str(X509_get_issuer_name(x), text, sizeof(text));
	if (json_add_str(c, "issuer", text))
		goto fail;
	{
		BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x),
		    NULL);
		char *hex = bn != NULL ? BN_bn2hex(bn) : NULL;
		int r = json_add_str(c, "serial", hex);

		OPENSSL_free(hex);
		BN_free(bn);
		if (r)
			goto fail;
	}
	time_str(X509_get0_notBefore(x), text, sizeof(text));
	if (json_add_str(c, "not_before", text))
		goto fail;
	time_str(X509_get0_notAfter(x), text, sizeof(text));
	if (json_add_str(c, "not_after", text))
		goto fail;
	key_type(x, type, sizeof(type), &bits);
	if (json_add_str(c, "key_type", type) ||
	    cJSON_AddNumberToObject(c, "key_bits", bits) == NULL)
		goto fail;
	nid = X509_get_signature_nid(x);
	snprintf(signame, sizeof(signame), "%s", nid != NID_undef ?
	    OBJ_nid2ln(nid) : "unknown");
	if (json_add_str(c, "signature_algorithm", signame) ||
	    add_sans(c, x) == -1)
		goto fail;
	/* RSASSA-PSS is only as good as the hashes its parameters name. */
	if (nid == NID_rsassaPss) {
		cJSON *params = cJSON_AddObjectToObject(c, "signature_params");

		if (params == NULL || pss_params(x, params, signame,
		    sizeof(signame)) == -1)
			goto fail;
	}
	if (X509_digest(x, EVP_sha256(), md, &mdlen) == 1) {
		for (i = 0; i < mdlen; i++)
			snprintf(text + 2 * i, 3, "%02x", md[i]);
		if (json_add_str(c, "sha256", text))
			goto fail;
	}
	self_signed = X509_check_issued(x, x) == X509_V_OK;
	if (cJSON_AddBoolToObject(c, "self_signed", self_signed) == NULL)
		goto fail;

	if (X509_cmp_current_time(X509_get0_notAfter(x)) < 0)
		validity = "expired";
	else if (X509_cmp_current_time(X509_get0_notBefore(x)) > 0)
		validity = "not-yet-valid";
	fips_classify_key(p, type, bits, &kv);
	fips_classify(p, "cert-sig", signame, &sv);
	fips_classify(p, "cert-validity", validity, &vv);
	if (json_add_str(c, "validity", validity) ||
	    add_verdict(c, "key_fips", &kv) == -1 ||
	    add_verdict(c, "signature_fips", &sv) == -1 ||
	    add_verdict(c, "validity_fips", &vv) == -1)
		goto fail;
	if (kv.status != FIPS_APPROVED) {
		finding(findings, depth, "key", &kv);
		*ok = 0;
	}
	/*
	 * A self-signed certificate is a trust anchor: nobody relies on its
	 * own signature, so only its key and dates count.
	 */
	if (sv.status != FIPS_APPROVED && !self_signed) {
		finding(findings, depth, "signature", &sv);
		*ok = 0;
	}
	if (vv.status != FIPS_APPROVED) {
		finding(findings, depth, "validity", &vv);
		*ok = 0;
	}
	return c;
fail:
	cJSON_Delete(c);
	return NULL;
}

static int
peer_key_is(SSL *ssl, const char *type)
{
	X509 *x = SSL_get0_peer_certificate(ssl);
	EVP_PKEY *pk = x != NULL ? X509_get0_pubkey(x) : NULL;

	return pk != NULL && EVP_PKEY_is_a(pk, type);
}

const char *
tls_cert_peer_sigalg(SSL *ssl)
{
	int type = NID_undef, md = NID_undef;

	if (SSL_get_peer_signature_type_nid(ssl, &type) != 1)
		return NULL;
	if (type == NID_ED25519)
		return "ed25519";
	if (type == NID_ED448)
		return "ed448";
	if (SSL_get_peer_signature_nid(ssl, &md) != 1)
		return NULL;
	switch (type) {
	case EVP_PKEY_RSA_PSS:
		/* An RSA-PSS key (RFC 8446 §4.2.3) signs with rsa_pss_pss_*. */
		if (peer_key_is(ssl, "RSA-PSS"))
			return md == NID_sha256 ? "rsa_pss_pss_sha256" :
			    md == NID_sha384 ? "rsa_pss_pss_sha384" :
			    md == NID_sha512 ? "rsa_pss_pss_sha512" : NULL;
		return md == NID_sha256 ? "rsa_pss_rsae_sha256" :
		    md == NID_sha384 ? "rsa_pss_rsae_sha384" :
		    md == NID_sha512 ? "rsa_pss_rsae_sha512" : NULL;
	case EVP_PKEY_RSA:
		return md == NID_sha256 ? "rsa_pkcs1_sha256" :
		    md == NID_sha384 ? "rsa_pkcs1_sha384" :
		    md == NID_sha512 ? "rsa_pkcs1_sha512" :
		    md == NID_sha1 ? "rsa_pkcs1_sha1" :
		    md == NID_sha224 ? "rsa_sha224" :
		    md == NID_md5 ? "rsa_md5" : NULL;
	case EVP_PKEY_EC:
		return md == NID_sha256 ? "ecdsa_secp256r1_sha256" :
		    md == NID_sha384 ? "ecdsa_secp384r1_sha384" :
		    md == NID_sha512 ? "ecdsa_secp521r1_sha512" :
		    md == NID_sha1 ? "ecdsa_sha1" :
		    md == NID_sha224 ? "ecdsa_sha224" : NULL;
	default:
		return NULL;
	}
}

static int
add_negotiated(cJSON *ev, SSL *ssl)
{
	cJSON *n = cJSON_AddObjectToObject(ev, "negotiated");
	const SSL_CIPHER *c = SSL_get_current_cipher(ssl);
	int group = SSL_get_negotiated_group(ssl);
	const char *gname = group != 0 ? SSL_group_to_name(ssl, group) : NULL;

	if (n == NULL || json_add_str(n, "protocol", SSL_get_version(ssl)) ||
	    json_add_str(n, "cipher", c != NULL ?
	    SSL_CIPHER_standard_name(c) : NULL) ||
	    json_add_str(n, "group", gname) ||
	    json_add_str(n, "sigalg", tls_cert_peer_sigalg(ssl)))
		return -1;
	return 0;
}

static int
add_verification(cJSON *ev, SSL *ssl)
{
	cJSON *v = cJSON_AddObjectToObject(ev, "verification");
	long r = SSL_get_verify_result(ssl);

	if (v == NULL || cJSON_AddBoolToObject(v, "ok", r == X509_V_OK) ==
	    NULL || json_add_str(v, "result",
	    X509_verify_cert_error_string(r)) ||
	    cJSON_AddNumberToObject(v, "code", (double)r) == NULL)
		return -1;
	return 0;
}

static int
add_ocsp(cJSON *ev, SSL *ssl)
{
	cJSON *o = cJSON_AddObjectToObject(ev, "ocsp_stapling");
	const unsigned char *resp = NULL;
	long len = SSL_get_tlsext_status_ocsp_resp(ssl, &resp);
	const char *status = NULL;

	if (resp != NULL && len > 0) {
		const unsigned char *q = resp;
		OCSP_RESPONSE *r = d2i_OCSP_RESPONSE(NULL, &q, len);

		status = r != NULL ? OCSP_response_status_str(
		    OCSP_response_status(r)) : "unparsable";
		OCSP_RESPONSE_free(r);
	}
	if (o == NULL || cJSON_AddBoolToObject(o, "stapled", status != NULL) ==
	    NULL || json_add_str(o, "response_status", status))
		return -1;
	return 0;
}

cJSON *
tls_cert_describe(X509 *x, int depth, const struct fips_policy *p,
    cJSON *findings, int *ok)
{
	return cert_json(x, depth, p, findings, ok);
}

cJSON *
tls_cert_evidence(SSL *ssl, const struct fips_policy *p, int asked,
    const char *failed, cJSON *findings)
{
	STACK_OF(X509) *chain = SSL_get_peer_cert_chain(ssl);
	cJSON *ev = cJSON_CreateObject(), *arr;
	int i, ok = 1;

	if (ev == NULL || add_negotiated(ev, ssl) == -1 ||
	    add_verification(ev, ssl) == -1 || add_ocsp(ev, ssl) == -1 ||
	    cJSON_AddBoolToObject(ev, "client_certificate_requested",
	    asked) == NULL || json_add_str(ev, "handshake_error", failed) ||
	    (arr = cJSON_AddArrayToObject(ev, "chain")) == NULL)
		goto fail;
	for (i = 0; chain != NULL && i < sk_X509_num(chain); i++) {
		cJSON *c = cert_json(sk_X509_value(chain, i), i, p, findings,
		    &ok);

		if (c == NULL)
			goto fail;
		cJSON_AddItemToArray(arr, c);
	}
	if (chain == NULL || sk_X509_num(chain) == 0) {
		json_array_add_str(findings, "the server sent no certificate");
		ok = 0;
	}
	if (cJSON_AddBoolToObject(ev, "compliant", ok) == NULL)
		goto fail;
	return ev;
fail:
	log_err("out of memory recording a certificate");
	cJSON_Delete(ev);
	return NULL;
}
