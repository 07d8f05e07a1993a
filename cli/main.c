/*
 * main.c - the fipsev binary: find the subcommand and run it.
 */
#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <sqlite3.h>

#include "cli/cmd.h"
#include "fipsev_version.h"
#include "util/log.h"
#include "util/progress.h"
#include "util/banned.h"

/* Sorted by name; "fipsev help" lists them in this order. */
static const struct cmd commands[] = {
	{ "collect", "collect evidence into the store as one run",
	    cmd_collect_usage, cmd_collect_options, cmd_collect },
	{ "drift", "what changed between two runs", cmd_drift_usage, NULL,
	    cmd_drift },
	{ "history", "one node, endpoint or check across every run",
	    cmd_history_usage, NULL, cmd_history },
	{ "keygen", "make a signing key and certificate for a first try",
	    cmd_keygen_usage, NULL, cmd_keygen },
	{ "node", "report this node's FIPS evidence", cmd_node_usage, NULL,
	    cmd_node },
	{ "prune", "remove old runs from the store", cmd_prune_usage, NULL,
	    cmd_prune },
	{ "report", "write a run as a signed evidence bundle",
	    cmd_report_usage, NULL, cmd_report },
	{ "run", "the whole job: collect, store, bundle, sign, verify",
	    cmd_run_usage, NULL, cmd_run },
	{ "runs", "list the runs in the store", cmd_runs_usage, NULL,
	    cmd_runs },
	{ "scan", "find what TLS endpoints accept, classified against FIPS",
	    cmd_scan_usage, cmd_scan_options, cmd_scan },
	{ "show", "print what a stored run holds", cmd_show_usage, NULL,
	    cmd_show },
	{ "timestamp", "add an RFC 3161 timestamp to a bundle",
	    cmd_timestamp_usage, NULL, cmd_timestamp },
	{ "verify", "check that an evidence bundle is intact",
	    cmd_verify_usage, NULL, cmd_verify },
};

static const struct cmd *
find_command(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static void
usage(FILE *out)
{
	fprintf(out, "usage: fipsev [--version] [--help] <command> [<args>]\n\n"
	    "Prove, with evidence an auditor can verify, that a Kubernetes\n"
	    "deployment runs in FIPS 140-2/140-3 mode.\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-10s %s\n", commands[i].name,
		    commands[i].summary);
	fprintf(out, "\n'fipsev <command> --help' (or 'fipsev help <command>') "
	    "describes one.\n\n" EXIT_STATUS_HELP);
}

static void
version(void)
{
	printf("fipsev %s\n", FIPSEV_VERSION);
	printf("built with %s, SQLite %s\n", OpenSSL_version(OPENSSL_VERSION),
	    sqlite3_libversion());
}

int
main(int argc, char **argv)
{
	const struct cmd *cmd;

	/*
	 * fipsev builds JSON trees of thousands of small nodes and frees
	 * them whole. Kept in glibc's fast bins, those chunks are merged
	 * all at once by the next large allocation: a fifth of a `drift`
	 * between two 5,000-node runs went there. Without fast bins a free
	 * merges as it goes, which costs less in total (bench/store-scale.sh).
	 */
	(void)mallopt(M_MXFAST, 0);
	if (argc < 2) {
		usage(stderr);
		return EXIT_FAILURE_RUN;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return EXIT_COMPLIANT;
	}
	if (strcmp(argv[1], "--version") == 0) {
		version();
		return EXIT_COMPLIANT;
	}
	if (strcmp(argv[1], "help") == 0) {
		if (argc == 2) {
			usage(stdout);
			return EXIT_COMPLIANT;
		}
		if ((cmd = find_command(argv[2])) == NULL) {
			log_err("unknown command '%s' (see 'fipsev --help')",
			    argv[2]);
			return EXIT_FAILURE_RUN;
		}
		cmd_print_usage(stdout, cmd->usage, cmd->options);
		return EXIT_COMPLIANT;
	}
	/* Long phases show their progress when a person is watching. */
	progress_auto();
	if ((cmd = find_command(argv[1])) == NULL) {
		log_err("unknown command '%s' (see 'fipsev --help')", argv[1]);
		return EXIT_FAILURE_RUN;
	}
	return cmd->run(argc - 1, argv + 1);
}
