/*
 * inventory.h - the inventory evidence document (fipsev-inventory/1) and
 * the facts the store keeps beside it: the verdict and each item.
 *
 * collector/inventory/inventory.h builds the document from the cluster
 * and Harness API documents and the support matrix.
 */
#ifndef FIPSEV_EVIDENCE_INVENTORY_H
#define FIPSEV_EVIDENCE_INVENTORY_H

#include <stddef.h>

struct cJSON;

#define INVENTORY_FORMAT	"fipsev-inventory/1"

/* One item: its strings live in the document. */
struct inventory_item {
	const char	*module;	/* NULL: not named */
	const char	*component;	/* NULL: not named */
	const char	*kind;		/* "?" when not named */
	const char	*seen_at;	/* "?" when not named */
	const char	*supported;	/* "yes", "no" or "unknown" */
};

/* The facts of an inventory document; everything owned by the struct. */
struct inventory_facts {
	int			 compliant;
	struct inventory_item	*items;
	size_t			 nitems;
	struct cJSON		*doc;
};

/*
 * Parse inventory document json, check it and read its facts into *f.
 * Returns 0, or -1 after logging "WHERE: inventory: ..." (*f then empty).
 */
int	 inventory_facts_of(const char *where, const char *json, size_t len,
	    struct inventory_facts *f);

/* Free what *f holds and empty it. */
void	 inventory_facts_release(struct inventory_facts *f);

#endif
