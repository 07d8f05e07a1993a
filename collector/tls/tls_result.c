/*
 * tls_result.c - an endpoint's document; see tls_scan_int.h.
 */
#define _GNU_SOURCE	/* strcasestr */




#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "util/json.h"
#include "collector/tls/tls_scan_int.h"
#include "util/banned.h"

/* --- results ---------------------------------------------------------- */

/*
 * Gaps only the whole scan shows: a TLS 1.3 server signs every handshake,
 * so TLS 1.3 suites with no TLS 1.3 scheme seen mean no handshake of
 * fipsev's finished (a suite or key OpenSSL cannot use).
 */
void
tls_final_gaps(struct endpoint *ep)
{
	struct track t;
	size_t i;

	if (ep->ver[VI_TLS13].suites.n == 0)
		return;
	for (i = 0; i < ep->sigalgs.n; i++)
		if (ep->sigalgs.v[i].vmask & 1u << VI_TLS13)
			return;
	memset(&t, 0, sizeof(t));
	t.kind = TR_SIGALGS13;
	t.vi = VI_TLS13;
	tls_note_gap(ep, &t, ep->cert_error[0] != '\0' ? ep->cert_error :
	    "no TLS 1.3 handshake completed");
}

static int
add_finding(cJSON *findings, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
add_finding(cJSON *findings, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return json_array_add_str(findings, msg);
}

static void
verdict_finding(cJSON *findings, const char *what,
    const struct fips_verdict *v)
{
	add_finding(findings, "%s: %s (%s%s%s)", what,
	    fips_status_name(v->status), v->reason,
	    v->reference[0] != '\0' ? "; " : "", v->reference);
}

static cJSON *
versions_json(unsigned vmask)
{
	cJSON *arr = cJSON_CreateArray();
	int vi;

	for (vi = 0; arr != NULL && vi < NVERSIONS; vi++)
		if (vmask & (1u << vi) &&
		    json_array_add_str(arr, tls_version_name(versions[vi])))
			return cJSON_Delete(arr), NULL;
	return arr;
}

/* By code point, named-only entries (custom DH) last by name. */
int
tls_cmp_seen(const void *a, const void *b)
{
	const struct seen *x = a, *y = b;

	if ((x->id == 0) != (y->id == 0))
		return x->id == 0 ? 1 : -1;
	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int
seen_json(const struct scan *s, cJSON *ep_json, const char *name,
    const char *kind, const struct seenlist *l, cJSON *findings)
{
	cJSON *arr = cJSON_AddArrayToObject(ep_json, name);
	size_t i;

	if (arr == NULL)
		return -1;
	for (i = 0; i < l->n; i++) {
		const struct seen *e = &l->v[i];
		cJSON *o = cJSON_CreateObject(), *vs;
		struct fips_verdict v;
		char id[8], what[128];

		if (o == NULL)
			return -1;
		cJSON_AddItemToArray(arr, o);
		fips_classify(s->policy, kind, e->name, &v);
		snprintf(id, sizeof(id), "0x%04X", e->id);
		if (json_add_str(o, "name", e->name) ||
		    json_add_str(o, "id", e->id != 0 ? id : NULL) ||
		    (e->bits > 0 && cJSON_AddNumberToObject(o, "bits",
		    e->bits) == NULL) ||
		    (vs = versions_json(e->vmask)) == NULL)
			return -1;
		cJSON_AddItemToObject(o, "protocols", vs);
		if (fips_verdict_json(o, &v) == -1)
			return -1;
		if (v.status != FIPS_APPROVED) {
			snprintf(what, sizeof(what), "%s %s accepted", kind,
			    e->name);
			verdict_finding(findings, what, &v);
		}
	}
	return 0;
}

static int
feature(const struct scan *s, cJSON *findings, const char *name)
{
	struct fips_verdict v;

	fips_classify(s->policy, "feature", name, &v);
	if (v.status != FIPS_APPROVED)
		verdict_finding(findings, name, &v);
	return 0;
}

/* SSL 2.0: its probe outcome, and if spoken, the protocol and kinds. */
static int
sslv2_json(const struct scan *s, const struct endpoint *ep, cJSON *protos,
    cJSON *details, cJSON *ciphers, cJSON *probes, cJSON *findings)
{
	struct fips_verdict v;
	cJSON *d;
	size_t i;

	if (json_add_str(probes, "SSLv2", ep->v2.outcome[0] != '\0' ?
	    ep->v2.outcome : NULL))
		return -1;
	if (!ep->v2.spoken)
		return 0;
	fips_classify(s->policy, "protocol", "SSLv2", &v);
	if (json_array_add_str(protos, "SSLv2") ||
	    (d = cJSON_CreateObject()) == NULL)
		return -1;
	cJSON_AddItemToArray(details, d);
	if (json_add_str(d, "protocol", "SSLv2") ||
	    fips_verdict_json(d, &v) == -1)
		return -1;
	verdict_finding(findings, "SSLv2 accepted", &v);
	for (i = 0; i < ep->v2.reply.nkinds; i++) {
		uint32_t kind = ep->v2.reply.kinds[i];
		const char *name = tls_sslv2_kind_name(kind);
		char id[12], unknown[32], what[96];
		cJSON *c;

		snprintf(id, sizeof(id), "0x%06X", kind);
		snprintf(unknown, sizeof(unknown), "unknown-%s", id);
		fips_classify(s->policy, "suite", name != NULL ? name :
		    unknown, &v);
		if ((c = cJSON_CreateObject()) == NULL)
			return -1;
		cJSON_AddItemToArray(ciphers, c);
		if (json_add_str(c, "protocol", "SSLv2") ||
		    json_add_str(c, "iana_name", name != NULL ? name :
		    unknown) || json_add_str(c, "id", id) ||
		    fips_verdict_json(c, &v) == -1)
			return -1;
		snprintf(what, sizeof(what), "SSLv2 %s accepted",
		    name != NULL ? name : unknown);
		verdict_finding(findings, what, &v);
	}
	return 0;
}

cJSON *
tls_endpoint_json(const struct scan *s, const struct endpoint *ep)
{
	cJSON *o = cJSON_CreateObject(), *protos, *details, *ciphers, *order,
	    *probes, *findings, *gaps;
	int vi, legacy = 0, reneg = 1, ems = 1, compression = 0;
	struct fips_verdict v;
	size_t i;

	if (o == NULL)
		return NULL;
	if (json_add_str(o, "target", ep->target) ||
	    json_add_str(o, "host", ep->host) ||
	    json_add_str(o, "port", ep->port) ||
	    json_add_str(o, "address", ep->addrstr[0] != '\0' ?
	    ep->addrstr : NULL) ||
	    json_add_str(o, "sni", ep->sni) ||
	    json_add_str(o, "starttls", s->o->starttls == STARTTLS_SMTP ?
	    "smtp" : NULL) ||
	    (protos = cJSON_AddArrayToObject(o, "protocols")) == NULL ||
	    (details = cJSON_AddArrayToObject(o, "protocol_details")) == NULL ||
	    (ciphers = cJSON_AddArrayToObject(o, "ciphers")) == NULL ||
	    (order = cJSON_AddObjectToObject(o, "server_order")) == NULL ||
	    (probes = cJSON_AddObjectToObject(o, "protocol_probes")) == NULL ||
	    (findings = cJSON_CreateArray()) == NULL)
		goto fail;
	if (ep->error[0] != '\0')
		add_finding(findings, "scan failed: %s", ep->error);
	if (sslv2_json(s, ep, protos, details, ciphers, probes, findings) == -1)
		goto fail;
	for (vi = 0; vi < NVERSIONS; vi++) {
		const struct verres *vr = &ep->ver[vi];
		const char *vname = tls_version_name(versions[vi]);
		cJSON *d;

		if (json_add_str(probes, vname, vr->outcome[0] != '\0' ?
		    vr->outcome : NULL))
			goto fail;
		if (vr->suites.n == 0)
			continue;
		fips_classify(s->policy, "protocol", vname, &v);
		if (json_array_add_str(protos, vname) ||
		    (d = cJSON_CreateObject()) == NULL)
			goto fail;
		cJSON_AddItemToArray(details, d);
		if (json_add_str(d, "protocol", vname) ||
		    fips_verdict_json(d, &v) == -1)
			goto fail;
		if (v.status != FIPS_APPROVED) {
			char what[64];

			snprintf(what, sizeof(what), "%s accepted", vname);
			verdict_finding(findings, what, &v);
		}
		if (json_add_tristate(order, vname, vr->server_order))
			goto fail;
		if (vi < VI_TLS13) {
			legacy = 1;
			reneg &= vr->reneg;
			ems &= vr->ems;
			compression |= vr->compression;
		}
		for (i = 0; i < vr->suites.n; i++) {
			const struct tls_suite *su = tls_suite_of(s, vr->suites.v[i]);
			cJSON *c = cJSON_CreateObject();
			char id[8], unknown[40], what[160];

			if (c == NULL)
				goto fail;
			cJSON_AddItemToArray(ciphers, c);
			snprintf(id, sizeof(id), "0x%04X", vr->suites.v[i]);
			snprintf(unknown, sizeof(unknown), "unknown-%s", id);
			if (su != NULL)
				fips_classify_suite(s->policy, su, &v);
			else {
				v.status = FIPS_NOT_APPROVED;
				v.reference = "";
				v.reason = "not in the IANA registry";
			}
			if (json_add_str(c, "protocol", vname) ||
			    json_add_str(c, "iana_name", su != NULL ? su->name :
			    unknown) || json_add_str(c, "id", id) ||
			    fips_verdict_json(c, &v) == -1)
				goto fail;
			if (v.status != FIPS_APPROVED) {
				snprintf(what, sizeof(what), "%s %s accepted",
				    vname, su != NULL ? su->name : unknown);
				verdict_finding(findings, what, &v);
			}
		}
	}
	if (seen_json(s, o, "groups", "group", &ep->groups, findings) == -1 ||
	    seen_json(s, o, "sigalgs", "sigalg", &ep->sigalgs, findings) == -1)
		goto fail;
	if (json_add_tristate(o, "secure_renegotiation", legacy ? reneg : -1) ||
	    json_add_tristate(o, "extended_master_secret", legacy ? ems : -1) ||
	    json_add_tristate(o, "compression", legacy ? compression : -1))
		goto fail;
	if (legacy && compression)
		feature(s, findings, "compression");
	if (legacy && !reneg)
		feature(s, findings, "no-secure-renegotiation");
	if (legacy && !ems)
		feature(s, findings, "no-extended-master-secret");
	if (ep->cert != NULL) {
		cJSON *cert = cJSON_Duplicate(ep->cert, 1), *cf;

		if (cert == NULL)
			goto fail;
		cJSON_AddItemToObject(o, "certificate", cert);
		cf = cJSON_GetObjectItemCaseSensitive(cert, "findings");
		for (i = 0; cf != NULL && i < (size_t)cJSON_GetArraySize(cf);
		    i++)
			json_array_add_str(findings, cJSON_GetArrayItem(cf,
			    (int)i)->valuestring);
	} else {
		if (cJSON_AddNullToObject(o, "certificate") == NULL)
			goto fail;
		if (ep->error[0] == '\0' && ep->tls_seen)
			add_finding(findings, "no certificate evidence: %s",
			    ep->cert_error[0] != '\0' ? ep->cert_error :
			    "no handshake completed");
	}
	/*
	 * Plaintext only from an endpoint that never spoke TLS: one odd
	 * answer of a TLS server (a proxy's 503) is a probe's failure.
	 */
	if (ep->plain_kind != NULL && !ep->tls_seen) {
		cJSON *pl = cJSON_AddObjectToObject(o, "plaintext");

		if (pl == NULL || json_add_str(pl, "protocol", ep->plain_kind) ||
		    json_add_str(pl, "answer", ep->plain_line))
			goto fail;
		add_finding(findings, "answers in plaintext where TLS was "
		    "expected: %s (\"%s\")", ep->plain_kind, ep->plain_line);
	} else if (cJSON_AddNullToObject(o, "plaintext") == NULL)
		goto fail;
	if (ep->error[0] == '\0' && !ep->tls_seen && ep->plain_kind == NULL)
		add_finding(findings, "no TLS answer: %s",
		    ep->first_failure[0] != '\0' ? ep->first_failure :
		    ep->cert_error[0] != '\0' ? ep->cert_error : "none");
	if (cJSON_GetArraySize(protos) == 0 && ep->tls_seen)
		add_finding(findings, "the server accepted no protocol "
		    "version fipsev offered");
	if ((gaps = cJSON_AddArrayToObject(o, "incomplete")) == NULL)
		goto fail;
	for (i = 0; i < (size_t)ep->ngaps; i++) {
		if (json_array_add_str(gaps, ep->gaps[i]))
			goto fail;
		add_finding(findings, "evidence incomplete: %s", ep->gaps[i]);
	}
	if (cJSON_AddNumberToObject(o, "connections", ep->connections) == NULL)
		goto fail;
	{
		const char *err = ep->error[0] != '\0' ? ep->error :
		    ep->tls_seen ? NULL : ep->first_failure[0] != '\0' ?
		    ep->first_failure : ep->cert_error[0] != '\0' ?
		    ep->cert_error : "no answer";

		if (json_add_str(o, "error", err))
			goto fail;
	}
	if (cJSON_AddBoolToObject(o, "compliant",
	    cJSON_GetArraySize(findings) == 0) == NULL)
		goto fail;
	cJSON_AddItemToObject(o, "findings", findings);
	return o;
fail:
	cJSON_Delete(o);
	return NULL;
}
