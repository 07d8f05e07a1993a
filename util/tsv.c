/*
 * tsv.c - see tsv.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/fsutil.h"
#include "util/log.h"
#include "util/tsv.h"
#include "util/banned.h"

void
tsv_init(struct tsv *t, const char *name, const char *text, size_t len)
{
	t->text = text;
	t->len = len;
	t->off = 0;
	t->lineno = 0;
	t->name = name;
}

int
tsv_next(struct tsv *t, struct tsv_field *f, int *nf, int min_fields)
{
	while (t->off < t->len) {
		const char *line = t->text + t->off;
		const char *nl = memchr(line, '\n', t->len - t->off);
		size_t n = nl != NULL ? (size_t)(nl - line) : t->len - t->off;
		size_t start = 0, i;

		t->off += n + (nl != NULL);
		t->lineno++;
		if (n > 0 && line[n - 1] == '\r')
			n--;
		if (n == 0 || line[0] == '#')
			continue;
		*nf = 0;
		for (i = 0; i <= n; i++) {
			if (i < n && line[i] != '\t')
				continue;
			if (*nf == TSV_MAX_FIELDS) {
				log_err("%s line %d: more than %d fields",
				    t->name, t->lineno, TSV_MAX_FIELDS);
				return -1;
			}
			f[*nf].p = line + start;
			f[*nf].len = i - start;
			(*nf)++;
			start = i + 1;
		}
		if (*nf < min_fields) {
			log_err("%s line %d: %d fields where %d are needed",
			    t->name, t->lineno, *nf, min_fields);
			return -1;
		}
		return 1;
	}
	return 0;
}

char *
tsv_strdup(const struct tsv *t, const struct tsv_field *f)
{
	char *s;

	if ((s = strndup(f->p, f->len)) == NULL)
		log_errno("%s line %d", t->name, t->lineno);
	return s;
}

int
tsv_eq(const struct tsv_field *f, const char *s)
{
	return strlen(s) == f->len && memcmp(f->p, s, f->len) == 0;
}

int
tsv_open(struct tsv *t, const char *path, size_t max,
    const char *builtin_name, const char *builtin, size_t len, char **owned)
{
	*owned = NULL;
	if (path == NULL) {
		tsv_init(t, builtin_name, builtin, len);
		return 0;
	}
	if (tsv_read_file(path, max, owned, &len) == -1)
		return -1;
	tsv_init(t, path, *owned, len);
	return 0;
}

int
tsv_read_file(const char *path, size_t max, char **text, size_t *len)
{
	int r = fs_read(AT_FDCWD, path, path, max, 0, text, len);

	if (r == 1)
		log_err("cannot open '%s': No such file or directory", path);
	return r == 0 ? 0 : -1;
}
