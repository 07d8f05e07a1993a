/*
 * charts.c - see charts.h.
 */
#include <stdlib.h>
#include <string.h>

#include "collector/inventory/charts.h"
#include "collector/cluster/helm.h"
#include "util/digest.h"
#include "util/log.h"
#include "util/tsv.h"
#include "util/banned.h"

extern const char data_harness_charts[];
extern const size_t data_harness_charts_len;

#define CHARTS_MAX	(4 * 1024 * 1024)

struct chart_model {
	struct chart_row *rows;		/* grouped by version, in file order */
	size_t		  nrows;
	char		 *text;
};

static void
row_free(struct chart_row *r)
{
	free((char *)r->version);
	free((char *)r->parent);
	free((char *)r->chart);
	free((char *)r->condition);
	free((char *)r->def);
	free((char *)r->module);
}

static int
add_row(struct chart_model *m, const struct tsv *t, const struct tsv_field *f)
{
	struct chart_row *arr, *r;
	int ok;

	/* Rows of one version stay together: lookups rely on it. */
	if (m->nrows > 0 && !tsv_eq(&f[0], m->rows[m->nrows - 1].version)) {
		size_t i;

		for (i = 0; i < m->nrows; i++)
			if (tsv_eq(&f[0], m->rows[i].version)) {
				log_err("%s line %d: the rows of version %s are "
				    "not together", t->name, t->lineno,
				    m->rows[i].version);
				return -1;
			}
	}
	if ((arr = reallocarray(m->rows, m->nrows + 1, sizeof(*arr))) ==
	    NULL) {
		log_errno("%s", t->name);
		return -1;
	}
	m->rows = arr;
	r = &arr[m->nrows++];
	memset(r, 0, sizeof(*r));
	if ((r->version = tsv_strdup(t, &f[0])) == NULL ||
	    (r->parent = tsv_strdup(t, &f[1])) == NULL ||
	    (r->chart = tsv_strdup(t, &f[2])) == NULL ||
	    (r->condition = tsv_strdup(t, &f[3])) == NULL ||
	    (r->def = tsv_strdup(t, &f[4])) == NULL ||
	    (r->module = tsv_strdup(t, &f[5])) == NULL)
		return -1;
	helm_version_cmp(r->version, r->version, &ok);
	if (!ok) {
		log_err("%s line %d: '%s' is not a version", t->name,
		    t->lineno, r->version);
		return -1;
	}
	if (strcmp(r->def, "true") != 0 && strcmp(r->def, "false") != 0 &&
	    strcmp(r->def, "unset") != 0 && strcmp(r->def, "-") != 0) {
		log_err("%s line %d: default must be true, false, unset or -",
		    t->name, t->lineno);
		return -1;
	}
	return 0;
}

int
chart_model_load(const char *path, struct chart_model **out)
{
	struct chart_model *m;
	struct tsv t;
	struct tsv_field f[TSV_MAX_FIELDS];
	int nf, r;

	if ((m = calloc(1, sizeof(*m))) == NULL) {
		log_errno("chart model");
		return -1;
	}
	if (tsv_open(&t, path, CHARTS_MAX, "charts.tsv", data_harness_charts,
	    data_harness_charts_len, &m->text) == -1)
		goto fail;
	while ((r = tsv_next(&t, f, &nf, 6)) == 1)
		if (add_row(m, &t, f) == -1)
			goto fail;
	if (r == -1)
		goto fail;
	if (m->nrows == 0) {
		log_err("%s: no rows", t.name);
		goto fail;
	}
	*out = m;
	return 0;
fail:
	chart_model_free(m);
	return -1;
}

void
chart_model_free(struct chart_model *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < m->nrows; i++)
		row_free(&m->rows[i]);
	free(m->rows);
	free(m->text);
	free(m);
}

int
chart_model_digest(const struct chart_model *m, char *hex)
{
	return m->text != NULL ? sha256_hex(m->text, strlen(m->text), hex) :
	    sha256_hex(data_harness_charts, data_harness_charts_len, hex);
}

size_t
chart_model_rows(const struct chart_model *m, const char *smp,
    const struct chart_row **rows, int *exact)
{
	const char *best = NULL, *oldest = NULL;
	size_t i, start = 0, n = 0;
	int ok;

	*rows = NULL;
	*exact = 0;
	helm_version_cmp(smp, smp, &ok);
	if (!ok)
		return 0;
	for (i = 0; i < m->nrows; i++) {
		const char *v = m->rows[i].version;

		if (oldest == NULL || helm_version_cmp(v, oldest, &ok) < 0)
			oldest = v;
		if (helm_version_cmp(v, smp, &ok) <= 0 && (best == NULL ||
		    helm_version_cmp(v, best, &ok) > 0))
			best = v;
	}
	if (best == NULL)
		best = oldest;
	for (i = 0; i < m->nrows; i++)
		if (strcmp(m->rows[i].version, best) == 0) {
			if (n++ == 0)
				start = i;
		}
	*rows = &m->rows[start];
	*exact = helm_version_cmp(best, smp, &ok) == 0;
	return n;
}
