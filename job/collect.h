/*
 * collect.h - one collection, as library code: everything a plan names
 * is collected first, then written to the store as one run in a single
 * transaction, judged before it is committed (the run records its own
 * evaluation). `fipsev collect` and `fipsev run` both call it.
 */
#ifndef FIPSEV_JOB_COLLECT_H
#define FIPSEV_JOB_COLLECT_H

#include <stddef.h>
#include <stdint.h>

struct collect_plan;

/* How a job ended: its verdict, or that it failed (logged). */
enum job_status {
	JOB_COMPLIANT,
	JOB_NONCOMPLIANT,
	JOB_FAILED,
};

/* What a collection recorded. Strings are owned. */
struct job_collected {
	int64_t	 run;			/* the run's id */
	char	*store;			/* the store's path */
	size_t	 nodes;			/* node documents */
	int	 endpoints;		/* TLS endpoints scanned */
	int	 cluster;		/* cluster evidence in the run */
	int	 inventory;		/* a module inventory in the run */
	/* This node's name when the cluster's report of it was kept
	 * instead of its own collection (fipsev in the cluster it audits). */
	char	*also_in_reports;
};

/*
 * Collect what plan p names (plan_finish() done) and record it as one
 * run. Returns JOB_COMPLIANT or JOB_NONCOMPLIANT with *out filled (the
 * caller releases it), or JOB_FAILED after logging, with nothing of the
 * run stored and earlier runs untouched.
 */
enum job_status job_collect(const struct collect_plan *p,
	    struct job_collected *out);

void	 job_collected_release(struct job_collected *c);

#endif
