/*
 * cluster.h - the cluster's side of the evidence: every node listed and
 * the node evidence that came from it, the Harness Helm release and its
 * history (global.fips, SMP version, FIPS since the first install), the
 * delegates and their FIPS_ENABLED, and the TLS endpoints worth scanning.
 *
 * The objects come from a snapshot directory of `kubectl get ... -o json`
 * files (README "Cluster evidence" lists the commands), read the same way
 * a live API client will read them. A file that is missing is missing
 * evidence, named in the document, never an error. Secrets in values are
 * redacted (values.h) before they reach the document.
 */
#ifndef FIPSEV_CLUSTER_H
#define FIPSEV_CLUSTER_H

#include "evidence/cluster.h"	/* CLUSTER_FORMAT */

#include <stddef.h>
#include <stdio.h>

struct buf;
struct cJSON;


/* The largest snapshot file read (a list, read as a stream: klist.h). */
#define CLUSTER_FILE_MAX	((size_t)512 * 1024 * 1024)
/* The largest node report read, and what it may take once parsed. */
#define CLUSTER_REPORT_MAX	((size_t)16 * 1024 * 1024)
#define CLUSTER_REPORT_WEIGHT	((size_t)64 * 1024 * 1024)

/* The first SMP version that supports FIPS (the seed). */
#define SMP_FIPS_MIN_VERSION	"0.31.0"

/* What a collection produced. */
/*
 * The nodes' own documents, byte for byte as read, are kept out of
 * memory: one after another in an unlinked temporary file (tmpfile(3),
 * so $TMPDIR is not consulted: /tmp), read back one at a time with
 * cluster_report(). A 5,000-node cluster then costs one report of memory,
 * not 5,000.
 */
struct cluster_report {
	long		 off;		/* in the spool */
	size_t		 len;
	char		*host;		/* the host name it names, or NULL */
};

struct cluster_evidence {
	struct cJSON	*doc;		/* CLUSTER_FORMAT */
	FILE		*spool;
	struct cluster_report *reports;
	size_t		 nreports;
};

/*
 * Read the snapshot in dir, and the values files (an override.yaml under
 * review, merged in order as `helm -f` merges them; judged beside what is
 * installed, never instead of it). Returns 0 and fills ev, or -1 after
 * logging when fipsev cannot go on (dir or a values file unreadable, out
 * of memory); bad or missing snapshot files only become findings.
 */
int	 cluster_from_snapshot(const char *dir, const char *const *values,
	    size_t nvalues, struct cluster_evidence *ev);

struct kube_opts;
struct probe_opts;

/*
 * The same evidence from a live API server (kube.h). Node evidence comes
 * from reports in the directory reports (files NODE.json) when given,
 * else from probe pods (probe.h) when probe is not NULL, else it is
 * missing. Helm release Secrets are listed in each of the nrelease_ns
 * namespaces release_ns when there are any (so a namespaced Role in each
 * suffices), else in all. A refused token or an unverifiable server is
 * fatal (-1, logged); a list the server will not give (RBAC, errors) is a
 * finding.
 */
int	 cluster_from_api(const struct kube_opts *ko, const char *reports,
	    const struct probe_opts *probe, const char *const *release_ns,
	    size_t nrelease_ns, const char *const *values, size_t nvalues,
	    struct cluster_evidence *ev);

/*
 * Node document i of ev into out (emptied first). Returns 0, or -1 after
 * logging.
 */
int	 cluster_report(const struct cluster_evidence *ev, size_t i,
	    struct buf *out);

void	 cluster_evidence_release(struct cluster_evidence *ev);

/*
 * The newest (newest != 0) or oldest SMP version among the document's
 * Harness releases (helm.releases[].smp_version), or NULL for none.
 */
const char *cluster_release_smp(const struct cJSON *doc, int newest);


#endif
