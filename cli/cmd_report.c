/*
 * cmd_report.c - "fipsev report": a stored run as a signed evidence
 * bundle.
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "bundle/bundle.h"
#include "store/store.h"
#include "util/log.h"
#include "util/banned.h"

const char cmd_report_usage[] =
    "usage: fipsev report [RUN|latest] --out DIR --key FILE --cert FILE\n"
    "                     [--tsa-url URL [--tsa-ca FILE]] [--tar] [--db FILE]\n"
    "\n"
    "Write a run (default: the latest) as an evidence bundle in DIR, a new\n"
    "directory: run.json, evidence/*.json (each collector's document as\n"
    "stored), MANIFEST.sha256 (sha256sum -c format) and\n"
    "MANIFEST.sha256.sig, a detached CMS signature over the manifest made\n"
    "with the key (RSA >= 3072 or ECDSA P-256/P-384; mode 0600) and its\n"
    "certificate. Check it with 'fipsev verify', or with stock tools:\n"
    "  sha256sum -c MANIFEST.sha256\n"
    "  openssl cms -verify -binary -inform PEM -in MANIFEST.sha256.sig \\\n"
    "      -content MANIFEST.sha256 -CAfile CERT -out /dev/null\n"
    "\n"
    "  --out DIR       the bundle (must not exist)\n"
    "  --key FILE      the signing key (PEM)\n"
    "  --cert FILE     its certificate (PEM)\n"
    "  --tsa-url URL   timestamp the signature (RFC 3161) at this TSA,\n"
    "                  http:// or https:// (the token is signed, so plain\n"
    "                  HTTP is fine); without an answer the bundle is still\n"
    "                  written, and 'fipsev timestamp' adds it later\n"
    "  --tsa-ca FILE   the TSA's certificate must chain to this (PEM)\n"
    "  --tar           also pack the bundle into DIR.tar.gz\n"
    DB_OPTION_HELP
    "  -h, --help      show this help\n";

int
cmd_report(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "key", required_argument, NULL, 'k' },
		{ "cert", required_argument, NULL, 'c' },
		{ "tar", no_argument, NULL, 't' },
		{ "tsa-url", required_argument, NULL, 'u' },
		{ "tsa-ca", required_argument, NULL, 'a' },
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *out = NULL, *db = NULL;
	struct bundle_sign sign = { NULL, NULL, NULL, NULL, NULL, "" };
	struct store *st = NULL;
	char *path = NULL, *end;
	int64_t run = 0;
	int c, status, tar = 0;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 'k':
			sign.key = optarg;
			break;
		case 'c':
			sign.cert = optarg;
			break;
		case 'u':
			sign.tsa_url = optarg;
			break;
		case 'a':
			sign.tsa_ca = optarg;
			break;
		case 'd':
			db = optarg;
			break;
		case 't':
			tar = 1;
			break;
		case 'h':
			cmd_help(cmd_report_usage, &status);
			return status;
		default:
			return cmd_bad_option("report", argc, argv, c);
		}
	}
	if (optind < argc && strcmp(argv[optind], "latest") != 0) {
		errno = 0;
		run = strtoll(argv[optind], &end, 10);
		if (*end != '\0' || errno != 0 || run < 1)
			return cmd_usage_error("report", "run '%s' is neither a "
			    "run number nor 'latest'", argv[optind]);
	}
	if (optind < argc)
		optind++;
	if (cmd_extra_args("report", argc, argv, &status))
		return status;
	if (out == NULL || sign.key == NULL || sign.cert == NULL)
		return cmd_usage_error("report", "give --out DIR, --key FILE "
		    "and --cert FILE");
	if (sign.tsa_ca != NULL && sign.tsa_url == NULL)
		return cmd_usage_error("report", "--tsa-ca needs --tsa-url");
	status = EXIT_FAILURE_RUN;
	if (cmd_open_store(db, STORE_READ, &path, &st) == 0 &&
	    bundle_write(st, run, out, &sign) == 0 &&
	    (!tar || bundle_tar(out) == 0)) {
		if (sign.ts_missing[0] != '\0')
			log_err("timestamp missing: %s (add it later: fipsev "
			    "timestamp %s --tsa-url URL)", sign.ts_missing,
			    out);
		printf("bundle written to %s%s%s%s\n", out, tar ? " and " : "",
		    tar ? out : "", tar ? ".tar.gz" : "");
		status = cmd_flush_stdout(EXIT_COMPLIANT);
	}
	store_close(st);
	free(path);
	return status;
}
