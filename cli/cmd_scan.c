/*
 * cmd_scan.c - "fipsev scan": what TLS endpoints accept, classified
 * against FIPS, now, unstored.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include <cjson/cJSON.h>

#include "cli/cmd.h"
#include "collector/tls/fips_policy.h"
#include "collector/tls/tls_scan.h"
#include "job/plan.h"
#include "report/text.h"
#include "util/buf.h"
#include "util/json.h"
#include "util/banned.h"

const char cmd_scan_usage[] =
    "usage: fipsev scan [options] HOST:PORT [HOST:PORT...]\n"
    "\n"
    "Find the protocol versions, cipher suites, groups and signature\n"
    "algorithms each TLS endpoint accepts, with its certificate chain, and\n"
    "classify each against FIPS (SP 800-52r2, SP 800-131A, FIPS 186-5).\n"
    "fipsev builds its own ClientHellos, so it finds suites the local\n"
    "OpenSSL lacks (RC4, 3DES, EXPORT, GOST...). A target is HOST:PORT,\n"
    "[IPV6]:PORT or HOST (port 443, or 25 with --starttls smtp). An\n"
    "endpoint that cannot be scanned is reported as not compliant with the\n"
    "reason. Nothing is stored (see 'fipsev collect --tls').\n"
    "\n";

void
cmd_scan_options(FILE *out)
{
	plan_help(out, PLAN_FOR_SCAN);
	fputs("  --json          print the results (format fipsev-tls/1)\n"
	    "  -h, --help      show this help\n", out);
}

/* The TLS options are the collection plan's (job/plan.h). */
struct scan_opts {
	struct collect_plan	 tls;
	int			 json;
	char			**targets;
	int			 ntargets;
};

static int
parse_opts(int argc, char **argv, struct scan_opts *o, int *status)
{
	static const struct option extra[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct option *longopts;
	struct buf err;
	char *host, *port;
	int c, i, stop = 1;

	plan_init(&o->tls);
	o->json = 0;
	buf_init(&err, 4096);
	*status = EXIT_FAILURE_RUN;
	if ((longopts = plan_longopts(PLAN_FOR_SCAN, extra)) == NULL)
		goto out;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			o->json = 1;
			break;
		case 'h':
			cmd_help_with(cmd_scan_usage, cmd_scan_options, status);
			goto out;
		case ':':
		case '?':
			*status = cmd_bad_option("scan", argc, argv, c);
			goto out;
		default:
			if (plan_set(&o->tls, (enum plan_opt)(c -
			    PLAN_GETOPT_BASE), optarg, &err) == -1) {
				*status = cmd_usage_error("scan", "%s",
				    buf_str(&err));
				goto out;
			}
			break;
		}
	}
	if (optind >= argc) {
		*status = cmd_usage_error("scan", "no target: give "
		    "HOST:PORT");
		goto out;
	}
	o->targets = argv + optind;
	o->ntargets = argc - optind;
	/* Every target is checked before the first connection. */
	for (i = 0; i < o->ntargets; i++) {
		if (tls_target_parse(o->targets[i], o->tls.scan.starttls,
		    &host, &port) == -1) {
			*status = EXIT_FAILURE_RUN;
			goto out;
		}
		free(host);
		free(port);
	}
	stop = 0;
out:
	free(longopts);
	buf_release(&err);
	return stop;
}

/* 0 if every endpoint of doc is compliant, else 1. */
static int
verdict(const cJSON *doc)
{
	const cJSON *ep;

	cJSON_ArrayForEach(ep, cJSON_GetObjectItemCaseSensitive(doc,
	    "endpoints"))
		if (json_get_tristate(ep, "compliant") != 1)
			return EXIT_NONCOMPLIANT;
	return EXIT_COMPLIANT;
}

int
cmd_scan(int argc, char **argv)
{
	struct scan_opts o;
	struct fips_policy *policy = NULL;
	cJSON *doc = NULL;
	char *text;
	int rc;

	if (parse_opts(argc, argv, &o, &rc) != 0)
		return rc;
	rc = EXIT_FAILURE_RUN;
	if (fips_policy_load(o.tls.policy, &policy) == -1 ||
	    (doc = tls_scan((const char *const *)o.targets,
	    (size_t)o.ntargets, &o.tls.scan, policy)) == NULL)
		goto out;
	rc = verdict(doc);
	if (o.json) {
		if ((text = json_print_pretty(doc)) == NULL)
			rc = EXIT_FAILURE_RUN;
		else {
			puts(text);
			free(text);
		}
	} else
		text_tls(stdout, doc);
	rc = cmd_flush_stdout(rc);
out:
	cJSON_Delete(doc);
	fips_policy_free(policy);
	return rc;
}
