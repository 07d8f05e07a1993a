/*
 * cmd_run.c - "fipsev run": the whole job in one command, the one a
 * CronJob calls: collect every configured source into the store, then
 * write the run's signed bundle and verify it.
 *
 * The configuration is YAML (samples/fipsev.yaml documents every key).
 * Collection is 'fipsev collect' with the equivalent options, so the two
 * never disagree. A lock beside the store keeps overlapping runs apart.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "cli/cmd.h"
#include "cli/run_config.h"
#include "collector/cluster/values.h"
#include "bundle/bundle.h"
#include "bundle/sign.h"
#include "store/store.h"
#include "util/fsutil.h"
#include "util/json.h"
#include "util/log.h"
#include "util/banned.h"

const char cmd_run_usage[] =
    "usage: fipsev run --config FILE\n"
    "\n"
    "Do the whole job: collect every source the configuration names (this\n"
    "node, the cluster from a snapshot or its API, the Harness API, TLS\n"
    "endpoints) into the store as one run, write the run's evidence bundle\n"
    "signed with the configured key, and verify it. Each phase prints one\n"
    "line \"run: phase=NAME result=...\"; a failure names its phase and\n"
    "keeps what was collected. Overlapping runs on one store wait for none:\n"
    "the second stops at once. samples/fipsev.yaml documents the keys.\n"
    "\n"
    "  --config FILE   the configuration (YAML)\n"
    "  -h, --help      show this help\n";

/*
 * Name the failed phase and what is left: a collect failure stores
 * nothing of this run; after that, the run is in the store and a bundle
 * can be made again from it.
 */
static int
phase_failed(const char *phase, const char *why, int64_t run)
{
	printf("run: phase=%s result=failed\n", phase);
	if (run > 0)
		log_err("run: the %s phase failed%s%s; run %" PRId64 " is "
		    "stored ('fipsev report %" PRId64 "' bundles it again)",
		    phase, why != NULL ? ": " : "", why != NULL ? why : "",
		    run, run);
	else
		log_err("run: the %s phase failed%s%s; nothing of this run "
		    "was stored, earlier runs are intact", phase,
		    why != NULL ? ": " : "", why != NULL ? why : "");
	fflush(stdout);
	return EXIT_FAILURE_RUN;
}

int
cmd_run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config = NULL, *out, *key, *cert, *store_opt, *db;
	struct store_run_info ri;
	struct store *st = NULL;
	struct run_config rcfg;
	int checked = 0;
	char lockpath[4200], dir[4200], keydir[4200], kpath[4300], cpath[4300];
	char *opened = NULL;
	cJSON *cfg = NULL;
	int c, status, lock = -1, rc = EXIT_FAILURE_RUN, verdict, found = 0;
	int trusted;
	int stale;
	int64_t run_id = 0;

	memset(&ri, 0, sizeof(ri));
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			config = optarg;
			break;
		case 'h':
			cmd_help(cmd_run_usage, &status);
			return status;
		default:
			return cmd_bad_option("run", argc, argv, c);
		}
	}
	if (cmd_extra_args("run", argc, argv, &status))
		return status;
	if (config == NULL)
		return cmd_usage_error("run", "give --config FILE (samples/"
		    "fipsev.yaml documents it)");

	/* Read and check the whole configuration before doing anything. */
	if ((cfg = values_read_file(config)) == NULL ||
	    run_config_check(cfg, config, &rcfg) == -1)
		goto out;
	checked = 1;
	out = rcfg.output;
	key = rcfg.key;
	cert = rcfg.cert;
	store_opt = rcfg.store;
	db = rcfg.db;
	if (fs_make_dirs(out, 0755, 0, "for the bundles") == -1 ||
	    fs_make_dirs(db, 0700, 1, "for the store") == -1)
		goto out;

	/* One run at a time per store: the second stops, it does not wait. */
	snprintf(lockpath, sizeof(lockpath), "%s.run.lock", db);
	if ((lock = open(lockpath, O_RDWR | O_CREAT | O_CLOEXEC |
	    O_NOFOLLOW, 0600)) == -1) {
		log_errno("cannot open lock '%s'", lockpath);
		goto out;
	}
	if (flock(lock, LOCK_EX | LOCK_NB) == -1) {
		log_err("another fipsev run holds '%s'; not starting a second",
		    lockpath);
		goto out;
	}

	/* Under the lock: no other run is writing there now. */
	if ((stale = bundle_clean_stale(out)) > 0)
		printf("run: removed %d unfinished bundle%s left by a stopped "
		    "fipsev\n", stale, stale == 1 ? "" : "s");

	printf("run: phase=collect result=started\n");
	fflush(stdout);
	status = collect_run(rcfg.collect.n, rcfg.collect.v, &run_id);
	if (status == EXIT_FAILURE_RUN) {
		rc = phase_failed("collect", NULL, 0);
		goto out;
	}
	if (cmd_open_store(store_opt, STORE_READ, &opened, &st) == -1 ||
	    (found = store_get_run(st, run_id, &ri)) != 0) {
		found = 0;
		rc = phase_failed("report", "no run in the store", 0);
		goto out;
	}
	found = 1;
	verdict = strcmp(ri.verdict, "compliant") == 0 ? EXIT_COMPLIANT :
	    EXIT_NONCOMPLIANT;
	printf("run: phase=collect result=ok run=%" PRId64 " verdict=%s\n",
	    ri.id, ri.verdict);

	/* A demo makes its own key, once, beside the bundles. */
	if (key == NULL || cert == NULL) {
		if (fs_pathf(keydir, sizeof(keydir), "%s/demo-key", out) ==
		    -1 || fs_pathf(kpath, sizeof(kpath), "%s/signing.key",
		    keydir) == -1 || fs_pathf(cpath, sizeof(cpath),
		    "%s/signing.crt", keydir) == -1 || (access(kpath, F_OK) ==
		    -1 && sign_keygen(keydir) == -1)) {
			rc = phase_failed("report", "cannot make a demo key", ri.id);
			goto out;
		}
		key = kpath;
		cert = cpath;
	}
	if (fs_pathf(dir, sizeof(dir), "%s/run-%" PRId64, out, ri.id) == -1 ||
	    bundle_write(st, ri.id, dir, key, cert) == -1) {
		rc = phase_failed("report", NULL, ri.id);
		goto out;
	}
	printf("run: phase=report result=ok bundle=%s\n", dir);
	fflush(stdout);
	if (bundle_verify(dir, cert, stdout, &trusted) != 1 || !trusted) {
		rc = phase_failed("verify", "the new bundle does not verify",
		    ri.id);
		goto out;
	}
	printf("run: phase=verify result=ok\n");
	rc = cmd_flush_stdout(verdict);
out:
	if (found)
		store_run_info_release(&ri);
	store_close(st);
	if (lock != -1)
		close(lock);
	if (checked)
		run_config_release(&rcfg);
	cJSON_Delete(cfg);
	free(opened);
	return rc;
}
