/*
 * controls.h - the checks a run is judged by (data/controls/controls.tsv:
 * id, severity, NIST SP 800-53 controls, title, rationale) and their
 * evaluation: one finding per check and subject, pass / fail /
 * not-applicable / missing-evidence, each pointing at the evidence
 * documents behind it. Missing evidence is never a pass; a kind of
 * evidence the run did not collect at all makes its checks
 * not-applicable, and the summary says what was in scope.
 */
#ifndef FIPSEV_CONTROLS_H
#define FIPSEV_CONTROLS_H

#include <stdint.h>

#include "util/digest.h"

struct cJSON;
struct store;
struct store_node;

/*
 * Evaluate run id of the store. Returns {"checks": [...], "findings":
 * [{check, subject, result, reason, evidence: [{collector, subject,
 * sha256}]}], "summary": {...}, "verdict": "compliant" | "noncompliant"},
 * or NULL after logging. Node facts are checked against their documents
 * (STORE_NODES_VERIFY): this is the evaluation a run records.
 */
struct cJSON *controls_evaluate(struct store *st, int64_t run);

/*
 * The evaluation run id was recorded with (store_run_evaluation()): what
 * every report of a run reads, so all of them say what the run said. A
 * run recorded before fipsev stored its evaluation is evaluated now.
 * NULL after logging.
 */
struct cJSON *controls_of_run(struct store *st, int64_t run);

/*
 * controls_of_run() for a report: the run is evaluated again, its node
 * facts checked against their re-hashed documents. When the two differ,
 * a stored evaluation made by this evaluator means the store was altered
 * (NULL after logging); one made by another (an older fipsev) gives way:
 * the new evaluation is returned, with a warning, so a report never
 * carries a verdict its evidence does not give.
 */
struct cJSON *controls_of_run_checked(struct store *st, int64_t run);

/* The SHA-256 (hex) of the code and table that decide an evaluation. */
const char *controls_evaluator(void);

/* The SHA-256 (hex) of the controls table evaluations are made with. */
int	 controls_digest(char hex[SHA256_HEX_LEN + 1]);

/*
 * The same, leaving out the node findings of every node whose document is
 * the same in run other: for comparing two runs, where those findings are
 * the same on both sides. The summary then counts only what is left.
 * When docs is not NULL it gets the other documents the evaluation read,
 * parsed, as {"tls": {subject: doc}, "cluster": {...}, "inventory":
 * {...}} (the caller's to delete), so that a comparison need not read and
 * parse them again. For the same reason, when changed is not NULL it is
 * called with the facts of each node whose document is not the same in
 * run other (store_run_nodes()); it returns 0, or -1 after logging to
 * stop the evaluation.
 */
struct cJSON *controls_evaluate_against(struct store *st, int64_t run,
	    int64_t other, struct cJSON **docs,
	    int (*changed)(const struct store_node *, void *), void *arg);

#endif
