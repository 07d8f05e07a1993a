/*
 * tls_cli.h - the TLS scan options shared by "fipsev scan" and
 * "fipsev collect --tls": one parser, one help text.
 */
#ifndef FIPSEV_TLS_CLI_H
#define FIPSEV_TLS_CLI_H

#include <getopt.h>

#include "collector/tls/tls_scan.h"

/* getopt_long() values of the shared options. */
enum {
	OPT_SNI = 1000,
	OPT_STARTTLS,
	OPT_POLICY,
	OPT_CA_FILE,
	OPT_TIMEOUT,
	OPT_ENDPOINT_TIMEOUT,
	OPT_RATE,
	OPT_MAX_CONNS,
};

#define TLS_CLI_LONGOPTS \
	{ "sni", required_argument, NULL, OPT_SNI }, \
	{ "starttls", required_argument, NULL, OPT_STARTTLS }, \
	{ "policy", required_argument, NULL, OPT_POLICY }, \
	{ "ca-file", required_argument, NULL, OPT_CA_FILE }, \
	{ "timeout", required_argument, NULL, OPT_TIMEOUT }, \
	{ "endpoint-timeout", required_argument, NULL, OPT_ENDPOINT_TIMEOUT }, \
	{ "rate", required_argument, NULL, OPT_RATE }, \
	{ "max-conns", required_argument, NULL, OPT_MAX_CONNS }

#define TLS_CLI_HELP \
	"  --sni NAME      server_name to send (default: the target's host\n" \
	"                  name; none for an address)\n" \
	"  --starttls smtp speak SMTP and STARTTLS (RFC 3207) first\n" \
	"  --policy FILE   FIPS classification to use instead of the built-in\n" \
	"                  data/tls/fips-policy.tsv\n" \
	"  --ca-file FILE  trust these CAs when recording certificate\n" \
	"                  verification (default: the system store); the\n" \
	"                  result is recorded, never enforced\n" \
	"  --timeout S     seconds for one connection (default 5)\n" \
	"  --endpoint-timeout S\n" \
	"                  seconds for all of one endpoint (default 60)\n" \
	"  --rate N        new connections per second, in all (default 1000)\n" \
	"  --max-conns N   connections open at once, in all (default 256)\n"

struct tls_cli {
	struct tls_scan_opts	 scan;
	const char		*policy;
};

void	 tls_cli_init(struct tls_cli *t);

/*
 * Handle option c (one of OPT_SNI...) with its argument for command cmd.
 * Returns 0, or EXIT_FAILURE_RUN after a one-line usage error.
 */
int	 tls_cli_option(const char *cmd, struct tls_cli *t, int c,
	    const char *arg);

#endif
