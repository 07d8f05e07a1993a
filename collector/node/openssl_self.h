/*
 * openssl_self.h - the collector's own OpenSSL, reported apart from the host.
 *
 * The host's kernel FIPS flag says nothing about the library fipsev itself
 * links; an auditor reading fipsev's evidence wants both.
 */
#ifndef FIPSEV_OPENSSL_SELF_H
#define FIPSEV_OPENSSL_SELF_H

struct cJSON;

/*
 * Describe the linked OpenSSL as a JSON object: version, config_dir,
 * modules_dir, fips_provider_available (a "fips" provider can be loaded),
 * fips_provider_running (loaded in the default library context) and
 * fips_default_enabled (default properties include fips=yes). Returns a new
 * object the caller owns, or NULL after logging.
 */
struct cJSON	*openssl_self_json(void);

#endif
