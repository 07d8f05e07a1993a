/*
 * cluster_secrets.c - database password lengths, never the passwords; see
 * cluster_int.h.
 */
#define _GNU_SOURCE	/* strcasestr */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "collector/net/kube.h"
#include "collector/cluster/values.h"
#include "util/json.h"
#include "collector/cluster/cluster_int.h"
#include "util/banned.h"

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
	if (!cluster_safe_name(name) || key[strspn(key, "abcdefghijklmnopqrstuvwxyz"
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

			if (cluster_meta_str(it, "namespace") == NULL ||
			    cluster_meta_str(it, "name") == NULL ||
			    strcmp(cluster_meta_str(it, "namespace"), ns) != 0 ||
			    strcmp(cluster_meta_str(it, "name"), name) != 0)
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
		if (cluster_meta_str(w, "namespace") == NULL ||
		    strcmp(cluster_meta_str(w, "namespace"), ns) != 0)
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
			    json_str_or(w, "kind", "workload"), cluster_meta_str(w,
			    "name") ? cluster_meta_str(w,
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
int
cluster_db_passwords(struct collect *c, cJSON *rel, const char *ns,
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
		if (cluster_database_password_var(db->string) == NULL) {
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
