/*
 * matrix.c - see matrix.h.
 */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "collector/inventory/matrix.h"
#include "util/digest.h"
#include "util/log.h"
#include "util/tsv.h"
#include "util/banned.h"

extern const char data_support_matrix[];
extern const size_t data_support_matrix_len;

#define MATRIX_MAX	(1024 * 1024)

static const char *const kinds[] = {
	"module", "connector", "deployment", "build", "step", "notification",
	"auth", "image", "feature",
};

struct row {
	char			*kind;
	char			*key;
	int			 pattern;
	struct matrix_entry	 e;
};

struct matrix {
	struct row	*rows;
	size_t		 nrows;
	char		*version;
	char		*text;
};

static int
add_row(struct matrix *m, const struct tsv *t, const struct tsv_field *f)
{
	struct row *arr, *r;
	size_t i;
	int known = 0;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		known |= tsv_eq(&f[0], kinds[i]);
	if (!known) {
		log_err("%s line %d: unknown kind '%.*s'", t->name, t->lineno,
		    (int)f[0].len, f[0].p);
		return -1;
	}
	if (!tsv_eq(&f[4], "yes") && !tsv_eq(&f[4], "no")) {
		log_err("%s line %d: supported must be yes or no", t->name,
		    t->lineno);
		return -1;
	}
	if ((arr = reallocarray(m->rows, m->nrows + 1, sizeof(*arr))) == NULL) {
		log_errno("%s", t->name);
		return -1;
	}
	m->rows = arr;
	r = &arr[m->nrows++];
	memset(r, 0, sizeof(*r));
	r->e.supported = tsv_eq(&f[4], "yes");
	if ((r->kind = tsv_strdup(t, &f[0])) == NULL ||
	    (r->key = tsv_strdup(t, &f[1])) == NULL ||
	    (r->e.module = tsv_strdup(t, &f[2])) == NULL ||
	    (r->e.component = tsv_strdup(t, &f[3])) == NULL ||
	    (r->e.since = tsv_strdup(t, &f[5])) == NULL ||
	    (r->e.reference = tsv_strdup(t, &f[6])) == NULL)
		return -1;
	r->pattern = strpbrk(r->key, "*?[") != NULL;
	return 0;
}

int
matrix_load(const char *path, struct matrix **out)
{
	struct matrix *m;
	struct tsv t;
	struct tsv_field f[TSV_MAX_FIELDS];
	const char *v;
	int nf, r;

	if ((m = calloc(1, sizeof(*m))) == NULL) {
		log_errno("support matrix");
		return -1;
	}
	if (tsv_open(&t, path, MATRIX_MAX, "support-matrix.tsv",
	    data_support_matrix, data_support_matrix_len, &m->text) == -1)
		goto fail;
	while ((r = tsv_next(&t, f, &nf, 7)) == 1)
		if (add_row(m, &t, f) == -1)
			goto fail;
	if (r == -1)
		goto fail;
	if (m->nrows == 0) {
		log_err("%s: no rows", t.name);
		goto fail;
	}
	if ((v = strstr(t.text, "# version:")) != NULL) {
		v += strlen("# version:");
		v += strspn(v, " \t");
		m->version = strndup(v, strcspn(v, "\r\n"));
	}
	*out = m;
	return 0;
fail:
	matrix_free(m);
	return -1;
}

void
matrix_free(struct matrix *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < m->nrows; i++) {
		free(m->rows[i].kind);
		free(m->rows[i].key);
		free((char *)m->rows[i].e.module);
		free((char *)m->rows[i].e.component);
		free((char *)m->rows[i].e.since);
		free((char *)m->rows[i].e.reference);
	}
	free(m->rows);
	free(m->version);
	free(m->text);
	free(m);
}

const char *
matrix_version(const struct matrix *m)
{
	return m->version != NULL ? m->version : "unversioned";
}

int
matrix_digest(const struct matrix *m, char *hex)
{
	return m->text != NULL ? sha256_hex(m->text, strlen(m->text), hex) :
	    sha256_hex(data_support_matrix, data_support_matrix_len, hex);
}

int
matrix_lookup(const struct matrix *m, const char *kind, const char *key,
    struct matrix_entry *e)
{
	size_t i;
	int pass;

	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < m->nrows; i++) {
			const struct row *r = &m->rows[i];

			if (r->pattern != pass || strcmp(r->kind, kind) != 0)
				continue;
			if (pass == 0 ? strcmp(r->key, key) == 0 :
			    fnmatch(r->key, key, 0) == 0) {
				*e = r->e;
				return pass == 0 ? 2 : 1;
			}
		}
	e->module = "-";
	e->component = "-";
	e->supported = 0;
	e->since = "-";
	e->reference = "not in the FIPS support table";
	return 0;
}
