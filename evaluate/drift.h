/*
 * drift.h - what changed between two runs: nodes added and removed, node
 * FIPS flags and OS images changed, TLS endpoints whose accepted
 * protocols, suites, groups or signature schemes changed, modules and
 * components enabled or disabled, release settings and chart values
 * changed (redacted values compare by their digest), and findings whose
 * result changed.
 */
#ifndef FIPSEV_DRIFT_H
#define FIPSEV_DRIFT_H

#include <stdint.h>
#include <stdio.h>

struct cJSON;
struct run_view;

/*
 * The changes from run a to run b, as an array of {kind, subject, change
 * ("added", "removed", "changed"), field, from, to}, in a stable order;
 * ea and eb are their evaluations (controls_judge()), whole or each made
 * against the other run. NULL after logging.
 */
struct cJSON *drift_compute(const struct run_view *a,
	    const struct run_view *b, const struct cJSON *ea,
	    const struct cJSON *eb);

/* The changes as text lines, or as CSV with a header. */
void	 drift_text(FILE *out, const struct cJSON *changes);
void	 drift_csv(FILE *out, const struct cJSON *changes);

#endif
