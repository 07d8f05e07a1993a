/*
 * cmd_run.c - "fipsev run": the whole job in one command, the one a
 * CronJob calls: collect every configured source into the store, then
 * write the run's signed bundle and verify it.
 *
 * The work is job_run()'s (job/run.h); this file reads the options and
 * the configuration, and chooses the exit status.
 */
#include <getopt.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include "cli/cmd.h"
#include "collector/cluster/values.h"
#include "job/run.h"
#include "util/banned.h"

const char cmd_run_usage[] =
    "usage: fipsev run --config FILE [--completed-ok] [--jitter SECONDS]\n"
    "\n"
    "Do the whole job: collect every source the configuration names (this\n"
    "node, the cluster from a snapshot or its API, the Harness API, TLS\n"
    "endpoints) into the store as one run, write the run's evidence bundle\n"
    "signed with the configured key, and verify it. Each phase prints one\n"
    "line \"run: phase=NAME result=...\"; a failure names its phase and\n"
    "keeps what was collected. Overlapping runs on one store wait for none:\n"
    "the second stops at once. samples/fipsev.yaml documents the keys.\n"
    "\n"
    "  --config FILE   the configuration (YAML)\n"
    "  --completed-ok  exit 0 for a run that completed, compliant or not\n"
    "                  (the verdict is in the log, the bundle and the\n"
    "                  store): what a CronJob wants, whose Job then fails\n"
    "                  only when the run is broken\n"
    "  --jitter S      after the checks, wait a random 0 to S seconds (at\n"
    "                  most 3600) before collecting, so that the nightly\n"
    "                  jobs of many clusters do not all start at once\n"
    "  -h, --help      show this help\n"
    "\n"
    "Exit status: 0 ran and all evidence compliant, 1 ran and found\n"
    "non-compliance (0 with --completed-ok), 2 usage or runtime error.\n";

int
cmd_run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "completed-ok", no_argument, NULL, 'k' },
		{ "jitter", required_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config = NULL;
	struct run_plan rp;
	cJSON *cfg;
	int c, status, completed_ok = 0, jitter = 0;
	enum job_status verdict;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			config = optarg;
			break;
		case 'k':
			completed_ok = 1;
			break;
		case 'j':
			if (cmd_number("run", "--jitter", optarg, 0, 3600,
			    "seconds", &jitter) != 0)
				return EXIT_FAILURE_RUN;
			break;
		case 'h':
			cmd_help(cmd_run_usage, &status);
			return status;
		default:
			return cmd_bad_option("run", argc, argv, c);
		}
	}
	if (cmd_extra_args("run", argc, argv, &status))
		return status;
	if (config == NULL)
		return cmd_usage_error("run", "give --config FILE (samples/"
		    "fipsev.yaml documents it)");

	/* Read and check the whole configuration before doing anything. */
	if ((cfg = values_read_file(config)) == NULL)
		return EXIT_FAILURE_RUN;
	if (run_plan_from_config(cfg, config, &rp) == -1) {
		cJSON_Delete(cfg);
		return EXIT_FAILURE_RUN;
	}
	rp.jitter_s = jitter;
	verdict = job_run(&rp, stdout, cmd_collect_print);
	run_plan_release(&rp);
	cJSON_Delete(cfg);
	/* A night that found non-compliance did its job: said, not failed. */
	if (completed_ok && verdict == JOB_NONCOMPLIANT) {
		printf("run: completed, NOT COMPLIANT (exit 0: --completed-ok)"
		    "\n");
		return cmd_flush_stdout(0);
	}
	return cmd_flush_stdout(cmd_exit_status(verdict));
}
