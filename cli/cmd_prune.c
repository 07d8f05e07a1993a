/*
 * cmd_prune.c - "fipsev prune": remove old runs from the store.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cli/cmd.h"
#include "store/store.h"
#include "util/log.h"
#include "util/banned.h"

const char cmd_prune_usage[] =
    "usage: fipsev prune [--keep-days N] [--keep-runs N] [--db FILE]\n"
    "\n"
    "Remove the runs that started more than N days ago, or that are not\n"
    "among the newest N (either limit, or both; never the latest run),\n"
    "their evidence and facts, and the documents no kept run cites, in one\n"
    "transaction. Bundles already written are files of their own and still\n"
    "verify. The file does not shrink by itself: run\n"
    "'sqlite3 FILE VACUUM' afterwards (it needs as much free disk as the\n"
    "store) to give the space back.\n"
    "\n"
    "  --keep-days N   keep the last N days of runs (1-36500)\n"
    "  --keep-runs N   keep the newest N runs (1-1000000)\n"
    DB_OPTION_HELP
    "  -h, --help      show this help\n";

int
cmd_prune(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "keep-days", required_argument, NULL, 'k' },
		{ "keep-runs", required_argument, NULL, 'r' },
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct store *st = NULL;
	const char *db = NULL;
	char *path = NULL, cutoff[32];
	struct store_keep keep = { NULL, 0 };
	int days = -1;
	int c, status, runs, docs, rc = EXIT_FAILURE_RUN;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 'k':
			if (cmd_number("prune", "--keep-days", optarg, 1, 36500,
			    NULL, &days) != 0)
				return EXIT_FAILURE_RUN;
			break;
		case 'r':
			if (cmd_number("prune", "--keep-runs", optarg, 1, 1000000,
			    NULL, &keep.runs) != 0)
				return EXIT_FAILURE_RUN;
			break;
		case 'd':
			db = optarg;
			break;
		case 'h':
			cmd_help(cmd_prune_usage, &status);
			return status;
		default:
			return cmd_bad_option("prune", argc, argv, c);
		}
	}
	if (cmd_extra_args("prune", argc, argv, &status))
		return status;
	if (days < 0 && keep.runs == 0)
		return cmd_usage_error("prune", "give --keep-days N, "
		    "--keep-runs N, or both");
	if (days >= 0) {
		if (store_cutoff(days, cutoff, sizeof(cutoff)) == -1)
			return EXIT_FAILURE_RUN;
		keep.since = cutoff;
	}
	if (cmd_open_store(db, STORE_EXISTING, &path, &st) == 0 &&
	    store_prune(st, &keep, &runs, &docs) == 0) {
		printf("removed %d run%s", runs, runs == 1 ? "" : "s");
		if (keep.since != NULL)
			printf(" started before %s", keep.since);
		if (keep.runs > 0)
			printf("%s beyond the newest %d", keep.since != NULL ?
			    " or" : "", keep.runs);
		printf(" and %d documents no kept run cites from '%s'\n",
		    docs, path);
		rc = cmd_flush_stdout(EXIT_COMPLIANT);
	}
	store_close(st);
	free(path);
	return rc;
}
