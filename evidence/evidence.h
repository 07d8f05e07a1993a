/*
 * evidence.h - the kinds of evidence a run holds, and their names.
 *
 * Each kind is one document format with a module of its own in evidence/
 * (node.h, tls.h, cluster.h, inventory.h) that owns its format name, its
 * validation and the facts read from it. Collectors write the documents;
 * the store binds the facts; evaluation reads them. The kind's name is the
 * collector column of the store and the folder of a bundle's evidence.
 */
#ifndef FIPSEV_EVIDENCE_H
#define FIPSEV_EVIDENCE_H

enum evidence_kind {
	EVIDENCE_NODE,		/* one node (fipsev-node/1) */
	EVIDENCE_TLS,		/* one TLS endpoint (fipsev-tls/1) */
	EVIDENCE_CLUSTER,	/* the cluster (fipsev-cluster/1) */
	EVIDENCE_HARNESS,	/* the Harness API (fipsev-harness/1) */
	EVIDENCE_INVENTORY,	/* modules in use (fipsev-inventory/1) */
	EVIDENCE__MAX
};

/* "node", "tls", "cluster", "harness", "inventory". */
extern const char *const evidence_kind_names[EVIDENCE__MAX];

/* The kind named name, or EVIDENCE__MAX when there is none. */
enum evidence_kind evidence_kind_of(const char *name);

#endif
