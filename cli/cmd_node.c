/*
 * cmd_node.c - "fipsev node": this node's FIPS evidence, now, unstored.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include <cjson/cJSON.h>

#include "cli/cmd.h"
#include "collector/node/node.h"
#include "report/text.h"
#include "util/json.h"
#include "util/banned.h"

const char cmd_node_usage[] =
    "usage: fipsev node [--root DIR] [--json]\n"
    "\n"
    "Report this node's FIPS evidence: the kernel's FIPS flag, the kernel\n"
    "command line and bootconfig, os-release, FIPS markers, the crypto\n"
    "policy, and fipsev's own OpenSSL. Each item names the file it came\n"
    "from, its raw value and the SHA-256 of what was read. Nothing is stored\n"
    "(see 'fipsev collect').\n"
    "\n"
    "  --root DIR      read the host through DIR (default /), e.g. /host in\n"
    "                  a pod with the node's /proc and /etc mounted there\n"
    "  --json          print the evidence document (format fipsev-node/1)\n"
    "  -h, --help      show this help\n";

struct node_opts {
	const char	*root;
	int		 json;
};

/* Returns 0 to go on, or 1 to stop with *status. */
static int
parse_opts(int argc, char **argv, struct node_opts *o, int *status)
{
	static const struct option longopts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	o->root = "/";
	o->json = 0;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			o->root = optarg;
			break;
		case 'j':
			o->json = 1;
			break;
		case 'h':
			return cmd_help(cmd_node_usage, status);
		default:
			*status = cmd_bad_option("node", argc, argv, c);
			return 1;
		}
	}
	if (cmd_extra_args("node", argc, argv, status))
		return 1;
	return 0;
}

int
cmd_node(int argc, char **argv)
{
	struct node_opts o;
	cJSON *doc;
	char *text;
	int rc;

	if (parse_opts(argc, argv, &o, &rc) != 0)
		return rc;
	if ((doc = node_collect(o.root)) == NULL)
		return EXIT_FAILURE_RUN;
	rc = json_get_tristate(cJSON_GetObjectItemCaseSensitive(doc, "node"),
	    "compliant") == 1 ? EXIT_COMPLIANT : EXIT_NONCOMPLIANT;
	if (o.json) {
		if ((text = json_print_pretty(doc)) == NULL)
			rc = EXIT_FAILURE_RUN;
		else {
			puts(text);
			free(text);
		}
	} else
		text_node(stdout, doc);
	cJSON_Delete(doc);
	return cmd_flush_stdout(rc);
}
