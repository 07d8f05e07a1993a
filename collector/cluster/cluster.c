/*
 * cluster.c - see cluster.h; the parts are in cluster_int.h.
 */
#define _GNU_SOURCE	/* strcasestr */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "collector/cluster/cluster.h"
#include "collector/cluster/helm.h"
#include "collector/net/kube.h"
#include "collector/cluster/values.h"
#include "util/buf.h"
#include "util/digest.h"
#include "util/fsutil.h"
#include "util/json.h"
#include "util/log.h"
#include "util/tsv.h"
#include "collector/cluster/cluster_int.h"
#include "util/banned.h"

/* The snapshot's files, and the command that makes each. */
static const struct {
	const char	*name;
	const char	*command;
} snapshot_files[] = {
	{ "nodes.json", "kubectl get nodes -o json" },
	{ "helm-releases.json",
	    "kubectl get secrets -A -l owner=helm -o json" },
	{ "configmaps.json", "kubectl get configmaps -A -o json" },
	{ "workloads.json",
	    "kubectl get deployments,statefulsets -A -o json" },
	{ "ingresses.json", "kubectl get ingresses -A -o json" },
	{ "services.json", "kubectl get services -A -o json" },
	{ "cronjobs.json", "kubectl get cronjobs -A -o json" },
	/* Names and lengths only: the values never leave kubectl and jq. */
	{ "db-secrets.json", "kubectl get secrets -n NAMESPACE -o json | jq "
	    "'{items: [.items[] | {metadata: {namespace: .metadata.namespace, "
	    "name: .metadata.name}, lengths: ((.data // {}) | map_values("
	    "@base64d | length))}]}'" },
};

/* The parsed lists, by the index above. */
/*
 * Lists a snapshot made before fipsev read them may lack: then that
 * evidence was not collected at all, a note, not missing evidence.
 */
static int
optional_file(int which)
{
	return which == F_CRONJOBS || which == F_DBSECRETS;
}

/*
 * The longest message of the document: far past any real one. A longer
 * one (a hostile name in it) is cut to it with CUT_MARK, never a reason
 * to lose the cluster's evidence.
 */
#define MESSAGE_MAX	((size_t)1 << 20)
#define CUT_MARK	" [cut: over 1 MiB]"

/* A formatted message, whole, onto the string array arr. */
static void
vadd(struct collect *c, cJSON *arr, const char *fmt, va_list ap)
{
	struct buf msg;

	buf_init(&msg, MESSAGE_MAX);
	if (buf_vprintf_cut(&msg, CUT_MARK, fmt, ap) == -1 ||
	    json_array_add_str(arr, buf_str(&msg)) == -1)
		c->oom = 1;
	buf_release(&msg);
}

void
cluster_note(struct collect *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* What the evidence says that is no finding (README "Cluster evidence"). */
void
cluster_note(struct collect *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vadd(c, c->notes, fmt, ap);
	va_end(ap);
}

void
cluster_finding(struct collect *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

void
cluster_finding_in(struct collect *c, const char *check, const char *subject,
    const char *result, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/*
 * A finding a field of the document also carries (a release's
 * global.fips, a delegate's flag): the evaluation judges the field.
 */
void
cluster_finding(struct collect *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vadd(c, c->findings, fmt, ap);
	va_end(ap);
}

/*
 * A finding no field of the document carries (a list that could not be
 * read, a report from another host, a release record unreadable): besides
 * the findings, it goes to "other_findings" with the check it fails and
 * its result ("fail" or "missing-evidence"), so the evaluation
 * (evaluate/controls.c) judges it too.
 */
void
cluster_finding_in(struct collect *c, const char *check, const char *subject,
    const char *result, const char *fmt, ...)
{
	struct buf msg;
	cJSON *o;
	va_list ap;
	int r;

	buf_init(&msg, MESSAGE_MAX);
	va_start(ap, fmt);
	r = buf_vprintf_cut(&msg, CUT_MARK, fmt, ap);
	va_end(ap);
	if (r == -1 || json_array_add_str(c->findings, buf_str(&msg)) == -1 ||
	    (o = cJSON_CreateObject()) == NULL ||
	    !cJSON_AddItemToArray(c->other, o) ||
	    json_add_str(o, "check", check) ||
	    json_add_str(o, "subject", subject) ||
	    json_add_str(o, "result", result) ||
	    json_add_str(o, "reason", buf_str(&msg)))
		c->oom = 1;
	buf_release(&msg);
}

/*
 * Read file (a name relative to dir) into *text, never following a symlink
 * out of dir and never blocking on a FIFO (fs_read()). Returns 0,
 * READ_UNREADABLE (logged) or READ_ABSENT. Lists are read by stream_list().
 */

int
cluster_read_source(const char *dir, const char *file, char **text, size_t *len)
{
	char shown[4500];
	int dfd, r;

	*text = NULL;
	snprintf(shown, sizeof(shown), "%s/%s", dir, file);
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		log_errno("cannot open directory '%s'", dir);
		return READ_UNREADABLE;
	}
	r = fs_read(dfd, shown, file, CLUSTER_REPORT_MAX, 0, text, len);
	close(dfd);
	return r == 0 ? 0 : r == 1 ? READ_ABSENT : READ_UNREADABLE;
}

/* A `kubectl get -o json` list: its items, or NULL (a finding says why). */
/* API paths of each list; workloads are two lists, tagged by kind. */
static const char *const api_paths[NFILES][2] = {
	[F_NODES] = { "/api/v1/nodes", NULL },
	[F_RELEASES] = { "/api/v1/secrets?labelSelector=owner%3Dhelm", NULL },
	[F_CONFIGMAPS] = { "/api/v1/configmaps", NULL },
	[F_WORKLOADS] = { "/apis/apps/v1/deployments",
	    "/apis/apps/v1/statefulsets" },
	[F_INGRESSES] = { "/apis/networking.k8s.io/v1/ingresses", NULL },
	[F_SERVICES] = { "/api/v1/services", NULL },
	[F_CRONJOBS] = { "/apis/batch/v1/cronjobs", NULL },
	/* Not listed: each Secret a release's database uses is read. */
	[F_DBSECRETS] = { NULL, NULL },
};

/*
 * A list from the API. A list the server will not give is missing
 * evidence; a refused token or an unverifiable server stops everything
 * (*fatal), since nothing else will work either.
 */
static cJSON *
api_list(struct collect *c, int which, int *fatal)
{
	cJSON *all = cJSON_CreateArray(), *it, *src;
	char err[512];
	int i, r, scoped_n, before;
	/* A list that fails is dropped whole: its charge goes back. */
	size_t charged = c->budget.weight;

	if (all == NULL) {
		c->oom = 1;
		return NULL;
	}
	/*
	 * Release Secrets of the namespaces given, one list each: a Role in
	 * each, not a ClusterRole. Otherwise each path of the list.
	 */
	scoped_n = which == F_RELEASES ? (int)c->nrelease_ns : 0;
	for (i = 0; scoped_n > 0 ? i < scoped_n : i < 2 &&
	    api_paths[which][i] != NULL; i++) {
		const char *path = api_paths[which][scoped_n > 0 ? 0 : i];
		char scoped[512];

		if (scoped_n > 0) {
			snprintf(scoped, sizeof(scoped), "/api/v1/namespaces/"
			    "%.253s/secrets?labelSelector=owner%%3Dhelm",
			    c->release_ns[i]);
			path = scoped;
		}

		src = cJSON_CreateObject();
		if (src == NULL || !cJSON_AddItemToArray(c->sources, src) ||
		    json_add_str(src, "api", path))
			c->oom = 1;
		before = cJSON_GetArraySize(all);
		if ((r = kube_list(c->kube, path, all, &c->budget, err,
		    sizeof(err))) != 0) {
			if (r == KUBE_FATAL) {
				log_err("%s", err);
				*fatal = 1;
			}
			json_add_str(src, "error", err);
			cluster_finding_in(c, "FIPS-CLUSTER-EVIDENCE", path,
			    "missing-evidence", "cannot list %s: %s: that "
			    "evidence is missing", path, err);
			cJSON_Delete(all);
			c->budget.weight = charged;
			return NULL;
		}
		if (cJSON_AddNumberToObject(src, "items",
		    cJSON_GetArraySize(all) - before) == NULL ||
		    cJSON_AddNullToObject(src, "error") == NULL)
			c->oom = 1;
		/* API list items carry no kind; the analysis needs it. */
		if (which != F_WORKLOADS)
			continue;
		for (it = cJSON_GetArrayItem(all, before); it != NULL;
		    it = it->next)
			if (!cJSON_HasObjectItem(it, "kind") &&
			    cJSON_AddStringToObject(it, "kind", i == 0 ?
			    "Deployment" : "StatefulSet") == NULL)
				c->oom = 1;
	}
	return all;
}

/*
 * A snapshot file read as a stream (klist.h) into *items: only one item
 * at a time is held as text, and the file's digest is taken as it is
 * read. Returns 0, READ_ABSENT, or READ_UNREADABLE (logged), or -1 with
 * why in err (not a list, a cap reached). The file is recorded in the
 * sources: its SHA-256 and size when read whole, else why not.
 */
static int
stream_list(struct collect *c, const char *name, cJSON **items, char *err,
    size_t errlen)
{
	char shown[4500], hex[SHA256_HEX_LEN + 1], chunk[65536];
	struct sha256 *h = NULL;
	struct klist l;
	cJSON *src;
	size_t size = 0, charged;
	ssize_t n;
	int dfd, fd = -1, r = READ_UNREADABLE;

	*items = NULL;
	snprintf(shown, sizeof(shown), "%s/%s", c->dir, name);
	if ((src = cJSON_CreateObject()) == NULL ||
	    !cJSON_AddItemToArray(c->sources, src) ||
	    json_add_str(src, "file", name)) {
		cJSON_Delete(src);
		c->oom = 1;
		return READ_UNREADABLE;
	}
	if ((*items = cJSON_CreateArray()) == NULL) {
		c->oom = 1;
		return READ_UNREADABLE;
	}
	klist_init(&l, *items, &c->budget);
	charged = c->budget.weight;
	if ((dfd = open(c->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		log_errno("cannot open directory '%s'", c->dir);
	else {
		fd = fs_open_file(dfd, shown, name, CLUSTER_FILE_MAX, 0);
		close(dfd);
		r = fd == FS_ABSENT ? READ_ABSENT : fd == -1 ?
		    READ_UNREADABLE : 0;
	}
	if (r == 0 && (h = sha256_new()) == NULL)
		r = READ_UNREADABLE;
	while (r == 0 && (n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			log_errno("cannot read '%s'", shown);
			r = READ_UNREADABLE;
		} else if (sha256_update(h, chunk, (size_t)n) == -1)
			r = READ_UNREADABLE;
		else {
			size += (size_t)n;
			if (klist_feed(&l, chunk, (size_t)n) == -1)
				r = -1;
		}
	}
	if (r == 0 && klist_end(&l) == -1)
		r = -1;
	if (fd >= 0)
		close(fd);
	if (r == -1)
		snprintf(err, errlen, "%s", l.err);
	klist_release(&l);
	/* A file read only in part is named by its error, not a digest. */
	if (r == 0) {
		int done = sha256_final_hex(h, hex);	/* frees h */

		h = NULL;
		if (done == -1 || json_add_str(src, "sha256", hex) ||
		    cJSON_AddNumberToObject(src, "size", (double)size) == NULL)
			c->oom = 1;
	}
	sha256_free(h);
	if (r == -1 ? json_add_str(src, "error", err) : r != 0 ?
	    json_add_str(src, "error", r == READ_ABSENT ? "missing" :
	    "unreadable") : cJSON_AddNullToObject(src, "error") == NULL)
		c->oom = 1;
	if (r != 0) {
		/* A list that fails is dropped whole: its charge goes back. */
		cJSON_Delete(*items);
		*items = NULL;
		c->budget.weight = charged;
	}
	return r;
}

static cJSON *
read_list(struct collect *c, int which, int *fatal)
{
	const char *name = snapshot_files[which].name;
	cJSON *items;
	char err[300];
	int r;

	if (c->kube != NULL)
		return api_paths[which][0] != NULL ? api_list(c, which,
		    fatal) : NULL;
	/* Only a file that is not there was not collected; one that cannot
	 * be read is missing evidence like any other. */
	if ((r = stream_list(c, name, &items, err, sizeof(err))) == 0)
		return items;
	if (r == -1) {
		cluster_finding_in(c, "FIPS-CLUSTER-EVIDENCE", name,
		    "missing-evidence", "%s cannot be read as a Kubernetes "
		    "list: %s: that evidence is missing", name, err);
		return NULL;
	}
	if (optional_file(which) && r == READ_ABSENT) {
		c->absent[which] = 1;
		cluster_note(c, "%s is not in the snapshot (make it with '%s > %s'): "
		    "that evidence was not collected", name,
		    snapshot_files[which].command, name);
		return NULL;
	}
	cluster_finding_in(c, "FIPS-CLUSTER-EVIDENCE", name, "missing-evidence",
	    "%s is missing from the snapshot (make it with '%s > %s'): that "
	    "evidence is missing", name, snapshot_files[which].command, name);
	return NULL;
}

const char *
cluster_meta_str(const cJSON *obj, const char *field)
{
	return json_get_str(cJSON_GetObjectItemCaseSensitive(obj, "metadata"),
	    field);
}

/* A node name that is safe as a file name: a DNS-1123 subdomain. */
int
cluster_safe_name(const char *s)
{
	size_t n = s != NULL ? strlen(s) : 0;

	return n > 0 && n <= 253 && s[0] != '.' &&
	    strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789.-") == n &&
	    strstr(s, "..") == NULL;
}

/* --- the whole ---------------------------------------------------------- */

/*
 * Values files from the command line (an override.yaml under review):
 * merged in order as `helm -f a -f b` merges them, recorded by digest, and
 * their global.fips reported beside, never instead of, what is installed.
 */
static int
values_files(struct collect *c, const char *const *files, size_t n)
{
	cJSON *merged, *o, *list;
	const cJSON *fips;
	size_t i;

	if (n == 0)
		return 0;
	if ((merged = cJSON_CreateObject()) == NULL ||
	    (o = cJSON_AddObjectToObject(c->doc, "values_files")) == NULL ||
	    (list = cJSON_AddArrayToObject(o, "files")) == NULL) {
		cJSON_Delete(merged);
		c->oom = 1;
		return 0;
	}
	for (i = 0; i < n; i++) {
		char hex[SHA256_HEX_LEN + 1], *text;
		size_t len;
		cJSON *v, *f;

		if (tsv_read_file(files[i], VALUES_MAX, &text, &len) == -1) {
			cJSON_Delete(merged);
			return -1;
		}
		v = values_parse_yaml(files[i], text, len);
		if (sha256_hex(text, len, hex) == -1)
			hex[0] = '\0';
		explicit_bzero(text, len);
		free(text);
		if (v == NULL) {
			cJSON_Delete(merged);
			return -1;	/* logged: the operator's own file */
		}
		if (values_merge(merged, v) == -1)
			c->oom = 1;
		cJSON_Delete(v);
		if ((f = cJSON_CreateObject()) == NULL ||
		    !cJSON_AddItemToArray(list, f) ||
		    json_add_str(f, "file", files[i]) ||
		    json_add_str(f, "sha256", hex))
			c->oom = 1;
	}
	fips = values_get(merged, "global.fips");
	if (json_add_tristate(o, "global_fips", cJSON_IsBool(fips) ?
	    cJSON_IsTrue(fips) : -1))
		c->oom = 1;
	if (!cJSON_IsTrue(fips))
		cluster_finding_in(c, "FIPS-HELM-GLOBAL", "values files", "fail",
		    "the values files given do not set global.fips: "
		    "true");
	cJSON_Delete(merged);
	return 0;
}

/* Everything, from whichever source c was set up with. */
static int
collect_all(struct collect *c, const char *kind, const char *where,
    const char *const *values, size_t nvalues)
{
	cJSON *src;
	int i, fatal = 0, rc = -1;

	if ((c->doc = cJSON_CreateObject()) == NULL ||
	    json_add_str(c->doc, "format", CLUSTER_FORMAT) ||
	    (src = cJSON_AddObjectToObject(c->doc, "source")) == NULL ||
	    json_add_str(src, "kind", kind) ||
	    json_add_str(src, c->kube != NULL ? "server" : "dir", where) ||
	    json_add_str(src, "node_reports", c->reports) ||
	    (c->sources = cJSON_AddArrayToObject(src, "files")) == NULL ||
	    (c->findings = cJSON_CreateArray()) == NULL ||
	    (c->notes = cJSON_AddArrayToObject(c->doc, "notes")) == NULL ||
	    (c->other = cJSON_AddArrayToObject(c->doc, "other_findings")) ==
	    NULL)
		goto oom;
	if (values_files(c, values, nvalues) == -1)
		goto out;
	for (i = 0; i < NFILES && !fatal; i++)
		c->lists[i] = read_list(c, i, &fatal);
	if (fatal)
		goto out;
	cluster_nodes(c);
	if (c->fatal)
		goto out;
	cluster_helm(c);
	cluster_delegates(c);
	cluster_images(c);
	cluster_tls_targets(c);
	if (c->oom)
		goto oom;
	if (cJSON_AddBoolToObject(c->doc, "compliant",
	    cJSON_GetArraySize(c->findings) == 0) == NULL)
		goto oom;
	cJSON_AddItemToObject(c->doc, "findings", c->findings);
	c->findings = NULL;
	c->ev->doc = c->doc;
	c->doc = NULL;
	rc = 0;
	goto out;
oom:
	log_err("out of memory reading the cluster (%s)", where);
out:
	for (i = 0; i < NFILES; i++)
		cJSON_Delete(c->lists[i]);
	cJSON_Delete(c->doc);
	cJSON_Delete(c->findings);
	if (rc == -1)
		cluster_evidence_release(c->ev);
	return rc;
}

int
cluster_from_snapshot(const char *dir, const char *const *values,
    size_t nvalues, struct cluster_evidence *ev)
{
	struct collect c;
	struct stat sb;
	char reports[4096];

	memset(ev, 0, sizeof(*ev));
	memset(&c, 0, sizeof(c));
	c.budget.max = KLIST_BUDGET;
	if (stat(dir, &sb) == -1 || !S_ISDIR(sb.st_mode)) {
		log_err("snapshot '%s' is not a directory", dir);
		return -1;
	}
	if (fs_pathf(reports, sizeof(reports), "%s/node-reports", dir) == -1)
		return -1;
	c.dir = dir;
	c.reports = reports;
	c.ev = ev;
	return collect_all(&c, "snapshot", dir, values, nvalues);
}

int
cluster_from_api(const struct kube_opts *ko, const char *reports,
    const struct probe_opts *probe, const char *const *release_ns,
    size_t nrelease_ns, const char *const *values, size_t nvalues,
    struct cluster_evidence *ev)
{
	struct collect c;
	int rc;

	memset(ev, 0, sizeof(*ev));
	memset(&c, 0, sizeof(c));
	c.budget.max = KLIST_BUDGET;
	if (kube_open(ko, &c.kube) == -1)
		return -1;
	c.reports = reports;
	c.probe = probe;
	c.release_ns = release_ns;
	c.nrelease_ns = nrelease_ns;
	c.ev = ev;
	rc = collect_all(&c, "api", kube_server(c.kube), values, nvalues);
	kube_close(c.kube);
	return rc;
}

const char *
cluster_release_smp(const cJSON *doc, int newest)
{
	const cJSON *r;
	const char *best = NULL;
	int ok, cmp;

	cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(doc, "helm"), "releases")) {
		const char *v = json_get_str(r, "smp_version");

		if (v == NULL)
			continue;
		/* A version that does not parse cannot be ordered. */
		(void)helm_version_cmp(v, v, &ok);
		if (!ok)
			continue;
		cmp = best == NULL ? 0 : helm_version_cmp(v, best, &ok);
		if (best == NULL || (ok && (newest ? cmp > 0 : cmp < 0)))
			best = v;
	}
	return best;
}

int
cluster_report(const struct cluster_evidence *ev, size_t i, struct buf *out)
{
	const struct cluster_report *r = &ev->reports[i];
	char chunk[16384];
	size_t left = r->len, n;

	buf_reset(out);
	if (fflush(ev->spool) == EOF || fseek(ev->spool, r->off, SEEK_SET) ==
	    -1) {
		log_errno("cannot read node reports back from their "
		    "temporary file");
		return -1;
	}
	while (left > 0) {
		n = fread(chunk, 1, left < sizeof(chunk) ? left : sizeof(chunk),
		    ev->spool);
		if (n == 0) {
			log_err("cannot read node reports back from their "
			    "temporary file: %s", ferror(ev->spool) ?
			    strerror(errno) : "it is shorter than written");
			return -1;
		}
		if (buf_append(out, chunk, n) == -1) {
			log_errno("cannot read node report %zu back", i);
			return -1;
		}
		left -= n;
	}
	return 0;
}

void
cluster_evidence_release(struct cluster_evidence *ev)
{
	size_t i;

	for (i = 0; i < ev->nreports; i++)
		free(ev->reports[i].host);
	free(ev->reports);
	if (ev->spool != NULL)
		fclose(ev->spool);
	cJSON_Delete(ev->doc);
	memset(ev, 0, sizeof(*ev));
}
