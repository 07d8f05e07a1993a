/*
 * node.c - collect one node's FIPS evidence; see node.h.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "collector/node/hostfs.h"
#include "collector/node/node.h"
#include "collector/node/node_parse.h"
#include "collector/node/openssl_self.h"
#include "util/buf.h"
#include "util/json.h"
#include "util/log.h"
#include "util/text.h"
#include "util/banned.h"

/* Keep (and parse) this much of each file; evidence files are small. */
#define KEEP_MAX (64 * 1024)

/* The files read, in the order they appear in node.sources. */
enum nfile {
	NF_FIPS_ENABLED,
	NF_FIPS_NAME,
	NF_FIPS_VERSION,
	NF_CMDLINE,
	NF_BOOTCONFIG,
	NF_OS_RELEASE,
	NF_OS_RELEASE_USR,	/* read only when /etc/os-release is missing */
	NF_KERNEL_RELEASE,
	NF_HOSTNAME_PROC,
	NF_HOSTNAME_ETC,	/* read only when the proc one is missing */
	NF_MACHINE_ID,
	NF_SYSTEM_FIPS,
	NF_BR_KERNEL_CHECK,
	NF_BR_MODULE_CHECK,
	NF_CP_CURRENT,
	NF_CP_CONFIG,		/* read only when state/current is missing */
	NF__MAX
};

static const struct {
	const char	*path;
	int		 required;	/* its absence deserves a note */
} nfiles[NF__MAX] = {
	[NF_FIPS_ENABLED] = { "/proc/sys/crypto/fips_enabled", 1 },
	[NF_FIPS_NAME] = { "/proc/sys/crypto/fips_name", 0 },
	[NF_FIPS_VERSION] = { "/proc/sys/crypto/fips_version", 0 },
	[NF_CMDLINE] = { "/proc/cmdline", 1 },
	[NF_BOOTCONFIG] = { "/proc/bootconfig", 0 },
	[NF_OS_RELEASE] = { "/etc/os-release", 0 },
	[NF_OS_RELEASE_USR] = { "/usr/lib/os-release", 1 },
	[NF_KERNEL_RELEASE] = { "/proc/sys/kernel/osrelease", 1 },
	[NF_HOSTNAME_PROC] = { "/proc/sys/kernel/hostname", 0 },
	[NF_HOSTNAME_ETC] = { "/etc/hostname", 1 },
	[NF_MACHINE_ID] = { "/etc/machine-id", 0 },
	[NF_SYSTEM_FIPS] = { "/etc/system-fips", 0 },
	[NF_BR_KERNEL_CHECK] = { "/etc/.fips-kernel-check-passed", 0 },
	[NF_BR_MODULE_CHECK] = { "/etc/.fips-module-check-passed", 0 },
	[NF_CP_CURRENT] = { "/etc/crypto-policies/state/current", 0 },
	[NF_CP_CONFIG] = { "/etc/crypto-policies/config", 0 },
};

/* Everything read and derived for one node. */
struct nodeev {
	struct hostfile	 f[NF__MAX];
	int		 tried[NF__MAX];
	enum tristate	 fips_enabled;
	struct cmdline	 cmdline;
	char		*bootconfig_fips;	/* kernel.fips value */
	struct os_release osr;
	int		 have_osr;
	char		*kernel_release;
	char		*hostname;
	char		*machine_id;
	char		*fips_name;
	char		*fips_version;
	char		*crypto_policy;
	cJSON		*notes;			/* array of strings */
	cJSON		*reasons;		/* why not compliant */
};

/* Add a formatted line to a JSON string array. */
static int
add_line(cJSON *arr, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
add_line(cJSON *arr, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);	/* long lines are cut: notes */
	va_end(ap);
	return json_array_add_str(arr, line);
}

static int
read_file(struct hostfs *fs, struct nodeev *ev, enum nfile which)
{
	struct hostfile *f = &ev->f[which];

	if (hostfs_read(fs, nfiles[which].path, KEEP_MAX, f) == -1)
		return -1;
	ev->tried[which] = 1;
	if (!f->found && (nfiles[which].required || !f->enoent) &&
	    add_line(ev->notes, "cannot read '%s': %s", f->path, f->error) == -1)
		return -1;
	if (f->found && !f->complete &&
	    add_line(ev->notes, "'%s' is larger than %" PRIu64 " bytes; its "
	    "digest covers the first %" PRIu64, f->path, HOSTFS_HASH_MAX,
	    f->size) == -1)
		return -1;
	if (f->found && f->truncated &&
	    add_line(ev->notes, "'%s' has %" PRIu64 " bytes; only the first %zu "
	    "were parsed", f->path, f->size, f->data.len) == -1)
		return -1;
	return 0;
}

/*
 * The first line of a found file, trimmed, as a new string; NULL when the
 * file was not found or that line is empty.
 */
static int
first_line(const struct hostfile *f, char **out)
{
	const char *s = buf_str(&f->data);
	size_t n = strcspn(s, "\n");

	*out = NULL;
	if (!f->found)
		return 0;
	n = rtrim_len(s, n);
	while (n > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	if (n == 0)
		return 0;
	if ((*out = strndup(s, n)) == NULL) {
		log_errno("cannot copy '%s'", f->path);
		return -1;
	}
	return 0;
}

/* Read every evidence file, following the documented fallbacks. */
static int
read_all(struct hostfs *fs, struct nodeev *ev)
{
	static const enum nfile always[] = {
		NF_FIPS_ENABLED, NF_FIPS_NAME, NF_FIPS_VERSION, NF_CMDLINE,
		NF_BOOTCONFIG, NF_OS_RELEASE, NF_KERNEL_RELEASE,
		NF_HOSTNAME_PROC, NF_MACHINE_ID, NF_SYSTEM_FIPS,
		NF_BR_KERNEL_CHECK, NF_BR_MODULE_CHECK, NF_CP_CURRENT,
	};

	for (size_t i = 0; i < sizeof(always) / sizeof(always[0]); i++)
		if (read_file(fs, ev, always[i]) == -1)
			return -1;
	/* os-release(5): /usr/lib/os-release when /etc has none. */
	if (!ev->f[NF_OS_RELEASE].found && ev->f[NF_OS_RELEASE].enoent &&
	    read_file(fs, ev, NF_OS_RELEASE_USR) == -1)
		return -1;
	if (!ev->f[NF_HOSTNAME_PROC].found &&
	    read_file(fs, ev, NF_HOSTNAME_ETC) == -1)
		return -1;
	if (!ev->f[NF_CP_CURRENT].found &&
	    read_file(fs, ev, NF_CP_CONFIG) == -1)
		return -1;
	return 0;
}

/* Turn what was read into parsed fields. */
static int
parse_all(struct nodeev *ev)
{
	const struct hostfile *f;

	f = &ev->f[NF_FIPS_ENABLED];
	ev->fips_enabled = TRI_UNKNOWN;
	if (f->found) {
		ev->fips_enabled = parse_fips_flag(f->data.data, f->data.len);
		if (ev->fips_enabled == TRI_UNKNOWN &&
		    add_line(ev->notes, "'%s' holds neither 0 nor 1", f->path) == -1)
			return -1;
	}
	if (first_line(&ev->f[NF_FIPS_NAME], &ev->fips_name) == -1 ||
	    first_line(&ev->f[NF_FIPS_VERSION], &ev->fips_version) == -1 ||
	    first_line(&ev->f[NF_KERNEL_RELEASE], &ev->kernel_release) == -1 ||
	    first_line(&ev->f[NF_MACHINE_ID], &ev->machine_id) == -1)
		return -1;
	if (first_line(&ev->f[ev->f[NF_HOSTNAME_PROC].found ?
	    NF_HOSTNAME_PROC : NF_HOSTNAME_ETC], &ev->hostname) == -1)
		return -1;

	f = &ev->f[NF_CMDLINE];
	if (cmdline_parse(f->found ? f->data.data : "", f->data.len,
	    &ev->cmdline) == -1)
		goto oom;

	f = &ev->f[NF_BOOTCONFIG];
	if (f->found && bootconfig_get(f->data.data, f->data.len,
	    "kernel.fips", &ev->bootconfig_fips) == -1)
		goto oom;

	f = &ev->f[ev->f[NF_OS_RELEASE].found ? NF_OS_RELEASE : NF_OS_RELEASE_USR];
	if (f->found) {
		if (osrelease_parse(f->data.data, f->data.len, &ev->osr) == -1)
			goto oom;
		ev->have_osr = 1;
		if (ev->osr.bad_lines > 0 && add_line(ev->notes,
		    "'%s' has %d line(s) that are not KEY=VALUE", f->path,
		    ev->osr.bad_lines) == -1)
			return -1;
		if (ev->osr.id == NULL &&
		    add_line(ev->notes, "'%s' has no ID", f->path) == -1)
			return -1;
	}

	f = &ev->f[ev->f[NF_CP_CURRENT].found ? NF_CP_CURRENT : NF_CP_CONFIG];
	if (f->found && crypto_policy_parse(f->data.data, f->data.len,
	    &ev->crypto_policy) == -1)
		goto oom;
	return 0;
oom:
	log_errno("cannot parse node evidence");
	return -1;
}

/*
 * A marker file not read: absent only when it does not exist; one that
 * exists but cannot be read (EACCES: a denial, an SELinux one among
 * them) is unreadable, never absent.
 */
static const char *
marker_state(const struct hostfile *f)
{
	return f->enoent ? "absent" : "unreadable";
}

/* A marker as evidence: present, absent, or unknown (null) if unreadable. */
static int
marker_tristate(const struct hostfile *f)
{
	return f->found ? TRI_TRUE : f->enoent ? TRI_FALSE : TRI_UNKNOWN;
}

/*
 * Decide compliance. The seed's test is the kernel flag: fips_enabled must
 * read 1. Where the OS gives more to check, a contradiction also fails:
 * a Bottlerocket image that is not a FIPS variant or lacks its self-check
 * markers, or a crypto policy other than FIPS. Unknown is never a pass.
 */
static int
judge(struct nodeev *ev, enum os_family fam, int fips_variant)
{
	const char *fe = nfiles[NF_FIPS_ENABLED].path;

	if (ev->fips_enabled == TRI_FALSE &&
	    add_line(ev->reasons, "kernel is not in FIPS mode: '%s' is 0", fe) == -1)
		return -1;
	if (ev->fips_enabled == TRI_UNKNOWN && add_line(ev->reasons,
	    "kernel FIPS mode unknown: '%s' %s", fe,
	    ev->f[NF_FIPS_ENABLED].found ? "holds neither 0 nor 1" :
	    ev->f[NF_FIPS_ENABLED].enoent ? "is missing" : "cannot be read") == -1)
		return -1;
	if (fam == OS_BOTTLEROCKET) {
		if (!fips_variant && add_line(ev->reasons,
		    "Bottlerocket variant '%s' is not a FIPS variant",
		    ev->osr.variant_id != NULL ? ev->osr.variant_id : "(none)") == -1)
			return -1;
		if (fips_variant && !ev->f[NF_BR_KERNEL_CHECK].found &&
		    add_line(ev->reasons, "Bottlerocket FIPS kernel check "
		    "marker '%s' is %s", ev->f[NF_BR_KERNEL_CHECK].path,
		    marker_state(&ev->f[NF_BR_KERNEL_CHECK])) == -1)
			return -1;
		if (fips_variant && !ev->f[NF_BR_MODULE_CHECK].found &&
		    add_line(ev->reasons, "Bottlerocket FIPS module check "
		    "marker '%s' is %s", ev->f[NF_BR_MODULE_CHECK].path,
		    marker_state(&ev->f[NF_BR_MODULE_CHECK])) == -1)
			return -1;
	}
	if (ev->crypto_policy != NULL &&
	    strncmp(ev->crypto_policy, "FIPS", 4) != 0 &&
	    add_line(ev->reasons, "system crypto policy is '%s', not FIPS",
	    ev->crypto_policy) == -1)
		return -1;
	return 0;
}

/* One node.sources entry: where a value came from, raw, with its digest. */
static int
add_source(cJSON *arr, const struct hostfile *f)
{
	cJSON *s;
	struct buf b64;
	int lossy = 0, rc = -1;

	buf_init(&b64, 2 * KEEP_MAX);
	if ((s = cJSON_CreateObject()) == NULL ||
	    !cJSON_AddItemToArray(arr, s)) {
		cJSON_Delete(s);
		goto out;
	}
	if (json_add_str(s, "path", f->path) == -1 ||
	    json_add_text(s, "value", f->found ? f->data.data : NULL,
	    f->data.len, &lossy) == -1 ||
	    json_add_str(s, "sha256", f->found ? f->sha256 : NULL) == -1 ||
	    cJSON_AddNumberToObject(s, "size", (double)f->size) == NULL ||
	    json_add_tristate(s, "truncated", f->found ? f->truncated : -1) == -1 ||
	    json_add_str(s, "error", f->found ? NULL : f->error) == -1)
		goto out;
	/* Bytes that are not UTF-8 are also kept exactly, in base64. */
	if (lossy && (base64_encode(&b64, f->data.data, f->data.len) == -1 ||
	    json_add_str(s, "value_base64", buf_str(&b64)) == -1))
		goto out;
	rc = 0;
out:
	if (rc == -1)
		log_err("cannot record source '%s': out of memory", f->path);
	buf_release(&b64);
	return rc;
}

/* Assemble the node document from the parsed evidence. */
static cJSON *
build_doc(struct nodeev *ev, const char *root)
{
	enum os_family fam = ev->have_osr ? os_family_of(&ev->osr) : OS_UNKNOWN;
	int fips_variant = os_is_fips_variant(ev->have_osr ? &ev->osr : NULL,
	    ev->kernel_release);
	cJSON *doc, *node, *os, *markers, *openssl, *sources;

	if (judge(ev, fam, fips_variant) == -1)
		return NULL;
	if ((doc = cJSON_CreateObject()) == NULL ||
	    cJSON_AddStringToObject(doc, "format", NODE_FORMAT) == NULL ||
	    (node = cJSON_AddObjectToObject(doc, "node")) == NULL)
		goto oom;
	if (json_add_str(node, "hostname", ev->hostname) == -1 ||
	    json_add_str(node, "root", root) == -1 ||
	    cJSON_AddBoolToObject(node, "compliant",
	    cJSON_GetArraySize(ev->reasons) == 0) == NULL)
		goto oom;
	cJSON_AddItemToObject(node, "reasons", ev->reasons);
	ev->reasons = NULL;
	if (json_add_tristate(node, "fips_enabled", ev->fips_enabled) == -1 ||
	    json_add_str(node, "fips_name", ev->fips_name) == -1 ||
	    json_add_str(node, "fips_version", ev->fips_version) == -1 ||
	    cJSON_AddBoolToObject(node, "kernel_cmdline_fips",
	    ev->cmdline.fips == TRI_TRUE) == NULL ||
	    json_add_str(node, "kernel_cmdline_fips_value",
	    ev->cmdline.fips_raw) == -1 ||
	    json_add_str(node, "kernel_cmdline_boot", ev->cmdline.boot) == -1 ||
	    json_add_tristate(node, "bootconfig_fips",
	    !ev->f[NF_BOOTCONFIG].found ? -1 :
	    ev->bootconfig_fips != NULL &&
	    parse_fips_flag(ev->bootconfig_fips,
	    strlen(ev->bootconfig_fips)) == TRI_TRUE) == -1)
		goto oom;

	if ((os = cJSON_AddObjectToObject(node, "os")) == NULL ||
	    json_add_str(os, "id", ev->osr.id) == -1 ||
	    json_add_str(os, "id_like", ev->osr.id_like) == -1 ||
	    json_add_str(os, "name", ev->osr.name) == -1 ||
	    json_add_str(os, "version_id", ev->osr.version_id) == -1 ||
	    json_add_str(os, "variant_id", ev->osr.variant_id) == -1 ||
	    json_add_str(os, "pretty_name", ev->osr.pretty_name) == -1 ||
	    cJSON_AddStringToObject(os, "family", os_family_names[fam]) == NULL ||
	    cJSON_AddBoolToObject(os, "fips_variant", fips_variant) == NULL)
		goto oom;
	if (json_add_str(node, "kernel_release", ev->kernel_release) == -1 ||
	    json_add_str(node, "machine_id", ev->machine_id) == -1)
		goto oom;

	if ((markers = cJSON_AddObjectToObject(node, "markers")) == NULL ||
	    json_add_tristate(markers, "system_fips",
	    marker_tristate(&ev->f[NF_SYSTEM_FIPS])) == -1 ||
	    json_add_tristate(markers, "bottlerocket_fips_kernel_check",
	    marker_tristate(&ev->f[NF_BR_KERNEL_CHECK])) == -1 ||
	    json_add_tristate(markers, "bottlerocket_fips_module_check",
	    marker_tristate(&ev->f[NF_BR_MODULE_CHECK])) == -1 ||
	    json_add_str(markers, "crypto_policy", ev->crypto_policy) == -1)
		goto oom;

	if ((openssl = openssl_self_json()) == NULL)
		goto fail;
	cJSON_AddItemToObject(node, "openssl", openssl);
	cJSON_AddItemToObject(node, "notes", ev->notes);
	ev->notes = NULL;

	if ((sources = cJSON_AddArrayToObject(node, "sources")) == NULL)
		goto oom;
	for (int i = 0; i < NF__MAX; i++)
		if (ev->tried[i] && add_source(sources, &ev->f[i]) == -1)
			goto fail;
	return doc;
oom:
	log_err("cannot build node evidence: out of memory");
fail:
	cJSON_Delete(doc);
	return NULL;
}

static void
nodeev_release(struct nodeev *ev)
{
	for (int i = 0; i < NF__MAX; i++)
		hostfile_release(&ev->f[i]);
	cmdline_release(&ev->cmdline);
	osrelease_release(&ev->osr);
	free(ev->bootconfig_fips);
	free(ev->kernel_release);
	free(ev->hostname);
	free(ev->machine_id);
	free(ev->fips_name);
	free(ev->fips_version);
	free(ev->crypto_policy);
	cJSON_Delete(ev->notes);
	cJSON_Delete(ev->reasons);
}

cJSON *
node_collect(const char *root)
{
	struct hostfs fs = { .rootfd = -1 };
	struct nodeev ev;
	cJSON *doc = NULL;

	memset(&ev, 0, sizeof(ev));
	if (hostfs_open(&fs, root) == -1)
		return NULL;
	if ((ev.notes = cJSON_CreateArray()) == NULL ||
	    (ev.reasons = cJSON_CreateArray()) == NULL) {
		log_err("cannot collect node evidence: out of memory");
		goto out;
	}
	if (read_all(&fs, &ev) == -1 || parse_all(&ev) == -1)
		goto out;
	doc = build_doc(&ev, root);
out:
	nodeev_release(&ev);
	hostfs_close(&fs);
	return doc;
}
