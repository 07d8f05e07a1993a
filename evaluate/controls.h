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
struct run_view;

/* A finding's result; a missing piece of evidence is never a pass. */
enum finding_result {
	RESULT_PASS,
	RESULT_FAIL,
	RESULT_MISSING,		/* "missing-evidence" */
	RESULT_NA,		/* "not-applicable": not collected at all */
	RESULT__MAX
};

/* "pass", "fail", "missing-evidence", "not-applicable". */
extern const char *const finding_result_names[RESULT__MAX];

/* The result named name, or RESULT__MAX when there is none. */
enum finding_result finding_result_of(const char *name);

/*
 * The one verdict function: judge the evidence of run v. Returns
 * {"checks": [...], "findings": [{check, subject, result, reason,
 * evidence: [{collector, subject, sha256}]}], "summary": {...},
 * "verdict": "compliant" | "noncompliant"}, or NULL after logging.
 *
 * With other (a run v is compared with), the node findings of every node
 * whose document is the same in other are left out: they are the same
 * on both sides. The summary then counts only what is left.
 */
struct cJSON *controls_judge(const struct run_view *v,
	    const struct run_view *other);

/* The SHA-256 (hex) of the code and table that decide an evaluation. */
const char *controls_evaluator(void);

/* The SHA-256 (hex) of the controls table evaluations are made with. */
int	 controls_digest(char hex[SHA256_HEX_LEN + 1]);

#endif
