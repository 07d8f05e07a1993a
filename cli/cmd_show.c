/*
 * cmd_show.c - "fipsev show": what one stored run holds.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli/cmd.h"
#include "report/text.h"
#include "store/store.h"
#include "util/json.h"
#include "util/log.h"
#include "util/text.h"
#include "util/banned.h"

const char cmd_show_usage[] =
    "usage: fipsev show RUN|latest [--db FILE] [--json]\n"
    "\n"
    "Print what a stored run holds: when and where it ran, its verdict, and\n"
    "each node's evidence. The exit status is the run's verdict.\n"
    "\n"
    DB_OPTION_HELP
    "  --json          print {\"run\": {...}, \"evidence\": [{\"collector\",\n"
    "                  \"subject\", \"sha256\", \"document\"}]}; sha256 is the\n"
    "                  digest of the document's bytes as stored\n"
    "  -h, --help      show this help\n";

struct show_opts {
	const char	*db;
	int64_t		 run;	/* 0: latest */
	int		 json;
};

static int
parse_opts(int argc, char **argv, struct show_opts *o, int *status)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *arg;
	char *end;
	int c;

	o->db = NULL;
	o->run = 0;
	o->json = 0;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			o->db = optarg;
			break;
		case 'j':
			o->json = 1;
			break;
		case 'h':
			return cmd_help(cmd_show_usage, status);
		default:
			*status = cmd_bad_option("show", argc, argv, c);
			return 1;
		}
	}
	if (optind != argc - 1) {
		*status = optind == argc ?
		    cmd_usage_error("show", "which run? give RUN or 'latest'") :
		    cmd_usage_error("show", "unexpected argument '%s'",
		    argv[optind + 1]);
		return 1;
	}
	arg = argv[optind];
	if (strcmp(arg, "latest") != 0) {
		errno = 0;
		o->run = strtoll(arg, &end, 10);
		if (*arg == '\0' || *end != '\0' || errno != 0 || o->run < 1) {
			*status = cmd_usage_error("show", "run '%s' is neither a "
			    "run number nor 'latest'", arg);
			return 1;
		}
	}
	return 0;
}

/* What show does with the documents of one collector. */
struct collector_view {
	const char	*name;		/* "node" or "tls" */
	const char	*what;		/* for messages */
	int		(*render)(FILE *, const cJSON *);
};

static const struct collector_view views[] = {
	{ "node", "node", text_node },
	{ "tls", "TLS endpoint", text_tls },
	{ "cluster", "cluster", text_cluster },
	{ "harness", "Harness API", text_harness },
	{ "inventory", "module inventory", text_inventory },
};

static int
print_doc(const char *subject, const char *sha256, const char *doc,
    size_t len, void *arg)
{
	const struct collector_view *v = arg;
	cJSON *parsed;

	printf("\n%s evidence '", v->what);
	text_put_clean(stdout, subject);
	printf("' (sha256 %s, %zu bytes)\n", sha256, len);
	if ((parsed = cJSON_ParseWithLength(doc, len)) == NULL ||
	    v->render(stdout, parsed) == -1) {
		log_err("stored evidence of %s '%s' is not readable", v->what,
		    subject);
		cJSON_Delete(parsed);
		return -1;
	}
	cJSON_Delete(parsed);
	return 0;
}

/*
 * --json streams: one document at a time is parsed (to be sure it is
 * JSON) and printed, so a 5,000-node run never sits in memory whole.
 */
struct json_stream {
	const struct collector_view *view;
	int		 first;		/* no element printed yet */
	cJSON		*inventory;	/* the inventory's items, kept */
};

static int
print_doc_json(const char *subject, const char *sha256, const char *doc,
    size_t len, void *arg)
{
	struct json_stream *js = arg;
	const struct collector_view *v = js->view;
	cJSON *o = NULL, *parsed;
	char *text = NULL;
	int rc = -1;

	if ((parsed = cJSON_ParseWithLength(doc, len)) == NULL) {
		log_err("stored evidence of %s '%s' is not JSON", v->what,
		    subject);
		return -1;
	}
	if ((o = cJSON_CreateObject()) == NULL ||
	    cJSON_AddStringToObject(o, "collector", v->name) == NULL ||
	    json_add_str(o, "subject", subject) == -1 ||
	    cJSON_AddStringToObject(o, "sha256", sha256) == NULL ||
	    !cJSON_AddItemToObject(o, "document", parsed)) {
		cJSON_Delete(parsed);
		log_err("cannot show run: out of memory");
		goto out;
	}
	if (strcmp(v->name, "inventory") == 0 && js->inventory == NULL &&
	    cJSON_GetObjectItemCaseSensitive(parsed, "inventory") != NULL &&
	    (js->inventory = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(
	    parsed, "inventory"), 1)) == NULL) {
		log_err("cannot show run: out of memory");
		goto out;
	}
	if ((text = json_print(o)) == NULL)
		goto out;
	printf("%s\n    %s", js->first ? "" : ",", text);
	js->first = 0;
	rc = 0;
out:
	free(text);
	cJSON_Delete(o);
	return rc;
}

/* {"run": ..., "evidence": [...], "inventory": [...]}, streamed. */
static int
show_json(struct store *st, const struct store_run_info *ri)
{
	struct json_stream js;
	cJSON *run = store_run_info_json(ri);
	char *text = NULL;
	size_t i;
	int rc = -1;

	memset(&js, 0, sizeof(js));
	js.first = 1;
	if (run == NULL || (text = json_print(run)) == NULL) {
		log_err("cannot show run: out of memory");
		goto out;
	}
	printf("{\n  \"run\": %s,\n  \"evidence\": [", text);
	for (i = 0; i < sizeof(views) / sizeof(views[0]); i++) {
		js.view = &views[i];
		if (store_run_documents(st, ri->id, views[i].name,
		    print_doc_json, &js) == -1)
			goto out;
	}
	printf("\n  ]");
	/* The inventory's items, also at the top for scripts. */
	if (js.inventory != NULL) {
		free(text);
		if ((text = json_print(js.inventory)) == NULL)
			goto out;
		printf(",\n  \"inventory\": %s", text);
	}
	printf("\n}\n");
	rc = 0;
out:
	free(text);
	cJSON_Delete(run);
	cJSON_Delete(js.inventory);
	return rc;
}

int
cmd_show(int argc, char **argv)
{
	struct show_opts o;
	struct store_run_info ri;
	struct store *st = NULL;
	char *path = NULL;
	size_t i;
	int rc, found = 0;

	memset(&ri, 0, sizeof(ri));
	if (parse_opts(argc, argv, &o, &rc) != 0)
		return rc;
	rc = EXIT_FAILURE_RUN;
	if (cmd_open_store(o.db, STORE_READ, &path, &st) == -1)
		goto out;
	if ((found = store_get_run(st, o.run, &ri)) == -1)
		goto out;
	if (found == 1) {
		if (o.run == 0)
			log_err("store '%s' holds no runs yet", path);
		else
			log_err("store '%s' has no run %" PRId64, path, o.run);
		found = 0;
		goto out;
	}
	found = 1;
	if (o.json) {
		if (show_json(st, &ri) == -1)
			goto out;
	} else {
		text_run_summary(stdout, &ri);
		for (i = 0; i < sizeof(views) / sizeof(views[0]); i++)
			if (store_run_documents(st, ri.id, views[i].name,
			    print_doc, (void *)&views[i]) == -1)
				goto out;
	}
	rc = cmd_flush_stdout(strcmp(ri.verdict, "compliant") == 0 ?
	    EXIT_COMPLIANT : EXIT_NONCOMPLIANT);
out:
	if (found)
		store_run_info_release(&ri);
	store_close(st);
	free(path);
	return rc;
}
