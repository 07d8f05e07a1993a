/*
 * klist.h - a Kubernetes list (`{"items": [...], "metadata": {...}}`)
 * read as a stream, one item at a time, under caps.
 *
 * Parsing a whole list with cJSON costs some 30 times its size when its
 * items are small (`{}` is 3 bytes of text and a 64-byte node), so a list
 * of 16 MB took half a gigabyte. Here the text is scanned as it comes
 * (from an API answer or a snapshot file read in chunks) and checked
 * against the whole JSON grammar as it goes: only one item at a time is
 * held as text and parsed; an empty item costs nothing; the top-level
 * metadata is kept for its continue token; every other top-level field
 * is checked and skipped. An item is refused before it is
 * parsed when parsing it would take too much memory; the fields no check
 * reads and objects carry in bulk (managedFields, kubectl's
 * last-applied-configuration) are dropped; what is kept is charged to a
 * budget that all the lists of one collection share, in an estimate of
 * the memory its cJSON nodes hold, so the caps bound memory, not bytes.
 *
 * Reaching any cap is an error that names the cap: the caller makes it
 * missing evidence for that list, never a list silently cut short.
 */
#ifndef FIPSEV_KLIST_H
#define FIPSEV_KLIST_H

#include <stddef.h>

#include "util/buf.h"

struct cJSON;

/* One item's JSON text: etcd stores at most ~1.5 MiB an object, and the
 * API's encoding (base64 of a Secret's data) adds a third. */
#define KLIST_ITEM_MAX		((size_t)4 << 20)
/* One item's estimated memory once parsed (klist_weight()). */
#define KLIST_ITEM_WEIGHT_MAX	((size_t)32 << 20)
/* Items in one list, empty ones included. */
#define KLIST_ITEMS_MAX		100000
/* Bytes read for one list, over all its pages: ends endless paging. */
#define KLIST_READ_MAX		((size_t)512 << 20)
/* The estimated memory of every item kept by one collection. */
#define KLIST_BUDGET		((size_t)160 << 20)
/* The top-level metadata object (it holds only a few short fields). */
#define KLIST_META_MAX		((size_t)64 << 10)
/* Containers open at once (cJSON itself stops at 1000). */
#define KLIST_DEPTH_MAX		512

/* What the lists of one collection have kept so far. */
struct klist_budget {
	size_t		 weight;
	size_t		 max;		/* KLIST_BUDGET unless a test says */
};

struct klist {
	struct cJSON	*out;		/* items are appended (not owned) */
	struct klist_budget *budget;
	size_t		 items;		/* items read, empty ones too */
	size_t		 read;		/* bytes fed, all documents */
	char		*cont;		/* metadata.continue of the last
					   document, or NULL; owned */
	char		 err[256];	/* why the last call failed */

	/* The scanner, reset for each document (klist_begin()). */
	int		 state;		/* what may come next (klist.c) */
	int		 str, strkey;	/* in a string; it is a key */
	int		 esc;		/* after '\\' (1), in \uXXXX (2-5) */
	unsigned	 uval;		/* the \uXXXX read so far */
	int		 need_low;	/* a low surrogate must come next */
	int		 num;		/* where in a number */
	const char	*lit;		/* the literal being read, or NULL */
	size_t		 litpos;
	size_t		 depth;		/* open containers */
	unsigned char	 kinds[KLIST_DEPTH_MAX / 8];	/* 1: an object */
	int		 role;		/* an item, the metadata, or else */
	size_t		 role_depth;	/* the depth it began at */
	int		 items_open, seen_items, seen_meta;
	size_t		 nodes;		/* values in the item being read */
	char		 key[16];	/* the last top-level key */
	size_t		 keylen;
	int		 keylong;
	struct buf	 value;		/* the item or metadata being read */
};

/* Start reading one list into out, charging budget. */
void	 klist_init(struct klist *l, struct cJSON *out,
	    struct klist_budget *budget);
void	 klist_release(struct klist *l);

/* Start the next document of the list (each page of an API list). */
void	 klist_begin(struct klist *l);

/* Feed n more bytes. Returns 0, or -1 with l->err (and no later call
 * does anything). */
int	 klist_feed(struct klist *l, const char *p, size_t n);

/* Count n bytes read for the list but not fed (an answer refused for its
 * size) towards KLIST_READ_MAX. Returns 0, or -1 with l->err. */
int	 klist_charge(struct klist *l, size_t n);

/* The document is complete. Returns 0 (l->cont set when it names a next
 * page), or -1 with l->err when it was cut short or is not a list. */
int	 klist_end(struct klist *l);

#endif
