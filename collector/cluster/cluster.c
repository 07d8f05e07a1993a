/*
 * cluster.c - see cluster.h.
 */
#define _GNU_SOURCE	/* strcasestr */

#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "collector/cluster/cluster.h"
#include "collector/cluster/helm.h"
#include "collector/net/klist.h"
#include "collector/net/kube.h"
#include "collector/cluster/probe.h"
#include "collector/node/node.h"
#include "collector/cluster/values.h"
#include "util/buf.h"
#include "util/digest.h"
#include "util/fsutil.h"
#include "util/json.h"
#include "util/log.h"
#include "util/tsv.h"
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
enum { F_NODES, F_RELEASES, F_CONFIGMAPS, F_WORKLOADS, F_INGRESSES,
    F_SERVICES, F_CRONJOBS, F_DBSECRETS, NFILES };

/*
 * Lists a snapshot made before fipsev read them may lack: then that
 * evidence was not collected at all, a note, not missing evidence.
 */
static int
optional_file(int which)
{
	return which == F_CRONJOBS || which == F_DBSECRETS;
}

struct collect {
	const char	*dir;		/* the snapshot, or NULL */
	struct kube	*kube;		/* the live API, or NULL */
	const char	*reports;	/* node reports' directory, or NULL */
	const struct probe_opts *probe;	/* probe pods (API only), or NULL */
	const char *const *release_ns;	/* Helm releases only here, */
	size_t		 nrelease_ns;	/* when there are any */
	int		 fatal;		/* stop: the API refuses us */
	cJSON		*doc;
	cJSON		*findings;
	cJSON		*other;		/* findings no field carries */
	cJSON		*notes;
	cJSON		*sources;
	cJSON		*lists[NFILES];		/* .items, or NULL */
	int		 absent[NFILES];	/* an optional file not there */
	struct cluster_evidence *ev;
	struct klist_budget budget;	/* what the lists keep, together */
	int		 oom;
};

/* A formatted message onto the string array arr. */
static void
vadd(struct collect *c, cJSON *arr, const char *fmt, va_list ap)
{
	char msg[1024];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (json_array_add_str(arr, msg) == -1)
		c->oom = 1;
}

static void
note(struct collect *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* What the evidence says that is no finding (README "Cluster evidence"). */
static void
note(struct collect *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vadd(c, c->notes, fmt, ap);
	va_end(ap);
}

static void
finding(struct collect *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
finding_in(struct collect *c, const char *check, const char *subject,
    const char *result, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/*
 * A finding a field of the document also carries (a release's
 * global.fips, a delegate's flag): the evaluation judges the field.
 */
static void
finding(struct collect *c, const char *fmt, ...)
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
 * (report/controls.c) judges it too.
 */
static void
finding_in(struct collect *c, const char *check, const char *subject,
    const char *result, const char *fmt, ...)
{
	char msg[1024];
	cJSON *o;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (json_array_add_str(c->findings, msg) == -1 ||
	    (o = cJSON_CreateObject()) == NULL ||
	    !cJSON_AddItemToArray(c->other, o) ||
	    json_add_str(o, "check", check) ||
	    json_add_str(o, "subject", subject) ||
	    json_add_str(o, "result", result) ||
	    json_add_str(o, "reason", msg))
		c->oom = 1;
}

/*
 * Read file (a name relative to dir) into *text, never following a symlink
 * out of dir and never blocking on a FIFO (fs_read()). Returns 0,
 * READ_UNREADABLE (logged) or READ_ABSENT. Lists are read by stream_list().
 */
enum { READ_UNREADABLE = 1, READ_ABSENT = 2 };

static int
read_source(const char *dir, const char *file, char **text, size_t *len)
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
			finding_in(c, "FIPS-CLUSTER-EVIDENCE", path,
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
		finding_in(c, "FIPS-CLUSTER-EVIDENCE", name,
		    "missing-evidence", "%s cannot be read as a Kubernetes "
		    "list: %s: that evidence is missing", name, err);
		return NULL;
	}
	if (optional_file(which) && r == READ_ABSENT) {
		c->absent[which] = 1;
		note(c, "%s is not in the snapshot (make it with '%s > %s'): "
		    "that evidence was not collected", name,
		    snapshot_files[which].command, name);
		return NULL;
	}
	finding_in(c, "FIPS-CLUSTER-EVIDENCE", name, "missing-evidence",
	    "%s is missing from the snapshot (make it with '%s > %s'): that "
	    "evidence is missing", name, snapshot_files[which].command, name);
	return NULL;
}

static const char *
meta_str(const cJSON *obj, const char *field)
{
	return json_get_str(cJSON_GetObjectItemCaseSensitive(obj, "metadata"),
	    field);
}

/* A node name that is safe as a file name: a DNS-1123 subdomain. */
static int
safe_name(const char *s)
{
	size_t n = s != NULL ? strlen(s) : 0;

	return n > 0 && n <= 253 && s[0] != '.' &&
	    strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789.-") == n &&
	    strstr(s, "..") == NULL;
}

/* --- nodes ------------------------------------------------------------ */

/* Spool a node's report (cluster.h), noting the host name it gives. */
static void
keep_report(struct collect *c, const char *text, size_t len,
    const char *host)
{
	struct cluster_evidence *ev = c->ev;
	struct cluster_report *r;
	long off;

	if (c->fatal)
		return;
	if (ev->spool == NULL && (ev->spool = tmpfile()) == NULL) {
		log_errno("cannot create a temporary file for node reports");
		c->fatal = 1;
		return;
	}
	if ((r = reallocarray(ev->reports, ev->nreports + 1,
	    sizeof(*r))) == NULL) {
		c->oom = 1;
		return;
	}
	ev->reports = r;
	r += ev->nreports;
	memset(r, 0, sizeof(*r));
	if (fseek(ev->spool, 0, SEEK_END) == -1 ||
	    (off = ftell(ev->spool)) == -1 ||
	    fwrite(text, 1, len, ev->spool) != len) {
		log_errno("cannot spool node reports to a temporary file");
		c->fatal = 1;
		return;
	}
	r->off = off;
	r->len = len;
	if (host != NULL && (r->host = strdup(host)) == NULL) {
		c->oom = 1;
		return;
	}
	ev->nreports++;
}

/*
 * A node's document (text, len: taken over) from origin (a file name, or
 * a probe pod): checked, judged, and kept byte for byte for the store.
 */
static void
node_evidence(struct collect *c, const char *name, char *text, size_t len,
    const char *origin, cJSON *out)
{
	int too_big, compliant;
	cJSON *rep = json_parse_capped(text, len, CLUSTER_REPORT_WEIGHT,
	    &too_big);
	const cJSON *node = cJSON_GetObjectItemCaseSensitive(rep, "node");
	const char *host;

	if (too_big)
		finding(c, "node %s: %s would take more than %zu MiB of memory "
		    "to read: that evidence is missing", name, origin,
		    CLUSTER_REPORT_WEIGHT >> 20);
	if (rep == NULL || json_get_str(rep, "format") == NULL ||
	    strcmp(json_get_str(rep, "format"), NODE_FORMAT) != 0 ||
	    !cJSON_IsObject(node) || json_get_tristate(node, "compliant") < 0) {
		finding(c, "node %s: %s is not a fipsev node document", name,
		    origin);
		if (json_add_str(out, "evidence", "unreadable"))
			c->oom = 1;
		cJSON_Delete(rep);
		free(text);
		return;
	}
	host = json_get_str(node, "hostname");
	compliant = json_get_tristate(node, "compliant");
	if (json_add_str(out, "evidence", "collected") ||
	    json_add_tristate(out, "compliant", compliant) ||
	    json_add_tristate(out, "fips_enabled", json_get_tristate(node,
	    "fips_enabled")))
		c->oom = 1;
	/* Evidence from another machine would prove nothing about this one. */
	if (host == NULL || strcmp(host, name) != 0)
		finding_in(c, "FIPS-NODE-KERNEL", name, "missing-evidence",
		    "node %s: its report names host '%s'", name,
		    host != NULL ? host : "(none)");
	else if (compliant != 1)
		finding(c, "node %s: not in FIPS mode (see its node evidence)",
		    name);
	/* Keep the report's bytes as they are, for the store. */
	keep_report(c, text, len, host);
	cJSON_Delete(rep);
	free(text);
}

static void
no_evidence(struct collect *c, const char *name, cJSON *out, const char *why)
{
	finding(c, "node %s: no evidence from the node (%s)", name, why);
	if (json_add_str(out, "evidence", "missing") ||
	    json_add_str(out, "evidence_error", why))
		c->oom = 1;
}

/* A node's evidence from a report file; probes are run after all nodes. */
static void
node_report(struct collect *c, const char *name, cJSON *out)
{
	char file[4400], rel[300], why[4500], *text;
	size_t len;

	if (c->reports == NULL) {
		if (c->probe != NULL)
			return;		/* probed later, all together */
		no_evidence(c, name, out, "no node reports were given "
		    "(--node-reports DIR) and no probe image (--probe-image)");
		return;
	}
	/* Inside a snapshot, name files relative to it: the evidence
	 * then does not depend on where the snapshot was unpacked. */
	snprintf(rel, sizeof(rel), "%s.json", name);
	snprintf(file, sizeof(file), c->dir != NULL ? "node-reports/%s" :
	    "%s/%s", c->dir != NULL ? rel : c->reports, rel);
	if (json_add_str(out, "report", file))
		c->oom = 1;
	/* Not listed in source.files: the report is evidence of its own,
	 * stored under its own SHA-256, and 5,000 digests restated here
	 * would make the cluster document new every night. */
	/*
	 * Inside a snapshot, beneath the snapshot itself: a node-reports
	 * that is a symlink out of it is refused like any other file.
	 */
	if (read_source(c->dir != NULL ? c->dir : c->reports,
	    c->dir != NULL ? file : rel, &text, &len) != 0) {
		snprintf(why, sizeof(why), "%s is missing", file);
		no_evidence(c, name, out, why);
		return;
	}
	node_evidence(c, name, text, len, file, out);
}

/* Probe the nodes still without evidence, a few pods at a time. */
static void
probe_all(struct collect *c, cJSON *nodes_arr)
{
	const char **names = NULL;
	cJSON **outs = NULL, *n;
	struct probe_result *res = NULL;
	size_t count = 0, i;

	cJSON_ArrayForEach(n, nodes_arr)
		if (json_get_str(n, "evidence") == NULL &&
		    safe_name(json_get_str(n, "name")))
			count++;
	if (count == 0)
		return;
	names = calloc(count, sizeof(*names));
	outs = calloc(count, sizeof(*outs));
	res = calloc(count, sizeof(*res));
	if (names == NULL || outs == NULL || res == NULL) {
		c->oom = 1;
		goto out;
	}
	count = 0;
	cJSON_ArrayForEach(n, nodes_arr)
		if (json_get_str(n, "evidence") == NULL &&
		    safe_name(json_get_str(n, "name"))) {
			names[count] = json_get_str(n, "name");
			outs[count++] = n;
		}
	if (probe_nodes(c->kube, c->probe, names, count, res) == -1) {
		c->fatal = 1;
		goto out;
	}
	for (i = 0; i < count; i++) {
		if (json_add_str(outs[i], "report", "probe pod"))
			c->oom = 1;
		if (res[i].text != NULL) {
			node_evidence(c, names[i], res[i].text, res[i].len,
			    "the probe pod's log", outs[i]);
			res[i].text = NULL;	/* taken over */
		} else
			no_evidence(c, names[i], outs[i], res[i].error);
		if (res[i].cleanup[0] != '\0')
			finding_in(c, "FIPS-CLUSTER-EVIDENCE", names[i],
			    "missing-evidence", "%s", res[i].cleanup);
	}
out:
	if (res != NULL)
		probe_results_release(res, count);
	free(res);
	free(names);
	free(outs);
}

static void
nodes(struct collect *c)
{
	static const char *const info[][2] = {
		{ "osImage", "os_image" }, { "kernelVersion", "kernel_version" },
		{ "kubeletVersion", "kubelet_version" },
		{ "containerRuntimeVersion", "container_runtime" },
		{ "architecture", "architecture" },
	};
	cJSON *arr = cJSON_AddArrayToObject(c->doc, "nodes");
	const cJSON *item;
	size_t i;

	if (arr == NULL) {
		c->oom = 1;
		return;
	}
	cJSON_ArrayForEach(item, c->lists[F_NODES]) {
		const char *name = meta_str(item, "name");
		const cJSON *ni = cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(item, "status"),
		    "nodeInfo");
		const cJSON *labels = cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(item, "metadata"),
		    "labels");
		cJSON *n = cJSON_CreateObject();

		if (n == NULL || !cJSON_AddItemToArray(arr, n) ||
		    json_add_str(n, "name", name)) {
			c->oom = 1;
			return;
		}
		for (i = 0; i < sizeof(info) / sizeof(info[0]); i++)
			if (json_add_str(n, info[i][1], json_get_str(ni,
			    info[i][0])))
				c->oom = 1;
		if (cJSON_IsObject(labels) && !cJSON_AddItemToObject(n,
		    "labels", cJSON_Duplicate(labels, 1)))
			c->oom = 1;
		if (!safe_name(name)) {
			finding(c, "a node with an unusable name ('%.100s'): no "
			    "evidence can be matched to it", name != NULL ?
			    name : "");
			continue;
		}
		node_report(c, name, n);
	}
	/* Every cluster has a node: an empty list is not "all FIPS". */
	if (c->lists[F_NODES] != NULL && cJSON_GetArraySize(arr) == 0)
		finding_in(c, "FIPS-CLUSTER-EVIDENCE", "nodes",
		    "missing-evidence", "the cluster's node list is empty: no "
		    "node's FIPS mode can be shown");
	if (c->kube != NULL && c->reports == NULL && c->probe != NULL)
		probe_all(c, arr);
}

/* --- Helm ------------------------------------------------------------- */

/* A Helm release Secret: its type, or its name. */
static int
is_release_secret(const cJSON *item)
{
	const char *type = json_get_str(item, "type");
	const char *name = meta_str(item, "name");

	return (type != NULL && strcmp(type, "helm.sh/release.v1") == 0) ||
	    (name != NULL && strncmp(name, "sh.helm.release.v1.", 19) == 0);
}

/*
 * The delegate's own chart (harness/delegate-helm-chart): a release of it
 * is a delegate, judged as one (delegates()), never as an SMP install.
 */
static int
is_delegate_chart(const char *chart)
{
	return chart != NULL && strcmp(chart, "harness-delegate-ng") == 0;
}

/* The SMP chart: "harness", or "harness-..." (harness-prod...). */
static int
is_harness_chart(const char *chart)
{
	return chart != NULL && !is_delegate_chart(chart) &&
	    (strcmp(chart, "harness") == 0 ||
	    strncmp(chart, "harness-", 8) == 0);
}

/*
 * A release record of the ConfigMap driver (HELM_DRIVER=configmap): the
 * same name and owner label as the Secret (helm pkg/storage/driver
 * cfgmaps.go).
 */
static int
is_release_configmap(const cJSON *item)
{
	const char *name = meta_str(item, "name");
	const char *owner = json_get_str(cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(item, "metadata"), "labels"),
	    "owner");

	return name != NULL && strncmp(name, "sh.helm.release.v1.", 19) == 0 &&
	    owner != NULL && strcmp(owner, "helm") == 0;
}

static int
cmp_revision(const void *a, const void *b)
{
	const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;
	int rx = cJSON_GetObjectItemCaseSensitive(x, "revision")->valueint;
	int ry = cJSON_GetObjectItemCaseSensitive(y, "revision")->valueint;

	return (rx > ry) - (rx < ry);
}

/*
 * The settings the checks need that sit under keys redaction replaces
 * (smtpCreateSecret, passwordKey, ...): read from the values Helm renders
 * with, before redaction, into named fields of the revision's "evidence".
 * Only what this list names is read, and none of it is a secret: host
 * names, ports, flags, and the names of Secrets and their keys. The SMTP
 * keys are harness-manager's chart's (global.smtpCreateSecret; the
 * umbrella's values.yaml has only enabled: false), the database ones the
 * umbrella's global.database.<db>.
 */
enum ev_type { EV_STR, EV_BOOL, EV_PORT, EV_HOST };

static const struct {
	const char	*path;		/* in the values */
	const char	*group;		/* evidence.<group>.<field> */
	const char	*field;
	enum ev_type	 type;
} evidence_fields[] = {
	{ "global.smtpCreateSecret.enabled", "smtp", "enabled", EV_BOOL },
	{ "global.smtpCreateSecret.SMTP_HOST", "smtp", "host", EV_HOST },
	{ "global.smtpCreateSecret.SMTP_PORT", "smtp", "port", EV_PORT },
	{ "global.smtpCreateSecret.SMTP_USE_SSL", "smtp", "use_ssl", EV_BOOL },
	{ "global.mongoSSL", "tls", "mongo_ssl", EV_BOOL },
};

/* Per database under global.database.<db>. */
static const struct {
	const char	*key;
	enum ev_type	 type;
} database_fields[] = {
	{ "installed", EV_BOOL },
	{ "secretName", EV_STR },
	{ "passwordKey", EV_STR },
	{ "userKey", EV_STR },
	{ "sslEnabled", EV_BOOL },
};

/* Add v to o as field, typed; Helm charts spell flags "true" too. */
static int
evidence_put(cJSON *o, const char *field, const cJSON *v, enum ev_type type)
{
	if (v == NULL)
		return 0;
	switch (type) {
	case EV_STR:
		return cJSON_IsString(v) ? json_add_str(o, field,
		    v->valuestring) : 0;
	case EV_HOST:
		/*
		 * A host name or address and nothing else: a value under a
		 * secret-like key that is anything more (a URL with
		 * credentials) is not copied.
		 */
		if (!cJSON_IsString(v) || *v->valuestring == '\0' ||
		    strlen(v->valuestring) > 253 ||
		    v->valuestring[strspn(v->valuestring,
		    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789.-:[]")] != '\0')
			return json_add_str(o, "host_refused", "not a host name");
		return json_add_str(o, field, v->valuestring);
	case EV_BOOL:
		if (cJSON_IsBool(v))
			return json_add_tristate(o, field, cJSON_IsTrue(v));
		if (cJSON_IsString(v) && (strcasecmp(v->valuestring, "true") ==
		    0 || strcasecmp(v->valuestring, "false") == 0))
			return json_add_tristate(o, field,
			    strcasecmp(v->valuestring, "true") == 0);
		return 0;
	case EV_PORT:
		if (cJSON_IsString(v)) {
			char *end;
			long n = strtol(v->valuestring, &end, 10);

			return *v->valuestring != '\0' && *end == '\0' &&
			    n > 0 && n < 65536 && cJSON_AddNumberToObject(o,
			    field, (double)n) == NULL ? -1 : 0;
		}
		return cJSON_IsNumber(v) && cJSON_AddNumberToObject(o, field,
		    json_number(v, 1, 65535, 0)) == NULL ? -1 : 0;
	}
	return 0;
}

static cJSON *
evidence_group(cJSON *ev, const char *name)
{
	cJSON *g = cJSON_GetObjectItemCaseSensitive(ev, name);

	return g != NULL ? g : cJSON_AddObjectToObject(ev, name);
}

/*
 * The environment variable that carries each database's password, as
 * harness-common's templates name it (_databaseconnectionsv2.tpl and the
 * secrets.kubernetesSecrets helpers, _ext-k8s-secrets-helper.tpl).
 */
static const struct {
	const char	*db;
	const char	*var;
} database_password_vars[] = {
	{ "mongo", "MONGO_PASSWORD" },
	{ "postgres", "POSTGRES_PASSWORD" },
	{ "timescaledb", "TIMESCALEDB_PASSWORD" },
	{ "redis", "REDIS_PASSWORD" },
	{ "clickhouse", "CLICKHOUSE_PASSWORD" },
};

static const char *
database_password_var(const char *db)
{
	size_t i;

	for (i = 0; i < sizeof(database_password_vars) /
	    sizeof(database_password_vars[0]); i++)
		if (strcmp(database_password_vars[i].db, db) == 0)
			return database_password_vars[i].var;
	return NULL;
}

/*
 * global.database.<db>.secrets: where the database's password comes from
 * when not from the chart's defaults, in harnesscommon.secrets.manageEnv's
 * order (helm-common _secrets-helper.tpl, _ext-k8s-secrets-helper.tpl):
 * External Secrets Operator (externalSecretsOperator[].remoteKeys.
 * VARIABLE.name), which is only marked (password_from_eso), then
 * kubernetesSecrets[] ({secretName, keys: {VARIABLE: key}}), where the
 * last item naming the variable is the one Helm renders. Only the
 * Secret's name and key are copied, into o.password_secret.
 */
static int
kubernetes_secret(const cJSON *db, cJSON *o)
{
	const char *var = database_password_var(db->string);
	const char *name = NULL, *key = NULL;
	const cJSON *ks;
	cJSON *ps;

	if (var == NULL)
		return 0;
	cJSON_ArrayForEach(ks, values_get(db,
	    "secrets.secretManagement.externalSecretsOperator")) {
		const char *remote = json_get_str(
		    cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(ks, "remoteKeys"), var),
		    "name");

		if (remote != NULL && *remote != '\0')
			return cJSON_AddTrueToObject(o, "password_from_eso") ==
			    NULL ? -1 : 0;
	}
	cJSON_ArrayForEach(ks, values_get(db, "secrets.kubernetesSecrets")) {
		const char *n = json_get_str(ks, "secretName");
		const char *k = json_get_str(cJSON_GetObjectItemCaseSensitive(ks,
		    "keys"), var);

		if (n != NULL && *n != '\0' && k != NULL && *k != '\0') {
			name = n;
			key = k;
		}
	}
	if (name == NULL)
		return 0;
	if ((ps = cJSON_AddObjectToObject(o, "password_secret")) == NULL ||
	    json_add_str(ps, "name", name) || json_add_str(ps, "key", key))
		return -1;
	return 0;
}

/*
 * Is installed (or ClickHouse's enabled) given as something other than a
 * bool? Helm's templates read it with `if`, where the string "false" is
 * true, or fail to render: what it means is not known.
 */
static int
database_flag_unclear(const cJSON *db, cJSON *o)
{
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(db, "installed");

	if (f == NULL)
		f = cJSON_GetObjectItemCaseSensitive(db, "enabled");
	if (f == NULL || cJSON_IsBool(f))
		return 0;
	return cJSON_AddTrueToObject(o, "flag_not_bool") == NULL ? -1 : 0;
}

static int
release_evidence(const cJSON *eff, cJSON *r)
{
	cJSON *ev = cJSON_AddObjectToObject(r, "evidence"), *g, *smtp;
	const cJSON *db, *port, *ssl;
	size_t i;

	if (ev == NULL)
		return -1;
	for (i = 0; i < sizeof(evidence_fields) / sizeof(evidence_fields[0]);
	    i++) {
		const cJSON *v = values_get(eff, evidence_fields[i].path);

		if (v == NULL)
			continue;
		if ((g = evidence_group(ev, evidence_fields[i].group)) ==
		    NULL || evidence_put(g, evidence_fields[i].field, v,
		    evidence_fields[i].type) == -1)
			return -1;
	}
	/* Port 465 or SMTP_USE_SSL is implicit TLS, not STARTTLS. */
	if ((smtp = cJSON_GetObjectItemCaseSensitive(ev, "smtp")) != NULL) {
		port = cJSON_GetObjectItemCaseSensitive(smtp, "port");
		ssl = cJSON_GetObjectItemCaseSensitive(smtp, "use_ssl");
		if (json_add_str(smtp, "tls", cJSON_IsTrue(ssl) ||
		    cJSON_GetNumberValue(port) == 465 ? "implicit" :
		    "starttls"))
			return -1;
	}
	if ((g = cJSON_AddObjectToObject(ev, "databases")) == NULL)
		return -1;
	cJSON_ArrayForEach(db, values_get(eff, "global.database")) {
		cJSON *o;

		if (!cJSON_IsObject(db) || db->string == NULL)
			continue;
		if ((o = cJSON_AddObjectToObject(g, db->string)) == NULL)
			return -1;
		for (i = 0; i < sizeof(database_fields) /
		    sizeof(database_fields[0]); i++)
			if (evidence_put(o, database_fields[i].key,
			    cJSON_GetObjectItemCaseSensitive(db,
			    database_fields[i].key),
			    database_fields[i].type) == -1)
				return -1;
		if (kubernetes_secret(db, o) == -1 ||
		    database_flag_unclear(db, o) == -1 ||
		    evidence_put(o, "enabled", cJSON_GetObjectItemCaseSensitive(
		    db, "enabled"), EV_BOOL) == -1)
			return -1;
	}
	return 0;
}

/* One revision of the release, as the document records it. */
static cJSON *
revision_json(struct collect *c, const cJSON *rel)
{
	const cJSON *chart = cJSON_GetObjectItemCaseSensitive(rel, "chart");
	const cJSON *meta = cJSON_GetObjectItemCaseSensitive(chart, "metadata");
	const cJSON *info = cJSON_GetObjectItemCaseSensitive(rel, "info");
	const cJSON *deps = cJSON_GetObjectItemCaseSensitive(meta,
	    "dependencies"), *d;
	const cJSON *cfg = cJSON_GetObjectItemCaseSensitive(rel, "config");
	const cJSON *defaults = cJSON_GetObjectItemCaseSensitive(chart,
	    "values");
	const cJSON *ver = cJSON_GetObjectItemCaseSensitive(rel, "version");
	cJSON *r = cJSON_CreateObject(), *user, *eff, *chartv = NULL, *arr;
	long redacted = 0;

	if (r == NULL)
		return NULL;
	user = cJSON_IsObject(cfg) ? cJSON_Duplicate(cfg, 1) :
	    cJSON_CreateObject();
	eff = cJSON_IsObject(defaults) ? cJSON_Duplicate(defaults, 1) :
	    cJSON_CreateObject();
	chartv = cJSON_IsObject(defaults) ? cJSON_Duplicate(defaults, 1) :
	    cJSON_CreateObject();
	if (user == NULL || eff == NULL || chartv == NULL)
		goto fail;
	/* What the chart ran with: its defaults under the user's values. */
	if (values_merge(eff, user) == -1)
		goto fail;
	if (cJSON_AddNumberToObject(r, "revision", cJSON_IsNumber(ver) ?
	    ver->valuedouble : 0) == NULL ||
	    json_add_str(r, "status", json_get_str(info, "status")) ||
	    json_add_str(r, "chart", json_get_str(meta, "name")) ||
	    json_add_str(r, "chart_version", json_get_str(meta, "version")) ||
	    json_add_str(r, "app_version", json_get_str(meta, "appVersion")) ||
	    json_add_str(r, "first_deployed", json_get_str(info,
	    "first_deployed")) ||
	    json_add_str(r, "last_deployed", json_get_str(info,
	    "last_deployed")))
		goto fail;
	{
		/*
		 * Judged on what Helm renders with: the user's values over
		 * the chart's own (the seed allows editing either), and the
		 * evidence says which of them set it.
		 */
		const cJSON *uf = values_get(user, "global.fips");
		const cJSON *cf = values_get(chartv, "global.fips");
		const cJSON *ef = values_get(eff, "global.fips");
		cJSON *from;

		if (json_add_tristate(r, "global_fips", cJSON_IsBool(ef) ?
		    cJSON_IsTrue(ef) : -1) ||
		    json_add_tristate(r, "global_fips_user", cJSON_IsBool(uf) ?
		    cJSON_IsTrue(uf) : -1) ||
		    json_add_tristate(r, "global_fips_chart", cJSON_IsBool(cf) ?
		    cJSON_IsTrue(cf) : -1) ||
		    (from = cJSON_AddArrayToObject(r, "global_fips_sources")) ==
		    NULL ||
		    (uf != NULL && json_array_add_str(from, "config (the "
		    "user's values)") == -1) ||
		    (cf != NULL && json_array_add_str(from, "chart.values (the "
		    "chart's values.yaml)") == -1))
			goto fail;
	}
	if ((arr = cJSON_AddArrayToObject(r, "dependencies")) == NULL)
		goto fail;
	cJSON_ArrayForEach(d, deps) {
		cJSON *o = cJSON_CreateObject();
		const cJSON *en = cJSON_GetObjectItemCaseSensitive(d, "enabled");

		if (o == NULL || !cJSON_AddItemToArray(arr, o) ||
		    json_add_str(o, "name", json_get_str(d, "name")) ||
		    json_add_str(o, "version", json_get_str(d, "version")) ||
		    json_add_str(o, "condition", json_get_str(d, "condition")) ||
		    json_add_tristate(o, "enabled", cJSON_IsBool(en) ?
		    cJSON_IsTrue(en) : -1))
			goto fail;
	}
	/* Nothing secret goes further than this function. */
	if (release_evidence(eff, r) == -1 ||
	    (redacted = values_redact(user)) < 0 ||
	    values_redact(eff) < 0 || values_redact(chartv) < 0 ||
	    cJSON_AddNumberToObject(r, "values_redacted", (double)redacted) ==
	    NULL)
		goto fail;
	/* What the user set; the chart's defaults; what the chart ran with. */
	cJSON_AddItemToObject(r, "values_user", user);
	cJSON_AddItemToObject(r, "values_chart", chartv);
	cJSON_AddItemToObject(r, "values_effective", eff);
	return r;
fail:
	c->oom = 1;
	cJSON_Delete(user);
	cJSON_Delete(eff);
	cJSON_Delete(chartv);
	cJSON_Delete(r);
	return NULL;
}

/* The ConfigMap ns/name, or NULL. */
static const cJSON *
configmap(struct collect *c, const char *ns, const char *name)
{
	const cJSON *item;

	cJSON_ArrayForEach(item, c->lists[F_CONFIGMAPS])
		if (meta_str(item, "name") != NULL && ns != NULL &&
		    meta_str(item, "namespace") != NULL &&
		    strcmp(meta_str(item, "name"), name) == 0 &&
		    strcmp(meta_str(item, "namespace"), ns) == 0)
			return item;
	return NULL;
}

/* The global-smp-config ConfigMap of the release's namespace, or NULL. */
static const cJSON *
smp_config(struct collect *c, const char *ns)
{
	/*
	 * The chart renders it into the release's namespace; another
	 * namespace's belongs to another install.
	 */
	return configmap(c, ns, "global-smp-config");
}

static int
set_since(cJSON *rel, int value, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
set_since(cJSON *rel, int value, const char *fmt, ...)
{
	cJSON *o = cJSON_AddObjectToObject(rel, "fips_since_first_install");
	char why[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return o == NULL || json_add_tristate(o, "value", value) ||
	    json_add_str(o, "reason", why) ? -1 : 0;
}

/*
 * Was FIPS on from the first install? Every kept revision must have run
 * global.fips: true on SMP >= 0.31.0. When the history still holds
 * revision 1 it answers; otherwise global-smp-config's
 * PREVIOUS_SMP_VERSION may, by what the chart's template makes of it
 * (templates/smp-version-configmap.yaml, from 0.43.0: Helm's lookup() of
 * the ConfigMap already there): absent before 0.43.0; empty on a fresh
 * install, and also always under `helm template` (Argo CD), where
 * lookup() returns nothing, so empty proves a fresh install only beside
 * revision 1; the same version on a re-deploy, which says nothing of
 * before; a version before 0.31.0 is an upgrade from before FIPS. Any
 * other case is "cannot tell", never yes.
 */
static int
since_first_install(struct collect *c, cJSON *rel, cJSON **revs, size_t n,
    const cJSON *cm)
{
	const cJSON *data = cJSON_GetObjectItemCaseSensitive(cm, "data");
	const char *prev = json_get_str(data, "PREVIOUS_SMP_VERSION");
	const char *now = json_get_str(data, "SMP_VERSION");
	int oldest = cJSON_GetObjectItemCaseSensitive(revs[0],
	    "revision")->valueint, ok;
	size_t i;

	(void)c;
	for (i = 0; i < n; i++) {
		const char *v = json_get_str(revs[i], "chart_version");
		int rev = cJSON_GetObjectItemCaseSensitive(revs[i],
		    "revision")->valueint;

		if (json_get_tristate(revs[i], "global_fips") != 1)
			return set_since(rel, 0, "revision %d ran without "
			    "global.fips: true", rev);
		if (helm_version_cmp(v, SMP_FIPS_MIN_VERSION, &ok) < 0 && ok)
			return set_since(rel, 0, "revision %d ran SMP %s, "
			    "before FIPS support (%s)", rev, v,
			    SMP_FIPS_MIN_VERSION);
	}
	if (prev != NULL && *prev != '\0' &&
	    helm_version_cmp(prev, SMP_FIPS_MIN_VERSION, &ok) < 0 && ok)
		return set_since(rel, 0, "upgraded in place from SMP %s "
		    "(global-smp-config PREVIOUS_SMP_VERSION), before FIPS "
		    "support", prev);
	if (oldest == 1)
		return set_since(rel, 1, "every revision from the first "
		    "install (revision 1) to %d has global.fips: true on SMP "
		    ">= %s", cJSON_GetObjectItemCaseSensitive(revs[n - 1],
		    "revision")->valueint, SMP_FIPS_MIN_VERSION);
	if (cm == NULL)
		return set_since(rel, -1, "history pruned (oldest revision "
		    "kept: %d) and no global-smp-config ConfigMap: cannot tell",
		    oldest);
	if (prev == NULL)
		return set_since(rel, -1, "history pruned (oldest revision "
		    "kept: %d) and global-smp-config has no "
		    "PREVIOUS_SMP_VERSION (charts before 0.43.0 record none): "
		    "cannot tell", oldest);
	if (*prev == '\0')
		return set_since(rel, -1, "history pruned (oldest revision "
		    "kept: %d); an empty PREVIOUS_SMP_VERSION shows a fresh "
		    "install only beside revision 1 (helm template, as Argo "
		    "CD renders, always leaves it empty): cannot tell", oldest);
	if (now != NULL && strcmp(prev, now) == 0)
		return set_since(rel, -1, "history pruned (oldest revision "
		    "kept: %d); PREVIOUS_SMP_VERSION %s is the current version, "
		    "a re-deploy, which says nothing of before: cannot tell",
		    oldest, prev);
	return set_since(rel, -1, "history pruned (oldest revision kept: %d) "
	    "and upgraded in place from SMP %s (PREVIOUS_SMP_VERSION), which "
	    "holds only the version before the last upgrade: cannot tell",
	    oldest, prev);
}

/* --- database passwords --------------------------------------------- */

/*
 * The Secrets the charts generate for in-cluster databases (installed:
 * true; ClickHouse: enabled): bootstrap's harness-secrets templates, and
 * what harness-common's _databaseconnectionsv2.tpl reads for each
 * password variable. Read from the platform chart of October 2023
 * (harness/helm-charts 9554b5e) and the module READMEs of every SMP tag
 * 0.30.0-0.45.0; the bootstrap charts of those releases are not public.
 * Harness's in-cluster Redis has no password at all.
 */
static const struct {
	const char	*db;
	const char	*secret;
	const char	*key;
} generated_passwords[] = {
	{ "mongo", "mongodb-replicaset-chart", "mongodb-root-password" },
	{ "postgres", "postgres", "postgres-password" },
	{ "timescaledb", "harness-secrets", "timescaledbPostgresPassword" },
	{ "clickhouse", "clickhouse", "admin-password" },
};

/* Characters (UTF-8 code points) in the n bytes at p. */
static long
utf8_chars(const unsigned char *p, size_t n)
{
	long k = 0;
	size_t i;

	for (i = 0; i < n; i++)
		k += (p[i] & 0xc0) != 0x80;
	return k;
}

/*
 * The length in characters of a Secret's base64 value b64, or -1 when it
 * is not base64. OpenSSL's decoder gives the exact byte count (padding
 * and line breaks accounted for); the bytes stay on the stack and are
 * wiped on every path. A value too long for the buffer has at least a
 * quarter of its bytes as characters, which is what is reported (a
 * password that long passes any length rule).
 */
static long
decoded_length(const char *b64)
{
	unsigned char out[3200];
	size_t n = strlen(b64);
	EVP_ENCODE_CTX *ctx;
	int outl = 0, fin = 0, r;
	long len = -1;

	if (n > 4096)
		return (long)(3 * (n / 4) / 4);
	if ((ctx = EVP_ENCODE_CTX_new()) == NULL)
		return -1;
	EVP_DecodeInit(ctx);
	r = EVP_DecodeUpdate(ctx, out, &outl, (const unsigned char *)b64,
	    (int)n);
	if (r != -1 && EVP_DecodeFinal(ctx, out + outl, &fin) == 1)
		len = utf8_chars(out, (size_t)outl + (size_t)fin);
	EVP_ENCODE_CTX_free(ctx);
	OPENSSL_cleanse(out, sizeof(out));
	return len;
}

/*
 * Wipe every string of a parsed Secret before it is freed: data, and
 * kubectl's last-applied-configuration annotation, which repeats it.
 */
static void
wipe_strings(cJSON *node)
{
	cJSON *e;

	if (cJSON_IsString(node) && node->valuestring != NULL)
		OPENSSL_cleanse(node->valuestring, strlen(node->valuestring));
	cJSON_ArrayForEach(e, node)
		wipe_strings(e);
}

/*
 * The length of key in the Secret ns/name: read from the API (the Role
 * that reads the namespace's Helm records allows get on its Secrets), or
 * from the snapshot's db-secrets.json, which holds lengths only (where a
 * Secret is listed twice, the shorter length counts). -1 with why in err
 * when it cannot be had; the value never leaves this function.
 */
static long
secret_length(struct collect *c, const char *ns, const char *name,
    const char *key, char *err, size_t errlen)
{
	const cJSON *it;
	char path[700], *body;
	size_t len;
	cJSON *doc, *data;
	long n = -1;
	int found = 0;

	/* Names as Kubernetes allows them: nothing else reaches a path. */
	if (!safe_name(name) || key[strspn(key, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._")] != '\0' ||
	    *key == '\0' || strlen(key) > 253) {
		snprintf(err, errlen, "'%.253s' key '%.253s' is not a Kubernetes "
		    "Secret name and key", name, key);
		return -1;
	}
	if (c->kube == NULL) {
		if (c->lists[F_DBSECRETS] == NULL) {
			snprintf(err, errlen, "db-secrets.json is not usable");
			return -1;
		}
		cJSON_ArrayForEach(it, c->lists[F_DBSECRETS]) {
			const cJSON *v;

			if (meta_str(it, "namespace") == NULL ||
			    meta_str(it, "name") == NULL ||
			    strcmp(meta_str(it, "namespace"), ns) != 0 ||
			    strcmp(meta_str(it, "name"), name) != 0)
				continue;
			found = 1;
			v = cJSON_GetObjectItemCaseSensitive(
			    cJSON_GetObjectItemCaseSensitive(it, "lengths"), key);
			if (!cJSON_IsNumber(v) || v->valuedouble < 0 ||
			    v->valuedouble > 1e9 ||
			    v->valuedouble != (double)(long)v->valuedouble) {
				snprintf(err, errlen, "db-secrets.json has no "
				    "whole length for key %s of Secret %s/%s",
				    key, ns, name);
				return -1;
			}
			if (n < 0 || (long)v->valuedouble < n)
				n = (long)v->valuedouble;
		}
		if (!found)
			snprintf(err, errlen, "Secret %s/%s is not in "
			    "db-secrets.json", ns, name);
		return n;
	}
	snprintf(path, sizeof(path), "/api/v1/namespaces/%s/secrets/%s", ns,
	    name);
	if (kube_request(c->kube, "GET", path, NULL, &body, &len, err,
	    errlen) != 0)
		return -1;
	doc = cJSON_ParseWithLength(body, len);
	OPENSSL_cleanse(body, len);
	free(body);
	data = cJSON_GetObjectItemCaseSensitive(doc, "data");
	if (json_get_str(data, key) == NULL)
		snprintf(err, errlen, "Secret %s/%s has no key %s", ns, name,
		    key);
	else if ((n = decoded_length(json_get_str(data, key))) < 0)
		snprintf(err, errlen, "key %s of Secret %s/%s is not base64",
		    key, ns, name);
	wipe_strings(doc);
	cJSON_Delete(doc);
	return n;
}

/*
 * One measured password into arr: a Secret's name, key and length, or
 * why (when not NULL) it is not known. An optional reference that cannot
 * be measured is not used, and not added.
 */
static int
password_entry(struct collect *c, cJSON *arr, const char *ns,
    const char *db, const char *name, const char *key, const char *source,
    const char *why, int optional)
{
	char err[600];
	long n = -1;
	cJSON *o;

	snprintf(err, sizeof(err), "%s", why != NULL ? why : "");
	if (why == NULL)
		n = secret_length(c, ns, name, key, err, sizeof(err));
	if (optional && n < 0)
		return 0;
	if ((o = cJSON_CreateObject()) == NULL ||
	    !cJSON_AddItemToArray(arr, o) ||
	    json_add_str(o, "database", db) ||
	    json_add_str(o, "secret", name) ||
	    json_add_str(o, "key", key) ||
	    json_add_str(o, "source", source) ||
	    (n >= 0 ? cJSON_AddNumberToObject(o, "length", (double)n) :
	    cJSON_AddNullToObject(o, "length")) == NULL ||
	    json_add_str(o, "error", n >= 0 ? NULL : err))
		return -1;
	return 0;
}

/*
 * The database a container's environment variable carries the password
 * of, or NULL: services name them their own way (TIMESCALE_PASSWORD,
 * LOG_SERVICE_REDIS_PASSWORD), always with the database in the name and
 * _PASSWORD at the end.
 */
static const char *
env_database(const char *var)
{
	static const struct {
		const char	*part;
		const char	*db;
	} parts[] = {
		{ "MONGO", "mongo" }, { "TIMESCALE", "timescaledb" },
		{ "POSTGRES", "postgres" }, { "REDIS", "redis" },
		{ "CLICKHOUSE", "clickhouse" },
	};
	size_t i, n = var != NULL ? strlen(var) : 0;

	if (n < 9 || strcmp(var + n - 9, "_PASSWORD") != 0)
		return NULL;
	for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		if (strstr(var, parts[i].part) != NULL)
			return parts[i].db;
	return NULL;
}

/*
 * What the release's workloads really read: every database password a
 * container of the namespace takes from a Secret (env valueFrom
 * secretKeyRef), which catches what the values alone do not show (a
 * service's own secrets.kubernetesSecrets or database block, which
 * harness-common renders after the global one). A reference marked
 * optional whose Secret is not there is not used.
 */
static int
workload_passwords(struct collect *c, cJSON *arr, const char *ns)
{
	static const char *const lists[] = { "spec.template.spec.containers",
	    "spec.template.spec.initContainers" };
	const cJSON *w, *ct, *env;
	char src[600];
	size_t i;

	cJSON_ArrayForEach(w, c->lists[F_WORKLOADS]) {
		if (meta_str(w, "namespace") == NULL ||
		    strcmp(meta_str(w, "namespace"), ns) != 0)
			continue;
		for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
		cJSON_ArrayForEach(ct, values_get(w, lists[i]))
		cJSON_ArrayForEach(env, cJSON_GetObjectItemCaseSensitive(ct,
		    "env")) {
			const cJSON *ref = values_get(env,
			    "valueFrom.secretKeyRef");
			const char *db = env_database(json_get_str(env, "name"));
			const char *name = json_get_str(ref, "name");
			const char *key = json_get_str(ref, "key");

			if (db == NULL || name == NULL || key == NULL ||
			    json_find_pair(arr, "secret", name, "key", key) != NULL)
				continue;
			snprintf(src, sizeof(src), "%s %s env %s",
			    json_str_or(w, "kind", "workload"), meta_str(w,
			    "name") ? meta_str(w,
			    "name") : "?", json_get_str(env, "name"));
			if (password_entry(c, arr, ns, db, name, key, src, NULL,
			    cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(ref,
			    "optional"))) == -1)
				return -1;
		}
	}
	return 0;
}

/*
 * The password Secret each database of the current revision uses, and
 * its measured length, into rel.db_passwords (harnesscommon's order:
 * External Secrets Operator, secrets.kubernetesSecrets, the
 * chart-generated Secret when installed, else the external database's
 * secretName/passwordKey), then every other password the release's
 * workloads read. With a snapshot that has no db-secrets.json nothing was
 * collected: db_passwords_collected is false and the check does not
 * apply.
 */
static int
db_passwords(struct collect *c, cJSON *rel, const char *ns,
    const cJSON *cur)
{
	const cJSON *db;
	cJSON *arr;
	int collected = c->kube != NULL || !c->absent[F_DBSECRETS];
	size_t i;

	if (cJSON_AddBoolToObject(rel, "db_passwords_collected", collected) ==
	    NULL || (arr = cJSON_AddArrayToObject(rel, "db_passwords")) ==
	    NULL)
		return -1;
	if (!collected)
		return 0;
	cJSON_ArrayForEach(db, values_get(cur, "evidence.databases")) {
		const cJSON *ps = cJSON_GetObjectItemCaseSensitive(db,
		    "password_secret");
		const char *name = NULL, *key = NULL, *source, *why = NULL;
		int in = json_get_tristate(db, "installed");

		if (db->string == NULL)
			continue;
		/* ClickHouse is in the cluster when enabled, or not at all. */
		if (strcmp(db->string, "clickhouse") == 0) {
			in = json_get_tristate(db, "enabled");
			if (in != 1 && !cJSON_IsTrue(
			    cJSON_GetObjectItemCaseSensitive(db,
			    "flag_not_bool")))
				continue;
		}
		if (database_password_var(db->string) == NULL) {
			/* A database fipsev has no model of, in use. */
			if (in == 1 || json_get_tristate(db, "enabled") == 1 ||
			    cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(db,
			    "flag_not_bool")))
				why = "a database fipsev does not model: where "
				    "its password is kept is not known";
			else
				continue;
			source = "global.database";
		} else if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(db,
		    "flag_not_bool"))) {
			source = "global.database";
			why = "installed (or enabled) is not true or false: "
			    "whether the database is in the cluster is not known";
		} else if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(db,
		    "password_from_eso"))) {
			source = "External Secrets Operator";
			why = "the password comes from External Secrets Operator "
			    "(secrets.secretManagement.externalSecretsOperator), "
			    "which fipsev does not follow: its length is not "
			    "known";
		} else if (ps != NULL) {
			name = json_get_str(ps, "name");
			key = json_get_str(ps, "key");
			source = "secrets.kubernetesSecrets";
		} else if (in == 1) {
			for (i = 0; i < sizeof(generated_passwords) /
			    sizeof(generated_passwords[0]); i++)
				if (strcmp(generated_passwords[i].db,
				    db->string) == 0) {
					name = generated_passwords[i].secret;
					key = generated_passwords[i].key;
				}
			source = "chart-generated, installed: true";
			if (name == NULL)
				continue;	/* in-cluster Redis: none */
		} else {
			name = json_get_str(db, "secretName");
			key = json_get_str(db, "passwordKey");
			source = "global.database secretName/passwordKey";
			if (name == NULL || *name == '\0' || key == NULL ||
			    *key == '\0') {
				name = key = NULL;
				why = "an external database (installed: false) "
				    "with no secretName and passwordKey in the "
				    "values: its password is not known";
			}
		}
		if (password_entry(c, arr, ns, db->string, name, key, source,
		    why, 0) == -1)
			return -1;
	}
	return workload_passwords(c, arr, ns);
}

/* All revisions of one release into the document, and their verdict. */
static void
release_json(struct collect *c, cJSON *out, const char *ns, const char *name,
    cJSON **revs, size_t n)
{
	cJSON *rel = cJSON_CreateObject(), *arr;
	const cJSON *cur = NULL, *cm;
	size_t i;
	int ok, fips, smp;

	if (rel == NULL || !cJSON_AddItemToArray(out, rel) ||
	    json_add_str(rel, "name", name) ||
	    json_add_str(rel, "namespace", ns)) {
		c->oom = 1;
		return;
	}
	qsort(revs, n, sizeof(*revs), cmp_revision);
	/* The current revision: the newest deployed, else the newest. */
	for (i = n; i-- > 0 && cur == NULL;)
		if (json_get_str(revs[i], "status") != NULL &&
		    strcmp(json_get_str(revs[i], "status"), "deployed") == 0)
			cur = revs[i];
	if (cur == NULL)
		cur = revs[n - 1];
	cm = smp_config(c, ns);
	fips = json_get_tristate(cur, "global_fips");
	smp = helm_version_cmp(json_get_str(cur, "chart_version"),
	    SMP_FIPS_MIN_VERSION, &ok) >= 0 && ok;
	if (cJSON_AddNumberToObject(rel, "current_revision",
	    cJSON_GetObjectItemCaseSensitive(cur, "revision")->valuedouble) ==
	    NULL || json_add_str(rel, "smp_version", json_get_str(cur,
	    "chart_version")) ||
	    json_add_tristate(rel, "smp_version_supported", smp) ||
	    json_add_tristate(rel, "global_fips", fips) ||
	    json_add_str(rel, "smp_config_version", json_get_str(
	    cJSON_GetObjectItemCaseSensitive(cm, "data"), "SMP_VERSION")) ||
	    json_add_str(rel, "smp_config_previous_version", json_get_str(
	    cJSON_GetObjectItemCaseSensitive(cm, "data"),
	    "PREVIOUS_SMP_VERSION")) ||
	    since_first_install(c, rel, revs, n, cm) == -1 ||
	    db_passwords(c, rel, ns, cur) == -1) {
		c->oom = 1;
		return;
	}
	if (fips != 1)
		finding(c, "release %s/%s: global.fips is %s in revision %d "
		    "(the user's values over the chart's values.yaml)", ns,
		    name, fips == 0 ? "false" : "not set",
		    cJSON_GetObjectItemCaseSensitive(cur, "revision")->valueint);
	if (!smp)
		finding(c, "release %s/%s: SMP %s is before %s, the first "
		    "with FIPS support", ns, name, json_get_str(cur,
		    "chart_version") != NULL ? json_get_str(cur,
		    "chart_version") : "(unknown)", SMP_FIPS_MIN_VERSION);
	{
		const cJSON *since = cJSON_GetObjectItemCaseSensitive(rel,
		    "fips_since_first_install");
		int v = json_get_tristate(since, "value");

		if (v != 1)
			finding(c, "release %s/%s: FIPS %s from the first "
			    "install: %s", ns, name, v == 0 ? "was not on" :
			    "cannot be shown to have been on",
			    json_get_str(since, "reason"));
	}
	if ((arr = cJSON_AddArrayToObject(rel, "revisions")) == NULL) {
		c->oom = 1;
		return;
	}
	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, revs[i]);
}

/* Add s to the array of strings arr unless it is there already. */
static int
add_unique(cJSON *arr, const char *s)
{
	const cJSON *e;

	cJSON_ArrayForEach(e, arr)
		if (cJSON_IsString(e) && strcmp(e->valuestring, s) == 0)
			return 0;
	return json_array_add_str(arr, s);
}

/*
 * Every SMP install leaves global-smp-config in its namespace. One in a
 * namespace whose Helm release was not read (not among the namespaces
 * given, its record unreadable, or rendered by `helm template`, e.g. Argo
 * CD, which keeps no release) is an install nothing here judges.
 */
static void
unread_installs(struct collect *c, const cJSON *rels)
{
	const cJSON *item, *r;

	cJSON_ArrayForEach(item, c->lists[F_CONFIGMAPS]) {
		const char *name = meta_str(item, "name");
		const char *ns = meta_str(item, "namespace");
		int read = 0;

		if (name == NULL || ns == NULL ||
		    strcmp(name, "global-smp-config") != 0)
			continue;
		cJSON_ArrayForEach(r, rels)
			read |= json_get_str(r, "namespace") != NULL &&
			    strcmp(json_get_str(r, "namespace"), ns) == 0;
		if (!read)
			finding_in(c, "FIPS-CLUSTER-EVIDENCE", ns,
			    "missing-evidence", "namespace %s holds an SMP "
			    "install (global-smp-config, SMP_VERSION %s) whose "
			    "Helm release was not read: it is not judged", ns,
			    json_get_str(cJSON_GetObjectItemCaseSensitive(item,
			    "data"), "SMP_VERSION") != NULL ? json_get_str(
			    cJSON_GetObjectItemCaseSensitive(item, "data"),
			    "SMP_VERSION") : "(none)");
	}
}

/* A release of the delegate chart, once however many revisions it has. */
static int
add_delegate_release(cJSON *arr, const char *ns, const char *name,
    const char *version)
{
	const cJSON *e;
	cJSON *o;

	cJSON_ArrayForEach(e, arr)
		if (json_get_str(e, "namespace") != NULL && ns != NULL &&
		    json_get_str(e, "name") != NULL && name != NULL &&
		    strcmp(json_get_str(e, "namespace"), ns) == 0 &&
		    strcmp(json_get_str(e, "name"), name) == 0)
			return 0;
	return (o = cJSON_CreateObject()) == NULL ||
	    !cJSON_AddItemToArray(arr, o) ||
	    json_add_str(o, "namespace", ns) || json_add_str(o, "name", name) ||
	    json_add_str(o, "chart_version", version) ? -1 : 0;
}

static void
helm(struct collect *c)
{
	cJSON *h = cJSON_AddObjectToObject(c->doc, "helm"), *rels, *other,
	    *errs, *dels;
	cJSON **revs = NULL;
	const cJSON *item;
	char **keys = NULL;
	size_t nrevs = 0, i, j;
	int driver;

	if (h == NULL || (rels = cJSON_AddArrayToObject(h, "releases")) ==
	    NULL || (other = cJSON_AddArrayToObject(h, "other_releases")) ==
	    NULL || (dels = cJSON_AddArrayToObject(h, "delegate_releases")) ==
	    NULL || (errs = cJSON_AddArrayToObject(h, "errors")) == NULL) {
		c->oom = 1;
		return;
	}
	/*
	 * Decode every Harness release revision, from either storage driver
	 * (Secrets, the default, and ConfigMaps); group by namespace/name.
	 */
	for (driver = 0; driver < 2 && !c->oom; driver++)
	cJSON_ArrayForEach(item, c->lists[driver == 0 ? F_RELEASES :
	    F_CONFIGMAPS]) {
		const char *sname = meta_str(item, "name");
		const char *ns = meta_str(item, "namespace");
		const char *data = json_get_str(cJSON_GetObjectItemCaseSensitive(
		    item, "data"), "release");
		const char *chart, *rname;
		char err[128], key[512], msg[700];
		cJSON *rel, *rev, **rr;
		char **kk;

		if (driver == 0 ? !is_release_secret(item) :
		    !is_release_configmap(item))
			continue;
		rel = data != NULL ? helm_release_decode(data, strlen(data),
		    driver == 0 ? 2 : 1, err, sizeof(err)) : NULL;
		if (rel == NULL) {
			snprintf(msg, sizeof(msg), "%s/%s: %s", ns != NULL ? ns :
			    "?", sname != NULL ? sname : "?", data == NULL ?
			    "no data.release" : err);
			if (json_array_add_str(errs, msg) == -1)
				c->oom = 1;
			finding_in(c, "FIPS-CLUSTER-EVIDENCE", msg,
			    "missing-evidence", "Helm release secret %s: "
			    "unreadable", msg);
			continue;
		}
		chart = json_get_str(cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(rel, "chart"), "metadata"),
		    "name");
		rname = json_get_str(rel, "name");
		if (is_delegate_chart(chart)) {
			if (add_delegate_release(dels, ns, rname, json_get_str(
			    cJSON_GetObjectItemCaseSensitive(
			    cJSON_GetObjectItemCaseSensitive(rel, "chart"),
			    "metadata"), "version")) == -1)
				c->oom = 1;
			cJSON_Delete(rel);
			continue;
		}
		if (!is_harness_chart(chart)) {
			snprintf(key, sizeof(key), "%s/%s (%s)", ns != NULL ?
			    ns : "?", rname != NULL ? rname : "?",
			    chart != NULL ? chart : "?");
			if (add_unique(other, key) == -1)
				c->oom = 1;
			cJSON_Delete(rel);
			continue;
		}
		rev = revision_json(c, rel);
		/*
		 * Both parts bounded (Kubernetes allows 253 characters) so
		 * the '/' that splits them below always survives.
		 */
		snprintf(key, sizeof(key), "%.253s/%.253s", ns != NULL ? ns :
		    "", rname != NULL ? rname : "");
		cJSON_Delete(rel);	/* rname pointed into it */
		if (rev == NULL)
			break;
		rr = reallocarray(revs, nrevs + 1, sizeof(*rr));
		kk = rr != NULL ? reallocarray(keys, nrevs + 1, sizeof(*kk)) :
		    NULL;
		if (rr != NULL)
			revs = rr;
		if (kk == NULL || (kk[nrevs] = strdup(key)) == NULL) {
			if (kk != NULL)
				keys = kk;
			cJSON_Delete(rev);
			c->oom = 1;
			break;
		}
		keys = kk;
		revs[nrevs++] = rev;
	}
	/* One release at a time: collect its revisions, in order. */
	for (i = 0; i < nrevs; i++) {
		cJSON **group;
		size_t ng = 0;
		char *slash;

		if (revs[i] == NULL)
			continue;
		if ((group = calloc(nrevs, sizeof(*group))) == NULL) {
			c->oom = 1;
			break;
		}
		for (j = i; j < nrevs; j++)
			if (revs[j] != NULL && strcmp(keys[j], keys[i]) == 0) {
				group[ng++] = revs[j];
				revs[j] = NULL;
			}
		slash = strchr(keys[i], '/');
		*slash = '\0';
		release_json(c, rels, keys[i], slash + 1, group, ng);
		free(group);
	}
	unread_installs(c, rels);
	if (cJSON_GetArraySize(rels) == 0 && !c->oom)
		finding(c, "no Harness Helm release found: the installed "
		    "global.fips, SMP version and history cannot be shown");
	for (i = 0; i < nrevs; i++) {
		cJSON_Delete(revs[i]);
		free(keys[i]);
	}
	free(revs);
	free(keys);
}

/* --- delegates -------------------------------------------------------- */

static int
is_true(const char *s)
{
	return s != NULL && strcasecmp(s, "true") == 0;
}

/*
 * FIPS_ENABLED of a delegate container: from env (a value or a ConfigMap
 * key), or from envFrom ConfigMaps. A Secret is not read: "unknown".
 * Returns 1/0/-1 and where the answer came from in src.
 */
static int
fips_enabled(struct collect *c, const char *ns, const cJSON *ctr, char *src,
    size_t srclen)
{
	const cJSON *e, *from;
	int found = 0;		/* unset is off; unknown only if unreadable */

	snprintf(src, srclen, "not set");
	cJSON_ArrayForEach(from, cJSON_GetObjectItemCaseSensitive(ctr,
	    "envFrom")) {
		const cJSON *cmr = cJSON_GetObjectItemCaseSensitive(from,
		    "configMapRef");
		const cJSON *sr = cJSON_GetObjectItemCaseSensitive(from,
		    "secretRef");
		const char *prefix = json_get_str(from, "prefix");

		if (prefix != NULL && *prefix != '\0')
			continue;
		if (cmr != NULL) {
			const char *cn = json_get_str(cmr, "name");
			const cJSON *cm = cn != NULL ? configmap(c, ns, cn) :
			    NULL;
			const char *v = json_get_str(
			    cJSON_GetObjectItemCaseSensitive(cm, "data"),
			    "FIPS_ENABLED");

			if (v != NULL) {
				found = is_true(v);
				snprintf(src, srclen, "ConfigMap %s", cn);
			} else if (cm == NULL && cJSON_IsTrue(
			    cJSON_GetObjectItemCaseSensitive(cmr, "optional")) &&
			    c->lists[F_CONFIGMAPS] != NULL) {
				/*
				 * optional: true and absent: the kubelet starts
				 * the pod without it (the chart's -proxy and
				 * -shared-certificates sources).
				 */
				continue;
			} else if (cm == NULL && cn != NULL && found != 1) {
				found = -1;
				snprintf(src, srclen, "ConfigMap %s (not in the "
				    "snapshot)", cn);
			}
		} else if (sr != NULL && found != 1) {
			found = -1;
			snprintf(src, srclen, "Secret %s (not read)",
			    json_get_str(sr, "name") != NULL ?
			    json_get_str(sr, "name") : "?");
		}
	}
	/* env wins over envFrom, as in Kubernetes. */
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(ctr, "env")) {
		const char *name = json_get_str(e, "name");
		const cJSON *vf = cJSON_GetObjectItemCaseSensitive(e,
		    "valueFrom");
		const cJSON *ref = cJSON_GetObjectItemCaseSensitive(vf,
		    "configMapKeyRef");

		if (name == NULL || strcmp(name, "FIPS_ENABLED") != 0)
			continue;
		if (json_get_str(e, "value") != NULL || vf == NULL) {
			found = is_true(json_get_str(e, "value"));
			snprintf(src, srclen, "env");
		} else if (ref != NULL) {
			const char *cn = json_get_str(ref, "name");
			const char *key = json_get_str(ref, "key");
			const cJSON *cm = cn != NULL ? configmap(c, ns, cn) :
			    NULL;
			const char *v = key != NULL ? json_get_str(
			    cJSON_GetObjectItemCaseSensitive(cm, "data"), key) :
			    NULL;

			found = v != NULL ? is_true(v) : -1;
			snprintf(src, srclen, "ConfigMap %s key %s",
			    cn != NULL ? cn : "?", key != NULL ? key : "?");
		} else {
			found = -1;
			snprintf(src, srclen, "env from a Secret (not read)");
		}
	}
	return found;
}

/*
 * An image reference's parts: the last path component's repository
 * ("delegate"), its tag (NULL when there is none) and whether it is
 * pinned by digest. "reg/harness/delegate:25.07.86300.minimal-fips",
 * "harness/delegate@sha256:...".
 */
static void
image_parts(const char *image, char *repo, size_t repolen, const char **tag,
    int *digest)
{
	const char *last = strrchr(image, '/'), *at, *colon;
	size_t n;

	last = last != NULL ? last + 1 : image;
	at = strchr(last, '@');
	colon = strchr(last, ':');
	if (colon != NULL && at != NULL && colon > at)
		colon = NULL;			/* the digest's "sha256:" */
	*digest = at != NULL;
	*tag = colon != NULL ? colon + 1 : NULL;
	n = strcspn(last, ":@");
	snprintf(repo, repolen, "%.*s", (int)(n < repolen ? n : repolen - 1),
	    last);
}

/* Does a tag (perhaps followed by "@digest") name a FIPS build? */
static int
tag_is_fips(const char *tag)
{
	size_t n;

	if (tag == NULL)
		return 0;
	n = strcspn(tag, "@");
	/* Harness's FIPS builds: "-fips" and ".minimal-fips" (images.txt). */
	return (n >= 5 && strncmp(tag + n - 5, "-fips", 5) == 0);
}

/*
 * Is an image of this tag (NULL: none) a FIPS build? 1, 0, or -1 when it
 * is pinned by digest only: the digest does not say which build it is.
 */
static int
fips_build(const char *tag, int digest)
{
	if (tag == NULL)
		return digest ? -1 : 0;
	return tag_is_fips(tag);
}

static int
fips_image(const char *image)
{
	char repo[256];
	const char *tag;
	int digest;

	image_parts(image, repo, sizeof(repo), &tag, &digest);
	return fips_build(tag, digest);
}

static int
image_repo_is(const char *image, const char *want)
{
	char repo[256];
	const char *tag;
	int digest;

	image_parts(image, repo, sizeof(repo), &tag, &digest);
	return strcmp(repo, want) == 0;
}

/* The first SMP version that ships a -fips delegate upgrader image. */
#define SMP_FIPS_UPGRADER_VERSION	"0.33.0"

/*
 * The delegate upgrader CronJobs (the delegate chart's templates/upgrader
 * and the manifest): a non-FIPS upgrader image is a finding where the
 * SMP ships a -fips one, a note before that.
 */
static void
upgraders(struct collect *c, cJSON *arr)
{
	const char *smp = cluster_release_smp(c->doc, 1);
	const cJSON *item, *ctr;
	int ok, has_fips;

	has_fips = smp != NULL && helm_version_cmp(smp,
	    SMP_FIPS_UPGRADER_VERSION, &ok) >= 0 && ok;
	cJSON_ArrayForEach(item, c->lists[F_CRONJOBS])
		cJSON_ArrayForEach(ctr, values_get(item,
		    "spec.jobTemplate.spec.template.spec.containers")) {
			const char *image = json_get_str(ctr, "image");
			const char *ns = meta_str(item, "namespace");
			const char *name = meta_str(item, "name");
			cJSON *u;
			int fi;

			/*
			 * Harness's image, or the chart's and the manifest's
			 * "upgrader" container running a mirrored one.
			 */
			if (image == NULL || (!image_repo_is(image,
			    "upgrader") && (json_get_str(ctr, "name") == NULL ||
			    strcmp(json_get_str(ctr, "name"), "upgrader") != 0)))
				continue;
			fi = fips_image(image);
			if ((u = cJSON_CreateObject()) == NULL ||
			    !cJSON_AddItemToArray(arr, u) ||
			    json_add_str(u, "namespace", ns) ||
			    json_add_str(u, "name", name) ||
			    json_add_str(u, "kind", "CronJob") ||
			    json_add_str(u, "image", image) ||
			    json_add_tristate(u, "fips_image", fi) ||
			    json_add_tristate(u, "fips_image_available",
			    smp != NULL ? has_fips : -1)) {
				c->oom = 1;
				return;
			}
			if (fi == 1)
				continue;
			if (has_fips)
				finding(c, "delegate upgrader %s/%s: image %s is "
				    "%s (SMP %s ships upgrader:*-fips)",
				    ns != NULL ? ns : "?", name != NULL ? name :
				    "?", image, fi == 0 ? "not a FIPS build" :
				    "pinned by digest only: cannot tell whether "
				    "it is a FIPS build", smp);
			else
				note(c, "delegate upgrader %s/%s: image %s is not "
				    "a FIPS build; SMP %s ships no -fips upgrader "
				    "(first in %s)", ns != NULL ? ns : "?",
				    name != NULL ? name : "?", image,
				    smp != NULL ? smp : "(unknown)",
				    SMP_FIPS_UPGRADER_VERSION);
		}
}

/*
 * Is this container a delegate? Its image is Harness's delegate
 * (repository "delegate": not "delegate-proxy", a platform service), or
 * it is the "delegate" container of a pod labelled as one (harness.io/
 * name, on the chart's and the manifest's pods).
 */
static int
is_delegate(const cJSON *ctr, int labelled)
{
	const char *image = json_get_str(ctr, "image");
	const char *name = json_get_str(ctr, "name");
	char repo[256];
	const char *tag;
	int digest;

	if (image == NULL)
		return 0;
	image_parts(image, repo, sizeof(repo), &tag, &digest);
	if (strcmp(repo, "delegate") == 0)
		return 1;
	return labelled && name != NULL && strcmp(name, "delegate") == 0 &&
	    strncmp(repo, "delegate-proxy", 14) != 0;
}

/*
 * A release of the delegate chart none of whose delegates the workloads
 * show (its pods carry app.kubernetes.io/instance: RELEASE, the chart's
 * _helpers.tpl): what it runs is not known, so it cannot pass.
 */
static void
delegate_releases_seen(struct collect *c, const cJSON *found)
{
	const cJSON *r, *d;

	if (c->lists[F_WORKLOADS] == NULL)
		return;		/* judged missing already */
	cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(c->doc, "helm"),
	    "delegate_releases")) {
		const char *ns = json_get_str(r, "namespace");
		const char *name = json_get_str(r, "name");
		char subject[520];
		int seen = 0;

		cJSON_ArrayForEach(d, found) {
			const char *in = json_get_str(d, "namespace");
			const char *inst = json_get_str(d, "instance");

			seen |= ns != NULL && name != NULL && in != NULL &&
			    strcmp(in, ns) == 0 && inst != NULL &&
			    strcmp(inst, name) == 0;
		}
		if (seen)
			continue;
		snprintf(subject, sizeof(subject), "%.253s/%.253s",
		    ns != NULL ? ns : "?", name != NULL ? name : "?");
		finding_in(c, "FIPS-DELEGATE", subject, "missing-evidence",
		    "delegate release %s (harness-delegate-ng): no delegate "
		    "workload of it (app.kubernetes.io/instance): what it runs "
		    "is not known", subject);
	}
}

static void
delegates(struct collect *c)
{
	cJSON *arr = cJSON_AddArrayToObject(c->doc, "delegates");
	cJSON *up = cJSON_AddArrayToObject(c->doc, "delegate_upgraders");
	const cJSON *item;

	/*
	 * Whether the lists were read at all: no delegate in a list that
	 * could not be read is missing evidence, not an install without
	 * delegates.
	 */
	if (arr == NULL || up == NULL ||
	    json_add_tristate(c->doc, "workloads_listed",
	    c->lists[F_WORKLOADS] != NULL) ||
	    json_add_tristate(c->doc, "cronjobs_listed",
	    c->lists[F_CRONJOBS] != NULL ? 1 : c->absent[F_CRONJOBS] ? -1 :
	    0)) {
		c->oom = 1;
		return;
	}
	cJSON_ArrayForEach(item, c->lists[F_WORKLOADS]) {
		const char *kind = json_get_str(item, "kind");
		const char *ns = meta_str(item, "namespace");
		const char *name = meta_str(item, "name");
		const cJSON *spec = cJSON_GetObjectItemCaseSensitive(item,
		    "spec");
		const cJSON *tmpl = cJSON_GetObjectItemCaseSensitive(spec,
		    "template");
		const cJSON *labels = cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(tmpl, "metadata"),
		    "labels");
		const cJSON *ctr, *replicas = cJSON_GetObjectItemCaseSensitive(
		    spec, "replicas");
		int labelled = cJSON_HasObjectItem(labels, "harness.io/name");

		cJSON_ArrayForEach(ctr, cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(tmpl, "spec"),
		    "containers")) {
			const char *image = json_get_str(ctr, "image");
			char src[200], repo[256];
			const char *tag;
			cJSON *d;
			int fe, fi, digest;

			if (!is_delegate(ctr, labelled))
				continue;
			image_parts(image, repo, sizeof(repo), &tag, &digest);
			fe = fips_enabled(c, ns, ctr, src, sizeof(src));
			fi = fips_build(tag, digest);
			if ((d = cJSON_CreateObject()) == NULL ||
			    !cJSON_AddItemToArray(arr, d) ||
			    json_add_str(d, "namespace", ns) ||
			    json_add_str(d, "name", name) ||
			    json_add_str(d, "kind", kind) ||
			    json_add_str(d, "instance", json_get_str(labels,
			    "app.kubernetes.io/instance")) ||
			    json_add_str(d, "container", json_get_str(ctr,
			    "name")) ||
			    json_add_str(d, "image", image) ||
			    json_add_str(d, "tag", tag) ||
			    json_add_tristate(d, "fips_image", fi) ||
			    json_add_tristate(d, "fips_enabled", fe) ||
			    json_add_str(d, "fips_enabled_source", src) ||
			    cJSON_AddNumberToObject(d, "replicas",
			    cJSON_IsNumber(replicas) ? replicas->valuedouble :
			    1) == NULL) {
				c->oom = 1;
				return;
			}
			if (fe != 1)
				finding(c, "delegate %s/%s: FIPS_ENABLED is %s "
				    "(%s)", ns != NULL ? ns : "?", name != NULL ?
				    name : "?", fe == 0 ? "not true" :
				    "not known to be true", src);
			if (fi != 1)
				finding(c, "delegate %s/%s: image %s %s", ns !=
				    NULL ? ns : "?", name != NULL ? name : "?",
				    image, fi == 0 ? "is not a FIPS build "
				    "(-fips, .minimal-fips)" : "is pinned by "
				    "digest only: cannot tell whether it is a "
				    "FIPS build");
		}
	}
	upgraders(c, up);
	delegate_releases_seen(c, arr);
}

/* Every container image of the workloads, for the module inventory. */
static void
images(struct collect *c)
{
	cJSON *arr = cJSON_AddArrayToObject(c->doc, "images");
	const cJSON *item, *ctr;

	if (arr == NULL) {
		c->oom = 1;
		return;
	}
	cJSON_ArrayForEach(item, c->lists[F_WORKLOADS])
		cJSON_ArrayForEach(ctr, cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(item, "spec"), "template"),
		    "spec"), "containers")) {
			cJSON *o = cJSON_CreateObject();

			if (o == NULL || !cJSON_AddItemToArray(arr, o) ||
			    json_add_str(o, "namespace", meta_str(item,
			    "namespace")) ||
			    json_add_str(o, "workload", meta_str(item, "name")) ||
			    json_add_str(o, "kind", json_get_str(item, "kind")) ||
			    json_add_str(o, "container", json_get_str(ctr,
			    "name")) ||
			    json_add_str(o, "image", json_get_str(ctr, "image")))
				c->oom = 1;
		}
}

/* --- TLS targets ------------------------------------------------------ */

static void
add_target(struct collect *c, cJSON *arr, const char *host, long port,
    const cJSON *sport, const char *starttls, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

/*
 * One TLS endpoint worth scanning, once, with where it was found and,
 * for a Service's port (sport), what its name and appProtocol say it is
 * for: a port that answers in plaintext is judged with them.
 */
static void
add_target(struct collect *c, cJSON *arr, const char *host, long port,
    const cJSON *sport, const char *starttls, const char *fmt, ...)
{
	char target[300], source[300];
	const cJSON *t;
	cJSON *o;
	va_list ap;

	/* Only what can be a host name or an address: the cluster's data
	 * is not trusted to be well-formed. */
	if (host == NULL || *host == '\0' || strlen(host) > 253 || port < 1 ||
	    port > 65535 || strspn(host, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:") != strlen(host))
		return;
	snprintf(target, sizeof(target), strchr(host, ':') != NULL ?
	    "[%s]:%ld" : "%s:%ld", host, port);
	cJSON_ArrayForEach(t, arr)
		if (strcmp(json_get_str(t, "target"), target) == 0)
			return;
	va_start(ap, fmt);
	vsnprintf(source, sizeof(source), fmt, ap);
	va_end(ap);
	if ((o = cJSON_CreateObject()) == NULL || !cJSON_AddItemToArray(arr, o) ||
	    json_add_str(o, "target", target) ||
	    json_add_str(o, "starttls", starttls) ||
	    json_add_str(o, "source", source) ||
	    (sport != NULL && (json_add_str(o, "port_name",
	    json_get_str(sport, "name")) || json_add_str(o, "app_protocol",
	    json_get_str(sport, "appProtocol")))))
		c->oom = 1;
}

/*
 * SMTP servers named in a release's values: any mapping under a key with
 * "smtp" in its name that has a host (and maybe a port; 587 if not).
 * They are scanned with STARTTLS.
 */
static void
smtp_targets(struct collect *c, cJSON *arr, const cJSON *v, int under,
    const char *release)
{
	const cJSON *e;

	if (!cJSON_IsObject(v))
		return;
	if (under && json_get_str(v, "host") != NULL) {
		const cJSON *port = cJSON_GetObjectItemCaseSensitive(v, "port");

		add_target(c, arr, json_get_str(v, "host"),
		    (long)json_number(port, 0, 65536, 587), NULL,
		    "smtp", "SMTP server in the values of release %s",
		    release);
	}
	cJSON_ArrayForEach(e, v)
		smtp_targets(c, arr, e, under || (e->string != NULL &&
		    strcasestr(e->string, "smtp") != NULL), release);
}

/* The SMTP server harness-manager's chart is given (release_evidence()). */
static void
smtp_evidence(struct collect *c, cJSON *arr, const cJSON *smtp,
    const char *release)
{
	const char *host = json_get_str(smtp, "host");
	const char *tls = json_get_str(smtp, "tls");
	int implicit = tls != NULL && strcmp(tls, "implicit") == 0;

	if (host == NULL || *host == '\0' ||
	    json_get_tristate(smtp, "enabled") == 0)
		return;
	add_target(c, arr, host, (long)json_number(
	    cJSON_GetObjectItemCaseSensitive(smtp, "port"), 1, 65535,
	    implicit ? 465 : 587), NULL, implicit ? NULL : "smtp",
	    "SMTP server of release %s (global.smtpCreateSecret, %s)", release,
	    implicit ? "implicit TLS" : "STARTTLS");
}

static void
tls_targets(struct collect *c)
{
	cJSON *arr = cJSON_AddArrayToObject(c->doc, "tls_targets");
	const cJSON *item, *x, *y, *rel;
	const char *node_ip = NULL;

	if (arr == NULL) {
		c->oom = 1;
		return;
	}
	/* NodePorts answer on every node: one node's address will do. */
	cJSON_ArrayForEach(item, c->lists[F_NODES])
		cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(item, "status"),
		    "addresses"))
			if (node_ip == NULL && json_get_str(x, "type") != NULL &&
			    strcmp(json_get_str(x, "type"), "InternalIP") == 0)
				node_ip = json_get_str(x, "address");
	/* The current revision's user values of each Harness release. */
	cJSON_ArrayForEach(rel, cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(c->doc, "helm"), "releases")) {
		const cJSON *cur = cluster_current_revision(rel);
		char name[300];

		snprintf(name, sizeof(name), "%s/%s",
		    json_str_or(rel, "namespace", ""), json_str_or(rel, "name",
		    ""));
		smtp_targets(c, arr, cJSON_GetObjectItemCaseSensitive(cur,
		    "values_user"), 0, name);
		smtp_evidence(c, arr, values_get(cur, "evidence.smtp"), name);
	}
	cJSON_ArrayForEach(item, c->lists[F_INGRESSES]) {
		const cJSON *spec = cJSON_GetObjectItemCaseSensitive(item,
		    "spec");

		cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(spec,
		    "tls"))
			cJSON_ArrayForEach(y, cJSON_GetObjectItemCaseSensitive(x,
			    "hosts"))
				add_target(c, arr, cJSON_IsString(y) ?
				    y->valuestring : NULL, 443, NULL, NULL,
				    "ingress %s/%s",
				    meta_str(item, "namespace"),
				    meta_str(item, "name"));
		cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(spec,
		    "rules"))
			add_target(c, arr, json_get_str(x, "host"), 443, NULL,
			    NULL,
			    "ingress %s/%s (rule)", meta_str(item, "namespace"),
			    meta_str(item, "name"));
	}
	cJSON_ArrayForEach(item, c->lists[F_SERVICES]) {
		const cJSON *spec = cJSON_GetObjectItemCaseSensitive(item,
		    "spec");
		const char *type = json_get_str(spec, "type");
		const cJSON *lb = cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(
		    item, "status"), "loadBalancer"), "ingress");

		if (type != NULL && strcmp(type, "NodePort") == 0) {
			cJSON_ArrayForEach(y, cJSON_GetObjectItemCaseSensitive(
			    spec, "ports")) {
				const cJSON *np = cJSON_GetObjectItemCaseSensitive(
				    y, "nodePort");

				add_target(c, arr, node_ip,
				    (long)json_number(np, 0, 65536, 0), y, NULL,
				    "service %s/%s (NodePort)",
				    meta_str(item, "namespace"),
				    meta_str(item, "name"));
			}
			continue;
		}
		if (type == NULL || strcmp(type, "LoadBalancer") != 0)
			continue;
		cJSON_ArrayForEach(x, lb)
			cJSON_ArrayForEach(y, cJSON_GetObjectItemCaseSensitive(
			    spec, "ports")) {
				const cJSON *port = cJSON_GetObjectItemCaseSensitive(
				    y, "port");
				const char *h = json_get_str(x, "hostname");

				add_target(c, arr, h != NULL ? h :
				    json_get_str(x, "ip"),
				    (long)json_number(port, 0, 65536, 0), y,
				    NULL, "service %s/%s (LoadBalancer)",
				    meta_str(item, "namespace"),
				    meta_str(item, "name"));
			}
	}
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
		finding_in(c, "FIPS-HELM-GLOBAL", "values files", "fail",
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
	nodes(c);
	if (c->fatal)
		goto out;
	helm(c);
	delegates(c);
	images(c);
	tls_targets(c);
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
