/*
 * test_tls_data.c - the compiled-in IANA tables and the FIPS policy: every
 * suite the policy approves is one SP 800-52r2 lists, unknowns are never
 * approved, and a broken policy file is refused with its line.
 */
#include <regex.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "collector/tls/fips_policy.h"
#include "collector/tls/tls_registry.h"

static void
test_registry(void **state)
{
	struct tls_registry reg;
	const struct tls_suite *s;

	(void)state;
	assert_int_equal(tls_registry_load(&reg), 0);
	assert_true(reg.nsuites > 330);
	assert_non_null(s = tls_suite_by_id(&reg, 0x1301));
	assert_string_equal(s->name, "TLS_AES_128_GCM_SHA256");
	assert_int_equal(s->tls13, 1);
	assert_string_equal(s->cipher, "AES_128_GCM");
	assert_non_null(s = tls_suite_by_id(&reg, 0xC02F));
	assert_string_equal(s->kex, "ECDHE_RSA");
	assert_string_equal(s->mac, "SHA256");
	assert_non_null(s = tls_suite_by_id(&reg, 0xC0AC));
	assert_string_equal(s->cipher, "AES_128_CCM");
	assert_string_equal(s->mac, "AEAD");
	/* Signalling values are not suites. */
	assert_null(tls_suite_by_id(&reg, 0x00FF));
	assert_null(tls_suite_by_id(&reg, 0x5600));
	assert_string_equal(tls_group_by_id(&reg, 0x11EC)->name,
	    "X25519MLKEM768");
	assert_string_equal(tls_sigalg_by_id(&reg, 0x0804)->name,
	    "rsa_pss_rsae_sha256");
	/* The RFC 5246 pairs the registry only reserves. */
	assert_string_equal(tls_sigalg_by_id(&reg, 0x0101)->name, "rsa_md5");
	assert_null(tls_group_by_id(&reg, 0x0FFF));
	tls_registry_release(&reg);
}

static void
classify(const struct fips_policy *p, const char *kind, const char *value,
    enum fips_status want)
{
	struct fips_verdict v;

	fips_classify(p, kind, value, &v);
	if (v.status != want)
		fail_msg("%s %s: %s, want %s", kind, value,
		    fips_status_name(v.status), fips_status_name(want));
}

static void
test_policy_items(void **state)
{
	struct fips_policy *p;
	struct fips_verdict v;

	(void)state;
	assert_int_equal(fips_policy_load(NULL, &p), 0);
	assert_string_equal(fips_policy_version(p), "2 (2026-12-01)");
	classify(p, "protocol", "TLSv1.2", FIPS_APPROVED);
	classify(p, "protocol", "TLSv1.3", FIPS_APPROVED);
	classify(p, "protocol", "TLSv1.0", FIPS_DEPRECATED);
	classify(p, "protocol", "SSLv3", FIPS_NOT_APPROVED);
	classify(p, "group", "secp384r1", FIPS_APPROVED);
	classify(p, "group", "ffdhe2048", FIPS_APPROVED);
	classify(p, "group", "SecP256r1MLKEM768", FIPS_APPROVED);
	classify(p, "group", "x25519", FIPS_NOT_APPROVED);
	/* IG C.K: binary curves from 233 bits on are still approved. */
	classify(p, "group", "sect571r1", FIPS_APPROVED);
	classify(p, "group", "sect233k1", FIPS_APPROVED);
	classify(p, "group", "sect163r2", FIPS_NOT_APPROVED);
	/* SP 800-131A r2: 112-bit P-224 and SHA-224 are acceptable. */
	classify(p, "group", "secp224r1", FIPS_APPROVED);
	classify(p, "group", "dh-custom-1024", FIPS_NOT_APPROVED);
	classify(p, "sigalg", "rsa_pss_rsae_sha256", FIPS_APPROVED);
	classify(p, "sigalg", "rsa_pkcs1_sha1", FIPS_NOT_APPROVED);
	classify(p, "sigalg", "dsa_sha256", FIPS_NOT_APPROVED);
	classify(p, "sigalg", "ecdsa_sha224", FIPS_APPROVED);
	classify(p, "sigalg", "dsa_sha224", FIPS_NOT_APPROVED);
	classify(p, "cert-sig", "sha1WithRSAEncryption", FIPS_NOT_APPROVED);
	/* SP 800-52r2 §3.2.1 asks server certificates for SHA-256 up. */
	classify(p, "cert-sig", "sha224WithRSAEncryption", FIPS_NOT_APPROVED);
	/* RSASSA-PSS is judged by its hashes, MGF1's included. */
	classify(p, "cert-sig", "rsassaPss/sha256/sha256", FIPS_APPROVED);
	classify(p, "cert-sig", "rsassaPss/sha512/sha512", FIPS_APPROVED);
	classify(p, "cert-sig", "rsassaPss/sha1/sha1", FIPS_NOT_APPROVED);
	classify(p, "cert-sig", "rsassaPss/sha256/sha1", FIPS_NOT_APPROVED);
	classify(p, "cert-sig", "rsassaPss/sha224/sha224", FIPS_NOT_APPROVED);
	classify(p, "cert-sig", "rsassaPss/unreadable/unreadable",
	    FIPS_NOT_APPROVED);
	classify(p, "cert-sig", "rsassaPss", FIPS_NOT_APPROVED);
	classify(p, "cert-sig", "rsassaPss/sha256/sha256/salt-too-long",
	    FIPS_NOT_APPROVED);
	classify(p, "cert-sig", "rsassaPss/sha256WithRSAEncryption/sha256",
	    FIPS_NOT_APPROVED);
	classify(p, "cert-validity", "expired", FIPS_NOT_APPROVED);
	classify(p, "feature", "compression", FIPS_NOT_APPROVED);
	/* Unknown: never a pass, and says why. */
	fips_classify(p, "group", "newcurve9000", &v);
	assert_int_equal(v.status, FIPS_NOT_APPROVED);
	assert_string_equal(v.reason, "not in the FIPS policy");
	fips_classify(p, "no-such-kind", "TLSv1.2", &v);
	assert_int_equal(v.status, FIPS_NOT_APPROVED);
	/* Key sizes. */
	fips_classify_key(p, "RSA", 2048, &v);
	assert_int_equal(v.status, FIPS_APPROVED);
	fips_classify_key(p, "RSA", 1024, &v);
	assert_int_equal(v.status, FIPS_NOT_APPROVED);
	fips_classify_key(p, "EC:prime256v1", 256, &v);
	assert_int_equal(v.status, FIPS_APPROVED);
	fips_classify_key(p, "EC:brainpoolP256r1", 256, &v);
	assert_int_equal(v.status, FIPS_NOT_APPROVED);
	fips_classify_key(p, "EC:secp224r1", 224, &v);
	assert_int_equal(v.status, FIPS_APPROVED);
	fips_classify_key(p, "EC:sect283k1", 283, &v);
	assert_int_equal(v.status, FIPS_APPROVED);
	fips_classify_key(p, "EC:sect163k1", 163, &v);
	assert_int_equal(v.status, FIPS_NOT_APPROVED);
	fips_classify_key(p, "DSA", 2048, &v);
	assert_int_equal(v.status, FIPS_NOT_APPROVED);
	fips_policy_free(p);
}

/*
 * The property that matters most: across the whole registry, a suite is
 * approved only if it is one of SP 800-52r2's (ECDHE/DHE with AES-GCM,
 * -CCM or -CBC, or a TLS 1.3 AES suite). Weak ones never slip through.
 */
static void
test_policy_all_suites(void **state)
{
	static const char approved_re[] =
	    "^TLS_((ECDHE_ECDSA|ECDHE_RSA|DHE_RSA)_WITH_AES_(128|256)_"
	    "(GCM_SHA256|GCM_SHA384|CBC_SHA|CBC_SHA256|CBC_SHA384|CCM|CCM_8)"
	    "|AES_128_GCM_SHA256|AES_256_GCM_SHA384|AES_128_CCM_SHA256"
	    "|AES_128_CCM_8_SHA256)$";
	struct tls_registry reg;
	struct fips_policy *p;
	struct fips_verdict v;
	regex_t re;
	size_t i, approved = 0;

	(void)state;
	assert_int_equal(regcomp(&re, approved_re, REG_EXTENDED | REG_NOSUB),
	    0);
	assert_int_equal(tls_registry_load(&reg), 0);
	assert_int_equal(fips_policy_load(NULL, &p), 0);
	for (i = 0; i < reg.nsuites; i++) {
		const struct tls_suite *s = &reg.suites[i];
		int listed = regexec(&re, s->name, 0, NULL, 0) == 0;

		fips_classify_suite(p, s, &v);
		if ((v.status == FIPS_APPROVED) != listed)
			fail_msg("%s: %s", s->name, fips_status_name(v.status));
		if (v.status != FIPS_APPROVED)
			assert_true(v.reason[0] != '\0');
		approved += v.status == FIPS_APPROVED;
	}
	assert_true(approved >= 20);
	regfree(&re);
	fips_policy_free(p);
	tls_registry_release(&reg);
}

/* Load policy text from a temporary file; returns the load result. */
static int
load_text(const char *text, struct fips_policy **p)
{
	char path[] = "/tmp/fipsev-policy-XXXXXX";
	int fd = mkstemp(path), r;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	r = fips_policy_load(path, p);
	unlink(path);
	return r;
}

static void
test_policy_file(void **state)
{
	struct fips_policy *p;
	struct fips_verdict v;

	(void)state;
	assert_int_equal(load_text("# version: test\n"
	    "protocol\tTLSv1.2\tnot-approved\tlocal rule\tno 1.2 here\n"
	    "group\tsec*\tapproved\tref\tpattern\n"
	    "group\tsecp256k1\tnot-approved\tref\texact wins\n", &p), 0);
	assert_string_equal(fips_policy_version(p), "test");
	classify(p, "protocol", "TLSv1.2", FIPS_NOT_APPROVED);
	classify(p, "protocol", "TLSv1.3", FIPS_NOT_APPROVED);	/* unlisted */
	classify(p, "group", "secp384r1", FIPS_APPROVED);
	classify(p, "group", "secp256k1", FIPS_NOT_APPROVED);
	fips_classify(p, "protocol", "TLSv1.2", &v);
	assert_string_equal(v.reason, "no 1.2 here");
	assert_string_equal(v.reference, "local rule");
	fips_policy_free(p);

	assert_int_equal(load_text("colour\tred\tapproved\tx\ty\n", &p), -1);
	assert_int_equal(load_text("protocol\tTLSv1.2\tfine\tx\ty\n", &p), -1);
	assert_int_equal(load_text("protocol\tTLSv1.2\tapproved\n", &p), -1);
	assert_int_equal(load_text("cert-key\tRSA>=lots\tapproved\tx\ty\n",
	    &p), -1);
	assert_int_equal(load_text("# nothing\n\n", &p), -1);
	assert_int_equal(load_text("protocol\t\tapproved\tx\ty\n", &p), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registry),
		cmocka_unit_test(test_policy_items),
		cmocka_unit_test(test_policy_all_suites),
		cmocka_unit_test(test_policy_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
