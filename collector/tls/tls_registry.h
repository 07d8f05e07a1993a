/*
 * tls_registry.h - the TLS code points fipsev knows by name.
 *
 * Loaded from data/tls/{cipher-suites,groups,sigalgs}.tsv, derived from the
 * IANA registries and compiled into the binary. The scanner offers every
 * code point listed here, whether or not the local OpenSSL implements it:
 * it never needs to, since it only reads what the server picks.
 */
#ifndef FIPSEV_TLS_REGISTRY_H
#define FIPSEV_TLS_REGISTRY_H

#include <stddef.h>
#include <stdint.h>

struct tls_suite {
	uint16_t	 id;
	int		 tls13;		/* a TLS 1.3 suite (else SSL 3.0-TLS 1.2) */
	char		*name;		/* IANA name, e.g. TLS_RSA_WITH_NULL_MD5 */
	char		*kex;		/* key exchange and authentication */
	char		*cipher;	/* bulk cipher */
	char		*mac;		/* MAC, PRF hash, or "AEAD" */
};

struct tls_named {
	uint16_t	 id;
	char		*name;
};

struct tls_registry {
	struct tls_suite	*suites;	/* sorted by id */
	size_t			 nsuites;
	struct tls_named	*groups;	/* sorted by id */
	size_t			 ngroups;
	struct tls_named	*sigalgs;	/* sorted by id */
	size_t			 nsigalgs;
};

/* Load the compiled-in tables. Returns 0, or -1 after logging. */
int	 tls_registry_load(struct tls_registry *reg);
void	 tls_registry_release(struct tls_registry *reg);

/* Lookups by code point; NULL when the registry has no such entry. */
const struct tls_suite	*tls_suite_by_id(const struct tls_registry *reg,
			    uint16_t id);
const struct tls_named	*tls_group_by_id(const struct tls_registry *reg,
			    uint16_t id);
const struct tls_named	*tls_sigalg_by_id(const struct tls_registry *reg,
			    uint16_t id);

#endif
