/*
 * cmd_verify.c - "fipsev verify": is an evidence bundle intact?
 */
#include <getopt.h>
#include <stdio.h>

#include "cli/cmd.h"
#include "bundle/bundle.h"
#include "util/log.h"
#include "util/banned.h"

const char cmd_verify_usage[] =
    "usage: fipsev verify BUNDLE [--ca CERT | --no-ca-check] [--tsa-ca FILE]\n"
    "\n"
    "Check an evidence bundle: every file's SHA-256 against\n"
    "MANIFEST.sha256, that no file is missing, added or other than a\n"
    "regular file, the CMS signature over the manifest, and with --ca\n"
    "that the signer's certificate chains to CERT. Each problem is one\n"
    "line naming the file. BUNDLE is the bundle's directory (a symlink to\n"
    "it is followed; nothing inside it is), or the DIR.tar.gz that\n"
    "'report --tar' writes, read as it is, never unpacked to disk: every\n"
    "name must be under the bundle's own directory, and once.\n"
    "\n"
    "Exit status:\n"
    "  0  intact, and signed by a signer --ca trusts (or --no-ca-check)\n"
    "  1  altered: a digest differs, a file is missing or added, or the\n"
    "     signature over the manifest does not hold\n"
    "  2  usage or runtime error\n"
    "  3  intact, but the signer is not trusted: no --ca was given (anyone\n"
    "     could have signed it), or the signer does not chain to it\n"
    "  4  intact, but the signer's certificate has expired since it\n"
    "     signed, and no trusted timestamp proves when that was (its\n"
    "     signing time is its own claim); with one, the signer is judged\n"
    "     at the timestamp's time, and this is 0\n"
    "\n"
    "A timestamp (MANIFEST.sha256.sig.tsr, RFC 3161) is trusted when its\n"
    "TSA chains to --tsa-ca; one that does not hold is an alteration (1).\n"
    "\n"
    "  --ca CERT       the certificate (or CA) the signer must chain to\n"
    "  --no-ca-check   accept any signer: exit 0 for an intact bundle\n"
    "  --tsa-ca FILE   a timestamp's TSA must chain to this (PEM)\n"
    "  -h, --help      show this help\n";

/* Exit statuses of verify, beyond the shared ones. */
#define EXIT_UNTRUSTED	3
#define EXIT_EXPIRED	4

int
cmd_verify(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "ca", required_argument, NULL, 'c' },
		{ "no-ca-check", no_argument, NULL, 'n' },
		{ "tsa-ca", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct bundle_trust trust = { NULL, NULL };
	enum bundle_signer who;
	const char *dir;
	int c, status, r, any_signer = 0;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			trust.ca = optarg;
			break;
		case 't':
			trust.tsa_ca = optarg;
			break;
		case 'n':
			any_signer = 1;
			break;
		case 'h':
			cmd_help(cmd_verify_usage, &status);
			return status;
		default:
			return cmd_bad_option("verify", argc, argv, c);
		}
	}
	if (trust.ca != NULL && any_signer)
		return cmd_usage_error("verify", "give --ca or --no-ca-check, "
		    "not both");
	if (optind >= argc)
		return cmd_usage_error("verify", "which bundle? give BUNDLE");
	dir = argv[optind++];
	if (cmd_extra_args("verify", argc, argv, &status))
		return status;
	if ((r = bundle_verify(dir, &trust, stdout, &who)) == -1)
		return EXIT_FAILURE_RUN;
	if (r == 0)
		return cmd_flush_stdout(EXIT_NONCOMPLIANT);
	switch (who) {
	case SIGNER_TRUSTED:
		break;
	case SIGNER_UNCHECKED:
		if (any_signer)
			break;
		log_err("verify: the bundle is intact, but no --ca says who "
		    "may sign it: anyone could have signed it (give --ca "
		    "CERT, or --no-ca-check to accept any signer)");
		return cmd_flush_stdout(EXIT_UNTRUSTED);
	case SIGNER_UNTRUSTED:
		log_err("verify: the bundle is intact, but its signer does "
		    "not chain to '%s'", trust.ca);
		return cmd_flush_stdout(EXIT_UNTRUSTED);
	case SIGNER_EXPIRED:
		log_err("verify: the bundle is intact, but its signer's "
		    "certificate has expired since it signed, and no trusted "
		    "timestamp proves when that was (add one: fipsev "
		    "timestamp; or give --tsa-ca for the one it has)");
		return cmd_flush_stdout(EXIT_EXPIRED);
	}
	return cmd_flush_stdout(EXIT_COMPLIANT);
}
