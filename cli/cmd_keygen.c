/*
 * cmd_keygen.c - "fipsev keygen": a signing key and self-signed
 * certificate for a first try of 'fipsev report'.
 */
#include <getopt.h>
#include <stdio.h>

#include "cli/cmd.h"
#include "bundle/sign.h"
#include "util/banned.h"

const char cmd_keygen_usage[] =
    "usage: fipsev keygen --out DIR\n"
    "\n"
    "Write DIR/signing.key (ECDSA P-384, mode 0600) and DIR/signing.crt (a\n"
    "self-signed certificate for it, valid a year, no extended key usage,\n"
    "so that 'openssl cms -verify' accepts its signatures). For a first\n"
    "try: real deployments bring their own key and certificate. An\n"
    "existing key is never overwritten; the certificate is written first\n"
    "and the key last, so a key never lacks its certificate.\n"
    "\n"
    "  --out DIR       where to write them (created, mode 0700)\n"
    "  -h, --help      show this help\n";

int
cmd_keygen(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL;
	int c, status;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			dir = optarg;
			break;
		case 'h':
			cmd_help(cmd_keygen_usage, &status);
			return status;
		default:
			return cmd_bad_option("keygen", argc, argv, c);
		}
	}
	if (cmd_extra_args("keygen", argc, argv, &status))
		return status;
	if (dir == NULL)
		return cmd_usage_error("keygen", "give --out DIR");
	if (sign_keygen(dir) == -1)
		return EXIT_FAILURE_RUN;
	printf("wrote %s/signing.key and %s/signing.crt\n", dir, dir);
	return cmd_flush_stdout(EXIT_COMPLIANT);
}
