/*
 * cmd_verify.c - "fipsev verify": is an evidence bundle intact?
 */
#include <getopt.h>
#include <stdio.h>

#include "cmd.h"
#include "report/bundle.h"
#include "util/banned.h"

const char cmd_verify_usage[] =
    "usage: fipsev verify BUNDLE [--ca CERT]\n"
    "\n"
    "Check an evidence bundle: every file's SHA-256 against\n"
    "MANIFEST.sha256, that no file is missing or added, and the CMS\n"
    "signature over the manifest; with --ca, also that the signer's\n"
    "certificate chains to CERT. Each problem is one line naming the file.\n"
    "Exit status: 0 intact, 1 not intact, 2 the check could not run.\n"
    "\n"
    "  --ca CERT       the certificate (or CA) the signer must chain to\n"
    "  -h, --help      show this help\n";

int
cmd_verify(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "ca", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *ca = NULL, *dir;
	int c, status, r;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			ca = optarg;
			break;
		case 'h':
			cmd_help(cmd_verify_usage, &status);
			return status;
		default:
			return cmd_bad_option("verify", argc, argv, c);
		}
	}
	if (optind >= argc)
		return cmd_usage_error("verify", "which bundle? give BUNDLE");
	dir = argv[optind++];
	if (cmd_extra_args("verify", argc, argv, &status))
		return status;
	if ((r = bundle_verify(dir, ca, stdout)) == -1)
		return EXIT_FAILURE_RUN;
	return cmd_flush_stdout(r == 1 ? EXIT_COMPLIANT : EXIT_NONCOMPLIANT);
}
