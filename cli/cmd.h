/*
 * cmd.h - the subcommands of the fipsev binary.
 *
 * Each subcommand is one file cmd_<name>.c with one entry point that takes
 * the arguments after the subcommand's name (argv[0] is the name), parses
 * its own options into its own small struct, and returns the exit status.
 */
#ifndef FIPSEV_CMD_H
#define FIPSEV_CMD_H

#include <stdint.h>

#include <stdio.h>

#include "job/collect.h"
#include "store/store.h"

/* The exit status contract (README "Exit status"); tests assert it. */
enum exit_status {
	EXIT_COMPLIANT = 0,	/* ran, and all evidence is compliant */
	EXIT_NONCOMPLIANT = 1,	/* ran, and found non-compliance */
	EXIT_FAILURE_RUN = 2,	/* usage or runtime error */
};

/* Prints the lines of a command's options that come from a table. */
typedef void cmd_options_fn(FILE *out);

struct cmd {
	const char	*name;
	const char	*summary;	/* one line for "fipsev --help" */
	const char	*usage;		/* the --help text */
	cmd_options_fn	*options;	/* and its options, or NULL */
	int		(*run)(int argc, char **argv);
};

int	cmd_collect(int argc, char **argv);
int	cmd_drift(int argc, char **argv);
int	cmd_history(int argc, char **argv);
int	cmd_keygen(int argc, char **argv);
int	cmd_timestamp(int argc, char **argv);
int	cmd_node(int argc, char **argv);
int	cmd_prune(int argc, char **argv);
int	cmd_report(int argc, char **argv);
int	cmd_run(int argc, char **argv);
int	cmd_runs(int argc, char **argv);
int	cmd_scan(int argc, char **argv);
int	cmd_show(int argc, char **argv);
int	cmd_verify(int argc, char **argv);

extern const char cmd_collect_usage[];
extern const char cmd_drift_usage[];
extern const char cmd_history_usage[];
extern const char cmd_keygen_usage[];
extern const char cmd_timestamp_usage[];
extern const char cmd_node_usage[];
extern const char cmd_prune_usage[];
extern const char cmd_report_usage[];
extern const char cmd_run_usage[];
extern const char cmd_runs_usage[];
extern const char cmd_scan_usage[];
extern const char cmd_show_usage[];
extern const char cmd_verify_usage[];

/* The option lines of collect and scan (job/plan.h's table). */
void	cmd_collect_options(FILE *out);
void	cmd_scan_options(FILE *out);

/* What `fipsev collect` prints for a recorded run (job_collected_fn). */
void	cmd_collect_print(FILE *out, const struct job_collected *c,
	    enum job_status verdict);

/* The exit status of a job's verdict. */
int	cmd_exit_status(enum job_status status);

/*
 * Shared by the subcommands: print the usage of cmd to out; report a bad
 * option or argument as one line and return EXIT_FAILURE_RUN.
 */
void	cmd_print_usage(FILE *out, const char *usage,
	    cmd_options_fn *options);
/*
 * The whole number s of option opt of cmd, from min to max, into *out.
 * Returns 0, or EXIT_FAILURE_RUN after saying "OPT 'S': give MIN to MAX"
 * (UNIT after it, if not NULL).
 */
int	cmd_number(const char *cmd, const char *opt, const char *s, long min,
	    long max, const char *unit, int *out);
int	cmd_usage_error(const char *cmd, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/*
 * Report what getopt_long() returned c (':' or '?') for, with the option
 * at fault, and return EXIT_FAILURE_RUN. Option strings start with ':'.
 */
int	cmd_bad_option(const char *cmd, int argc, char **argv, int c);

/* Print usage to stdout, set *status to 0 and return 1 (stop). */
int	cmd_help(const char *usage, int *status);

/* cmd_help() for a command whose options come from a table. */
int	cmd_help_with(const char *usage, cmd_options_fn *options, int *status);

/*
 * After getopt_long(): if arguments are left over, report the first, set
 * *status to EXIT_FAILURE_RUN and return 1; else return 0.
 */
int	cmd_extra_args(const char *cmd, int argc, char **argv, int *status);

/*
 * Resolve the store path (--db, $FIPSEV_DB, default) into *path (the caller
 * frees it) and open the store there into *st (store_close() it). Returns
 * 0, or -1 after logging.
 */
int	cmd_open_store(const char *db, enum store_mode mode, char **path,
	    struct store **st);

/*
 * Flush stdout; a failed write (disk full, closed pipe) turns status into
 * EXIT_FAILURE_RUN with one line on stderr. Returns the final status.
 */
int	cmd_flush_stdout(int status);

/* The text shared by every --help about exit status. */
#define EXIT_STATUS_HELP \
	"Exit status: 0 ran and all evidence compliant, 1 ran and found\n" \
	"non-compliance, 2 usage or runtime error.\n"

/* The text shared by every --help about the store path. */
#define DB_OPTION_HELP \
	"  --db FILE       the store (default: $FIPSEV_DB, else\n" \
	"                  /var/lib/fipsev/fipsev.db as root, else\n" \
	"                  ~/.local/state/fipsev/fipsev.db)\n"

#endif
