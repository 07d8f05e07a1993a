/*
 * tsv.h - read fipsev's tab-separated data files (data/).
 *
 * A data file is UTF-8 text: lines of fields separated by one tab each;
 * blank lines and lines starting with '#' are comments. The reader walks a
 * text already in memory (embedded or read from a file) without copying it.
 */
#ifndef FIPSEV_TSV_H
#define FIPSEV_TSV_H

#include <stddef.h>

#define TSV_MAX_FIELDS	8

struct tsv_field {
	const char	*p;	/* not NUL-terminated */
	size_t		 len;
};

struct tsv {
	const char	*text;
	size_t		 len;
	size_t		 off;
	int		 lineno;	/* of the line last returned */
	const char	*name;		/* for messages */
};

void	 tsv_init(struct tsv *t, const char *name, const char *text,
	    size_t len);

/*
 * The next data line, split into f[0..*nf). Returns 1 for a line, 0 at the
 * end, or -1 after logging "NAME line N: ..." when the line has more than
 * TSV_MAX_FIELDS fields or fewer than min_fields.
 */
int	 tsv_next(struct tsv *t, struct tsv_field *f, int *nf, int min_fields);

/* A field as a new C string, or NULL after logging. */
char	*tsv_strdup(const struct tsv *t, const struct tsv_field *f);

/* Compare a field with a C string. */
int	 tsv_eq(const struct tsv_field *f, const char *s);

/*
 * Start reading a data file: the file at path (read whole into *owned,
 * NUL-terminated, the caller's to free; at most max bytes) when path is
 * not NULL, else the compiled-in text builtin (len bytes) under the name
 * builtin_name. Returns 0, or -1 after logging.
 */
int	 tsv_open(struct tsv *t, const char *path, size_t max,
	    const char *builtin_name, const char *builtin, size_t len,
	    char **owned);

/*
 * Read the whole file at path into *text (NUL-terminated, *len bytes),
 * refusing anything over max bytes and anything not a regular file (a
 * FIFO would block): fs_read(). Returns 0, or -1 after logging.
 */
int	 tsv_read_file(const char *path, size_t max, char **text, size_t *len);

#endif
