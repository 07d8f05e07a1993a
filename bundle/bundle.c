/*
 * bundle.c - see bundle.h.
 */
#define _GNU_SOURCE	/* nftw() */

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <cjson/cJSON.h>

#include "assess/assess.h"
#include "bundle/bundle.h"
#include "bundle/bundle_int.h"
#include "evidence/run.h"
#include "report/evidence_xml.h"
#include "report/html.h"
#include "bundle/sign.h"
#include "bundle/signer.h"
#include "bundle/timestamp.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/digest.h"
#include "util/fsutil.h"
#include "util/json.h"
#include "util/log.h"
#include "util/testhook.h"
#include "util/tsv.h"
#include "util/banned.h"

/* The collectors whose documents go into evidence/, in this order. */
static const char *const collectors[] = {
	"node", "tls", "cluster", "harness", "inventory",
};

struct writer {
	char		 dir[4096];	/* the temporary directory */
	struct file	*files;
	size_t		 nfiles;
	const char	*collector;
	int		 failed;
};

/* Write the new file path (never over one there), synced. */
static int
write_new(const char *path, const void *p, size_t n)
{
	ssize_t done;
	size_t off = 0;
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0644);
	if (fd == -1) {
		log_errno("cannot create '%s'", path);
		return -1;
	}
	while (off < n) {
		if ((done = write(fd, (const char *)p + off, n - off)) == -1) {
			if (errno == EINTR)
				continue;
			log_errno("cannot write '%s'", path);
			close(fd);
			return -1;
		}
		off += (size_t)done;
	}
	/* On disk before the rename that makes the bundle exist. */
	if (fsync(fd) == -1 || close(fd) == -1) {
		log_errno("cannot write '%s'", path);
		return -1;
	}
	return 0;
}

/* Write a new file dir/rel; its digest is kept for the manifest. */
static int
put_file(struct writer *w, const char *rel, const void *p, size_t n)
{
	char path[8192];
	struct file *f;

	if (fs_pathf(path, sizeof(path), "%s/%s", w->dir, rel) == -1 ||
	    write_new(path, p, n) == -1)
		return -1;
	if ((f = reallocarray(w->files, w->nfiles + 1, sizeof(*f))) == NULL ||
	    (f[w->nfiles].path = strdup(rel)) == NULL) {
		if (f != NULL)
			w->files = f;
		log_errno("bundle");
		return -1;
	}
	w->files = f;
	if (sha256_hex(p, n, f[w->nfiles].hex) == -1)
		return -1;
	w->nfiles++;
	return 0;
}

int
bundle_timestamp(const char *dir, const char *url, const char *tsa_ca,
    char *why, size_t whylen)
{
	char path[8192], *sig = NULL;
	unsigned char *tsr = NULL;
	size_t slen, tlen;
	int rc = -1, r;

	if (fs_pathf(path, sizeof(path), "%s/%s", dir, BUNDLE_TSR) == -1)
		return -1;
	if (access(path, F_OK) == 0) {
		log_err("bundle '%s' already has a timestamp (%s)", dir,
		    BUNDLE_TSR);
		return -1;
	}
	if (fs_pathf(path, sizeof(path), "%s/%s", dir, BUNDLE_SIG) == -1 ||
	    (r = fs_read(AT_FDCWD, path, path, MANIFEST_MAX, FS_NO_SYMLINKS,
	    &sig, &slen)) == -1)
		return -1;
	if (r == 1) {
		log_err("bundle '%s' has no signature to timestamp", dir);
		return -1;
	}
	if (ts_fetch(url, tsa_ca, sig, slen, &tsr, &tlen, why, whylen) == -1) {
		rc = 1;
		goto out;
	}
	if (fs_pathf(path, sizeof(path), "%s/%s", dir, BUNDLE_TSR) == -1 ||
	    write_new(path, tsr, tlen) == -1 || fs_sync_parent(path) == -1)
		goto out;
	rc = 0;
out:
	free(sig);
	free(tsr);
	return rc;
}

/* A subject as a file name: letters, digits, '.', '-', '_' only. */
static void
safe_file(const char *s, char *out, size_t len)
{
	size_t i;

	for (i = 0; s[i] != '\0' && i + 1 < len && i < 100; i++)
		out[i] = strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTU"
		    "VWXYZ0123456789.-_", s[i]) != NULL ? s[i] : '_';
	out[i] = '\0';
	if (out[0] == '.' || out[0] == '\0')
		out[0] = '_';
}

static int
put_document(const char *subject, const char *sha256, const char *doc,
    size_t len, void *arg)
{
	struct writer *w = arg;
	char name[160], rel[300];

	(void)sha256;
	safe_file(subject, name, sizeof(name));
	/* The file name carries the digest's start: subjects never clash. */
	snprintf(rel, sizeof(rel), "evidence/%s-%s-%.12s.json", w->collector,
	    name, sha256);
	return put_file(w, rel, doc, len);
}

static int
cmp_file(const void *a, const void *b)
{
	return strcmp(((const struct file *)a)->path,
	    ((const struct file *)b)->path);
}

/* Runs up to run, for the chart: ids of the last CHART_RUNS. */
#define CHART_RUNS	30

struct recent {
	int64_t	 upto;
	int64_t	 id[CHART_RUNS];
	size_t	 n;
};

static int
find_recent(const struct store_run_info *ri, void *arg)
{
	struct recent *r = arg;

	/* Newest first: the first CHART_RUNS at or before upto. */
	if (ri->id <= r->upto && r->n < CHART_RUNS)
		r->id[r->n++] = ri->id;
	return 0;
}

/* [{run, pass, fail, missing_evidence}] of recent runs, oldest first. */
static cJSON *
recent_history(struct store *st, int64_t upto)
{
	struct recent r;
	cJSON *out = cJSON_CreateArray();
	size_t i;

	memset(&r, 0, sizeof(r));
	r.upto = upto;
	if (out == NULL || store_list_runs(st, 0, find_recent, &r) == -1) {
		cJSON_Delete(out);
		return NULL;
	}
	for (i = r.n; i-- > 0;) {
		cJSON *eval = assess_recorded(st, r.id[i]), *sum, *o;

		if (eval == NULL || (o = cJSON_CreateObject()) == NULL) {
			cJSON_Delete(eval);
			cJSON_Delete(out);
			return NULL;
		}
		sum = cJSON_GetObjectItemCaseSensitive(eval, "summary");
		cJSON_AddNumberToObject(o, "run", (double)r.id[i]);
		cJSON_AddItemToObject(o, "pass", cJSON_Duplicate(
		    cJSON_GetObjectItemCaseSensitive(sum, "pass"), 1));
		cJSON_AddItemToObject(o, "fail", cJSON_Duplicate(
		    cJSON_GetObjectItemCaseSensitive(sum, "fail"), 1));
		cJSON_AddItemToObject(o, "missing_evidence", cJSON_Duplicate(
		    cJSON_GetObjectItemCaseSensitive(sum, "missing_evidence"),
		    1));
		cJSON_AddItemToArray(out, o);
		cJSON_Delete(eval);
	}
	return out;
}

/* The run before run, or 0 for none (or on error: then no section). */
struct prev {
	int64_t	 run;
	int64_t	 found;
};

static int
find_prev(const struct store_run_info *ri, void *arg)
{
	struct prev *p = arg;

	if (ri->id < p->run && ri->id > p->found)
		p->found = ri->id;
	return 0;
}

static int64_t
previous_run(struct store *st, int64_t run)
{
	struct prev p = { run, 0 };

	if (store_list_runs(st, 0, find_prev, &p) == -1)
		return 0;
	return p.found;
}

int
bundle_write(struct store *st, int64_t run, const char *dir,
    struct bundle_sign *sign)
{
	struct writer w;
	struct store_run_info ri;
	struct run_view view;
	struct buf manifest;
	struct stat sb;
	char path[8192], *text = NULL, *pem = NULL;
	cJSON *info = NULL, *eval = NULL;
	size_t i, pemlen;
	int found, rc = -1, made = 0;

	memset(&w, 0, sizeof(w));
	run_view_init(&view, 0);
	buf_init(&manifest, MANIFEST_MAX);
	if (lstat(dir, &sb) == 0 || errno != ENOENT) {
		log_err("'%s' exists: a bundle is always written new", dir);
		return -1;
	}
	if ((found = store_get_run(st, run, &ri)) != 0) {
		if (found == 1)
			log_err("the store has no run %lld", (long long)run);
		return -1;
	}
	/* The writer's pid in the name tells a killed writer's leftovers. */
	snprintf(w.dir, sizeof(w.dir), "%s" BUNDLE_TMP "%ld-XXXXXX", dir,
	    (long)getpid());
	if (mkdtemp(w.dir) == NULL) {
		log_errno("cannot create a directory beside '%s'", dir);
		goto out;
	}
	made = 1;
	/* mkdtemp makes it private; a bundle is for others to read. */
	if (chmod(w.dir, 0755) == -1) {
		log_errno("cannot create '%s'", w.dir);
		goto out;
	}
	if (fs_pathf(path, sizeof(path), "%s/evidence", w.dir) == -1)
		goto out;
	if (mkdir(path, 0755) == -1) {
		log_errno("cannot create '%s'", path);
		goto out;
	}
	/*
	 * The run as evaluated now, its facts checked against the evidence:
	 * every file of the bundle gives its verdict, run.json too, never
	 * one only the store's row of the run says.
	 */
	if ((eval = assess_checked(st, ri.id, &view)) == NULL ||
	    (info = store_run_info_json(&ri)) == NULL ||
	    !cJSON_ReplaceItemInObjectCaseSensitive(info, "verdict",
	    cJSON_CreateString(json_get_str(eval, "verdict"))) ||
	    (text = json_print_pretty(info)) == NULL ||
	    put_file(&w, "run.json", text, strlen(text)) == -1)
		goto out;
	for (i = 0; i < sizeof(collectors) / sizeof(collectors[0]); i++) {
		w.collector = collectors[i];
		if (store_run_documents(st, ri.id, collectors[i], put_document,
		    &w) == -1)
			goto out;
	}
	/* The findings, for machines, citing the files written so far. */
	{
		int64_t prev = previous_run(st, ri.id);
		cJSON *changes = prev > 0 ? assess_drift_to(st, prev, &view,
		    eval) : NULL;
		cJSON *history = recent_history(st, ri.id);

		struct xml_file *xf = calloc(w.nfiles + 1, sizeof(*xf));
		char *xml = NULL;
		size_t xlen = 0;
		int ok;

		for (i = 0; xf != NULL && i < w.nfiles; i++) {
			xf[i].path = w.files[i].path;
			xf[i].sha256 = w.files[i].hex;
		}
		char *html = NULL;
		size_t hlen = 0;

		char *oscal = NULL;
		size_t olen = 0;

		ok = xf != NULL && (prev <= 0 || changes != NULL) &&
		    history != NULL &&
		    (oscal = oscal_xml(info, eval, xf, w.nfiles, &olen)) !=
		    NULL && (xml = evidence_xml(info, eval, changes,
		    (long long)prev, history, xf, w.nfiles, &xlen)) != NULL &&
		    put_file(&w, "evidence.xml",
		    xml, xlen) == 0 && (html = report_html(xml, xlen, &hlen)) !=
		    NULL && put_file(&w, "report.html", html, hlen) == 0 &&
		    put_file(&w, "oscal-assessment-results.xml", oscal, olen) ==
		    0;
		if (xf == NULL)
			log_errno("bundle");
		cJSON_Delete(changes);
		cJSON_Delete(history);
		free(oscal);
		free(html);
		free(xml);
		free(xf);
		if (!ok)
			goto out;
	}
	/* The manifest: every file, sorted, as sha256sum writes it. */
	qsort(w.files, w.nfiles, sizeof(*w.files), cmp_file);
	for (i = 0; i < w.nfiles; i++)
		if (buf_puts(&manifest, w.files[i].hex) == -1 ||
		    buf_puts(&manifest, "  ") == -1 ||
		    buf_puts(&manifest, w.files[i].path) == -1 ||
		    buf_puts(&manifest, "\n") == -1) {
			log_err("the manifest is too large");
			goto out;
		}
	if (put_file(&w, BUNDLE_MANIFEST, buf_str(&manifest), manifest.len) ==
	    -1)
		goto out;
	if (fs_pathf(path, sizeof(path), "%s/%s", w.dir, BUNDLE_SIG) == -1)
		goto out;
	if (sign->signer != NULL) {
		if (signer_sign(sign->signer, buf_str(&manifest), manifest.len,
		    &pem, &pemlen) == -1 || sign_write_pem(path, pem,
		    pemlen) == -1)
			goto out;
	} else if (sign_detached(sign->key, sign->cert, buf_str(&manifest),
	    manifest.len, path) == -1)
		goto out;
	/* The bundle is written whether the TSA answers or not: said. */
	sign->ts_missing[0] = '\0';
	if (sign->tsa_url != NULL && bundle_timestamp(w.dir, sign->tsa_url,
	    sign->tsa_ca, sign->ts_missing, sizeof(sign->ts_missing)) == -1)
		goto out;
	testhook("bundle-before-rename");
	if (rename(w.dir, dir) == -1) {
		log_errno("cannot move the bundle to '%s'", dir);
		goto out;
	}
	made = 0;
	/* The name itself must survive a crash too. */
	if (fs_sync_parent(dir) == -1)
		goto out;
	rc = 0;
out:
	/* Nothing half-made stays behind. */
	if (made)
		(void)fs_remove_tree(w.dir);
	for (i = 0; i < w.nfiles; i++)
		free(w.files[i].path);
	free(w.files);
	free(text);
	free(pem);
	cJSON_Delete(info);
	cJSON_Delete(eval);
	run_view_release(&view);
	buf_release(&manifest);
	store_run_info_release(&ri);
	return rc;
}

int
bundle_clean_stale(const char *outdir)
{
	DIR *d;
	struct dirent *e;
	char path[8192];
	int removed = 0;

	if ((d = opendir(outdir)) == NULL) {
		log_errno("cannot read '%s'", outdir);
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		const char *tmp = strstr(e->d_name, BUNDLE_TMP);
		char *end;
		long pid;

		if (tmp == NULL)
			continue;
		errno = 0;
		pid = strtol(tmp + strlen(BUNDLE_TMP), &end, 10);
		if (errno != 0 || pid <= 0 || *end != '-')
			continue;
		/*
		 * Alive (or not ours to signal): perhaps still writing. Our
		 * own pid is a predecessor's, as in a CronJob's new container
		 * where each run is pid 1: we have written nothing yet.
		 */
		if ((pid_t)pid != getpid() &&
		    (kill((pid_t)pid, 0) == 0 || errno != ESRCH))
			continue;
		if (fs_pathf(path, sizeof(path), "%s/%s", outdir,
		    e->d_name) == -1)
			continue;
		if (fs_remove_tree(path) == 0)
			removed++;
	}
	closedir(d);
	return removed;
}

/* --- tar ------------------------------------------------------------------ */

static struct archive *tar_out;
static size_t tar_prefix;	/* length of the bundle's parent path */
static int tar_failed;

static int
tar_entry(const char *path, const struct stat *sb, int type, struct FTW *f)
{
	struct archive_entry *e;
	char chunk[65536];
	ssize_t n;
	int fd;

	(void)f;
	if (type != FTW_F && type != FTW_D)
		return 0;
	if ((e = archive_entry_new()) == NULL) {
		tar_failed = 1;
		return 1;
	}
	/* Names inside: the bundle's own directory name, then its files. */
	archive_entry_set_pathname(e, path + tar_prefix);
	archive_entry_set_size(e, type == FTW_F ? sb->st_size : 0);
	archive_entry_set_filetype(e, type == FTW_F ? AE_IFREG : AE_IFDIR);
	archive_entry_set_perm(e, type == FTW_F ? 0644 : 0755);
	archive_entry_set_mtime(e, sb->st_mtime, 0);
	if (archive_write_header(tar_out, e) != ARCHIVE_OK) {
		log_err("cannot pack '%s': %s", path,
		    archive_error_string(tar_out));
		archive_entry_free(e);
		tar_failed = 1;
		return 1;
	}
	archive_entry_free(e);
	if (type != FTW_F)
		return 0;
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1) {
		log_errno("cannot pack '%s'", path);
		tar_failed = 1;
		return 1;
	}
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		if (archive_write_data(tar_out, chunk, (size_t)n) != n) {
			log_err("cannot pack '%s': %s", path,
			    archive_error_string(tar_out));
			tar_failed = 1;
			break;
		}
	if (n == -1) {
		log_errno("cannot pack '%s'", path);
		tar_failed = 1;
	}
	close(fd);
	return tar_failed;
}

int
bundle_tar(const char *dir)
{
	char tmp[4096], final[4096], *slash;
	int rc = -1, fd = -1, made = 0;

	snprintf(final, sizeof(final), "%s.tar.gz", dir);
	/*
	 * Created here, O_EXCL and O_NOFOLLOW like every file fipsev writes,
	 * under a name of this process: a planted symlink is never written
	 * through, and a killed run's leftover is never reused.
	 */
	snprintf(tmp, sizeof(tmp), "%s.tar.gz.tmp-%ld", dir, (long)getpid());
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0644)) == -1) {
		log_errno("cannot create '%s'", tmp);
		return -1;
	}
	made = 1;
	slash = strrchr(dir, '/');
	tar_prefix = slash != NULL ? (size_t)(slash - dir) + 1 : 0;
	tar_failed = 0;
	if ((tar_out = archive_write_new()) == NULL ||
	    archive_write_add_filter_gzip(tar_out) != ARCHIVE_OK ||
	    archive_write_set_format_pax_restricted(tar_out) != ARCHIVE_OK ||
	    archive_write_open_fd(tar_out, fd) != ARCHIVE_OK) {
		log_err("cannot write '%s': %s", tmp, tar_out != NULL ?
		    archive_error_string(tar_out) : "out of memory");
		goto out;
	}
	if (nftw(dir, tar_entry, 16, FTW_PHYS) != 0 || tar_failed)
		goto out;
	if (archive_write_close(tar_out) != ARCHIVE_OK) {
		log_err("cannot write '%s': %s", tmp,
		    archive_error_string(tar_out));
		goto out;
	}
	/* On disk before the rename, as every file of the bundle is. */
	if (fsync(fd) == -1) {
		log_errno("cannot write '%s'", tmp);
		goto out;
	}
	if (rename(tmp, final) == -1) {
		log_errno("cannot move '%s' to '%s'", tmp, final);
		goto out;
	}
	made = 0;
	if (fs_sync_parent(final) == -1)
		goto out;
	rc = 0;
out:
	if (tar_out != NULL)
		archive_write_free(tar_out);
	tar_out = NULL;
	close(fd);
	if (made)
		unlink(tmp);
	return rc;
}
