/*
 * text.c - terminal renderings; see text.h.
 */
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "store/store.h"
#include "report/text.h"
#include "util/json.h"
#include "util/text.h"
#include "util/banned.h"

#define LABEL_WIDTH 16

static void
label(FILE *out, const char *name)
{
	fprintf(out, "%-*s", LABEL_WIDTH, name);
}

static const char *
yesno(int v)
{
	return v < 0 ? "unknown" : v ? "yes" : "no";
}

int
text_node(FILE *out, const cJSON *doc)
{
	const cJSON *node = cJSON_GetObjectItemCaseSensitive(doc, "node");
	const cJSON *os, *markers, *ossl, *item;
	int fe;

	if (!cJSON_IsObject(node))
		return -1;
	os = cJSON_GetObjectItemCaseSensitive(node, "os");
	markers = cJSON_GetObjectItemCaseSensitive(node, "markers");
	ossl = cJSON_GetObjectItemCaseSensitive(node, "openssl");

	label(out, "node");
	text_put_clean(out, json_get_str(node, "hostname"));
	if (strcmp(json_str_or(node, "root", "/"),
	    "/") != 0) {
		fputs(" (root ", out);
		text_put_clean(out, json_get_str(node, "root"));
		fputs(")", out);
	}
	fputc('\n', out);

	label(out, "os");
	text_put_clean(out, json_get_str(os, "pretty_name"));
	if (json_get_str(os, "variant_id") != NULL) {
		fputs(" [", out);
		text_put_clean(out, json_get_str(os, "variant_id"));
		fputs("]", out);
	}
	fprintf(out, " (%s%s)\n", json_str_or(os, "family", "unknown"),
	    json_get_tristate(os, "fips_variant") == 1 ? ", FIPS variant" : "");

	label(out, "kernel");
	text_put_clean(out, json_get_str(node, "kernel_release"));
	fputc('\n', out);

	fe = json_get_tristate(node, "fips_enabled");
	label(out, "fips_enabled");
	fprintf(out, "%s\n", fe < 0 ? "unknown (see notes)" : fe ? "1" : "0");
	if (json_get_str(node, "fips_name") != NULL) {
		label(out, "fips_name");
		text_put_clean(out, json_get_str(node, "fips_name"));
		fputc('\n', out);
	}
	label(out, "cmdline fips=");
	text_put_clean(out, json_get_str(node, "kernel_cmdline_fips_value"));
	fprintf(out, " (%s)\n",
	    json_get_tristate(node, "kernel_cmdline_fips") == 1 ? "on" : "off");
	label(out, "bootconfig fips");
	fprintf(out, "%s\n", json_get_tristate(node, "bootconfig_fips") < 0 ?
	    "(no bootconfig)" : yesno(json_get_tristate(node, "bootconfig_fips")));

	label(out, "markers");
	fprintf(out, "system-fips %s, bottlerocket kernel check %s, module "
	    "check %s\n", yesno(json_get_tristate(markers, "system_fips")),
	    yesno(json_get_tristate(markers, "bottlerocket_fips_kernel_check")),
	    yesno(json_get_tristate(markers, "bottlerocket_fips_module_check")));
	label(out, "crypto policy");
	text_put_clean(out, json_get_str(markers, "crypto_policy"));
	fputc('\n', out);

	label(out, "own openssl");
	text_put_clean(out, json_get_str(ossl, "version"));
	fprintf(out, " (FIPS provider available %s, running %s; "
	    "default fips=yes %s)\n",
	    yesno(json_get_tristate(ossl, "fips_provider_available")),
	    yesno(json_get_tristate(ossl, "fips_provider_running")),
	    yesno(json_get_tristate(ossl, "fips_default_enabled")));

	cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(node, "notes")) {
		label(out, "note");
		text_put_clean(out, cJSON_GetStringValue(item));
		fputc('\n', out);
	}
	label(out, "verdict");
	fputs(json_get_tristate(node, "compliant") == 1 ? "COMPLIANT\n" :
	    "NOT COMPLIANT\n", out);
	cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(node,
	    "reasons")) {
		fprintf(out, "%-*s- ", LABEL_WIDTH, "");
		text_put_clean(out, cJSON_GetStringValue(item));
		fputc('\n', out);
	}
	return 0;
}

void
text_runs_header(FILE *out)
{
	fprintf(out, "%6s  %-20s  %-20s  %-12s  %5s  %s\n", "RUN", "STARTED",
	    "FINISHED", "VERDICT", "NODES", "HOST");
}

void
text_run_line(FILE *out, const struct store_run_info *ri)
{
	fprintf(out, "%6lld  %-20s  %-20s  %-12s  %2d/%-2d  ", (long long)ri->id,
	    ri->started, ri->finished, ri->verdict, ri->nodes_compliant,
	    ri->nodes);
	text_put_clean(out, ri->host);
	fputc('\n', out);
}

void
text_run_summary(FILE *out, const struct store_run_info *ri)
{
	label(out, "run");
	fprintf(out, "%lld\n", (long long)ri->id);
	label(out, "started");
	fprintf(out, "%s\n", ri->started);
	label(out, "finished");
	fprintf(out, "%s\n", ri->finished);
	label(out, "collected on");
	text_put_clean(out, ri->host);
	fprintf(out, " by fipsev %s\n", ri->tool_version);
	label(out, "nodes");
	fprintf(out, "%d (%d compliant)\n", ri->nodes, ri->nodes_compliant);
	label(out, "TLS endpoints");
	fprintf(out, "%d (%d compliant)\n", ri->endpoints,
	    ri->endpoints_compliant);
	label(out, "verdict");
	fprintf(out, "%s\n", strcmp(ri->verdict, "compliant") == 0 ?
	    "COMPLIANT" : "NOT COMPLIANT");
}

/* "approved", else the status in capitals so it stands out. */
static const char *
mark(const cJSON *item)
{
	const char *st = json_get_str(item, "fips_status");

	if (st == NULL)
		return "?";
	if (strcmp(st, "approved") == 0)
		return "approved";
	if (strcmp(st, "deprecated") == 0)
		return "DEPRECATED";
	return "NOT APPROVED";
}

static void
tls_list(FILE *out, const char *title, const cJSON *arr, const char *name_key,
    int with_protocol)
{
	const cJSON *item;

	if (cJSON_GetArraySize(arr) == 0)
		return;
	fprintf(out, "  %s:\n", title);
	cJSON_ArrayForEach(item, arr) {
		const char *name = json_get_str(item, name_key);
		const char *reason = json_get_str(item, "reason");

		fputs("    ", out);
		if (with_protocol) {
			text_put_clean(out, json_get_str(item, "protocol"));
			fputs("  ", out);
		}
		text_put_clean(out, name);
		fprintf(out, "%*s", name != NULL && strlen(name) < 44 ?
		    (int)(44 - strlen(name)) : 1, "");
		fputs(mark(item), out);
		if (json_get_tristate(item, "fips_approved") != 1 &&
		    reason != NULL) {
			fputs(": ", out);
			text_put_clean(out, reason);
		}
		fputc('\n', out);
	}
}

static void
tls_certificate(FILE *out, const cJSON *cert)
{
	const cJSON *chain, *c, *ver, *ocsp, *neg;

	if (!cJSON_IsObject(cert)) {
		fputs("  certificate:   none recorded\n", out);
		return;
	}
	neg = cJSON_GetObjectItemCaseSensitive(cert, "negotiated");
	fputs("  negotiated:    ", out);
	text_put_clean(out, json_get_str(neg, "protocol"));
	fputs(" ", out);
	text_put_clean(out, json_get_str(neg, "cipher"));
	fputs(" ", out);
	text_put_clean(out, json_get_str(neg, "group"));
	fputs(" ", out);
	text_put_clean(out, json_get_str(neg, "sigalg"));
	fputc('\n', out);
	ver = cJSON_GetObjectItemCaseSensitive(cert, "verification");
	fputs("  verification:  ", out);
	text_put_clean(out, json_get_str(ver, "result"));
	fputs(" (recorded, not enforced)\n", out);
	ocsp = cJSON_GetObjectItemCaseSensitive(cert, "ocsp_stapling");
	fprintf(out, "  ocsp stapling: %s\n",
	    json_get_tristate(ocsp, "stapled") == 1 ? "yes" : "no");
	chain = cJSON_GetObjectItemCaseSensitive(cert, "chain");
	cJSON_ArrayForEach(c, chain) {
		const cJSON *bits = cJSON_GetObjectItemCaseSensitive(c,
		    "key_bits");

		fprintf(out, "  certificate %d: ", cJSON_GetObjectItemCaseSensitive(
		    c, "depth") != NULL ? cJSON_GetObjectItemCaseSensitive(c,
		    "depth")->valueint : 0);
		text_put_clean(out, json_get_str(c, "subject"));
		fputs("\n      key ", out);
		text_put_clean(out, json_get_str(c, "key_type"));
		fprintf(out, " %d bits, ", cJSON_IsNumber(bits) ?
		    bits->valueint : 0);
		text_put_clean(out, json_get_str(c, "signature_algorithm"));
		fputs(", until ", out);
		text_put_clean(out, json_get_str(c, "not_after"));
		fputs(", issuer ", out);
		text_put_clean(out, json_get_str(c, "issuer"));
		fputc('\n', out);
	}
}

int
text_tls(FILE *out, const cJSON *doc)
{
	const cJSON *ep;

	cJSON_ArrayForEach(ep, cJSON_GetObjectItemCaseSensitive(doc,
	    "endpoints")) {
		const cJSON *order, *o, *f, *probes;
		const cJSON *conns = cJSON_GetObjectItemCaseSensitive(ep,
		    "connections");

		text_put_clean(out, json_get_str(ep, "target"));
		if (json_get_str(ep, "address") != NULL) {
			fputs(" (", out);
			text_put_clean(out, json_get_str(ep, "address"));
			fputs(")", out);
		}
		fprintf(out, ": %s, %d connections\n",
		    json_get_tristate(ep, "compliant") == 1 ? "compliant" :
		    "NOT compliant", cJSON_IsNumber(conns) ? conns->valueint :
		    0);
		if (json_get_str(ep, "error") != NULL) {
			fputs("  error:         ", out);
			text_put_clean(out, json_get_str(ep, "error"));
			fputc('\n', out);
		}
		probes = cJSON_GetObjectItemCaseSensitive(ep, "protocol_probes");
		tls_list(out, "protocols", cJSON_GetObjectItemCaseSensitive(ep,
		    "protocol_details"), "protocol", 0);
		order = cJSON_GetObjectItemCaseSensitive(ep, "server_order");
		tls_list(out, "cipher suites", cJSON_GetObjectItemCaseSensitive(
		    ep, "ciphers"), "iana_name", 1);
		if (cJSON_GetArraySize(order) > 0) {
			fputs("  server order: ", out);
			cJSON_ArrayForEach(o, order) {
				text_put_clean(out, o->string);
				fprintf(out, " %s ", cJSON_IsTrue(o) ? "yes" :
				    cJSON_IsFalse(o) ? "no" : "unknown");
			}
			fputc('\n', out);
		}
		tls_list(out, "groups", cJSON_GetObjectItemCaseSensitive(ep,
		    "groups"), "name", 0);
		tls_list(out, "signature algorithms",
		    cJSON_GetObjectItemCaseSensitive(ep, "sigalgs"), "name", 0);
		fprintf(out, "  secure renegotiation %s, extended master secret "
		    "%s, compression %s\n",
		    yesno(json_get_tristate(ep, "secure_renegotiation")),
		    yesno(json_get_tristate(ep, "extended_master_secret")),
		    yesno(json_get_tristate(ep, "compression")));
		tls_certificate(out, cJSON_GetObjectItemCaseSensitive(ep,
		    "certificate"));
		if (cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(ep,
		    "protocols")) == 0) {
			fputs("  probes:\n", out);
			cJSON_ArrayForEach(o, probes) {
				fputs("    ", out);
				text_put_clean(out, o->string);
				fputs(": ", out);
				text_put_clean(out, cJSON_IsString(o) ?
				    o->valuestring : "-");
				fputc('\n', out);
			}
		}
		f = cJSON_GetObjectItemCaseSensitive(ep, "findings");
		if (cJSON_GetArraySize(f) > 0) {
			fputs("  findings:\n", out);
			cJSON_ArrayForEach(o, f) {
				fputs("    - ", out);
				text_put_clean(out, cJSON_IsString(o) ?
				    o->valuestring : "?");
				fputc('\n', out);
			}
		}
	}
	return 0;
}

static void
tristate_word(FILE *out, int v, const char *yes, const char *no)
{
	fputs(v == 1 ? yes : v == 0 ? no : "unknown", out);
}

/* "  WHAT NS/NAME: IMAGE" of a delegate or an upgrader. */
static void
workload_image(FILE *out, const char *what, const cJSON *w)
{
	fprintf(out, "  %s ", what);
	text_put_clean(out, json_get_str(w, "namespace"));
	fputc('/', out);
	text_put_clean(out, json_get_str(w, "name"));
	fputs(": ", out);
	text_put_clean(out, json_get_str(w, "image"));
}

int
text_cluster(FILE *out, const cJSON *doc)
{
	const cJSON *n, *r, *d, *t, *f;

	if (!cJSON_IsObject(doc))
		return -1;
	label(out, "cluster");
	fputs(json_get_tristate(doc, "compliant") == 1 ? "compliant\n" :
	    "NOT compliant\n", out);
	cJSON_ArrayForEach(n, cJSON_GetObjectItemCaseSensitive(doc, "nodes")) {
		fputs("  node ", out);
		text_put_clean(out, json_get_str(n, "name"));
		fputs(": ", out);
		text_put_clean(out, json_get_str(n, "os_image"));
		fputs(", evidence ", out);
		text_put_clean(out, json_get_str(n, "evidence"));
		if (json_get_tristate(n, "compliant") >= 0) {
			fputs(", ", out);
			tristate_word(out, json_get_tristate(n, "compliant"),
			    "FIPS", "NOT FIPS");
		}
		fputc('\n', out);
	}
	cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(doc, "helm"), "releases")) {
		const cJSON *since = cJSON_GetObjectItemCaseSensitive(r,
		    "fips_since_first_install");

		fputs("  release ", out);
		text_put_clean(out, json_get_str(r, "namespace"));
		fputc('/', out);
		text_put_clean(out, json_get_str(r, "name"));
		fputs(": SMP ", out);
		text_put_clean(out, json_get_str(r, "smp_version"));
		fputs(" (", out);
		tristate_word(out, json_get_tristate(r, "smp_version_supported"),
		    "supports FIPS", "before FIPS support");
		fputs("), global.fips ", out);
		tristate_word(out, json_get_tristate(r, "global_fips"), "true",
		    "NOT true");
		fputs(", FIPS from the first install: ", out);
		tristate_word(out, json_get_tristate(since, "value"), "yes",
		    "NO");
		fputs("\n    ", out);
		text_put_clean(out, json_get_str(since, "reason"));
		fputc('\n', out);
	}
	cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(doc,
	    "delegates")) {
		workload_image(out, "delegate", d);
		fputs(", FIPS_ENABLED ", out);
		tristate_word(out, json_get_tristate(d, "fips_enabled"), "true",
		    "NOT true");
		fputs(" (", out);
		text_put_clean(out, json_get_str(d, "fips_enabled_source"));
		fputs("), FIPS image ", out);
		tristate_word(out, json_get_tristate(d, "fips_image"), "yes",
		    "NO");
		fputc('\n', out);
	}
	cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(doc,
	    "delegate_upgraders")) {
		workload_image(out, "delegate upgrader", d);
		fputs(", FIPS image ", out);
		tristate_word(out, json_get_tristate(d, "fips_image"), "yes",
		    "NO");
		fputc('\n', out);
	}
	f = cJSON_GetObjectItemCaseSensitive(doc, "notes");
	cJSON_ArrayForEach(t, f) {
		fputs("  note: ", out);
		text_put_clean(out, cJSON_IsString(t) ? t->valuestring : NULL);
		fputc('\n', out);
	}
	cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(doc,
	    "tls_targets")) {
		fputs("  TLS target ", out);
		text_put_clean(out, json_get_str(t, "target"));
		fputs(" (", out);
		text_put_clean(out, json_get_str(t, "source"));
		fputs(")\n", out);
	}
	f = cJSON_GetObjectItemCaseSensitive(doc, "findings");
	if (cJSON_GetArraySize(f) > 0) {
		fputs("  findings:\n", out);
		cJSON_ArrayForEach(t, f) {
			fputs("    - ", out);
			text_put_clean(out, cJSON_IsString(t) ? t->valuestring : "?");
			fputc('\n', out);
		}
	}
	return 0;
}

int
text_inventory(FILE *out, const cJSON *doc)
{
	const cJSON *it, *f;

	if (!cJSON_IsObject(doc))
		return -1;
	label(out, "inventory");
	fputs(json_get_tristate(doc, "compliant") == 1 ?
	    "only supported modules and components\n" :
	    "NOT all supported\n", out);
	fprintf(out, "  %-32s %-28s %-9s %s\n", "module", "component",
	    "supported", "seen at");
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(doc,
	    "inventory")) {
		const char *mod = json_get_str(it, "module");
		const char *comp = json_get_str(it, "component");
		const char *sup = json_get_str(it, "supported");

		fputs("  ", out);
		text_put_clean(out, mod);
		fprintf(out, "%*s ", mod != NULL && strlen(mod) < 32 ?
		    (int)(32 - strlen(mod)) : 0, "");
		text_put_clean(out, comp);
		fprintf(out, "%*s ", comp != NULL && strlen(comp) < 28 ?
		    (int)(28 - strlen(comp)) : 0, "");
		fprintf(out, "%-9s ", sup != NULL && strcmp(sup, "yes") == 0 ?
		    "yes" : sup != NULL && strcmp(sup, "no") == 0 ? "NO" :
		    "UNKNOWN");
		text_put_clean(out, json_get_str(it, "seen_at"));
		fputc('\n', out);
	}
	f = cJSON_GetObjectItemCaseSensitive(doc, "findings");
	if (cJSON_GetArraySize(f) > 0) {
		fputs("  findings:\n", out);
		cJSON_ArrayForEach(it, f) {
			fputs("    - ", out);
			text_put_clean(out, cJSON_IsString(it) ? it->valuestring :
			    "?");
			fputc('\n', out);
		}
	}
	return 0;
}

int
text_harness(FILE *out, const cJSON *doc)
{
	const cJSON *src = cJSON_GetObjectItemCaseSensitive(doc, "source");
	const cJSON *e;

	if (!cJSON_IsObject(doc))
		return -1;
	label(out, "harness api");
	text_put_clean(out, json_get_str(src, "url"));
	fputs(" account ", out);
	text_put_clean(out, json_get_str(src, "account"));
	fprintf(out, ": %d connectors, %d pipelines, %d user groups\n",
	    cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(doc,
	    "connectors")), cJSON_GetArraySize(
	    cJSON_GetObjectItemCaseSensitive(doc, "pipelines")),
	    cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(doc,
	    "user_groups")));
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(doc, "errors")) {
		fputs("  error: ", out);
		text_put_clean(out, cJSON_IsString(e) ? e->valuestring : "?");
		fputc('\n', out);
	}
	return 0;
}
