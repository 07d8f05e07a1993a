/*
 * assess.c - a stored run judged; see assess.h.
 */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "assess/assess.h"
#include "evaluate/controls.h"
#include "evaluate/drift.h"
#include "evidence/run.h"
#include "store/store.h"
#include "util/json.h"
#include "util/log.h"
#include "util/banned.h"

cJSON *
assess_run(struct store *st, int64_t run)
{
	struct run_view v;
	cJSON *eval;

	if (store_run_view(st, run, STORE_VIEW_VERIFY, &v) == -1)
		return NULL;
	eval = controls_judge(&v, NULL);
	run_view_release(&v);
	return eval;
}

/*
 * The evaluation recorded with run into *eval. Returns 1, 0 when the run
 * has none (recorded before fipsev stored them), or -1 after logging.
 */
static int
stored_evaluation(struct store *st, int64_t run, cJSON **eval)
{
	char *json;
	size_t len;
	int r;

	*eval = NULL;
	if ((r = store_run_evaluation(st, run, &json, &len)) != 1)
		return r;
	*eval = cJSON_ParseWithLength(json, len);
	free(json);
	if (*eval == NULL || json_get_str(*eval, "verdict") == NULL) {
		cJSON_Delete(*eval);
		*eval = NULL;
		log_err("the stored evaluation of run %lld is not one",
		    (long long)run);
		return -1;
	}
	return 1;
}

cJSON *
assess_recorded(struct store *st, int64_t run)
{
	cJSON *eval;
	int r;

	if ((r = stored_evaluation(st, run, &eval)) == -1)
		return NULL;
	return r == 1 ? eval : assess_run(st, run);
}

cJSON *
assess_checked(struct store *st, int64_t run, struct run_view *view)
{
	static const char *const parts[] = { "findings", "summary",
	    "verdict" };
	cJSON *stored = NULL, *now = NULL, *in;
	const char *by, *was;
	size_t i;
	int r;

	if (store_run_view(st, run, STORE_VIEW_VERIFY, view) == -1)
		return NULL;
	if ((now = controls_judge(view, NULL)) == NULL ||
	    (r = stored_evaluation(st, run, &stored)) == -1)
		goto fail;
	if (r == 0)
		return now;		/* recorded before evaluations were */
	for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		if (!cJSON_Compare(cJSON_GetObjectItemCaseSensitive(stored,
		    parts[i]), cJSON_GetObjectItemCaseSensitive(now, parts[i]),
		    1))
			break;
	if (i == sizeof(parts) / sizeof(parts[0])) {
		cJSON_Delete(now);
		return stored;		/* it says what the evidence says */
	}
	in = cJSON_GetObjectItemCaseSensitive(stored, "inputs");
	by = json_get_str(in, "evaluator_sha256");
	was = json_get_str(stored, "verdict");
	/* This evaluator judged it otherwise: the store was altered. */
	if (by != NULL && strcmp(by, controls_evaluator()) == 0) {
		log_err("the stored evaluation of run %lld disagrees with its "
		    "evidence (its %s): the store was altered", (long long)run,
		    parts[i]);
		goto fail;
	}
	/*
	 * Another evaluator (an older fipsev, or none recorded) judged it:
	 * what is signed is what this one finds in the evidence, never a
	 * stored verdict it does not reproduce.
	 */
	log_err("warning: run %lld was evaluated by another build of fipsev "
	    "(verdict %s); this report carries this build's evaluation of its "
	    "evidence (verdict %s)", (long long)run, was != NULL ? was : "?",
	    json_get_str(now, "verdict"));
	if (in != NULL) {
		cJSON_DetachItemViaPointer(stored, in);
		if (!cJSON_AddItemToObject(now, "inputs", in)) {
			cJSON_Delete(in);
			log_err("out of memory evaluating the controls");
			goto fail;
		}
		if (json_add_str(in, "reevaluated_by", controls_evaluator())) {
			log_err("out of memory evaluating the controls");
			goto fail;
		}
	}
	cJSON_Delete(stored);
	return now;
fail:
	cJSON_Delete(stored);
	cJSON_Delete(now);
	run_view_release(view);
	return NULL;
}

/*
 * Drift from the run of view a to that of view b, each evaluated against
 * the other (the nodes the same in both left out: most nodes, most
 * nights), unless eb, b's whole evaluation, is given.
 */
static cJSON *
drift_views(const struct run_view *a, const struct run_view *b,
    const cJSON *eb)
{
	cJSON *ea, *own = NULL, *changes = NULL;

	if ((ea = controls_judge(a, b)) != NULL &&
	    (eb != NULL || (eb = own = controls_judge(b, a)) != NULL))
		changes = drift_compute(a, b, ea, eb);
	cJSON_Delete(ea);
	cJSON_Delete(own);
	return changes;
}

cJSON *
assess_drift(struct store *st, int64_t from, int64_t to)
{
	struct run_view a, b;
	cJSON *changes = NULL;

	if (store_run_view(st, from, 0, &a) == -1)
		return NULL;
	if (store_run_view(st, to, 0, &b) == 0) {
		changes = drift_views(&a, &b, NULL);
		run_view_release(&b);
	}
	run_view_release(&a);
	return changes;
}

cJSON *
assess_drift_to(struct store *st, int64_t from, const struct run_view *to,
    const cJSON *eval)
{
	struct run_view a;
	cJSON *changes;

	if (store_run_view(st, from, 0, &a) == -1)
		return NULL;
	changes = drift_views(&a, to, eval);
	run_view_release(&a);
	return changes;
}
