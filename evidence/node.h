/*
 * node.h - the node evidence document (fipsev-node/1) and its facts.
 *
 * The node collector (collector/node/node.h) writes the document; this module
 * is the one reader of it that decides anything: what makes a document
 * valid, the name a node is filed under, and the facts the store keeps
 * beside it and evaluation judges.
 */
#ifndef FIPSEV_EVIDENCE_NODE_H
#define FIPSEV_EVIDENCE_NODE_H

#include <stddef.h>

struct cJSON;

#define NODE_FORMAT "fipsev-node/1"

/*
 * The facts of one node document. The strings live in doc, which the
 * struct owns with reasons (a JSON array of the reasons, as text).
 */
struct node_facts {
	const char	*subject;		/* hostname, else machine-id */
	int		 compliant;
	int		 fips_enabled;		/* -1: unknown */
	int		 kernel_cmdline_fips;	/* -1: unknown */
	const char	*os_id;
	const char	*os_version_id;
	const char	*os_variant_id;
	const char	*os_pretty_name;
	int		 os_fips_variant;	/* -1: unknown */
	const char	*kernel_release;
	char		*reasons;
	struct cJSON	*doc;
};

/*
 * Parse node document json, check it and read its facts into *f. A bad
 * document is logged as "WHERE: node evidence: field 'x' is not ..." with
 * its first bad field. Returns 0, or -1 after logging (*f then empty).
 */
int	 node_facts_of(const char *where, const char *json, size_t len,
	    struct node_facts *f);

/* Free what *f holds and empty it. */
void	 node_facts_release(struct node_facts *f);

#endif
