/*
 * probe.c - see probe.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "collector/net/kube.h"
#include "collector/cluster/probe.h"
#include "util/json.h"
#include "util/log.h"
#include "util/progress.h"
#include "util/banned.h"

struct slot {
	size_t	 node;		/* index into nodes and res */
	char	 pod[254];
	int64_t	 deadline;
};

void
probe_defaults(struct probe_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->ns = "fipsev";
	o->timeout_ms = 120000;
	o->parallel = 8;
	o->poll_ms = 1000;
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
pause_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/*
 * The SELinux type a probe on this node gets: the one configured, else
 * Bottlerocket's on a Bottlerocket node; NULL for none.
 */
static const char *
selinux_type(const struct probe_opts *o, int bottlerocket)
{
	if (o->selinux_type != NULL)
		return strcmp(o->selinux_type, "none") == 0 ? NULL :
		    o->selinux_type;
	return bottlerocket ? PROBE_SELINUX_BOTTLEROCKET : NULL;
}

/*
 * The pod's hardening: small requests and limits, the runtime's seccomp
 * profile, no capabilities, a Linux node, the pull Secret and SELinux
 * type asked for. Returns 0, or -1 out of memory.
 */
static int
harden(const struct probe_opts *o, cJSON *spec, cJSON *ctr, cJSON *sc,
    const char *selinux)
{
	cJSON *psc, *seccomp, *caps, *drop, *res, *req, *lim, *sel, *ps, *se;

	if ((sel = cJSON_AddObjectToObject(spec, "nodeSelector")) == NULL ||
	    json_add_str(sel, "kubernetes.io/os", "linux") ||
	    (psc = cJSON_AddObjectToObject(spec, "securityContext")) == NULL ||
	    (seccomp = cJSON_AddObjectToObject(psc, "seccompProfile")) ==
	    NULL || json_add_str(seccomp, "type", "RuntimeDefault") ||
	    (caps = cJSON_AddObjectToObject(sc, "capabilities")) == NULL ||
	    (drop = cJSON_AddArrayToObject(caps, "drop")) == NULL ||
	    json_array_add_str(drop, "ALL") ||
	    (res = cJSON_AddObjectToObject(ctr, "resources")) == NULL ||
	    (req = cJSON_AddObjectToObject(res, "requests")) == NULL ||
	    json_add_str(req, "cpu", "10m") ||
	    json_add_str(req, "memory", "32Mi") ||
	    (lim = cJSON_AddObjectToObject(res, "limits")) == NULL ||
	    json_add_str(lim, "cpu", "500m") ||
	    json_add_str(lim, "memory", "128Mi"))
		return -1;
	if (o->pull_secret != NULL &&
	    ((ps = cJSON_AddArrayToObject(spec, "imagePullSecrets")) == NULL ||
	    (se = cJSON_CreateObject()) == NULL ||
	    !cJSON_AddItemToArray(ps, se) ||
	    json_add_str(se, "name", o->pull_secret)))
		return -1;
	if (selinux != NULL &&
	    ((se = cJSON_AddObjectToObject(psc, "seLinuxOptions")) == NULL ||
	    json_add_str(se, "type", selinux)))
		return -1;
	return 0;
}

/* The pod that reads one node, as JSON text. */
static char *
pod_spec(const struct probe_opts *o, const char *node, int bottlerocket)
{
	static const char *const mounts[][2] = {
		{ "proc", "/proc" }, { "etc", "/etc" }, { "usr-lib", "/usr/lib" },
	};
	cJSON *pod = cJSON_CreateObject(), *meta, *labels, *spec, *ctrs, *ctr,
	    *cmd, *vms, *vols, *sc, *tol, *t;
	char *text = NULL, path[64];
	size_t i;

	if (pod == NULL ||
	    json_add_str(pod, "apiVersion", "v1") ||
	    json_add_str(pod, "kind", "Pod") ||
	    (meta = cJSON_AddObjectToObject(pod, "metadata")) == NULL ||
	    json_add_str(meta, "generateName", "fipsev-probe-") ||
	    (labels = cJSON_AddObjectToObject(meta, "labels")) == NULL ||
	    json_add_str(labels, "app.kubernetes.io/name", "fipsev-probe") ||
	    (spec = cJSON_AddObjectToObject(pod, "spec")) == NULL ||
	    json_add_str(spec, "nodeName", node) ||
	    json_add_str(spec, "restartPolicy", "Never") ||
	    cJSON_AddBoolToObject(spec, "automountServiceAccountToken", 0) ==
	    NULL ||
	    /* The node's own UTS namespace: its host name, not the pod's. */
	    cJSON_AddBoolToObject(spec, "hostNetwork", 1) == NULL ||
	    (tol = cJSON_AddArrayToObject(spec, "tolerations")) == NULL ||
	    (t = cJSON_CreateObject()) == NULL ||
	    !cJSON_AddItemToArray(tol, t) ||
	    json_add_str(t, "operator", "Exists") ||
	    (ctrs = cJSON_AddArrayToObject(spec, "containers")) == NULL ||
	    (ctr = cJSON_CreateObject()) == NULL ||
	    !cJSON_AddItemToArray(ctrs, ctr) ||
	    json_add_str(ctr, "name", "probe") ||
	    json_add_str(ctr, "image", o->image) ||
	    (cmd = cJSON_AddArrayToObject(ctr, "command")) == NULL ||
	    json_array_add_str(cmd, "fipsev") ||
	    json_array_add_str(cmd, "node") ||
	    json_array_add_str(cmd, "--root") ||
	    json_array_add_str(cmd, "/host") ||
	    json_array_add_str(cmd, "--json") ||
	    (sc = cJSON_AddObjectToObject(ctr, "securityContext")) == NULL ||
	    cJSON_AddBoolToObject(sc, "readOnlyRootFilesystem", 1) == NULL ||
	    cJSON_AddBoolToObject(sc, "allowPrivilegeEscalation", 0) == NULL ||
	    harden(o, spec, ctr, sc, selinux_type(o, bottlerocket)) == -1 ||
	    (vms = cJSON_AddArrayToObject(ctr, "volumeMounts")) == NULL ||
	    (vols = cJSON_AddArrayToObject(spec, "volumes")) == NULL)
		goto out;
	for (i = 0; i < sizeof(mounts) / sizeof(mounts[0]); i++) {
		cJSON *m = cJSON_CreateObject(), *v = cJSON_CreateObject(), *hp;

		snprintf(path, sizeof(path), "/host%s", mounts[i][1]);
		if (m == NULL || v == NULL || !cJSON_AddItemToArray(vms, m) ||
		    !cJSON_AddItemToArray(vols, v) ||
		    json_add_str(m, "name", mounts[i][0]) ||
		    json_add_str(m, "mountPath", path) ||
		    cJSON_AddBoolToObject(m, "readOnly", 1) == NULL ||
		    json_add_str(v, "name", mounts[i][0]) ||
		    (hp = cJSON_AddObjectToObject(v, "hostPath")) == NULL ||
		    json_add_str(hp, "path", mounts[i][1]) ||
		    json_add_str(hp, "type", "Directory"))
			goto out;
	}
	text = json_print(pod);
out:
	cJSON_Delete(pod);
	return text;
}

static void
remove_pod(struct kube *k, const struct probe_opts *o, struct slot *sl,
    struct probe_result *r)
{
	char path[512], err[300], *body;
	size_t len;

	snprintf(path, sizeof(path), "/api/v1/namespaces/%s/pods/%s?"
	    "gracePeriodSeconds=0", o->ns, sl->pod);
	if (kube_request(k, "DELETE", path, NULL, &body, &len, err,
	    sizeof(err)) != 0)
		snprintf(r->cleanup, sizeof(r->cleanup), "probe pod %.63s/%.100s was "
		    "not deleted: %.250s", o->ns, sl->pod, err);
	else
		free(body);
}

/* Look at one running probe. Returns 1 when it is over (res filled). */
static int
check_slot(struct kube *k, const struct probe_opts *o, struct slot *sl,
    struct probe_result *r, int64_t now)
{
	char path[512], err[300], *body = NULL;
	const char *phase;
	size_t len;
	cJSON *pod;
	int too_big;

	snprintf(path, sizeof(path), "/api/v1/namespaces/%s/pods/%s", o->ns,
	    sl->pod);
	if (kube_request(k, "GET", path, NULL, &body, &len, err,
	    sizeof(err)) != 0) {
		snprintf(r->error, sizeof(r->error), "probe pod %.100s: %.250s",
		    sl->pod, err);
		remove_pod(k, o, sl, r);
		return 1;
	}
	pod = json_parse_capped(body, len, HTTP_JSON_WEIGHT_MAX, &too_big);
	free(body);
	phase = json_get_str(cJSON_GetObjectItemCaseSensitive(pod, "status"),
	    "phase");
	if (phase != NULL && (strcmp(phase, "Succeeded") == 0 ||
	    strcmp(phase, "Failed") == 0)) {
		int ok = strcmp(phase, "Succeeded") == 0;

		snprintf(path, sizeof(path), "/api/v1/namespaces/%s/pods/%s/"
		    "log", o->ns, sl->pod);
		if (kube_request(k, "GET", path, NULL, &body, &len, err,
		    sizeof(err)) != 0)
			snprintf(r->error, sizeof(r->error), "cannot read the "
			    "log of probe pod %.100s: %.250s", sl->pod, err);
		else if (!ok) {
			snprintf(r->error, sizeof(r->error), "probe pod %s "
			    "failed: %.200s", sl->pod, body);
			free(body);
		} else {
			r->text = body;
			r->len = len;
		}
		cJSON_Delete(pod);
		remove_pod(k, o, sl, r);
		return 1;
	}
	if (now >= sl->deadline) {
		snprintf(r->error, sizeof(r->error), "probe pod %s did not "
		    "finish within %d s (phase %s)", sl->pod,
		    o->timeout_ms / 1000, phase != NULL ? phase : "unknown");
		cJSON_Delete(pod);
		remove_pod(k, o, sl, r);
		return 1;
	}
	cJSON_Delete(pod);
	return 0;
}

int
probe_nodes(struct kube *k, const struct probe_opts *o,
    const char *const *nodes, const int *bottlerocket, size_t n,
    struct probe_result *res)
{
	struct slot *slots;
	size_t next = 0, active = 0, i;
	char path[512], err[300];
	int too_big;

	if ((slots = calloc((size_t)o->parallel, sizeof(*slots))) == NULL) {
		log_errno("probes");
		return -1;
	}
	snprintf(path, sizeof(path), "/api/v1/namespaces/%s/pods", o->ns);
	progress_begin("probing nodes", n);
	while (next < n || active > 0) {
		int64_t now;

		progress_step(next - active);
		/* Start what the cap allows. */
		while (next < n && active < (size_t)o->parallel) {
			struct slot *sl = &slots[active];
			char *spec = pod_spec(o, nodes[next],
			    bottlerocket[next]), *body = NULL;
			size_t len;
			cJSON *pod;
			int r;

			if (spec == NULL) {
				log_err("out of memory building a probe pod");
				free(slots);
				return -1;
			}
			r = kube_request(k, "POST", path, spec, &body, &len,
			    err, sizeof(err));
			free(spec);
			if (r == KUBE_FATAL) {
				log_err("cannot create probe pods: %s", err);
				free(slots);
				return -1;
			}
			pod = r == 0 ? json_parse_capped(body, len,
			    HTTP_JSON_WEIGHT_MAX, &too_big) : NULL;
			free(body);
			if (r != 0 || json_get_str(cJSON_GetObjectItemCaseSensitive(
			    pod, "metadata"), "name") == NULL) {
				snprintf(res[next].error, sizeof(res[next].error),
				    "cannot create a probe pod: %.250s", r != 0 ?
				    err : "no pod name in the answer");
				cJSON_Delete(pod);
				next++;
				continue;
			}
			snprintf(sl->pod, sizeof(sl->pod), "%s", json_get_str(
			    cJSON_GetObjectItemCaseSensitive(pod, "metadata"),
			    "name"));
			cJSON_Delete(pod);
			sl->node = next++;
			sl->deadline = now_ms() + o->timeout_ms;
			active++;
		}
		if (active == 0)
			break;
		pause_ms(o->poll_ms);
		now = now_ms();
		for (i = 0; i < active;) {
			if (check_slot(k, o, &slots[i], &res[slots[i].node],
			    now)) {
				slots[i] = slots[--active];
				continue;
			}
			i++;
		}
	}
	progress_step(n);
	progress_end();
	free(slots);
	return 0;
}

void
probe_results_release(struct probe_result *res, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(res[i].text);
}
