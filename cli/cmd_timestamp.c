/*
 * cmd_timestamp.c - "fipsev timestamp": add an RFC 3161 timestamp to a
 * bundle that was written without one (its TSA could not be reached).
 */
#include <getopt.h>
#include <stdio.h>

#include "cli/cmd.h"
#include "bundle/bundle.h"
#include "util/log.h"
#include "util/banned.h"

const char cmd_timestamp_usage[] =
    "usage: fipsev timestamp BUNDLE --tsa-url URL [--tsa-ca FILE]\n"
    "\n"
    "Ask the time-stamping authority at URL for an RFC 3161 token over the\n"
    "bundle's signature and write it beside it, as\n"
    "MANIFEST.sha256.sig.tsr (outside the manifest: the one file verify\n"
    "allows there). 'fipsev verify' then judges the signer's certificate\n"
    "at the token's time, so the bundle stays verifiable after the\n"
    "certificate expires. A token is only as early as it is asked for: add\n"
    "it while the signer's certificate is still valid. Stock tools check\n"
    "it:\n"
    "  openssl ts -verify -data MANIFEST.sha256.sig \\\n"
    "      -in MANIFEST.sha256.sig.tsr -CAfile TSA-CA\n"
    "\n"
    "  --tsa-url URL   the TSA, http:// or https:// (the token is signed,\n"
    "                  so plain HTTP is fine)\n"
    "  --tsa-ca FILE   the TSA's certificate must chain to this (PEM)\n"
    "  -h, --help      show this help\n";

int
cmd_timestamp(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "tsa-url", required_argument, NULL, 'u' },
		{ "tsa-ca", required_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *url = NULL, *tsa_ca = NULL, *dir;
	char why[600];
	int c, status, r;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 'u':
			url = optarg;
			break;
		case 'a':
			tsa_ca = optarg;
			break;
		case 'h':
			cmd_help(cmd_timestamp_usage, &status);
			return status;
		default:
			return cmd_bad_option("timestamp", argc, argv, c);
		}
	}
	if (optind >= argc)
		return cmd_usage_error("timestamp", "which bundle? give BUNDLE");
	dir = argv[optind++];
	if (cmd_extra_args("timestamp", argc, argv, &status))
		return status;
	if (url == NULL)
		return cmd_usage_error("timestamp", "give --tsa-url URL");
	if ((r = bundle_timestamp(dir, url, tsa_ca, why, sizeof(why))) == -1)
		return EXIT_FAILURE_RUN;
	if (r == 1) {
		log_err("timestamp missing: %s", why);
		return EXIT_FAILURE_RUN;
	}
	printf("timestamp written to %s/MANIFEST.sha256.sig.tsr\n", dir);
	return cmd_flush_stdout(EXIT_COMPLIANT);
}
