/*
 * run.c - the whole job; see run.h.
 */
#include <sys/file.h>

#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "bundle/bundle.h"
#include "bundle/sign.h"
#include "job/run.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/fsutil.h"
#include "util/json.h"
#include "util/log.h"
#include "util/banned.h"

/* The run's own keys; the rest of a configuration is the collection's. */
static const char *const run_keys[] = { "store", "output", "signing",
    "signing.key", "signing.cert", "signing.generate", NULL };

int
run_plan_from_config(const cJSON *cfg, const char *config,
    struct run_plan *rp)
{
	const cJSON *sig, *e;
	struct buf err;
	size_t i;

	memset(rp, 0, sizeof(*rp));
	plan_init(&rp->collect);
	if (!cJSON_IsObject(cfg)) {
		log_err("config '%s': not a mapping of keys", config);
		return -1;
	}
	sig = cJSON_GetObjectItemCaseSensitive(cfg, "signing");
	if (sig != NULL && !cJSON_IsObject(sig)) {
		log_err("config '%s': 'signing' is not a mapping", config);
		return -1;
	}
	cJSON_ArrayForEach(e, sig) {
		for (i = 3; run_keys[i] != NULL; i++)
			if (strcmp(run_keys[i] + strlen("signing."),
			    e->string) == 0)
				break;
		if (run_keys[i] == NULL) {
			log_err("config '%s': unknown key 'signing.%s'", config,
			    e->string);
			return -1;
		}
	}
	if (plan_from_config(&rp->collect, cfg, config, run_keys) == -1)
		goto fail;
	rp->output = json_get_str(cfg, "output");
	rp->key = json_get_str(sig, "key");
	rp->cert = json_get_str(sig, "cert");
	rp->store = json_get_str(cfg, "store");
	if (rp->output == NULL) {
		log_err("config '%s': no 'output' directory for the bundles",
		    config);
		goto fail;
	}
	if ((rp->key == NULL || rp->cert == NULL) &&
	    !cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(sig, "generate"))) {
		log_err("config '%s': 'signing' needs key and cert (or "
		    "generate: true, for a demo)", config);
		goto fail;
	}
	if ((rp->db = store_path(rp->store)) == NULL)
		goto fail;
	rp->collect.db = rp->db;
	buf_init(&err, 4096);
	if (plan_finish(&rp->collect, &err) == -1) {
		if (err.len > 0)
			log_err("config '%s': %s", config, buf_str(&err));
		buf_release(&err);
		goto fail;
	}
	buf_release(&err);
	return 0;
fail:
	run_plan_release(rp);
	return -1;
}

void
run_plan_release(struct run_plan *rp)
{
	plan_release(&rp->collect);
	free(rp->db);
	rp->db = NULL;
}

/*
 * Name the failed phase and what is left: a collect failure stores
 * nothing of this run; after that, the run is in the store and a bundle
 * can be made again from it.
 */
static enum job_status
phase_failed(FILE *out, const char *phase, const char *why, int64_t run)
{
	fprintf(out, "run: phase=%s result=failed\n", phase);
	if (run > 0)
		log_err("run: the %s phase failed%s%s; run %" PRId64 " is "
		    "stored ('fipsev report %" PRId64 "' bundles it again)",
		    phase, why != NULL ? ": " : "", why != NULL ? why : "",
		    run, run);
	else
		log_err("run: the %s phase failed%s%s; nothing of this run "
		    "was stored, earlier runs are intact", phase,
		    why != NULL ? ": " : "", why != NULL ? why : "");
	fflush(out);
	return JOB_FAILED;
}

/* The demo key pair, made once in OUTPUT/demo-key; 0 or -1 (logged). */
static int
demo_key(const char *output, char *key, size_t keylen, char *cert,
    size_t certlen)
{
	char dir[PATH_MAX];

	if (fs_pathf(dir, sizeof(dir), "%s/demo-key", output) == -1 ||
	    fs_pathf(key, keylen, "%s/signing.key", dir) == -1 ||
	    fs_pathf(cert, certlen, "%s/signing.crt", dir) == -1)
		return -1;
	return access(key, F_OK) == 0 || sign_keygen(dir) == 0 ? 0 : -1;
}

/*
 * Before anything is collected: where the bundles and the store go, and
 * the key and certificate the bundle will be signed with (the demo pair
 * made now, if that is what the configuration asks for), so that a run
 * that could not sign stops at once rather than after a whole
 * collection. *key and *cert get the pair to sign with.
 */
static int
preflight(const struct run_plan *rp, FILE *out, const char **key,
    const char **cert, char *kpath, size_t klen, char *cpath, size_t clen)
{
	char warning[PATH_MAX + 128];

	if (fs_make_dirs(rp->output, 0755, 0, "for the bundles") == -1 ||
	    fs_make_dirs(rp->db, 0700, 1, "for the store") == -1)
		return -1;
	*key = rp->key;
	*cert = rp->cert;
	if (*key == NULL || *cert == NULL) {
		if (demo_key(rp->output, kpath, klen, cpath, clen) == -1)
			return -1;
		*key = kpath;
		*cert = cpath;
	}
	if (sign_check(*key, *cert, time(NULL), warning, sizeof(warning)) == -1)
		return -1;
	if (warning[0] != '\0') {
		fprintf(out, "run: warning: %s\n", warning);
		log_err("warning: %s", warning);
	}
	return 0;
}

/*
 * One run at a time per store: the second stops, it does not wait.
 * Returns the lock's descriptor (held until closed), or -1 after logging.
 */
static int
lock_store(const char *db)
{
	char path[PATH_MAX + 16];
	int fd;

	if (fs_pathf(path, sizeof(path), "%s.run.lock", db) == -1)
		return -1;
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
	    0600)) == -1) {
		log_errno("cannot open lock '%s'", path);
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		log_err("another fipsev run holds '%s'; not starting a second",
		    path);
		close(fd);
		return -1;
	}
	return fd;
}

enum job_status
job_run(const struct run_plan *rp, FILE *out, job_collected_fn *said)
{
	char dir[PATH_MAX], kpath[PATH_MAX], cpath[PATH_MAX];
	const char *key, *cert;
	struct job_collected c;
	struct store *st = NULL;
	enum job_status verdict, rc = JOB_FAILED;
	int lock = -1, stale, trusted;

	memset(&c, 0, sizeof(c));
	if (preflight(rp, out, &key, &cert, kpath, sizeof(kpath), cpath,
	    sizeof(cpath)) == -1) {
		rc = phase_failed(out, "preflight", NULL, 0);
		goto out;
	}
	if ((lock = lock_store(rp->db)) == -1)
		goto out;

	/* Under the lock: no other run is writing there now. */
	if ((stale = bundle_clean_stale(rp->output)) > 0)
		fprintf(out, "run: removed %d unfinished bundle%s left by a "
		    "stopped fipsev\n", stale, stale == 1 ? "" : "s");

	fprintf(out, "run: phase=collect result=started\n");
	fflush(out);
	if ((verdict = job_collect(&rp->collect, &c)) == JOB_FAILED) {
		rc = phase_failed(out, "collect", NULL, 0);
		goto out;
	}
	if (said != NULL)
		said(out, &c, verdict);
	fprintf(out, "run: phase=collect result=ok run=%" PRId64 " verdict=%s"
	    "\n", c.run, verdict == JOB_COMPLIANT ? "compliant" :
	    "noncompliant");

	if (store_open(rp->db, STORE_READ, &st) == -1) {
		rc = phase_failed(out, "report", "the store cannot be read",
		    c.run);
		goto out;
	}
	if (fs_pathf(dir, sizeof(dir), "%s/run-%" PRId64, rp->output,
	    c.run) == -1 || bundle_write(st, c.run, dir, key, cert) == -1) {
		rc = phase_failed(out, "report", NULL, c.run);
		goto out;
	}
	fprintf(out, "run: phase=report result=ok bundle=%s\n", dir);
	fflush(out);
	if (bundle_verify(dir, cert, out, &trusted) != 1 || !trusted) {
		rc = phase_failed(out, "verify", "the new bundle does not "
		    "verify", c.run);
		goto out;
	}
	fprintf(out, "run: phase=verify result=ok\n");
	rc = verdict;
out:
	store_close(st);
	if (lock != -1)
		close(lock);
	job_collected_release(&c);
	return rc;
}
