/*
 * sign.c - see sign.h.
 */
#define _GNU_SOURCE	/* timegm() */
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/buffer.h>
#include <openssl/bn.h>
#include <openssl/pem.h>	/* before cms.h: it declares PEM_*_CMS */
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "bundle/sign.h"
#include "util/fsutil.h"
#include "util/log.h"
#include "util/ossl.h"
#include "util/testhook.h"
#include "util/banned.h"

/* Open path for writing a new file of mode; never follows a symlink. */
static FILE *
create(const char *path, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, mode);
	FILE *fp;

	if (fd == -1) {
		log_errno("cannot create '%s'", path);
		return NULL;
	}
	if ((fp = fdopen(fd, "w")) == NULL) {
		log_errno("cannot create '%s'", path);
		close(fd);
	}
	return fp;
}

/*
 * Finish the new file path written through fp: synced before it counts,
 * so a key or a signature is never left half-written under its name;
 * removed when written is 0 or anything fails. Returns 0, or -1 after
 * logging (errno's reason, else OpenSSL's).
 */
static int
finish(FILE *fp, const char *path, int written)
{
	if (!written || fflush(fp) == EOF || fsync(fileno(fp)) == -1) {
		int saved = errno;

		fclose(fp);
		unlink(path);
		if (saved != 0) {
			errno = saved;
			log_errno("cannot write '%s'", path);
		} else
			log_err("cannot write '%s': %s", path, ossl_reason());
		return -1;
	}
	if (fclose(fp) != 0) {
		log_errno("cannot write '%s'", path);
		unlink(path);
		return -1;
	}
	return 0;
}

enum pem { PEM_KEY, PEM_CERT };

/* Write obj as PEM into a new file path of mode. Returns 0 or -1. */
static int
write_pem(const char *path, mode_t mode, enum pem kind, void *obj)
{
	FILE *fp = create(path, mode);
	int ok;

	if (fp == NULL)
		return -1;
	errno = 0;	/* so a failure below can tell the system's from OpenSSL's */
	switch (kind) {
	case PEM_KEY:
		ok = PEM_write_PrivateKey(fp, obj, NULL, NULL, 0, NULL, NULL);
		break;
	default:
		ok = PEM_write_X509(fp, obj);
		break;
	}
	return finish(fp, path, ok == 1);
}

static int
add_ext(X509 *x, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *ext;
	int ok;

	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	if ((ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value)) == NULL)
		return -1;
	ok = X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	return ok == 1 ? 0 : -1;
}

int
sign_keygen(const char *dir)
{
	char kpath[4096], cpath[4096], ktmp[4200], ctmp[4200];
	EVP_PKEY *pk = NULL;
	X509 *x = NULL;
	X509_NAME *name;
	BIGNUM *serial = NULL;
	int rc = -1, dfd;

	if (fs_pathf(kpath, sizeof(kpath), "%s/signing.key", dir) == -1 ||
	    fs_pathf(cpath, sizeof(cpath), "%s/signing.crt", dir) == -1 ||
	    fs_pathf(ktmp, sizeof(ktmp), "%s.tmp", kpath) == -1 ||
	    fs_pathf(ctmp, sizeof(ctmp), "%s.tmp", cpath) == -1)
		return -1;
	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		log_errno("cannot create '%s'", dir);
		return -1;
	}
	/*
	 * One keygen at a time in a directory: a second one waits, then
	 * finds the key and refuses, rather than putting its certificate
	 * beside the first one's key.
	 */
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    flock(dfd, LOCK_EX) == -1) {
		log_errno("cannot lock '%s'", dir);
		if (dfd != -1)
			close(dfd);
		return -1;
	}
	if (access(kpath, F_OK) == 0 || errno != ENOENT) {
		log_err("'%s' exists: a key is never overwritten", kpath);
		close(dfd);
		return -1;
	}
	/* Leftovers of a keygen killed half-way are ours to replace. */
	unlink(ktmp);
	unlink(ctmp);
	if ((pk = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384")) == NULL ||
	    (x = X509_new()) == NULL || (serial = BN_new()) == NULL ||
	    X509_set_version(x, 2) != 1 ||
	    BN_rand(serial, 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
	    BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(x)) == NULL ||
	    X509_gmtime_adj(X509_getm_notBefore(x), 0) == NULL ||
	    X509_gmtime_adj(X509_getm_notAfter(x), 365L * 24 * 3600) == NULL ||
	    X509_set_pubkey(x, pk) != 1 ||
	    (name = X509_get_subject_name(x)) == NULL ||
	    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	    (const unsigned char *)"fipsev evidence signing (self-signed)",
	    -1, -1, 0) != 1 ||
	    X509_set_issuer_name(x, name) != 1 ||
	    add_ext(x, NID_basic_constraints, "critical,CA:FALSE") == -1 ||
	    add_ext(x, NID_key_usage, "critical,digitalSignature,"
	    "nonRepudiation") == -1 ||
	    add_ext(x, NID_subject_key_identifier, "hash") == -1 ||
	    X509_sign(x, pk, EVP_sha384()) == 0) {
		log_err("cannot make a signing key: %s", ossl_reason());
		goto out;
	}
	/*
	 * Both under temporary names, then the certificate, then the key
	 * (link(2): never over another key): once signing.key exists, its
	 * certificate does too, even if fipsev is killed in between.
	 */
	if (write_pem(ktmp, 0600, PEM_KEY, pk) == -1 ||
	    write_pem(ctmp, 0644, PEM_CERT, x) == -1)
		goto out;
	if (rename(ctmp, cpath) == -1) {
		log_errno("cannot move '%s' to '%s'", ctmp, cpath);
		goto out;
	}
	testhook("keygen-before-key");
	if (link(ktmp, kpath) == -1) {
		log_errno("cannot create '%s'", kpath);
		goto out;
	}
	if (fs_sync_parent(kpath) == -1)
		goto out;
	rc = 0;
out:
	unlink(ktmp);
	unlink(ctmp);
	close(dfd);
	BN_free(serial);
	X509_free(x);
	EVP_PKEY_free(pk);
	return rc;
}

/*
 * Load the private key, refusing one that others may read (by the rule
 * of fs_open_private(), which allows a Secret mounted as the kubelet
 * does).
 */
static EVP_PKEY *
load_key(const char *path)
{
	EVP_PKEY *pk = NULL;
	FILE *fp;
	int fd;

	if ((fd = fs_open_private(path, "key")) == -1)
		return NULL;
	if ((fp = fdopen(fd, "r")) == NULL) {
		log_errno("cannot read key '%s'", path);
		close(fd);
		return NULL;
	}
	pk = PEM_read_PrivateKey(fp, NULL, NULL, NULL);
	fclose(fp);
	if (pk == NULL)
		log_err("key '%s' is not a PEM private key (or is "
		    "encrypted): %s", path, ossl_reason());
	return pk;
}

/* The digest for a key, or NULL (logged) when the key is not allowed. */
static const EVP_MD *
approved_md(EVP_PKEY *pk, const char *path)
{
	char group[64];
	size_t glen;

	if (EVP_PKEY_is_a(pk, "RSA")) {
		if (EVP_PKEY_get_bits(pk) < 3072) {
			log_err("key '%s': RSA of %d bits; fipsev signs with "
			    "RSA of 3072 bits or more", path,
			    EVP_PKEY_get_bits(pk));
			return NULL;
		}
		return EVP_sha256();
	}
	if (EVP_PKEY_is_a(pk, "EC") && EVP_PKEY_get_utf8_string_param(pk,
	    "group", group, sizeof(group), &glen) == 1) {
		if (strcmp(group, "prime256v1") == 0 ||
		    strcmp(group, "P-256") == 0)
			return EVP_sha256();
		if (strcmp(group, "secp384r1") == 0 ||
		    strcmp(group, "P-384") == 0)
			return EVP_sha384();
	}
	log_err("key '%s': fipsev signs with RSA >= 3072 or ECDSA P-256 or "
	    "P-384 only", path);
	return NULL;
}

/* A certificate's time as the text the error names ("2027-01-02 03:04 UTC"). */
static void
cert_time(const ASN1_TIME *t, char *out, size_t len)
{
	struct tm tm;

	if (ASN1_TIME_to_tm(t, &tm) != 1 ||
	    strftime(out, len, "%Y-%m-%d %H:%M UTC", &tm) == 0)
		snprintf(out, len, "(an unreadable time)");
}

/*
 * Load the signing key and its certificate, refusing what fipsev must not
 * sign with: a key others may read, an algorithm not approved, a
 * certificate not for the key, or one not valid at now. *days_left gets
 * the whole days until the certificate expires. Returns 0, or -1 after
 * logging; the caller frees *pk and *x.
 */
static int
signer_load(const char *key_path, const char *cert_path, time_t now,
    EVP_PKEY **pk, const EVP_MD **md, X509 **x, int *days_left)
{
	ASN1_TIME *at;
	char when[64];
	int days, secs;
	FILE *fp;

	*pk = NULL;
	*x = NULL;
	if ((*pk = load_key(key_path)) == NULL ||
	    (*md = approved_md(*pk, key_path)) == NULL)
		goto fail;
	if ((fp = fopen(cert_path, "re")) == NULL) {
		log_errno("cannot open certificate '%s'", cert_path);
		goto fail;
	}
	*x = PEM_read_X509(fp, NULL, NULL, NULL);
	fclose(fp);
	if (*x == NULL) {
		log_err("certificate '%s' is not a PEM certificate", cert_path);
		goto fail;
	}
	if (X509_check_private_key(*x, *pk) != 1) {
		log_err("certificate '%s' is not for key '%s'", cert_path,
		    key_path);
		goto fail;
	}
	if (X509_cmp_time(X509_get0_notBefore(*x), &now) >= 0) {
		cert_time(X509_get0_notBefore(*x), when, sizeof(when));
		log_err("certificate '%s' is not valid yet (from %s): a "
		    "bundle signed now would not verify", cert_path, when);
		goto fail;
	}
	if (X509_cmp_time(X509_get0_notAfter(*x), &now) <= 0) {
		cert_time(X509_get0_notAfter(*x), when, sizeof(when));
		log_err("certificate '%s' expired on %s: renew it (a bundle "
		    "signed now would not verify)", cert_path, when);
		goto fail;
	}
	if ((at = ASN1_TIME_set(NULL, now)) == NULL ||
	    ASN1_TIME_diff(&days, &secs, at, X509_get0_notAfter(*x)) != 1)
		days = 0;
	ASN1_TIME_free(at);
	*days_left = days;
	return 0;
fail:
	X509_free(*x);
	EVP_PKEY_free(*pk);
	*x = NULL;
	*pk = NULL;
	return -1;
}

/* A key loaded for signing, with its certificate and digest. */
struct sign_key {
	EVP_PKEY	*pk;
	const EVP_MD	*md;
	X509		*x;
};

int
sign_key_load(const char *key_path, const char *cert_path, time_t now,
    struct sign_key **kp, char *warning, size_t warnlen)
{
	struct sign_key *k;
	char when[64];
	int days;

	warning[0] = '\0';
	if ((k = calloc(1, sizeof(*k))) == NULL) {
		log_errno("cannot load key '%s'", key_path);
		return -1;
	}
	if (signer_load(key_path, cert_path, now, &k->pk, &k->md, &k->x,
	    &days) == -1) {
		free(k);
		return -1;
	}
	if (days < SIGN_EXPIRY_WARN_DAYS) {
		cert_time(X509_get0_notAfter(k->x), when, sizeof(when));
		snprintf(warning, warnlen, "certificate '%s' expires on %s, in "
		    "%d day%s: renew it before then", cert_path, when, days,
		    days == 1 ? "" : "s");
	}
	*kp = k;
	return 0;
}

void
sign_key_free(struct sign_key *k)
{
	if (k == NULL)
		return;
	X509_free(k->x);
	EVP_PKEY_free(k->pk);
	free(k);
}

int
sign_key_sign(struct sign_key *k, const void *content, size_t n,
    char **pem, size_t *len)
{
	CMS_ContentInfo *cms = NULL;
	BIO *in = NULL, *out = NULL;
	BUF_MEM *mem;
	int rc = -1;

	*pem = NULL;
	*len = 0;
	/* The certificate may have expired since the key was loaded. */
	if (X509_cmp_time(X509_get0_notAfter(k->x), NULL) <= 0) {
		log_err("the signing certificate has expired: renew it");
		return -1;
	}
	if ((in = BIO_new_mem_buf(content, (int)n)) == NULL ||
	    (out = BIO_new(BIO_s_mem())) == NULL ||
	    (cms = CMS_sign(NULL, NULL, NULL, NULL, CMS_DETACHED |
	    CMS_BINARY | CMS_PARTIAL)) == NULL ||
	    CMS_add1_signer(cms, k->x, k->pk, k->md, CMS_BINARY) == NULL ||
	    CMS_final(cms, in, NULL, CMS_DETACHED | CMS_BINARY) != 1 ||
	    PEM_write_bio_CMS(out, cms) != 1) {
		log_err("cannot sign: %s", ossl_reason());
		goto out;
	}
	BIO_get_mem_ptr(out, &mem);
	if ((*pem = malloc(mem->length)) == NULL) {
		log_errno("cannot sign");
		goto out;
	}
	memcpy(*pem, mem->data, mem->length);
	*len = mem->length;
	rc = 0;
out:
	BIO_free(in);
	BIO_free(out);
	CMS_ContentInfo_free(cms);
	return rc;
}

int
sign_write_pem(const char *path, const char *pem, size_t len)
{
	FILE *fp = create(path, 0644);

	if (fp == NULL)
		return -1;
	errno = 0;
	return finish(fp, path, fwrite(pem, 1, len, fp) == len);
}

int
sign_detached(const char *key_path, const char *cert_path,
    const void *content, size_t n, const char *out_path)
{
	struct sign_key *k;
	char warning[8], *pem = NULL;
	size_t len;
	int rc = -1;

	if (sign_key_load(key_path, cert_path, time(NULL), &k, warning,
	    sizeof(warning)) == -1)
		return -1;
	if (sign_key_sign(k, content, n, &pem, &len) == 0 &&
	    sign_write_pem(out_path, pem, len) == 0)
		rc = 0;
	free(pem);
	sign_key_free(k);
	return rc;
}

/* t as seconds since the epoch; 0 when it cannot be read. */
static time_t
asn1_seconds(const ASN1_TIME *t)
{
	struct tm tm;

	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1)
		return 0;
	return timegm(&tm);
}

/* The signer's own claim of when it signed: its signingTime; 0 if none. */
static time_t
signing_time(CMS_ContentInfo *cms)
{
	STACK_OF(CMS_SignerInfo) *sis = CMS_get0_SignerInfos(cms);
	X509_ATTRIBUTE *at;
	ASN1_TYPE *v;
	int i;

	if (sis == NULL || sk_CMS_SignerInfo_num(sis) != 1 ||
	    (i = CMS_signed_get_attr_by_NID(sk_CMS_SignerInfo_value(sis, 0),
	    NID_pkcs9_signingTime, -1)) < 0 ||
	    (at = CMS_signed_get_attr(sk_CMS_SignerInfo_value(sis, 0), i)) ==
	    NULL || (v = X509_ATTRIBUTE_get0_type(at, 0)) == NULL)
		return 0;
	if (v->type == V_ASN1_UTCTIME)
		return asn1_seconds(v->value.utctime);
	if (v->type == V_ASN1_GENERALIZEDTIME)
		return asn1_seconds(v->value.generalizedtime);
	return 0;
}

/*
 * Does the signer of cms chain to the CA in store, judged at time at?
 * content is read again (CMS_verify() consumes it). Returns 1 or 0 (why
 * in err).
 */
static int
chains_at(CMS_ContentInfo *cms, X509_STORE *store, const void *content,
    size_t n, time_t at, char *err, size_t errlen)
{
	BIO *cbio;
	int ok;

	X509_VERIFY_PARAM_set_time(X509_STORE_get0_param(store), at);
	if ((cbio = BIO_new_mem_buf(content, (int)n)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return 0;
	}
	ERR_clear_error();
	ok = CMS_verify(cms, NULL, store, cbio, NULL, CMS_BINARY) == 1;
	if (!ok)
		snprintf(err, errlen, "%s", ossl_reason());
	BIO_free(cbio);
	return ok;
}

int
sign_verify(const char *sig, size_t siglen, const void *content, size_t n,
    const char *ca_path, time_t at, struct sign_verdict *v)
{
	BIO *sbio = NULL, *cbio = NULL;
	CMS_ContentInfo *cms = NULL;
	X509_STORE *store = NULL;
	STACK_OF(X509) *signers = NULL;
	X509 *x;
	char why[sizeof(v->why)];
	int rc = 0;

	memset(v, 0, sizeof(*v));
	if ((sbio = BIO_new_mem_buf(sig, (int)siglen)) == NULL ||
	    (cbio = BIO_new_mem_buf(content, (int)n)) == NULL ||
	    (store = X509_STORE_new()) == NULL) {
		log_err("cannot verify: out of memory");
		rc = -1;
		goto out;
	}
	if ((cms = PEM_read_bio_CMS(sbio, NULL, NULL, NULL)) == NULL) {
		snprintf(v->why, sizeof(v->why), "the signature is not a PEM "
		    "CMS structure");
		goto out;
	}
	if (ca_path != NULL && X509_STORE_load_file(store, ca_path) != 1) {
		log_err("cannot load CA '%s': %s", ca_path, ossl_reason());
		rc = -1;
		goto out;
	}
	/* First the signature alone: does the manifest hold? */
	if (CMS_verify(cms, NULL, store, cbio, NULL, CMS_BINARY |
	    CMS_NO_SIGNER_CERT_VERIFY) != 1) {
		snprintf(v->why, sizeof(v->why), "the signature does not "
		    "verify: %s", ossl_reason());
		goto out;
	}
	v->holds = 1;
	v->signed_at = signing_time(cms);
	if ((signers = CMS_get0_signers(cms)) != NULL &&
	    sk_X509_num(signers) > 0) {
		x = sk_X509_value(signers, 0);
		X509_NAME_oneline(X509_get_subject_name(x), v->signer,
		    (int)sizeof(v->signer));
		v->not_after = asn1_seconds(X509_get0_notAfter(x));
	}
	rc = 1;
	if (ca_path == NULL)
		goto out;
	/* Then who signed: the signer must chain to the CA given, at the
	 * time asked (a timestamp's), else now. */
	v->judged_at = at != 0 ? at : time(NULL);
	if (chains_at(cms, store, content, n, v->judged_at, v->why,
	    sizeof(v->why))) {
		v->chains = 1;
		goto out;
	}
	/* Not now: but at the time the signer says it signed, while its
	 * certificate was valid? Only the signer says so. */
	if (at == 0 && v->signed_at != 0 && v->not_after != 0 &&
	    v->not_after < v->judged_at && v->signed_at <= v->not_after &&
	    chains_at(cms, store, content, n, v->signed_at, why,
	    sizeof(why)))
		v->expired_since = 1;
out:
	sk_X509_free(signers);
	X509_STORE_free(store);
	CMS_ContentInfo_free(cms);
	BIO_free(sbio);
	BIO_free(cbio);
	return rc;
}
