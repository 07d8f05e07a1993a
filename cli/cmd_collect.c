/*
 * cmd_collect.c - "fipsev collect": gather evidence and record it as a run.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "cmd.h"
#include "collector/node.h"
#include "fipsev_version.h"
#include "store/store.h"
#include "util/json.h"
#include "util/log.h"
#include "util/text.h"
#include "util/banned.h"

const char cmd_collect_usage[] =
    "usage: fipsev collect --node [--root DIR] [--db FILE]\n"
    "\n"
    "Collect evidence and record it in the store as one run. The run is\n"
    "written in a single transaction: if fipsev is stopped midway, nothing\n"
    "of it is kept and earlier runs are untouched.\n"
    "\n"
    "  --node          collect this node's FIPS evidence (see 'fipsev node')\n"
    "  --root DIR      read the host through DIR (default /)\n"
    DB_OPTION_HELP
    "  -h, --help      show this help\n";

struct collect_opts {
	int		 node;
	const char	*root;
	const char	*db;
};

static int
parse_opts(int argc, char **argv, struct collect_opts *o, int *status)
{
	static const struct option longopts[] = {
		{ "node", no_argument, NULL, 'n' },
		{ "root", required_argument, NULL, 'r' },
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	o->node = 0;
	o->root = "/";
	o->db = NULL;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			o->node = 1;
			break;
		case 'r':
			o->root = optarg;
			break;
		case 'd':
			o->db = optarg;
			break;
		case 'h':
			return cmd_help(cmd_collect_usage, status);
		default:
			*status = cmd_bad_option("collect", argc, argv, c);
			return 1;
		}
	}
	if (cmd_extra_args("collect", argc, argv, status))
		return 1;
	if (!o->node) {
		*status = cmd_usage_error("collect", "nothing to collect: "
		    "give --node");
		return 1;
	}
	return 0;
}

int
cmd_collect(int argc, char **argv)
{
	struct collect_opts o;
	struct store_run_meta meta;
	struct store *st = NULL;
	cJSON *doc = NULL;
	char started[32], host[256];
	char *path = NULL, *json = NULL;
	int64_t run_id;
	int rc;

	if (parse_opts(argc, argv, &o, &rc) != 0)
		return rc;
	rc = EXIT_FAILURE_RUN;

	/* Open the store first: a bad --db fails before any work. */
	if (cmd_open_store(o.db, STORE_CREATE, &path, &st) == -1)
		goto out;
	if (utc_now(started, sizeof(started)) == -1) {
		log_err("cannot read the clock");
		goto out;
	}
	if (gethostname(host, sizeof(host)) == -1) {
		log_errno("cannot read this machine's host name");
		goto out;
	}
	host[sizeof(host) - 1] = '\0';

	/* Collect everything, then write it in one short transaction. */
	if ((doc = node_collect(o.root)) == NULL ||
	    (json = json_print(doc)) == NULL)
		goto out;
	meta.started = started;
	meta.host = host;
	meta.tool_version = FIPSEV_VERSION;
	if (store_run_begin(st, &meta) == -1 ||
	    store_run_add_node(st, json, strlen(json)) == -1 ||
	    store_run_commit(st, &run_id) == -1)
		goto out;

	rc = json_get_tristate(cJSON_GetObjectItemCaseSensitive(doc, "node"),
	    "compliant") == 1 ? EXIT_COMPLIANT : EXIT_NONCOMPLIANT;
	printf("run %" PRId64 " recorded in '%s': 1 node, %s\n", run_id, path,
	    rc == EXIT_COMPLIANT ? "compliant" : "NOT compliant");
	rc = cmd_flush_stdout(rc);
out:
	store_close(st);
	cJSON_Delete(doc);
	free(json);
	free(path);
	return rc;
}
