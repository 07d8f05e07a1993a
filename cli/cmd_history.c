/*
 * cmd_history.c - "fipsev history": one node, endpoint or check across
 * every run.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "assess/assess.h"
#include "cli/cmd.h"
#include "store/store.h"
#include "util/json.h"
#include "util/log.h"
#include "util/text.h"
#include "util/banned.h"

const char cmd_history_usage[] =
    "usage: fipsev history (--node NAME | --endpoint HOST:PORT | --check ID)\n"
    "                      [--json] [--db FILE]\n"
    "\n"
    "One subject across every run, oldest first: a node's FIPS flags, OS\n"
    "and verdict; an endpoint's protocols, suites and verdict; or every\n"
    "finding of a check (e.g. FIPS-NODE-KERNEL) per run.\n"
    "\n"
    "  --node NAME        a node, as its evidence names it\n"
    "  --endpoint TARGET  a TLS endpoint, as scanned (HOST:PORT)\n"
    "  --check ID         a check of data/controls/controls.tsv\n"
    "  --json             a JSON array, one object a run\n"
    DB_OPTION_HELP
    "  -h, --help         show this help\n";

struct hist {
	cJSON	*all;		/* --json */
	int	 rows;
};

static int
add_row(int64_t run, const char *started, const cJSON *row, void *arg)
{
	struct hist *h = arg;
	cJSON *o;

	h->rows++;
	if (h->all != NULL) {
		if ((o = cJSON_Duplicate(row, 1)) == NULL ||
		    cJSON_AddNumberToObject(o, "run", (double)run) == NULL ||
		    json_add_str(o, "started", started) ||
		    !cJSON_AddItemToArray(h->all, o)) {
			cJSON_Delete(o);
			return -1;
		}
		return 0;
	}
	printf("run %" PRId64 " ", run);
	text_put_clean(stdout, started != NULL ? started : "?");
	cJSON_ArrayForEach(o, row) {
		char *v = cJSON_IsString(o) ? NULL : cJSON_PrintUnformatted(o);

		fputs("  ", stdout);
		text_put_clean(stdout, o->string);
		putchar('=');
		text_put_clean(stdout, cJSON_IsString(o) ? o->valuestring :
		    v != NULL ? v : "?");
		free(v);
	}
	putchar('\n');
	return 0;
}

/* The runs of the store, newest first, as store_list_runs() gives them. */
struct runs {
	int64_t	*id;
	char	**started;
	size_t	 n;
};

static int
add_run(const struct store_run_info *ri, void *arg)
{
	struct runs *r = arg;
	int64_t *id;
	char **st;

	if ((id = reallocarray(r->id, r->n + 1, sizeof(*id))) == NULL)
		return -1;
	r->id = id;
	if ((st = reallocarray(r->started, r->n + 1, sizeof(*st))) == NULL)
		return -1;
	r->started = st;
	if ((st[r->n] = strdup(ri->started)) == NULL)
		return -1;
	id[r->n++] = ri->id;
	return 0;
}

/* Every run's findings of one check, oldest run first. */
static int
check_history(struct store *st, const char *check, struct hist *h)
{
	struct runs runs = { NULL, NULL, 0 };
	size_t i;
	int rc = -1;

	if (store_list_runs(st, 0, add_run, &runs) == -1)
		goto out;
	for (i = runs.n; i-- > 0;) {
		cJSON *eval = assess_recorded(st, runs.id[i]);
		const cJSON *f;

		if (eval == NULL)
			goto out;
		cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(eval,
		    "findings")) {
			cJSON *row;
			int bad;

			if (strcmp(json_get_str(f, "check"), check) != 0)
				continue;
			row = cJSON_CreateObject();
			bad = row == NULL || json_add_str(row, "subject",
			    json_get_str(f, "subject")) || json_add_str(row,
			    "result", json_get_str(f, "result")) ||
			    json_add_str(row, "reason", json_get_str(f,
			    "reason")) || add_row(runs.id[i], runs.started[i],
			    row, h) == -1;
			cJSON_Delete(row);
			if (bad) {
				cJSON_Delete(eval);
				goto out;
			}
		}
		cJSON_Delete(eval);
	}
	rc = 0;
out:
	for (i = 0; i < runs.n; i++)
		free(runs.started[i]);
	free(runs.started);
	free(runs.id);
	return rc;
}

int
cmd_history(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "node", required_argument, NULL, 'n' },
		{ "endpoint", required_argument, NULL, 'e' },
		{ "check", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *node = NULL, *endpoint = NULL, *check = NULL, *db = NULL;
	struct hist h = { NULL, 0 };
	struct store *st = NULL;
	char *path = NULL, *text;
	int c, status, json = 0, rc = EXIT_FAILURE_RUN, r;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			node = optarg;
			break;
		case 'e':
			endpoint = optarg;
			break;
		case 'c':
			check = optarg;
			break;
		case 'j':
			json = 1;
			break;
		case 'd':
			db = optarg;
			break;
		case 'h':
			cmd_help(cmd_history_usage, &status);
			return status;
		default:
			return cmd_bad_option("history", argc, argv, c);
		}
	}
	if (cmd_extra_args("history", argc, argv, &status))
		return status;
	if ((node != NULL) + (endpoint != NULL) + (check != NULL) != 1)
		return cmd_usage_error("history", "give one of --node, "
		    "--endpoint and --check");
	if (json && (h.all = cJSON_CreateArray()) == NULL) {
		log_errno("history");
		return EXIT_FAILURE_RUN;
	}
	if (cmd_open_store(db, STORE_READ, &path, &st) == -1)
		goto out;
	r = check != NULL ? check_history(st, check, &h) :
	    store_history(st, node != NULL ? "node" : "endpoint",
	    node != NULL ? node : endpoint, add_row, &h);
	if (r == -1)
		goto out;
	if (h.rows == 0) {
		log_err("store '%s': no run mentions %s '%s'", path,
		    node != NULL ? "node" : endpoint != NULL ? "endpoint" :
		    "check", node != NULL ? node : endpoint != NULL ?
		    endpoint : check);
		goto out;
	}
	if (json) {
		if ((text = json_print_pretty(h.all)) == NULL)
			goto out;
		puts(text);
		free(text);
	}
	rc = cmd_flush_stdout(EXIT_COMPLIANT);
out:
	cJSON_Delete(h.all);
	store_close(st);
	free(path);
	return rc;
}
