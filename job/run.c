/*
 * run.c - the whole job; see run.h.
 */
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
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
#include "bundle/signer.h"
#include "job/run.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/fsutil.h"
#include "util/json.h"
#include "util/log.h"
#include "util/banned.h"

/* The run's own keys; the rest of a configuration is the collection's. */
static const char *const run_keys[] = { "store", "output", "signing",
    "signing.key", "signing.cert", "signing.generate", "signing.tsa_url",
    "signing.tsa_ca", "retention",
    "retention.days", "retention.runs", NULL };

/*
 * Section name of cfg, if there: a mapping whose every key must be one of
 * run_keys as "name.key". Returns it (NULL when absent), or sets *bad
 * after logging.
 */
static const cJSON *
section(const cJSON *cfg, const char *config, const char *name, int *bad)
{
	const cJSON *sec = cJSON_GetObjectItemCaseSensitive(cfg, name), *e;
	size_t i, n = strlen(name);

	if (sec != NULL && !cJSON_IsObject(sec)) {
		log_err("config '%s': '%s' is not a mapping", config, name);
		*bad = 1;
		return NULL;
	}
	cJSON_ArrayForEach(e, sec) {
		for (i = 0; run_keys[i] != NULL; i++)
			if (strncmp(run_keys[i], name, n) == 0 &&
			    run_keys[i][n] == '.' &&
			    strcmp(run_keys[i] + n + 1, e->string) == 0)
				break;
		if (run_keys[i] == NULL) {
			log_err("config '%s': unknown key '%s.%s'", config,
			    name, e->string);
			*bad = 1;
			return NULL;
		}
	}
	return sec;
}

/*
 * retention.NAME of sec into *v: absent is 0; else a whole number from 1
 * to max. Returns 0, or -1 after logging.
 */
static int
retention_number(const cJSON *sec, const char *config, const char *name,
    int max, int *v)
{
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(sec, name);

	*v = 0;
	if (e == NULL || cJSON_IsNull(e))
		return 0;
	if (!cJSON_IsNumber(e) || e->valuedouble < 1 ||
	    e->valuedouble > max || e->valuedouble != (int)e->valuedouble) {
		log_err("config '%s': 'retention.%s' must be a whole number "
		    "from 1 to %d", config, name, max);
		return -1;
	}
	*v = (int)e->valuedouble;
	return 0;
}

int
run_plan_from_config(const cJSON *cfg, const char *config,
    struct run_plan *rp)
{
	const cJSON *sig, *ret;
	struct buf err;
	int bad = 0;

	memset(rp, 0, sizeof(*rp));
	plan_init(&rp->collect);
	if (!cJSON_IsObject(cfg)) {
		log_err("config '%s': not a mapping of keys", config);
		return -1;
	}
	sig = section(cfg, config, "signing", &bad);
	ret = section(cfg, config, "retention", &bad);
	if (bad || retention_number(ret, config, "days", 36500,
	    &rp->keep_days) == -1 || retention_number(ret, config, "runs",
	    1000000, &rp->keep_runs) == -1)
		return -1;
	if (plan_from_config(&rp->collect, cfg, config, run_keys) == -1)
		goto fail;
	rp->output = json_get_str(cfg, "output");
	rp->key = json_get_str(sig, "key");
	rp->cert = json_get_str(sig, "cert");
	rp->tsa_url = json_get_str(sig, "tsa_url");
	rp->tsa_ca = json_get_str(sig, "tsa_ca");
	if (rp->tsa_ca != NULL && rp->tsa_url == NULL) {
		log_err("config '%s': 'signing.tsa_ca' needs 'signing.tsa_url'",
		    config);
		goto fail;
	}
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

/*
 * The demo key pair, made once in demo-key beside the store (never among
 * the bundles, which are copied off to auditors); 0 or -1 (logged).
 */
static int
demo_key(const char *db, char *key, size_t keylen, char *cert,
    size_t certlen)
{
	char parent[PATH_MAX], dir[PATH_MAX];

	fs_parent(db, parent, sizeof(parent));
	if (fs_pathf(dir, sizeof(dir), "%s/demo-key", parent) == -1 ||
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
    const char **cert, char *kpath, size_t klen, char *cpath, size_t clen,
    struct signer **signer)
{
	char warning[PATH_MAX + 128];

	if (fs_make_dirs(rp->output, 0755, 0, "for the bundles") == -1 ||
	    fs_make_dirs(rp->db, 0700, 1, "for the store") == -1)
		return -1;
	if (rp->tsa_ca != NULL && access(rp->tsa_ca, R_OK) == -1) {
		log_errno("cannot read TSA CA '%s'", rp->tsa_ca);
		return -1;
	}
	*key = rp->key;
	*cert = rp->cert;
	if (*key == NULL || *cert == NULL) {
		if (demo_key(rp->db, kpath, klen, cpath, clen) == -1)
			return -1;
		*key = kpath;
		*cert = cpath;
	}
	/* The key is opened by the signer alone (signer.h), checked there. */
	if (signer_start(*key, *cert, signer, warning, sizeof(warning)) == -1)
		return -1;
	if (warning[0] != '\0') {
		fprintf(out, "run: warning: %s\n", warning);
		log_err("warning: %s", warning);
	}
	return 0;
}

/*
 * Wait a random 0 to max seconds (the CronJob's jitter: many clusters'
 * nights do not all hit their registries and TSAs at the same second),
 * saying how long.
 */
static void
jitter(int max, FILE *out)
{
	unsigned int r = 0;
	struct timespec ts;

	if (max <= 0)
		return;
	if (getrandom(&r, sizeof(r), 0) != (ssize_t)sizeof(r))
		r = (unsigned int)time(NULL);
	ts.tv_sec = (time_t)(r % (unsigned int)(max + 1));
	ts.tv_nsec = 0;
	fprintf(out, "run: waiting %ld s (jitter, at most %d s)\n",
	    (long)ts.tv_sec, max);
	fflush(out);
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
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

/*
 * Is name a bundle's ("run-N", N digits only)? Its run into *id.
 */
static int
bundle_name(const char *name, int64_t *id)
{
	const char *p = name + 4;
	int64_t n = 0;

	if (strncmp(name, "run-", 4) != 0 || *p == '\0')
		return 0;
	for (; *p != '\0'; p++) {
		if (*p < '0' || *p > '9' || n > (INT64_MAX - 9) / 10)
			return 0;
		n = n * 10 + (*p - '0');
	}
	*id = n;
	return 1;
}

/*
 * After a verified bundle: prune the store as the configuration keeps
 * runs, then every bundle directory of OUTPUT whose run the store no
 * longer holds (never the newest run's: the store always keeps it).
 * Returns 0, or -1 after logging.
 */
static int
retain(const struct run_plan *rp, int64_t run, FILE *out)
{
	char cutoff[32], path[PATH_MAX];
	struct store_keep keep = { NULL, rp->keep_runs };
	struct store_run_info ri;
	struct store *st = NULL;
	struct dirent *de;
	struct stat sb;
	int64_t id;
	int runs, docs, bundles = 0, rc = -1, r;
	DIR *d = NULL;

	if (rp->keep_days > 0) {
		if (store_cutoff(rp->keep_days, cutoff, sizeof(cutoff)) == -1)
			return -1;
		keep.since = cutoff;
	}
	if (store_open(rp->db, STORE_EXISTING, &st) == -1 ||
	    store_prune(st, &keep, &runs, &docs) == -1)
		goto out;
	if ((d = opendir(rp->output)) == NULL) {
		log_errno("cannot list '%s'", rp->output);
		goto out;
	}
	while ((de = readdir(d)) != NULL) {
		if (!bundle_name(de->d_name, &id) || id == run ||
		    fstatat(dirfd(d), de->d_name, &sb, AT_SYMLINK_NOFOLLOW) ==
		    -1 || !S_ISDIR(sb.st_mode))
			continue;
		if ((r = store_get_run(st, id, &ri)) == -1)
			goto out;
		if (r == 0) {
			store_run_info_release(&ri);
			continue;
		}
		if (fs_pathf(path, sizeof(path), "%s/%s", rp->output,
		    de->d_name) == -1)
			goto out;
		if (fs_remove_tree(path) == -1) {
			log_errno("cannot remove bundle '%s'", path);
			goto out;
		}
		bundles++;
	}
	if (bundles > 0 && fs_sync_parent(path) == -1)
		goto out;
	fprintf(out, "run: phase=retention result=ok runs_removed=%d "
	    "documents_removed=%d bundles_removed=%d\n", runs, docs, bundles);
	rc = 0;
out:
	if (d != NULL)
		closedir(d);
	store_close(st);
	return rc;
}

enum job_status
job_run(const struct run_plan *rp, FILE *out, job_collected_fn *said)
{
	char dir[PATH_MAX], kpath[PATH_MAX], cpath[PATH_MAX];
	const char *key, *cert;
	struct job_collected c;
	struct store *st = NULL;
	enum job_status verdict, rc = JOB_FAILED;
	struct signer *signer = NULL;
	struct bundle_sign sign;
	struct bundle_trust trust;
	enum bundle_signer who;
	int lock = -1, stale;

	memset(&c, 0, sizeof(c));
	if (preflight(rp, out, &key, &cert, kpath, sizeof(kpath), cpath,
	    sizeof(cpath), &signer) == -1) {
		rc = phase_failed(out, "preflight", NULL, 0);
		goto out;
	}
	jitter(rp->jitter_s, out);
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
	    c.run) == -1) {
		rc = phase_failed(out, "report", NULL, c.run);
		goto out;
	}
	memset(&sign, 0, sizeof(sign));
	sign.signer = signer;
	sign.key = key;
	sign.cert = cert;
	sign.tsa_url = rp->tsa_url;
	sign.tsa_ca = rp->tsa_ca;
	if (bundle_write(st, c.run, dir, &sign) == -1) {
		rc = phase_failed(out, "report", NULL, c.run);
		goto out;
	}
	fprintf(out, "run: phase=report result=ok bundle=%s\n", dir);
	fflush(out);
	if (sign.ts_missing[0] != '\0') {
		fprintf(out, "run: warning: timestamp missing: %s\n",
		    sign.ts_missing);
		log_err("timestamp missing: %s (add it later: fipsev timestamp "
		    "%s --tsa-url URL)", sign.ts_missing, dir);
	}
	trust.ca = cert;
	trust.tsa_ca = rp->tsa_ca;
	if (bundle_verify(dir, &trust, out, &who) != 1 ||
	    who != SIGNER_TRUSTED) {
		rc = phase_failed(out, "verify", "the new bundle does not "
		    "verify", c.run);
		goto out;
	}
	fprintf(out, "run: phase=verify result=ok\n");
	fflush(out);
	store_close(st);
	st = NULL;
	if ((rp->keep_days > 0 || rp->keep_runs > 0) &&
	    retain(rp, c.run, out) == -1) {
		rc = phase_failed(out, "retention", NULL, c.run);
		goto out;
	}
	rc = verdict;
out:
	signer_stop(signer);
	store_close(st);
	if (lock != -1)
		close(lock);
	job_collected_release(&c);
	return rc;
}
