/*
 * probe.h - each node's own evidence, from the node itself: a short-lived
 * pod pinned to the node (spec.nodeName) runs `fipsev node --root /host
 * --json` with the host's /proc, /etc and /usr/lib mounted read-only, and
 * host networking so that it sees the node's own host name. fipsev reads
 * the document back through the pod log API and deletes the pod. Pods run
 * a few at a time, each with a deadline; a node whose probe fails or never
 * finishes gets the reason, never silence.
 */
#ifndef FIPSEV_PROBE_H
#define FIPSEV_PROBE_H

#include <stddef.h>

struct kube;

/*
 * The SELinux type probes get on Bottlerocket nodes, which enforce
 * SELinux on containers. Bottlerocket's policy (bottlerocket-core-kit,
 * packages/selinux-policy: rules.cil, object.cil) lets every subject
 * read what is "public": the host's /proc (proc_t), /etc (etc_t) and the
 * root file system under /usr/lib (os_t) all are, and only secret_t,
 * private_t and csi_exec_t are held back. So the plain container type
 * suffices, and the privileged ones (control_t, super_t: the latter may
 * write anywhere on the host) are never the default. Set explicitly on
 * Bottlerocket nodes only, so the pod says what it runs as.
 */
#define PROBE_SELINUX_BOTTLEROCKET	"container_t"

struct probe_opts {
	const char	*image;		/* an image with fipsev in its PATH */
	const char	*ns;		/* where the probe pods run */
	const char	*pull_secret;	/* imagePullSecrets; NULL: none */
	const char	*selinux_type;	/* NULL: Bottlerocket's on Bottlerocket
					 * nodes; "none": never set */
	int		 timeout_ms;	/* per node, creation to log */
	int		 parallel;	/* pods at once */
	int		 poll_ms;	/* how often to look at the pods */
};

void	 probe_defaults(struct probe_opts *o);

struct probe_result {
	char	*text;		/* the node document, or NULL */
	size_t	 len;
	char	 error[512];	/* why there is none */
	char	 cleanup[512];	/* a pod that could not be deleted */
};

/*
 * Probe nodes[0..n) into res[0..n) (zeroed by the caller); bottlerocket[i]
 * says whether node i runs Bottlerocket (its SELinux type). Returns 0, or
 * -1 after logging when the API refuses the probes altogether (e.g. no
 * right to create pods in the namespace).
 */
int	 probe_nodes(struct kube *k, const struct probe_opts *o,
	    const char *const *nodes, const int *bottlerocket, size_t n,
	    struct probe_result *res);

void	 probe_results_release(struct probe_result *res, size_t n);

#endif
