/*
 * cluster_int.h - what the files of the cluster collector share: the
 * collection under way (struct collect) and each part's entry points.
 * cluster.c reads the lists and puts the document together; the parts
 * are cluster_nodes.c, cluster_helm.c, cluster_secrets.c,
 * cluster_delegates.c and cluster_targets.c. Nothing outside
 * collector/cluster/ includes it.
 */
#ifndef FIPSEV_CLUSTER_INT_H
#define FIPSEV_CLUSTER_INT_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "collector/cluster/cluster.h"
#include "collector/net/klist.h"

struct kube;
struct probe_opts;

/* What cluster_read_source() returns besides 0. */
enum { READ_UNREADABLE = 1, READ_ABSENT = 2 };

/* The lists of a collection, by the index of cluster.c's snapshot_files. */
enum { F_NODES, F_RELEASES, F_CONFIGMAPS, F_WORKLOADS, F_INGRESSES,
    F_SERVICES, F_CRONJOBS, F_DBSECRETS, NFILES };

/* A collection under way: what it reads from and what it has made. */
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

/* cluster.c: reading the lists, messages, and the whole document */
void	 cluster_finding(struct collect *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void	 cluster_finding_in(struct collect *c, const char *check,
	    const char *subject, const char *result, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
const char *cluster_meta_str(const cJSON *obj, const char *field);
void	 cluster_note(struct collect *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int	 cluster_read_source(const char *dir, const char *file, char **text,
	    size_t *len);
int	 cluster_safe_name(const char *s);

/* cluster_nodes.c: every node listed and its evidence */
void	 cluster_nodes(struct collect *c);

/* cluster_helm.c: the Helm releases and their history */
const cJSON *cluster_configmap(struct collect *c, const char *ns,
	    const char *name);
const char *cluster_database_password_var(const char *db);
void	 cluster_helm(struct collect *c);
int	 cluster_release_evidence(const cJSON *eff, cJSON *r);

/* cluster_secrets.c: database password lengths, never the passwords */
int	 cluster_db_passwords(struct collect *c, cJSON *rel, const char *ns,
	    const cJSON *cur);

/* cluster_delegates.c: delegates, upgraders and images */
void	 cluster_delegates(struct collect *c);
int	 cluster_fips_enabled(struct collect *c, const char *ns,
	    const cJSON *ctr, char *src, size_t srclen);
void	 cluster_images(struct collect *c);

/* cluster_targets.c: the TLS endpoints worth scanning */
void	 cluster_tls_targets(struct collect *c);

#endif
