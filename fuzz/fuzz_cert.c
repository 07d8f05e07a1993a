/*
 * fuzz_cert.c - a certificate as a server sends it (DER), described and
 * classified the way the chain of an evidence handshake is: names, SANs,
 * key type and size, signature algorithm, validity, fingerprints.
 */
#include <stdint.h>
#include <stdlib.h>

#include <cjson/cJSON.h>
#include <openssl/x509.h>

#include "collector/tls/fips_policy.h"
#include "collector/tls/tls_cert.h"
#include "fuzz/fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fips_policy *policy;
	const unsigned char *p = data;
	cJSON *findings, *c;
	X509 *x;
	int ok = 1;

	if (policy == NULL && fips_policy_load(NULL, &policy) == -1)
		abort();
	if ((x = d2i_X509(NULL, &p, (long)size)) == NULL)
		return 0;
	if ((findings = cJSON_CreateArray()) == NULL)
		abort();
	c = tls_cert_describe(x, (int)(size % 3), policy, findings, &ok);
	cJSON_Delete(c);
	cJSON_Delete(findings);
	X509_free(x);
	return 0;
}
