/*
 * matrix.h - the Harness FIPS support matrix: which modules and
 * components are supported in FIPS mode, as data
 * (data/harness/support-matrix.tsv, compiled in; --support-matrix FILE
 * replaces it, since the vendor's list changes).
 */
#ifndef FIPSEV_MATRIX_H
#define FIPSEV_MATRIX_H

struct matrix;

/* What the matrix says of one item. Strings belong to the matrix. */
struct matrix_entry {
	const char	*module;	/* "Continuous Delivery", or "-" */
	const char	*component;	/* "Docker Registry", or "-" */
	int		 supported;	/* 1 yes, 0 no */
	const char	*since;		/* SMP version, or "-" */
	const char	*reference;	/* where the statement comes from */
};

/* Load path, or the compiled-in matrix when NULL. 0, or -1 (logged). */
int	 matrix_load(const char *path, struct matrix **out);
void	 matrix_free(struct matrix *m);
const char *matrix_version(const struct matrix *m);

/* The SHA-256 (hex, 65 bytes) of the matrix's text, as loaded. 0, or -1. */
int	 matrix_digest(const struct matrix *m, char *hex);

/*
 * Look up (kind, key): an exact row, else the first pattern. Returns 2
 * (exact) or 1 (pattern) and fills e, or 0 when no row matches (e then
 * says "not in the table", unsupported).
 */
int	 matrix_lookup(const struct matrix *m, const char *kind,
	    const char *key, struct matrix_entry *e);

#endif
