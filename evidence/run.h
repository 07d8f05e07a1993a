/*
 * run.h - the evidence of one run, in memory: what evaluation and drift
 * read, whether it came from a store (store_run_view()) or was made up by
 * a test.
 *
 * Node documents are held as their facts (evidence/node.h), never parsed
 * whole: a 5,000-node run is judged from 5,000 small rows. The other
 * documents the checks read (TLS, cluster, inventory) are held parsed.
 */
#ifndef FIPSEV_EVIDENCE_RUN_H
#define FIPSEV_EVIDENCE_RUN_H

#include <stddef.h>
#include <stdint.h>

#include "evidence/evidence.h"
#include "util/digest.h"

struct cJSON;

/* One document of the run: its kind, subject, digest, and its JSON. */
struct run_doc {
	enum evidence_kind	 kind;
	char			*subject;
	char			 sha256[SHA256_HEX_LEN + 1];
	struct cJSON		*json;		/* NULL: did not parse */
};

/* The facts of one node document, as the checks and drift read them. */
struct run_node {
	char		*subject;		/* the node's name */
	char		 sha256[SHA256_HEX_LEN + 1];	/* of its document */
	int		 compliant;		/* 0 or 1 */
	int		 fips_enabled;		/* 0, 1, or -1 for unknown */
	int		 kernel_cmdline_fips;	/* 0, 1, or -1 */
	char		*os_pretty_name;	/* NULL when unknown */
	char		*os_variant_id;
	char		*kernel_release;
	char		*reasons;		/* a JSON array of strings */
};

/*
 * A run's evidence. Nodes are kept in the order added, which must be by
 * subject (strcmp; store_run_view() adds them so), so run_view_node()
 * finds one by binary search; two nodes may share a name (two hosts
 * calling themselves the same). Everything is owned by the view.
 */
struct run_view {
	int64_t		 id;			/* the run, 0 when none */
	struct run_doc	*docs;
	size_t		 ndocs;
	struct run_node	*nodes;
	size_t		 nnodes;
	size_t		 cap_docs, cap_nodes;
};

/* An empty view of run id. */
void	 run_view_init(struct run_view *v, int64_t id);

/* Free what v holds; it is empty after. */
void	 run_view_release(struct run_view *v);

/*
 * Add a document: text (len bytes) is parsed; one that does not parse
 * is kept with json NULL (the checks then find nothing in it). Returns
 * 0, or -1 after logging when out of memory.
 */
int	 run_view_add_doc(struct run_view *v, enum evidence_kind kind,
	    const char *subject, const char *sha256, const char *text,
	    size_t len);

/*
 * Add a node's facts, copied; subjects must come in strcmp order.
 * Returns 0, or -1 after logging (out of memory, or out of order).
 */
int	 run_view_add_node(struct run_view *v, const struct run_node *n);

/* The first node of v named subject, or NULL. */
const struct run_node *run_view_node(const struct run_view *v,
	    const char *subject);

/* How many documents of kind v holds (nodes for EVIDENCE_NODE). */
size_t	 run_view_count(const struct run_view *v, enum evidence_kind kind);

/*
 * Does run other hold the same document (by SHA-256) for node n? Such a
 * node has the same findings on both sides of a comparison. 0 when other
 * is NULL.
 */
int	 run_view_same_node(const struct run_view *other,
	    const struct run_node *n);

#endif
