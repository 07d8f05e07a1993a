/*
 * cmd_drift.c - "fipsev drift": what changed between two runs.
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "assess/assess.h"
#include "cli/cmd.h"
#include "evaluate/drift.h"
#include "store/store.h"
#include "util/json.h"
#include "util/log.h"
#include "util/banned.h"

const char cmd_drift_usage[] =
    "usage: fipsev drift [--from RUN] [--to RUN] [--json | --csv] [--db FILE]\n"
    "\n"
    "What changed from one run to another (default: the last two): nodes\n"
    "added and removed, node FIPS flags and OS images, TLS endpoints'\n"
    "accepted protocols, suites, groups and signature schemes, modules and\n"
    "components, release settings and chart values (redacted ones by their\n"
    "digest), and findings whose result changed. Lines start with '+'\n"
    "(added), '-' (removed) or '~' (changed).\n"
    "Exit status: 0 nothing changed, 1 something did, 2 error.\n"
    "\n"
    "  --from RUN      the earlier run\n"
    "  --to RUN        the later run\n"
    "  --json          the changes as a JSON array\n"
    "  --csv           the changes as CSV (RFC 4180)\n"
    DB_OPTION_HELP
    "  -h, --help      show this help\n";

static int
run_number(const char *s, int64_t *out)
{
	char *end;

	errno = 0;
	*out = strtoll(s, &end, 10);
	return *s == '\0' || *end != '\0' || errno != 0 || *out < 1 ? -1 : 0;
}

/* Collect the ids of the newest runs, newest first. */
static int
newest(const struct store_run_info *ri, void *arg)
{
	int64_t *ids = arg;

	if (ids[0] == 0)
		ids[0] = ri->id;
	else
		ids[1] = ri->id;
	return 0;
}

int
cmd_drift(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "csv", no_argument, NULL, 'c' },
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct store_run_info ri;
	struct store *st = NULL;
	const char *db = NULL;
	int64_t from = 0, to = 0, ids[2] = { 0, 0 };
	char *path = NULL, *text;
	cJSON *changes = NULL;
	int c, status, json = 0, csv = 0, rc = EXIT_FAILURE_RUN;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
		case 't':
			if (run_number(optarg, c == 'f' ? &from : &to) == -1)
				return cmd_usage_error("drift", "run '%s' is not "
				    "a run number", optarg);
			break;
		case 'j':
			json = 1;
			break;
		case 'c':
			csv = 1;
			break;
		case 'd':
			db = optarg;
			break;
		case 'h':
			cmd_help(cmd_drift_usage, &status);
			return status;
		default:
			return cmd_bad_option("drift", argc, argv, c);
		}
	}
	if (cmd_extra_args("drift", argc, argv, &status))
		return status;
	if (json && csv)
		return cmd_usage_error("drift", "give --json or --csv, not "
		    "both");
	if (cmd_open_store(db, STORE_READ, &path, &st) == -1)
		goto out;
	if (from == 0 || to == 0) {
		if (store_list_runs(st, 2, newest, ids) == -1)
			goto out;
		if (to == 0)
			to = ids[0];
		if (from == 0)
			from = ids[0] == to ? ids[1] : ids[0];
	}
	if (from == 0 || to == 0) {
		log_err("store '%s' has fewer than two runs to compare", path);
		goto out;
	}
	/* Both runs must exist. */
	for (c = 0; c < 2; c++) {
		int r = store_get_run(st, c == 0 ? from : to, &ri);

		if (r == 0)
			store_run_info_release(&ri);
		else {
			if (r == 1)
				log_err("store '%s' has no run %lld", path,
				    (long long)(c == 0 ? from : to));
			goto out;
		}
	}
	if ((changes = assess_drift(st, from, to)) == NULL)
		goto out;
	if (json) {
		if ((text = json_print_pretty(changes)) == NULL)
			goto out;
		puts(text);
		free(text);
	} else if (csv)
		drift_csv(stdout, changes);
	else {
		printf("drift from run %lld to run %lld: %d changes\n",
		    (long long)from, (long long)to, cJSON_GetArraySize(changes));
		drift_text(stdout, changes);
	}
	rc = cmd_flush_stdout(cJSON_GetArraySize(changes) == 0 ?
	    EXIT_COMPLIANT : EXIT_NONCOMPLIANT);
out:
	cJSON_Delete(changes);
	store_close(st);
	free(path);
	return rc;
}
