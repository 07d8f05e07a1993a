/*
 * cluster.h - the cluster evidence document (fipsev-cluster/1) and the
 * facts the store keeps beside it.
 *
 * The cluster collector (collector/cluster/cluster.h) writes the document; this
 * module checks it and reads what a run's history is queried by: the
 * verdict, the first Harness release (namespace/name, SMP version,
 * global.fips, FIPS since the first install), and the node and delegate
 * counts.
 */
#ifndef FIPSEV_EVIDENCE_CLUSTER_H
#define FIPSEV_EVIDENCE_CLUSTER_H

#include <stddef.h>

struct cJSON;

#define CLUSTER_FORMAT	"fipsev-cluster/1"

/* The facts of a cluster document; everything owned by the struct. */
struct cluster_facts {
	int		 compliant;
	char		*release;		/* "ns/name", NULL: no release */
	const char	*smp_version;		/* in doc, or NULL */
	int		 global_fips;		/* -1: unknown or no release */
	int		 fips_since_first_install; /* -1: unknown */
	int		 nodes_listed;
	int		 nodes_without_evidence;
	int		 delegates;
	int		 delegates_fips;	/* the flag and a FIPS image */
	char		*findings;		/* JSON array, as text */
	struct cJSON	*doc;
};

/*
 * Parse cluster document json, check it and read its facts into *f.
 * Returns 0, or -1 after logging "WHERE: cluster evidence: ..." (*f then
 * empty).
 */
int	 cluster_facts_of(const char *where, const char *json, size_t len,
	    struct cluster_facts *f);

/*
 * The current revision of a release of the document (helm.releases[]:
 * the one current_revision names, the newest deployed), or NULL.
 */
const struct cJSON *cluster_current_revision(const struct cJSON *rel);

/* Free what *f holds and empty it. */
void	 cluster_facts_release(struct cluster_facts *f);

#endif
