/*
 * charts.h - fipsev's model of Harness's SMP charts: for each SMP version
 * the umbrella's sub-charts and the module each belongs to, and each
 * module chart's own sub-charts with their conditions and the conditions'
 * defaults (data/harness/charts.tsv, derived from Harness's real charts by
 * data/harness/generate and compiled in).
 *
 * A stored Helm release lists only the umbrella's enabled sub-charts;
 * nested charts are not serialised, so what a module chart installs is
 * known only through this model and the release's values.
 */
#ifndef FIPSEV_CHARTS_H
#define FIPSEV_CHARTS_H

#include <stddef.h>

struct chart_model;

/* One sub-chart. Strings belong to the model. */
struct chart_row {
	const char	*version;	/* "0.31.0" */
	const char	*parent;	/* "harness" (umbrella) or a module chart */
	const char	*chart;		/* "ng-custom-dashboards" */
	const char	*condition;	/* "global.ngcustomdashboard.enabled", "-" */
	const char	*def;		/* "true", "false", "unset", "-" */
	const char	*module;	/* "platform"; "-" for a library chart */
};

/* Load path, or the compiled-in model when NULL. 0, or -1 (logged). */
int	 chart_model_load(const char *path, struct chart_model **out);
void	 chart_model_free(struct chart_model *m);

/* The SHA-256 (hex, 65 bytes) of the model's text, as loaded. 0, or -1. */
int	 chart_model_digest(const struct chart_model *m, char *hex);

/*
 * The rows describing SMP version smp: those of the newest modelled
 * version not after it, else of the oldest modelled one. *rows points
 * into the model; the count is returned (0 when smp is not a version).
 * *exact says whether smp itself is modelled.
 */
size_t	 chart_model_rows(const struct chart_model *m, const char *smp,
	    const struct chart_row **rows, int *exact);

#endif
