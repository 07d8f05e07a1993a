/*
 * tls.h - the TLS evidence document (fipsev-tls/1) and its facts.
 *
 * The TLS scanner (collector/tls/tls_scan.h) writes one document per scan;
 * the store keeps one per endpoint, and this module checks that one and
 * reads the facts kept beside it: the target, its verdict and error, and
 * what it accepts as lists that drift compares.
 */
#ifndef FIPSEV_EVIDENCE_TLS_H
#define FIPSEV_EVIDENCE_TLS_H

#include <stddef.h>

struct cJSON;

#define TLS_FORMAT "fipsev-tls/1"

/*
 * The facts of a one-endpoint document. target and error live in doc;
 * the lists are JSON arrays of strings as text ("TLSv1.2 0xC02F" for a
 * suite). Everything is owned by the struct.
 */
struct tls_facts {
	const char	*target;
	int		 compliant;
	const char	*error;			/* NULL: none */
	int		 connections;
	char		*protocols;
	char		*suites;
	char		*groups;
	char		*sigalgs;
	struct cJSON	*doc;
};

/*
 * Parse a document of one endpoint, check it and read its facts into *f.
 * A bad document is logged as "WHERE: TLS evidence: field 'x' is not ...".
 * Returns 0, or -1 after logging (*f then empty).
 */
int	 tls_facts_of(const char *where, const char *json, size_t len,
	    struct tls_facts *f);

/* Free what *f holds and empty it. */
void	 tls_facts_release(struct tls_facts *f);

#endif
