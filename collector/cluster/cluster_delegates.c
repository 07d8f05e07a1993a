/*
 * cluster_delegates.c - delegates, upgraders and images; see cluster_int.h.
 */
#define _GNU_SOURCE	/* strcasestr */


#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "collector/cluster/helm.h"
#include "collector/cluster/values.h"
#include "util/json.h"
#include "collector/cluster/cluster_int.h"
#include "util/banned.h"

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
int
cluster_fips_enabled(struct collect *c, const char *ns, const cJSON *ctr, char *src,
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
			const cJSON *cm = cn != NULL ? cluster_configmap(c, ns, cn) :
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
			const cJSON *cm = cn != NULL ? cluster_configmap(c, ns, cn) :
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
			const char *ns = cluster_meta_str(item, "namespace");
			const char *name = cluster_meta_str(item, "name");
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
				cluster_finding(c, "delegate upgrader %s/%s: image %s is "
				    "%s (SMP %s ships upgrader:*-fips)",
				    ns != NULL ? ns : "?", name != NULL ? name :
				    "?", image, fi == 0 ? "not a FIPS build" :
				    "pinned by digest only: cannot tell whether "
				    "it is a FIPS build", smp);
			else
				cluster_note(c, "delegate upgrader %s/%s: image %s is not "
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
		cluster_finding_in(c, "FIPS-DELEGATE", subject, "missing-evidence",
		    "delegate release %s (harness-delegate-ng): no delegate "
		    "workload of it (app.kubernetes.io/instance): what it runs "
		    "is not known", subject);
	}
}

void
cluster_delegates(struct collect *c)
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
		const char *ns = cluster_meta_str(item, "namespace");
		const char *name = cluster_meta_str(item, "name");
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
			fe = cluster_fips_enabled(c, ns, ctr, src, sizeof(src));
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
				cluster_finding(c, "delegate %s/%s: FIPS_ENABLED is %s "
				    "(%s)", ns != NULL ? ns : "?", name != NULL ?
				    name : "?", fe == 0 ? "not true" :
				    "not known to be true", src);
			if (fi != 1)
				cluster_finding(c, "delegate %s/%s: image %s %s", ns !=
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
void
cluster_images(struct collect *c)
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
			    json_add_str(o, "namespace", cluster_meta_str(item,
			    "namespace")) ||
			    json_add_str(o, "workload", cluster_meta_str(item, "name")) ||
			    json_add_str(o, "kind", json_get_str(item, "kind")) ||
			    json_add_str(o, "container", json_get_str(ctr,
			    "name")) ||
			    json_add_str(o, "image", json_get_str(ctr, "image")))
				c->oom = 1;
		}
}
