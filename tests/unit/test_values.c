/*
 * test_values.c - Helm values as Helm reads them (YAML typing, aliases,
 * merge keys, merging files), redaction of everything that may be a
 * secret, and Helm release decoding.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dirent.h>

#include <cmocka.h>
#include <cjson/cJSON.h>
#include <openssl/evp.h>

#include "collector/cluster/helm.h"
#include "collector/cluster/values.h"
#include "util/buf.h"
#include "util/text.h"
#include "skip.h"

static cJSON *
yaml(const char *text)
{
	return values_parse_yaml("test.yaml", text, strlen(text));
}

static void
test_typing(void **state)
{
	cJSON *v = yaml("a: yes\nb: \"yes\"\nc: 12\nd: 1.5\ne: ~\nf: off\n"
	    "g: 0x1F\nh: 12345678901234567890\ni: !!str true\nj:\nk: 0400\n"
	    "l: 0.5\nm: 0xZZ\n");

	(void)state;
	assert_non_null(v);
	assert_true(cJSON_IsTrue(values_get(v, "a")));
	assert_string_equal(values_get(v, "b")->valuestring, "yes");
	assert_int_equal(values_get(v, "c")->valuedouble, 12);
	assert_true(values_get(v, "d")->valuedouble == 1.5);
	assert_true(cJSON_IsNull(values_get(v, "e")));
	assert_true(cJSON_IsFalse(values_get(v, "f")));
	/* Hex and octal as YAML 1.1 (go-yaml) reads them. */
	assert_int_equal(values_get(v, "g")->valuedouble, 31);
	assert_int_equal(values_get(v, "k")->valuedouble, 256);
	/* Beyond 2^53: kept as text, never rounded. */
	assert_string_equal(values_get(v, "h")->valuestring,
	    "12345678901234567890");
	assert_string_equal(values_get(v, "i")->valuestring, "true");
	assert_true(cJSON_IsNull(values_get(v, "j")));
	assert_true(values_get(v, "l")->valuedouble == 0.5);
	assert_string_equal(values_get(v, "m")->valuestring, "0xZZ");
	cJSON_Delete(v);

	/* An empty file is an empty map; a list or two documents are not. */
	assert_non_null(v = yaml(""));
	assert_true(cJSON_IsObject(v));
	cJSON_Delete(v);
	assert_null(yaml("- a\n- b\n"));
	assert_null(yaml("a: 1\n---\nb: 2\n"));
	assert_null(yaml("a: [1, 2\n"));
	assert_null(yaml("? [a]\n: 1\n"));
}

static void
test_aliases(void **state)
{
	cJSON *v = yaml("base: &b\n  x: 1\n  y: 2\nc:\n  <<: *b\n  y: 3\n"
	    "d: *b\nl: &l [1, 2]\nm: *l\n");
	char bomb[2048];
	size_t off;
	char c;

	(void)state;
	assert_non_null(v);
	assert_int_equal(values_get(v, "c.x")->valuedouble, 1);
	assert_int_equal(values_get(v, "c.y")->valuedouble, 3);
	assert_null(values_get(v, "c.<<"));
	assert_int_equal(values_get(v, "d.y")->valuedouble, 2);
	assert_int_equal(cJSON_GetArraySize(values_get(v, "m")), 2);
	cJSON_Delete(v);
	assert_null(yaml("a: *nowhere\n"));
	/* A repeated key frees what an anchor pointed at: no dangling use. */
	assert_null(yaml("a: &x {b: 1}\na: 2\nc: *x\n"));

	/* A billion laughs stops at the node limit. */
	off = (size_t)snprintf(bomb, sizeof(bomb),
	    "a: &a [x,x,x,x,x,x,x,x,x,x]\n");
	for (c = 'b'; c <= 'h'; c++)
		off += (size_t)snprintf(bomb + off, sizeof(bomb) - off,
		    "%c: &%c [*%c,*%c,*%c,*%c,*%c,*%c,*%c,*%c,*%c,*%c]\n", c, c,
		    c - 1, c - 1, c - 1, c - 1, c - 1, c - 1, c - 1, c - 1,
		    c - 1, c - 1);
	assert_null(yaml(bomb));
}

static void
test_merge(void **state)
{
	cJSON *a = yaml("global:\n  fips: false\n  ha: true\nlist: [1, 2]\n"
	    "gone: 1\n");
	cJSON *b = yaml("global:\n  fips: true\nlist: [3]\ngone: null\n"
	    "new: x\n");

	(void)state;
	assert_int_equal(values_merge(a, b), 0);
	assert_true(cJSON_IsTrue(values_get(a, "global.fips")));
	assert_true(cJSON_IsTrue(values_get(a, "global.ha")));
	assert_int_equal(cJSON_GetArraySize(values_get(a, "list")), 1);
	assert_null(values_get(a, "gone"));
	assert_string_equal(values_get(a, "new")->valuestring, "x");
	/* src is untouched. */
	assert_true(cJSON_IsNull(values_get(b, "gone")));
	cJSON_Delete(a);
	cJSON_Delete(b);
}

static int
redacted(const cJSON *v, const char *path)
{
	const cJSON *x = values_get(v, path);

	return cJSON_IsString(x) &&
	    strncmp(x->valuestring, "<redacted sha256:", 17) == 0;
}

static void
test_redact(void **state)
{
	cJSON *v = yaml(
	    "global:\n  fips: true\n  authEnabled: true\n"
	    "mongoDBPassword: hunter2\nAPIKey: k1\nssl_cert: c1\n"
	    "monkey: banana\nkeyboard: qwerty\n"
	    "secrets:\n  nested:\n    deep: s1\n    n: 42\n"
	    "banner: \"-----BEGIN PRIVATE KEY-----\\nabc\"\n"
	    "jwtish: eyJhbGciOi.eyJzdWIi.sig\n"
	    "dsnlike: postgres://u:pw@db:5432/x\n"
	    "plainurl: https://harness.example.com/path\n"
	    "token: 1234\n");
	const cJSON *t;
	long n;

	(void)state;
	assert_non_null(v);
	n = values_redact(v);
	assert_int_equal(n, 9);
	assert_true(redacted(v, "mongoDBPassword"));
	assert_true(redacted(v, "APIKey"));
	assert_true(redacted(v, "ssl_cert"));
	assert_true(redacted(v, "secrets.nested.deep"));
	assert_true(redacted(v, "secrets.nested.n"));
	assert_true(redacted(v, "banner"));
	assert_true(redacted(v, "jwtish"));
	assert_true(redacted(v, "dsnlike"));
	assert_true(redacted(v, "token"));
	/* Words, not substrings; booleans stay. */
	assert_string_equal(values_get(v, "monkey")->valuestring, "banana");
	assert_string_equal(values_get(v, "keyboard")->valuestring, "qwerty");
	assert_string_equal(values_get(v, "plainurl")->valuestring,
	    "https://harness.example.com/path");
	assert_true(cJSON_IsTrue(values_get(v, "global.fips")));
	assert_true(cJSON_IsTrue(values_get(v, "global.authEnabled")));
	/* The marker is the SHA-256 of the value: SHA-256("hunter2"). */
	t = values_get(v, "mongoDBPassword");
	assert_string_equal(t->valuestring, "<redacted sha256:f52fbd32b2b3b8"
	    "6ff88ef6c490628285f482af15ddcb29541f94bcf526a3f6c7>");
	cJSON_Delete(v);
}

/*
 * Keyed markers: the HMAC-SHA-256 of the value under the key (checked
 * against OpenSSL's HMAC of the same inputs), with the key's id before it.
 */
static void
test_redact_keyed(void **state)
{
	static const char key[] = "0123456789abcdef";
	cJSON *v = yaml("password: hunter2\nother: x\n");
	unsigned char mac[32];
	char want[200], hex[65];
	size_t maclen, i;
	const char *got;

	(void)state;
	assert_int_equal(values_redact_key(key, 8), -1);	/* too short */
	assert_int_equal(values_redact_key(key, 16), 0);
	assert_int_equal(values_redact(v), 1);
	got = values_get(v, "password")->valuestring;
	assert_non_null(EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, key, 16,
	    (const unsigned char *)"hunter2", 7, mac, sizeof(mac), &maclen));
	for (i = 0; i < maclen; i++)
		snprintf(hex + 2 * i, 3, "%02x", mac[i]);
	assert_int_equal(strncmp(got, "<redacted hmac-sha256:", 22), 0);
	snprintf(want, sizeof(want), ":%s>", hex);
	assert_string_equal(got + strlen(got) - strlen(want), want);
	assert_int_equal((int)strlen(got), 22 + 12 + 1 + 64 + 1);
	assert_string_equal(values_get(v, "other")->valuestring, "x");
	assert_int_equal(values_redact_key(NULL, 0), 0);
	cJSON_Delete(v);
}

/*
 * The delegate chart's custom_envs, a Kubernetes env list: the secret is
 * under "value", named by its sibling "name".
 */
static void
test_redact_env_list(void **state)
{
	cJSON *v = yaml(
	    "custom_envs:\n"
	    "  - name: ARTIFACTORY_TOKEN\n    value: tok-123\n"
	    "  - name: FIPS_ENABLED\n    value: \"true\"\n"
	    "  - name: PROXY_PASSWORD\n    value: pw\n"
	    "  - name: DELEGATE_TASK_CAPACITY\n    value: \"10\"\n");
	const cJSON *e;

	(void)state;
	assert_non_null(v);
	assert_int_equal(values_redact(v), 2);
	e = cJSON_GetObjectItem(v, "custom_envs");
	assert_true(redacted(cJSON_GetArrayItem(e, 0), "value"));
	assert_string_equal(values_get(cJSON_GetArrayItem(e, 1),
	    "value")->valuestring, "true");
	assert_true(redacted(cJSON_GetArrayItem(e, 2), "value"));
	assert_string_equal(values_get(cJSON_GetArrayItem(e, 3),
	    "value")->valuestring, "10");
	/* The names stay: they say what was there. */
	assert_string_equal(values_get(cJSON_GetArrayItem(e, 0),
	    "name")->valuestring, "ARTIFACTORY_TOKEN");
	cJSON_Delete(v);
}

/* base64(base64(body)), as the API and Helm wrap a release. */
static char *
wrap(const void *body, size_t n)
{
	struct buf in, out;

	buf_init(&in, 1 << 20);
	buf_init(&out, 1 << 20);
	assert_int_equal(base64_encode(&in, body, n), 0);
	assert_int_equal(base64_encode(&out, in.data, in.len), 0);
	buf_release(&in);
	return out.data;
}

static void
test_helm(void **state)
{
	static const char json[] = "{\"name\":\"harness\",\"version\":3}";
	char err[128], *text;
	cJSON *rel;
	int ok;

	(void)state;
	text = wrap(json, strlen(json));	/* plain JSON, no gzip */
	assert_non_null(rel = helm_release_decode(text, strlen(text), 2, err,
	    sizeof(err)));
	assert_string_equal(cJSON_GetObjectItem(rel, "name")->valuestring,
	    "harness");
	cJSON_Delete(rel);
	free(text);
	/* A ConfigMap's record (HELM_DRIVER=configmap): one layer. */
	{
		char once[128];
		size_t n = strlen(json);

		assert_true(EVP_EncodeBlock((unsigned char *)once,
		    (const unsigned char *)json, (int)n) > 0);
		assert_non_null(rel = helm_release_decode(once, strlen(once), 1,
		    err, sizeof(err)));
		assert_int_equal(cJSON_GetObjectItem(rel, "version")->valueint,
		    3);
		cJSON_Delete(rel);
		/* The same text read as a Secret's is refused, not misread. */
		assert_null(helm_release_decode(once, strlen(once), 2, err,
		    sizeof(err)));
	}
	assert_null(helm_release_decode("!!!", 3, 2, err, sizeof(err)));
	assert_string_equal(err, "data.release is not base64");
	/* A whole gzip header, then bytes that are not deflate data. */
	text = wrap("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xff\xff\xff"
	    "\xff", 14);
	assert_null(helm_release_decode(text, strlen(text), 2, err, sizeof(err)));
	assert_string_equal(err, "corrupt gzip");
	free(text);
	text = wrap("\x1f\x8b\x08\x00", 4);
	assert_null(helm_release_decode(text, strlen(text), 2, err, sizeof(err)));
	assert_string_equal(err, "truncated gzip");
	free(text);
	text = wrap("[1,2]", 5);
	assert_null(helm_release_decode(text, strlen(text), 2, err, sizeof(err)));
	assert_string_equal(err, "the release is not a JSON object");
	free(text);

	assert_true(helm_version_cmp("0.31.0", "0.31.0", &ok) == 0 && ok);
	assert_true(helm_version_cmp("v0.31.2", "0.31.0", &ok) > 0 && ok);
	assert_true(helm_version_cmp("0.30.9", "0.31.0", &ok) < 0 && ok);
	assert_true(helm_version_cmp("0.31.0-rc.1", "0.31.0", &ok) < 0 && ok);
	assert_true(helm_version_cmp("1.0.0+build", "0.31.0", &ok) > 0 && ok);
	helm_version_cmp("latest", "0.31.0", &ok);
	assert_false(ok);
	helm_version_cmp("0.31", "0.31.0", &ok);
	assert_false(ok);
}

/*
 * The fixtures' release Secrets, built from Harness's real charts: the
 * SMP release and the delegate chart's are good; a truncated and a
 * hostile one are not.
 */
static void
test_helm_fixtures(void **state)
{
	const char *samples = getenv("SAMPLES");
	char path[1024], err[128], *text;
	cJSON *list, *item;
	FILE *fp;
	long n;
	int good = 0, bad = 0;

	(void)state;
	if (samples == NULL)
		skip_because("SAMPLES (the samples/ folder) is not set");
	snprintf(path, sizeof(path), "%s/cluster/hostile/helm-releases.json",
	    samples);
	assert_non_null(fp = fopen(path, "r"));
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	text = malloc((size_t)n + 1);
	assert_int_equal(fread(text, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	list = cJSON_ParseWithLength(text, (size_t)n);
	free(text);
	cJSON_ArrayForEach(item, cJSON_GetObjectItem(list, "items")) {
		const char *d = cJSON_GetObjectItem(cJSON_GetObjectItem(item,
		    "data"), "release")->valuestring;
		cJSON *rel = helm_release_decode(d, strlen(d), 2, err,
		    sizeof(err));

		if (rel != NULL)
			good++;
		else {
			bad++;
			assert_true(strcmp(err, "truncated gzip") == 0 ||
			    strcmp(err, "the release is not JSON") == 0);
		}
		cJSON_Delete(rel);
	}
	assert_int_equal(good, 2);
	assert_int_equal(bad, 2);
	cJSON_Delete(list);
}

/* Does the array arr hold the string s? */
static int
has(const cJSON *arr, const char *s)
{
	const cJSON *e;

	cJSON_ArrayForEach(e, arr)
		if (cJSON_IsString(e) && strcmp(e->valuestring, s) == 0)
			return 1;
	return 0;
}

/* Every string of arr is one of the allowed. */
static int
only(const cJSON *arr, const char *const *allowed)
{
	const cJSON *e;
	size_t i;

	cJSON_ArrayForEach(e, arr) {
		for (i = 0; allowed[i] != NULL; i++)
			if (cJSON_IsString(e) &&
			    strcmp(e->valuestring, allowed[i]) == 0)
				break;
		if (allowed[i] == NULL)
			return 0;
	}
	return 1;
}

/*
 * The RBAC in deploy/base is least privilege: read-only cluster-wide on
 * exactly what fipsev lists, Secrets only in the release namespace, pod
 * writes only in the probes' own namespace, no wildcards anywhere.
 */
static void
test_rbac(void **state)
{
	static const char *const read[] = { "get", "list", NULL };
	static const char *const probe[] = { "create", "get", "delete", NULL };
	static const char *const listed[][2] = {
		{ "", "nodes" }, { "", "configmaps" }, { "", "services" },
		{ "apps", "deployments" }, { "apps", "statefulsets" },
		{ "networking.k8s.io", "ingresses" }, { "batch", "cronjobs" },
	};
	const char *samples = getenv("SAMPLES");
	char dir[1024], path[1300];
	struct dirent *de;
	DIR *d;
	int files = 0, roles = 0, bindings = 0;
	size_t i;

	(void)state;
	if (samples == NULL)
		skip_because("SAMPLES (the samples/ folder) is not set");
	snprintf(dir, sizeof(dir), "%s/../deploy/base", samples);
	assert_non_null(d = opendir(dir));
	while ((de = readdir(d)) != NULL) {
		const char *kind, *name, *ns;
		const cJSON *rule, *subj;
		cJSON *doc;

		/* The roles and their bindings, one object a file. */
		if (strstr(de->d_name, ".yaml") == NULL ||
		    (strncmp(de->d_name, "role", 4) != 0 &&
		    strncmp(de->d_name, "clusterrole", 11) != 0))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		assert_non_null(doc = values_read_file(path));
		files++;
		kind = cJSON_GetObjectItem(doc, "kind")->valuestring;
		name = values_get(doc, "metadata.name")->valuestring;
		ns = cJSON_IsString(values_get(doc, "metadata.namespace")) ?
		    values_get(doc, "metadata.namespace")->valuestring : NULL;
		cJSON_ArrayForEach(rule, cJSON_GetObjectItem(doc, "rules")) {
			const cJSON *verbs = cJSON_GetObjectItem(rule, "verbs");
			const cJSON *res = cJSON_GetObjectItem(rule,
			    "resources");

			assert_false(has(verbs, "*") || has(res, "*") ||
			    has(cJSON_GetObjectItem(rule, "apiGroups"), "*"));
			if (strcmp(kind, "ClusterRole") == 0) {
				assert_true(only(verbs, read));
				assert_false(has(res, "secrets") ||
				    has(res, "pods"));
			} else if (strcmp(name, "fipsev-helm-reader") == 0) {
				assert_true(only(verbs, read));
				assert_true(has(res, "secrets") &&
				    cJSON_GetArraySize(res) == 1);
			} else {
				assert_string_equal(name, "fipsev-probe");
				assert_string_equal(ns, "fipsev-probes");
				assert_true(has(res, "pods/log") ? only(verbs,
				    read) : only(verbs, probe));
			}
		}
		if (strcmp(kind, "ClusterRole") == 0)
			for (i = 0; i < sizeof(listed) / sizeof(listed[0]);
			    i++) {
				int found = 0;

				cJSON_ArrayForEach(rule, cJSON_GetObjectItem(doc,
				    "rules"))
					found |= has(cJSON_GetObjectItem(rule,
					    "apiGroups"), listed[i][0]) &&
					    has(cJSON_GetObjectItem(rule,
					    "resources"), listed[i][1]) &&
					    has(cJSON_GetObjectItem(rule,
					    "verbs"), "list");
				if (!found)
					fail_msg("ClusterRole cannot list %s",
					    listed[i][1]);
			}
		roles += strstr(kind, "Role") != NULL &&
		    strstr(kind, "Binding") == NULL;
		cJSON_ArrayForEach(subj, cJSON_GetObjectItem(doc,
		    "subjects")) {
			assert_string_equal(cJSON_GetObjectItem(subj,
			    "name")->valuestring, "fipsev");
			assert_string_equal(cJSON_GetObjectItem(subj,
			    "namespace")->valuestring, "fipsev");
			bindings++;
		}
		cJSON_Delete(doc);
	}
	closedir(d);
	assert_int_equal(files, 6);
	assert_int_equal(roles, 3);
	assert_int_equal(bindings, 3);
}

/* The CronJob and its volumes: the settings that matter. */
static void
test_deploy(void **state)
{
	const char *samples = getenv("SAMPLES");
	char path[1024];
	cJSON *cj, *pvc;
	const cJSON *pod, *ctr, *v, *a;
	int secret_vol = 0, tmp_vol = 0, completed_ok = 0;

	(void)state;
	if (samples == NULL)
		skip_because("SAMPLES (the samples/ folder) is not set");
	snprintf(path, sizeof(path), "%s/../deploy/base/cronjob.yaml",
	    samples);
	assert_non_null(cj = values_read_file(path));
	assert_string_equal(values_get(cj, "kind")->valuestring, "CronJob");
	assert_string_equal(values_get(cj, "spec.concurrencyPolicy")->
	    valuestring, "Forbid");
	assert_string_equal(values_get(cj, "spec.timeZone")->valuestring,
	    "Etc/UTC");
	assert_true(values_get(cj, "spec.successfulJobsHistoryLimit")->
	    valuedouble <= 5);
	assert_true(values_get(cj, "spec.failedJobsHistoryLimit")->
	    valuedouble <= 5);
	pod = values_get(cj, "spec.jobTemplate.spec.template.spec");
	assert_string_equal(values_get(pod, "serviceAccountName")->valuestring,
	    "fipsev");
	assert_true(cJSON_IsTrue(values_get(pod, "securityContext."
	    "runAsNonRoot")));
	ctr = cJSON_GetArrayItem(values_get(pod, "containers"), 0);
	assert_true(cJSON_IsTrue(values_get(ctr, "securityContext."
	    "readOnlyRootFilesystem")));
	assert_true(cJSON_IsFalse(values_get(ctr, "securityContext."
	    "allowPrivilegeEscalation")));
	assert_string_equal(cJSON_GetArrayItem(values_get(ctr, "args"), 0)->
	    valuestring, "run");
	cJSON_ArrayForEach(a, values_get(ctr, "args"))
		completed_ok |= strcmp(a->valuestring, "--completed-ok") == 0;
	assert_true(completed_ok);
	cJSON_ArrayForEach(v, values_get(pod, "volumes")) {
		if (values_get(v, "secret.secretName") != NULL) {
			/* 0400: only its owner may read the key (fsGroup
			 * makes it 0440, which fipsev allows: README). */
			assert_int_equal(values_get(v, "secret.defaultMode")->
			    valuedouble, 0400);
			secret_vol = 1;
		}
		if (values_get(v, "emptyDir.sizeLimit") != NULL)
			tmp_vol = 1;
	}
	assert_true(secret_vol);
	assert_true(tmp_vol);
	snprintf(path, sizeof(path), "%s/../deploy/base/pvc.yaml", samples);
	assert_non_null(pvc = values_read_file(path));
	assert_string_equal(values_get(pvc, "kind")->valuestring,
	    "PersistentVolumeClaim");
	cJSON_Delete(cj);
	cJSON_Delete(pvc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_typing),
		cmocka_unit_test(test_aliases),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_redact),
		cmocka_unit_test(test_redact_env_list),
		cmocka_unit_test(test_redact_keyed),
		cmocka_unit_test(test_helm),
		cmocka_unit_test(test_helm_fixtures),
		cmocka_unit_test(test_rbac),
		cmocka_unit_test(test_deploy),
	};

	return unit_status(cmocka_run_group_tests(tests, NULL, NULL));
}
