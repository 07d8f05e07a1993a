/*
 * cmd_runs.c - "fipsev runs": list the runs in the store, newest first.
 */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include <cjson/cJSON.h>

#include "cli/cmd.h"
#include "report/text.h"
#include "store/store.h"
#include "util/json.h"
#include "util/log.h"
#include "util/banned.h"

const char cmd_runs_usage[] =
    "usage: fipsev runs [--db FILE] [--limit N] [--json]\n"
    "\n"
    "List the runs in the store, newest first: id, start and finish time\n"
    "(UTC), verdict, compliant/total nodes, and the host that ran fipsev.\n"
    "\n"
    DB_OPTION_HELP
    "  --limit N       list at most N runs\n"
    "  --json          print a JSON array of runs\n"
    "  -h, --help      show this help\n";

struct runs_opts {
	const char	*db;
	int		 limit;
	int		 json;
};

static int
parse_opts(int argc, char **argv, struct runs_opts *o, int *status)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "limit", required_argument, NULL, 'l' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	long v;
	int c;

	o->db = NULL;
	o->limit = 0;
	o->json = 0;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			o->db = optarg;
			break;
		case 'l':
			v = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || v < 1 ||
			    v > INT_MAX) {
				*status = cmd_usage_error("runs", "--limit '%s' is "
				    "not a positive whole number", optarg);
				return 1;
			}
			o->limit = (int)v;
			break;
		case 'j':
			o->json = 1;
			break;
		case 'h':
			return cmd_help(cmd_runs_usage, status);
		default:
			*status = cmd_bad_option("runs", argc, argv, c);
			return 1;
		}
	}
	if (cmd_extra_args("runs", argc, argv, status))
		return 1;
	return 0;
}

static int
print_line(const struct store_run_info *ri, void *arg)
{
	(void)arg;
	text_run_line(stdout, ri);
	return 0;
}

static int
add_json(const struct store_run_info *ri, void *arg)
{
	cJSON *arr = arg, *o;

	if ((o = store_run_info_json(ri)) == NULL)
		return -1;
	cJSON_AddItemToArray(arr, o);
	return 0;
}

int
cmd_runs(int argc, char **argv)
{
	struct runs_opts o;
	struct store *st = NULL;
	cJSON *arr = NULL;
	char *path = NULL, *text = NULL;
	int rc;

	if (parse_opts(argc, argv, &o, &rc) != 0)
		return rc;
	rc = EXIT_FAILURE_RUN;
	if (cmd_open_store(o.db, STORE_READ, &path, &st) == -1)
		goto out;
	if (o.json) {
		if ((arr = cJSON_CreateArray()) == NULL) {
			log_err("cannot list runs: out of memory");
			goto out;
		}
		if (store_list_runs(st, o.limit, add_json, arr) == -1 ||
		    (text = json_print_pretty(arr)) == NULL)
			goto out;
		puts(text);
	} else {
		text_runs_header(stdout);
		if (store_list_runs(st, o.limit, print_line, NULL) == -1)
			goto out;
	}
	rc = cmd_flush_stdout(EXIT_COMPLIANT);
out:
	store_close(st);
	cJSON_Delete(arr);
	free(text);
	free(path);
	return rc;
}
