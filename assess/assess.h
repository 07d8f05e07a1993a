/*
 * assess.h - a stored run judged: the evaluation a run records, the one a
 * report signs (checked against the evidence), and what changed between
 * two runs. This is where the store (store/) meets the verdict function
 * (evaluate/controls.h) and drift (evaluate/drift.h), which know nothing
 * of stores: they judge a run's evidence in memory (evidence/run.h).
 */
#ifndef FIPSEV_ASSESS_H
#define FIPSEV_ASSESS_H

#include <stdint.h>

struct cJSON;
struct run_view;
struct store;

/*
 * Evaluate run of the store (the open run too), its node facts checked
 * against their documents (STORE_VIEW_VERIFY): the evaluation a run
 * records. NULL after logging.
 */
struct cJSON *assess_run(struct store *st, int64_t run);

/*
 * The evaluation run was recorded with (store_run_evaluation()): what
 * every summary of a run reads, so all of them say what the run said. A
 * run recorded before fipsev stored its evaluation is evaluated now.
 * NULL after logging.
 */
struct cJSON *assess_recorded(struct store *st, int64_t run);

/*
 * The evaluation a report signs: the run's evidence is loaded into *view
 * (checked: STORE_VIEW_VERIFY) and judged, once. When that differs from
 * the recorded evaluation, one recorded by this evaluator means the store
 * was altered (NULL after logging); one by another (an older fipsev)
 * gives way: the new evaluation is returned, with a warning, so a report
 * never carries a verdict its evidence does not give. On success *view
 * stays filled for the caller to use and release; on failure it is
 * released.
 */
struct cJSON *assess_checked(struct store *st, int64_t run,
	    struct run_view *view);

/*
 * The changes from run from to run to of the store (drift.h). NULL after
 * logging.
 */
struct cJSON *assess_drift(struct store *st, int64_t from, int64_t to);

/*
 * The changes from run from of the store to the run whose evidence is to
 * and whose whole evaluation is eval (as assess_checked() gives them):
 * the later run is not judged again. NULL after logging.
 */
struct cJSON *assess_drift_to(struct store *st, int64_t from,
	    const struct run_view *to, const struct cJSON *eval);

#endif
