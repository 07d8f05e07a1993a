/*
 * cmd_common.c - what every subcommand shares: usage text, one-line usage
 * errors, the end-of-options check, opening the store, flushing output.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cmd.h"
#include "store/store.h"
#include "util/log.h"
#include "util/banned.h"

void
cmd_print_usage(FILE *out, const char *text, cmd_options_fn *options)
{
	fputs(text, out);
	if (options != NULL)
		options(out);
	fputs("\n" EXIT_STATUS_HELP, out);
}

int
cmd_usage_error(const char *cmd, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_err("%s: %s (see 'fipsev %s --help')", cmd, msg, cmd);
	return EXIT_FAILURE_RUN;
}

int
cmd_bad_option(const char *cmd, int argc, char **argv, int c)
{
	const char *opt = optind - 1 < argc ? argv[optind - 1] : "?";

	if (c == ':')
		return cmd_usage_error(cmd, "option '%s' needs a value", opt);
	return cmd_usage_error(cmd, "unknown option '%s'", opt);
}

int
cmd_flush_stdout(int status)
{
	if (fflush(stdout) == EOF || ferror(stdout)) {
		log_errno("cannot write to standard output");
		return EXIT_FAILURE_RUN;
	}
	return status;
}

int
cmd_help(const char *usage, int *status)
{
	return cmd_help_with(usage, NULL, status);
}

int
cmd_help_with(const char *usage, cmd_options_fn *options, int *status)
{
	cmd_print_usage(stdout, usage, options);
	*status = cmd_flush_stdout(EXIT_COMPLIANT);
	return 1;
}

int
cmd_exit_status(enum job_status job_status)
{
	return job_status == JOB_COMPLIANT ? EXIT_COMPLIANT :
	    job_status == JOB_NONCOMPLIANT ? EXIT_NONCOMPLIANT :
	    EXIT_FAILURE_RUN;
}

int
cmd_extra_args(const char *cmd, int argc, char **argv, int *status)
{
	if (optind >= argc)
		return 0;
	*status = cmd_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
	return 1;
}

int
cmd_open_store(const char *db, enum store_mode mode, char **path,
    struct store **st)
{
	*st = NULL;
	if ((*path = store_path(db)) == NULL)
		return -1;
	return store_open(*path, mode, st);
}

int
cmd_number(const char *cmd, const char *opt, const char *s, long min,
    long max, const char *unit, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v < min || v > max ||
	    v > INT_MAX)
		return cmd_usage_error(cmd, "%s '%s': give %ld to %ld%s%s", opt,
		    s, min, max, unit != NULL ? " " : "", unit != NULL ? unit :
		    "");
	*out = (int)v;
	return 0;
}
