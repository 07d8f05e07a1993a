/*
 * kube.h - a read-only Kubernetes API client (libcurl), TLS verification
 * always on.
 *
 * Credentials come from the pod's service account (in-cluster) or from a
 * kubeconfig file (its current context, or one named), read with libyaml.
 * Lists are paged (limit/continue); 429 and 5xx are retried with backoff
 * (Retry-After honoured); every request has a timeout and a size cap. A
 * refused token or a CA that does not verify the server is one error
 * naming the server.
 */
#ifndef FIPSEV_KUBE_H
#define FIPSEV_KUBE_H

#include <stddef.h>

#include "collector/net/http.h"

struct cJSON;
struct kube;
struct klist_budget;

/* The service account files of a pod. */
#define KUBE_SA_DIR	"/var/run/secrets/kubernetes.io/serviceaccount"


struct kube_opts {
	const char	*kubeconfig;	/* NULL: in-cluster */
	const char	*context;	/* NULL: current-context */
	const char	*sa_dir;	/* NULL: KUBE_SA_DIR (tests override) */
	int		 timeout_ms;	/* per request */
	int		 retries;	/* on 429/5xx and connection errors */
	int		 page_size;	/* list limit */
};

void	 kube_defaults(struct kube_opts *o);

/*
 * Connect the client: read the credentials (nothing is sent yet).
 * Returns 0 and *out, or -1 after logging what is wrong with the
 * kubeconfig or service account.
 */
int	 kube_open(const struct kube_opts *o, struct kube **out);
void	 kube_close(struct kube *k);

/* The API server's URL, for messages and evidence. */
const char *kube_server(const struct kube *k);

/*
 * GET path (e.g. "/api/v1/nodes?labelSelector=...") and every following
 * page, read under the caps of klist.h; the items are appended to out,
 * charged to budget. Returns 0; -1 with the reason in err when this list
 * cannot be had whole (HTTP 404, 500 after retries, a cap reached, paging
 * that loops...); or KUBE_FATAL when no request can work (credentials
 * refused, server not verified, server unreachable). Nothing is logged:
 * the caller decides.
 */
#define KUBE_FATAL	HTTP_FATAL

int	 kube_list(struct kube *k, const char *path, struct cJSON *out,
	    struct klist_budget *budget, char *err, size_t errlen);

/*
 * One request (GET, POST with a JSON payload, DELETE), retried like a
 * list page; *body (NUL-terminated, *len bytes; free it) is the answer
 * to a 2xx. Returns 0, -1 or KUBE_FATAL as kube_list() does.
 */
int	 kube_request(struct kube *k, const char *method, const char *path,
	    const char *payload, char **body, size_t *len, char *err,
	    size_t errlen);

#endif
