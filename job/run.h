/*
 * run.h - the whole job as library code, the one a CronJob runs through
 * `fipsev run`: preflight (the configuration, the output directories)
 * -> lock -> collect -> bundle -> verify. Each step prints one line
 * "run: phase=NAME result=..." so a log shows how far a night got.
 *
 * The configuration is YAML (samples/fipsev.yaml documents every key);
 * its collection keys are the collection plan's (job/plan.h), so
 * `fipsev run` and `fipsev collect` never disagree.
 */
#ifndef FIPSEV_JOB_RUN_H
#define FIPSEV_JOB_RUN_H

#include <stdio.h>

#include "job/collect.h"
#include "job/plan.h"

struct cJSON;

struct run_plan {
	const char		*output;	/* bundles go here */
	const char		*key;		/* NULL: a demo key is made */
	const char		*cert;
	const char		*tsa_url;	/* NULL: no timestamp */
	const char		*tsa_ca;
	const char		*store;		/* as configured; NULL: default */
	char			*db;		/* owned: the store's path */
	int			 keep_days;	/* retention; 0: no limit */
	int			 keep_runs;	/* retention; 0: no limit */
	int			 jitter_s;	/* wait up to this before collecting */
	struct collect_plan	 collect;	/* owned */
};

/*
 * Check configuration cfg (parsed from file config) whole and fill *rp;
 * its strings point into cfg. Returns 0, or -1 after logging the first
 * key at fault (an unknown key named with its section); *rp then holds
 * nothing to release.
 */
int	 run_plan_from_config(const struct cJSON *cfg, const char *config,
	    struct run_plan *rp);

void	 run_plan_release(struct run_plan *rp);

/* Says what a collection recorded, to out (the caller's wording). */
typedef void job_collected_fn(FILE *out, const struct job_collected *c,
    enum job_status verdict);

/*
 * Do the job of rp, its phase lines to out, and what was collected
 * through said (may be NULL). Returns the run's verdict, or JOB_FAILED
 * after logging which phase failed and what is left (a failed collection
 * stores nothing; after it, the run is in the store and can be bundled
 * again).
 */
enum job_status job_run(const struct run_plan *rp, FILE *out,
	    job_collected_fn *said);

#endif
