/*
 * evidence_xml.c - see evidence_xml.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <libxml/tree.h>
#include <libxml/xmlstring.h>

#include "evidence_xml.h"
#include "util/json.h"
#include "util/log.h"
#include "util/banned.h"

/* A copy of s that XML 1.0 can hold: control characters become '?'. */
static xmlChar *
clean(const char *s)
{
	size_t n = s != NULL ? strlen(s) : 0, i;
	xmlChar *c = malloc(n + 1);

	if (c == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		unsigned char b = (unsigned char)s[i];

		c[i] = b < 0x20 && b != '\t' && b != '\n' && b != '\r' ? '?' :
		    b;
		/* U+FFFE and U+FFFF are not XML characters either. */
		if (b == 0xef && i + 2 < n && (unsigned char)s[i + 1] == 0xbf &&
		    ((unsigned char)s[i + 2] == 0xbe ||
		    (unsigned char)s[i + 2] == 0xbf)) {
			c[i] = c[i + 1] = c[i + 2] = '?';
			i += 2;
		}
	}
	c[n] = '\0';
	/* Not UTF-8 at all (evidence is, but be sure): keep ASCII only. */
	if (!xmlCheckUTF8(c))
		for (i = 0; i < n; i++)
			if (c[i] >= 0x80)
				c[i] = '?';
	return c;
}

static int
attr(xmlNodePtr n, const char *name, const char *value)
{
	xmlChar *v = clean(value != NULL ? value : "");
	int ok = v != NULL && xmlNewProp(n, (const xmlChar *)name, v) != NULL;

	free(v);
	return ok ? 0 : -1;
}

static int
num_attr(xmlNodePtr n, const char *name, const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	char buf[32];

	snprintf(buf, sizeof(buf), "%lld", cJSON_IsNumber(v) ?
	    (long long)v->valuedouble : 0LL);
	return attr(n, name, buf);
}

static xmlNodePtr
text_child(xmlNodePtr parent, xmlNsPtr ns, const char *name, const char *s)
{
	xmlChar *v = clean(s != NULL ? s : "");
	xmlNodePtr n = v != NULL ? xmlNewTextChild(parent, ns,
	    (const xmlChar *)name, v) : NULL;

	free(v);
	return n;
}

char *
evidence_xml(const cJSON *run, const cJSON *eval, const struct xml_file *files,
    size_t nfiles, size_t *len)
{
	xmlDocPtr doc = xmlNewDoc((const xmlChar *)"1.0");
	xmlNodePtr root, n, list, c;
	xmlNsPtr ns;
	const cJSON *it, *e;
	const cJSON *sum = cJSON_GetObjectItemCaseSensitive(eval, "summary");
	xmlChar *mem = NULL;
	char *out = NULL;
	int size = 0;
	size_t i;

	if (doc == NULL || (root = xmlNewNode(NULL,
	    (const xmlChar *)"evidence")) == NULL)
		goto oom;
	xmlDocSetRootElement(doc, root);
	if ((ns = xmlNewNs(root, (const xmlChar *)EVIDENCE_XML_NS, NULL)) ==
	    NULL)
		goto oom;
	xmlSetNs(root, ns);
	if (attr(root, "version", "1") == -1)
		goto oom;
	if ((n = xmlNewChild(root, ns, (const xmlChar *)"run", NULL)) == NULL ||
	    num_attr(n, "id", run, "id") == -1 ||
	    attr(n, "started", json_get_str(run, "started")) == -1 ||
	    attr(n, "finished", json_get_str(run, "finished")) == -1 ||
	    attr(n, "host", json_get_str(run, "host")) == -1 ||
	    attr(n, "tool-version", json_get_str(run, "tool_version")) == -1)
		goto oom;
	if ((n = xmlNewChild(root, ns, (const xmlChar *)"summary", NULL)) ==
	    NULL || attr(n, "verdict", json_get_str(eval, "verdict")) == -1 ||
	    num_attr(n, "pass", sum, "pass") == -1 ||
	    num_attr(n, "fail", sum, "fail") == -1 ||
	    num_attr(n, "missing-evidence", sum, "missing_evidence") == -1 ||
	    num_attr(n, "not-applicable", sum, "not_applicable") == -1 ||
	    num_attr(n, "nodes", sum, "nodes") == -1 ||
	    num_attr(n, "endpoints", sum, "endpoints") == -1)
		goto oom;
	if ((list = xmlNewChild(root, ns, (const xmlChar *)"checks", NULL)) ==
	    NULL)
		goto oom;
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(eval,
	    "checks")) {
		if ((c = xmlNewChild(list, ns, (const xmlChar *)"check",
		    NULL)) == NULL || attr(c, "id", json_get_str(it, "id")) ||
		    attr(c, "severity", json_get_str(it, "severity")) ||
		    text_child(c, ns, "title", json_get_str(it, "title")) ==
		    NULL || text_child(c, ns, "rationale", json_get_str(it,
		    "rationale")) == NULL)
			goto oom;
		cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(it,
		    "nist"))
			if (text_child(c, ns, "nist", cJSON_IsString(e) ?
			    e->valuestring : "") == NULL)
				goto oom;
	}
	if ((list = xmlNewChild(root, ns, (const xmlChar *)"findings",
	    NULL)) == NULL)
		goto oom;
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(eval,
	    "findings")) {
		if ((c = xmlNewChild(list, ns, (const xmlChar *)"finding",
		    NULL)) == NULL || attr(c, "check", json_get_str(it,
		    "check")) || attr(c, "subject", json_get_str(it,
		    "subject")) || attr(c, "result", json_get_str(it,
		    "result")) || text_child(c, ns, "reason", json_get_str(it,
		    "reason")) == NULL)
			goto oom;
		cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(it,
		    "evidence")) {
			xmlNodePtr r = xmlNewChild(c, ns,
			    (const xmlChar *)"evidence", NULL);

			if (r == NULL || attr(r, "collector", json_get_str(e,
			    "collector")) || attr(r, "subject", json_get_str(e,
			    "subject")) || attr(r, "sha256", json_get_str(e,
			    "sha256")))
				goto oom;
		}
	}
	if ((list = xmlNewChild(root, ns, (const xmlChar *)"files", NULL)) ==
	    NULL)
		goto oom;
	for (i = 0; i < nfiles; i++)
		if ((c = xmlNewChild(list, ns, (const xmlChar *)"file",
		    NULL)) == NULL || attr(c, "path", files[i].path) ||
		    attr(c, "sha256", files[i].sha256))
			goto oom;
	xmlDocDumpFormatMemoryEnc(doc, &mem, &size, "UTF-8", 1);
	if (mem == NULL || size <= 0 || (out = malloc((size_t)size)) == NULL)
		goto oom;
	memcpy(out, mem, (size_t)size);
	*len = (size_t)size;
	xmlFree(mem);
	xmlFreeDoc(doc);
	return out;
oom:
	log_err("cannot write evidence.xml: out of memory");
	if (mem != NULL)
		xmlFree(mem);
	xmlFreeDoc(doc);
	return NULL;
}
