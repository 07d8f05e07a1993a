/*
 * cmd_collect.c - "fipsev collect": gather evidence and record it as a run.
 * The options are the collection plan's (job/plan.h); the work is
 * job_collect()'s.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cmd.h"
#include "job/collect.h"
#include "job/plan.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/text.h"
#include "util/banned.h"

const char cmd_collect_usage[] =
    "usage: fipsev collect [--node [--root DIR]]\n"
    "                      [--snapshot DIR | --kubeconfig FILE [--context C]\n"
    "                       | --in-cluster] [--node-reports DIR]\n"
    "                      [--values FILE...] [--tls HOST:PORT...]\n"
    "                      [TLS options] [--db FILE]\n"
    "\n"
    "Collect evidence and record it in the store as one run. Everything is\n"
    "collected first, then written in a single transaction: if fipsev is\n"
    "stopped midway, nothing of it is kept and earlier runs are untouched.\n"
    "\n";

void
cmd_collect_options(FILE *out)
{
	plan_help(out, PLAN_FOR_COLLECT);
	fputs("  -h, --help      show this help\n", out);
}

/*
 * Fill p from argv. Returns 0, or 1 to stop with *status (help shown, or
 * a usage error reported).
 */
static int
parse_opts(int argc, char **argv, struct collect_plan *p, int *status)
{
	static const struct option extra[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct option *longopts;
	struct buf err;
	int c, stop = 1;

	plan_init(p);
	buf_init(&err, 4096);
	*status = EXIT_FAILURE_RUN;
	if ((longopts = plan_longopts(PLAN_FOR_COLLECT, extra)) == NULL)
		goto out;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		if (c == 'h') {
			cmd_help_with(cmd_collect_usage, cmd_collect_options,
			    status);
			goto out;
		}
		if (c == ':' || c == '?') {
			*status = cmd_bad_option("collect", argc, argv, c);
			goto out;
		}
		if (plan_set(p, (enum plan_opt)(c - PLAN_GETOPT_BASE), optarg,
		    &err) == -1) {
			*status = cmd_usage_error("collect", "%s", buf_str(&err));
			goto out;
		}
	}
	if (cmd_extra_args("collect", argc, argv, status))
		goto out;
	if (plan_finish(p, &err) == -1) {
		/* A bad target has said why already. */
		if (err.len > 0)
			*status = cmd_usage_error("collect", "%s",
			    buf_str(&err));
		goto out;
	}
	stop = 0;
out:
	free(longopts);
	buf_release(&err);
	return stop;
}

/* "run N recorded in 'STORE': ..." for what job_collect() recorded. */
void
cmd_collect_print(FILE *out, const struct job_collected *c,
    enum job_status verdict)
{
	if (c->also_in_reports != NULL) {
		fputs("node ", out);
		text_put_clean(out, c->also_in_reports);
		fputs(" is also in the cluster's reports: keeping the "
		    "cluster's\n", out);
	}
	fprintf(out, "run %" PRId64 " recorded in '%s': %zu node%s, %d TLS "
	    "endpoint%s%s, %s\n", c->run, c->store, c->nodes, c->nodes == 1 ?
	    "" : "s", c->endpoints, c->endpoints == 1 ? "" : "s",
	    c->cluster && c->inventory ? ", cluster evidence, module "
	    "inventory" : c->inventory ? ", module inventory" : c->cluster ?
	    ", cluster evidence" : "", verdict == JOB_COMPLIANT ? "compliant" :
	    "NOT compliant");
}

int
cmd_collect(int argc, char **argv)
{
	struct collect_plan p;
	struct job_collected c;
	enum job_status verdict;
	int status;

	if (parse_opts(argc, argv, &p, &status) != 0) {
		plan_release(&p);
		return status;
	}
	verdict = job_collect(&p, &c);
	plan_release(&p);
	if (verdict == JOB_FAILED)
		return EXIT_FAILURE_RUN;
	cmd_collect_print(stdout, &c, verdict);
	job_collected_release(&c);
	return cmd_flush_stdout(cmd_exit_status(verdict));
}
