/*
 * tls_cli.c - see tls_cli.h.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "cli/tls_cli.h"
#include "util/banned.h"

void
tls_cli_init(struct tls_cli *t)
{
	tls_scan_defaults(&t->scan);
	t->policy = NULL;
}

/* "2.5" seconds -> 2500 ms, within [10 ms, 1 hour]. */
static int
seconds(const char *s, int *ms)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (*s == '\0' || *end != '\0' || errno != 0 || !isfinite(v) ||
	    v < 0.01 || v > 3600)
		return -1;
	*ms = (int)(v * 1000);
	return 0;
}

static int
count(const char *s, long max, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v < 1 || v > max)
		return -1;
	*out = (int)v;
	return 0;
}

int
tls_cli_option(const char *cmd, struct tls_cli *t, int c, const char *arg)
{
	switch (c) {
	case OPT_SNI:
		if (*arg == '\0' || strlen(arg) > 255)
			return cmd_usage_error(cmd, "--sni needs a host name "
			    "of 1-255 characters");
		t->scan.sni = arg;
		return 0;
	case OPT_STARTTLS:
		if (strcmp(arg, "smtp") != 0)
			return cmd_usage_error(cmd, "--starttls '%s': only "
			    "'smtp' is supported", arg);
		t->scan.starttls = STARTTLS_SMTP;
		return 0;
	case OPT_POLICY:
		t->policy = arg;
		return 0;
	case OPT_CA_FILE:
		t->scan.ca_file = arg;
		return 0;
	case OPT_TIMEOUT:
		if (seconds(arg, &t->scan.timeout_ms) == -1)
			return cmd_usage_error(cmd, "--timeout '%s': give "
			    "seconds between 0.01 and 3600", arg);
		return 0;
	case OPT_ENDPOINT_TIMEOUT:
		if (seconds(arg, &t->scan.endpoint_timeout_ms) == -1)
			return cmd_usage_error(cmd, "--endpoint-timeout '%s': "
			    "give seconds between 0.01 and 3600", arg);
		return 0;
	case OPT_RATE:
		if (count(arg, 100000, &t->scan.rate) == -1)
			return cmd_usage_error(cmd, "--rate '%s': give 1 to "
			    "100000 connections a second", arg);
		return 0;
	case OPT_MAX_CONNS:
		if (count(arg, 65536, &t->scan.max_conns) == -1)
			return cmd_usage_error(cmd, "--max-conns '%s': give 1 "
			    "to 65536", arg);
		return 0;
	default:
		return cmd_usage_error(cmd, "internal: unknown TLS option");
	}
}
