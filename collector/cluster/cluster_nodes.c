/*
 * cluster_nodes.c - every node listed and its evidence; see cluster_int.h.
 */
#define _GNU_SOURCE	/* strcasestr */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "collector/cluster/probe.h"
#include "collector/node/node.h"
#include "util/json.h"
#include "util/log.h"
#include "collector/cluster/cluster_int.h"
#include "util/banned.h"

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
		cluster_finding(c, "node %s: %s would take more than %zu MiB of memory "
		    "to read: that evidence is missing", name, origin,
		    CLUSTER_REPORT_WEIGHT >> 20);
	if (rep == NULL || json_get_str(rep, "format") == NULL ||
	    strcmp(json_get_str(rep, "format"), NODE_FORMAT) != 0 ||
	    !cJSON_IsObject(node) || json_get_tristate(node, "compliant") < 0) {
		cluster_finding(c, "node %s: %s is not a fipsev node document", name,
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
		cluster_finding_in(c, "FIPS-NODE-KERNEL", name, "missing-evidence",
		    "node %s: its report names host '%s'", name,
		    host != NULL ? host : "(none)");
	else if (compliant != 1)
		cluster_finding(c, "node %s: not in FIPS mode (see its node evidence)",
		    name);
	/* Keep the report's bytes as they are, for the store. */
	keep_report(c, text, len, host);
	cJSON_Delete(rep);
	free(text);
}

static void
no_evidence(struct collect *c, const char *name, cJSON *out, const char *why)
{
	cluster_finding(c, "node %s: no evidence from the node (%s)", name, why);
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
	if (cluster_read_source(c->dir != NULL ? c->dir : c->reports,
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
	const char **names = NULL, *os;
	cJSON **outs = NULL, *n;
	struct probe_result *res = NULL;
	int *bottlerocket = NULL;
	size_t count = 0, i;

	cJSON_ArrayForEach(n, nodes_arr)
		if (json_get_str(n, "evidence") == NULL &&
		    cluster_safe_name(json_get_str(n, "name")))
			count++;
	if (count == 0)
		return;
	names = calloc(count, sizeof(*names));
	outs = calloc(count, sizeof(*outs));
	res = calloc(count, sizeof(*res));
	bottlerocket = calloc(count, sizeof(*bottlerocket));
	if (names == NULL || outs == NULL || res == NULL ||
	    bottlerocket == NULL) {
		c->oom = 1;
		goto out;
	}
	count = 0;
	cJSON_ArrayForEach(n, nodes_arr)
		if (json_get_str(n, "evidence") == NULL &&
		    cluster_safe_name(json_get_str(n, "name"))) {
			/* What the node says of itself: only the probe's
			 * SELinux type hangs on it, never a verdict. */
			os = json_get_str(n, "os_image");
			bottlerocket[count] = os != NULL &&
			    strncmp(os, "Bottlerocket", 12) == 0;
			names[count] = json_get_str(n, "name");
			outs[count++] = n;
		}
	if (probe_nodes(c->kube, c->probe, names, bottlerocket, count,
	    res) == -1) {
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
			cluster_finding_in(c, "FIPS-CLUSTER-EVIDENCE", names[i],
			    "missing-evidence", "%s", res[i].cleanup);
	}
out:
	if (res != NULL)
		probe_results_release(res, count);
	free(res);
	free(names);
	free(outs);
	free(bottlerocket);
}

void
cluster_nodes(struct collect *c)
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
		const char *name = cluster_meta_str(item, "name");
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
		if (!cluster_safe_name(name)) {
			cluster_finding(c, "a node with an unusable name ('%.100s'): no "
			    "evidence can be matched to it", name != NULL ?
			    name : "");
			continue;
		}
		node_report(c, name, n);
	}
	/* Every cluster has a node: an empty list is not "all FIPS". */
	if (c->lists[F_NODES] != NULL && cJSON_GetArraySize(arr) == 0)
		cluster_finding_in(c, "FIPS-CLUSTER-EVIDENCE", "nodes",
		    "missing-evidence", "the cluster's node list is empty: no "
		    "node's FIPS mode can be shown");
	if (c->kube != NULL && c->reports == NULL && c->probe != NULL)
		probe_all(c, arr);
}
