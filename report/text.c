/*
 * text.c - terminal renderings; see text.h.
 */
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "store/store.h"
#include "text.h"
#include "util/json.h"
#include "util/banned.h"

#define LABEL_WIDTH 16

/* Print s with control bytes shown as '?' (s may be NULL: "-"). */
static void
put_clean(FILE *out, const char *s)
{
	if (s == NULL) {
		fputs("-", out);
		return;
	}
	for (; *s != '\0'; s++)
		fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, out);
}

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
	put_clean(out, json_get_str(node, "hostname"));
	if (strcmp(json_get_str(node, "root") ? json_get_str(node, "root") : "/",
	    "/") != 0) {
		fputs(" (root ", out);
		put_clean(out, json_get_str(node, "root"));
		fputs(")", out);
	}
	fputc('\n', out);

	label(out, "os");
	put_clean(out, json_get_str(os, "pretty_name"));
	if (json_get_str(os, "variant_id") != NULL) {
		fputs(" [", out);
		put_clean(out, json_get_str(os, "variant_id"));
		fputs("]", out);
	}
	fprintf(out, " (%s%s)\n", json_get_str(os, "family") ?
	    json_get_str(os, "family") : "unknown",
	    json_get_tristate(os, "fips_variant") == 1 ? ", FIPS variant" : "");

	label(out, "kernel");
	put_clean(out, json_get_str(node, "kernel_release"));
	fputc('\n', out);

	fe = json_get_tristate(node, "fips_enabled");
	label(out, "fips_enabled");
	fprintf(out, "%s\n", fe < 0 ? "unknown (see notes)" : fe ? "1" : "0");
	if (json_get_str(node, "fips_name") != NULL) {
		label(out, "fips_name");
		put_clean(out, json_get_str(node, "fips_name"));
		fputc('\n', out);
	}
	label(out, "cmdline fips=");
	put_clean(out, json_get_str(node, "kernel_cmdline_fips_value"));
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
	put_clean(out, json_get_str(markers, "crypto_policy"));
	fputc('\n', out);

	label(out, "own openssl");
	put_clean(out, json_get_str(ossl, "version"));
	fprintf(out, " (FIPS provider available %s, running %s; "
	    "default fips=yes %s)\n",
	    yesno(json_get_tristate(ossl, "fips_provider_available")),
	    yesno(json_get_tristate(ossl, "fips_provider_running")),
	    yesno(json_get_tristate(ossl, "fips_default_enabled")));

	cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(node, "notes")) {
		label(out, "note");
		put_clean(out, cJSON_GetStringValue(item));
		fputc('\n', out);
	}
	label(out, "verdict");
	fputs(json_get_tristate(node, "compliant") == 1 ? "COMPLIANT\n" :
	    "NOT COMPLIANT\n", out);
	cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(node,
	    "reasons")) {
		fprintf(out, "%-*s- ", LABEL_WIDTH, "");
		put_clean(out, cJSON_GetStringValue(item));
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
	put_clean(out, ri->host);
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
	put_clean(out, ri->host);
	fprintf(out, " by fipsev %s\n", ri->tool_version);
	label(out, "nodes");
	fprintf(out, "%d (%d compliant)\n", ri->nodes, ri->nodes_compliant);
	label(out, "verdict");
	fprintf(out, "%s\n", strcmp(ri->verdict, "compliant") == 0 ?
	    "COMPLIANT" : "NOT COMPLIANT");
}
