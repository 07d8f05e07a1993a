/*
 * html.c - see html.h.
 */
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxslt/transform.h>
#include <libxslt/xsltInternals.h>
#include <libxslt/xsltutils.h>

#include "html.h"
#include "util/log.h"
#include "util/banned.h"

extern const char data_report_xsl[];
extern const size_t data_report_xsl_len;

char *
report_html(const char *xml, size_t len, size_t *outlen)
{
	/* Never fetch anything: no network, no external DTD or entity. */
	const int opts = XML_PARSE_NONET;
	xmlDocPtr style_doc = NULL, in = NULL, res = NULL;
	xsltStylesheetPtr style = NULL;
	xmlChar *mem = NULL;
	char *out = NULL;
	int size = 0;

	if ((style_doc = xmlReadMemory(data_report_xsl,
	    (int)data_report_xsl_len, "report.xsl", NULL, opts)) == NULL ||
	    (style = xsltParseStylesheetDoc(style_doc)) == NULL) {
		log_err("the built-in report.xsl does not load");
		if (style == NULL)
			xmlFreeDoc(style_doc);
		return NULL;
	}
	if ((in = xmlReadMemory(xml, (int)len, "evidence.xml", NULL,
	    opts)) == NULL ||
	    (res = xsltApplyStylesheet(style, in, NULL)) == NULL ||
	    xsltSaveResultToString(&mem, &size, res, style) != 0 ||
	    mem == NULL || size <= 0) {
		log_err("cannot render report.html");
		goto out;
	}
	if ((out = malloc((size_t)size)) == NULL) {
		log_errno("report.html");
		goto out;
	}
	memcpy(out, mem, (size_t)size);
	*outlen = (size_t)size;
out:
	if (mem != NULL)
		xmlFree(mem);
	xmlFreeDoc(res);
	xmlFreeDoc(in);
	xsltFreeStylesheet(style);
	return out;
}
