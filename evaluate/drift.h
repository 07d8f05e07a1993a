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
struct store;

/*
 * The changes from run `from` to run `to`, as an array of
 * {kind, subject, change ("added", "removed", "changed"), field, from,
 * to}, in a stable order. NULL after logging.
 */
struct cJSON *drift_compute(struct store *st, int64_t from, int64_t to);

/* The changes as text lines, or as CSV with a header. */
void	 drift_text(FILE *out, const struct cJSON *changes);
void	 drift_csv(FILE *out, const struct cJSON *changes);

#endif
