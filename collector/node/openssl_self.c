/*
 * openssl_self.c - see openssl_self.h.
 */
#include <string.h>

#include <cjson/cJSON.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/provider.h>

#include "collector/node/openssl_self.h"
#include "util/log.h"
#include "util/banned.h"

/*
 * Whether a FIPS provider can be loaded at all. Try it in a private library
 * context so the probe changes nothing for the rest of the process; a
 * provider that is present but fails its self-test does not count.
 */
static int
fips_provider_loadable(void)
{
	OSSL_LIB_CTX *ctx;
	OSSL_PROVIDER *prov;
	int ok;

	if ((ctx = OSSL_LIB_CTX_new()) == NULL)
		return 0;
	prov = OSSL_PROVIDER_try_load(ctx, "fips", 0);
	ok = prov != NULL;
	if (prov != NULL)
		OSSL_PROVIDER_unload(prov);
	OSSL_LIB_CTX_free(ctx);
	/* A failed load leaves errors queued; they are expected here. */
	ERR_clear_error();
	return ok;
}

/*
 * OpenSSL_version() reports directories as 'OPENSSLDIR: "/usr/lib/ssl"'.
 * Add just the quoted path (or the whole text, if it has another shape).
 */
static cJSON *
add_dir(cJSON *o, const char *name, const char *text)
{
	const char *q = strchr(text, '"');
	const char *e = q != NULL ? strchr(q + 1, '"') : NULL;
	char path[4096];

	if (q == NULL || e == NULL || (size_t)(e - q - 1) >= sizeof(path))
		return cJSON_AddStringToObject(o, name, text);
	memcpy(path, q + 1, (size_t)(e - q - 1));
	path[e - q - 1] = '\0';
	return cJSON_AddStringToObject(o, name, path);
}

cJSON *
openssl_self_json(void)
{
	cJSON *o;

	if ((o = cJSON_CreateObject()) == NULL)
		goto fail;
	if (cJSON_AddStringToObject(o, "version",
	    OpenSSL_version(OPENSSL_VERSION)) == NULL ||
	    add_dir(o, "config_dir", OpenSSL_version(OPENSSL_DIR)) == NULL ||
	    add_dir(o, "modules_dir",
	    OpenSSL_version(OPENSSL_MODULES_DIR)) == NULL ||
	    cJSON_AddBoolToObject(o, "fips_provider_available",
	    fips_provider_loadable()) == NULL ||
	    cJSON_AddBoolToObject(o, "fips_provider_running",
	    OSSL_PROVIDER_available(NULL, "fips")) == NULL ||
	    cJSON_AddBoolToObject(o, "fips_default_enabled",
	    EVP_default_properties_is_fips_enabled(NULL)) == NULL)
		goto fail;
	return o;
fail:
	log_err("cannot describe the linked OpenSSL: out of memory");
	cJSON_Delete(o);
	return NULL;
}
