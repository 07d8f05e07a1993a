/*
 * cluster_targets.c - the TLS endpoints worth scanning; see cluster_int.h.
 */
#define _GNU_SOURCE	/* strcasestr */


#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "collector/cluster/values.h"
#include "util/json.h"
#include "collector/cluster/cluster_int.h"
#include "util/banned.h"

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

/* The SMTP server harness-manager's chart is given (cluster_release_evidence()). */
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

void
cluster_tls_targets(struct collect *c)
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
				    cluster_meta_str(item, "namespace"),
				    cluster_meta_str(item, "name"));
		cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(spec,
		    "rules"))
			add_target(c, arr, json_get_str(x, "host"), 443, NULL,
			    NULL,
			    "ingress %s/%s (rule)", cluster_meta_str(item, "namespace"),
			    cluster_meta_str(item, "name"));
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
				    cluster_meta_str(item, "namespace"),
				    cluster_meta_str(item, "name"));
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
				    cluster_meta_str(item, "namespace"),
				    cluster_meta_str(item, "name"));
			}
	}
}
