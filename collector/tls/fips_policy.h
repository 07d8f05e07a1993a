/*
 * fips_policy.h - which TLS parameters and certificate properties FIPS
 * allows, read from data/tls/fips-policy.tsv (compiled in) or a file given
 * at run time.
 *
 * The rules are data so that an auditor can read them, and a site can
 * replace them, without reading C. Anything no rule names is not approved:
 * an unknown is never a pass.
 */
#ifndef FIPSEV_FIPS_POLICY_H
#define FIPSEV_FIPS_POLICY_H

#include "collector/tls/tls_registry.h"

struct cJSON;

/* Worse statuses compare greater. */
enum fips_status {
	FIPS_APPROVED,
	FIPS_DEPRECATED,
	FIPS_NOT_APPROVED,
};

/* One classification. The strings belong to the policy. */
struct fips_verdict {
	enum fips_status	 status;
	const char		*reference;	/* e.g. "SP 800-52r2 §3.1" */
	const char		*reason;
};

struct fips_policy;

/*
 * Load the policy from path, or the compiled-in one when path is NULL.
 * Returns 0 and sets *out, or -1 after logging the file and line at fault.
 */
int	 fips_policy_load(const char *path, struct fips_policy **out);
void	 fips_policy_free(struct fips_policy *p);

/* The policy's "# version:" line, or "unversioned". */
const char *fips_policy_version(const struct fips_policy *p);

/* The SHA-256 (hex, 65 bytes) of the policy's text, as loaded. 0, or -1. */
int	 fips_policy_digest(const struct fips_policy *p, char *hex);

/*
 * Classify value under kind ("protocol", "group", "sigalg", "cert-sig",
 * "cert-validity", ...). Never fails: an unlisted value is not approved.
 */
void	 fips_classify(const struct fips_policy *p, const char *kind,
	    const char *value, struct fips_verdict *v);

/* A cipher suite: its "suite" row, else the worst of kex, cipher, mac. */
void	 fips_classify_suite(const struct fips_policy *p,
	    const struct tls_suite *s, struct fips_verdict *v);

/* A certificate key: type "RSA", "EC:prime256v1", "ED25519"... of bits. */
void	 fips_classify_key(const struct fips_policy *p, const char *type,
	    int bits, struct fips_verdict *v);

/*
 * Add fips_approved (bool), fips_status, reason and reference to obj.
 * Returns 0, or -1 when out of memory.
 */
int	 fips_verdict_json(struct cJSON *obj, const struct fips_verdict *v);

/* "approved", "deprecated" or "not-approved". */
const char *fips_status_name(enum fips_status s);

#endif
