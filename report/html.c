/*
 * html.c - see html.h.
 */
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxslt/transform.h>
#include <libxslt/xsltInternals.h>
#include <libxslt/xsltutils.h>

#include "report/html.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/text.h"
#include "util/banned.h"

extern const char data_report_xsl[];
extern const size_t data_report_xsl_len;

/*
 * Make every invisible character that could reorder or hide what a page
 * shows (a U+202E in a node's name makes "exe.txt" of "txt.exe") visible
 * as <U+XXXX>, in each text node and attribute value of the page: names
 * come from the cluster, and the page must show them as they are.
 * Returns 0, or -1 when out of memory.
 */
static int
show_invisible(xmlNodePtr n)
{
	struct buf b;
	xmlAttrPtr a;
	int rc = 0;

	buf_init(&b, (size_t)1 << 30);
	for (; n != NULL && rc == 0; n = n->next) {
		if (n->type == XML_TEXT_NODE && n->content != NULL) {
			long shown;

			buf_reset(&b);
			if ((shown = text_visible(&b, (const char *)n->content)) ==
			    -1)
				rc = -1;
			else if (shown > 0)
				xmlNodeSetContent(n, (const xmlChar *)buf_str(&b));
		}
		if (n->type == XML_ELEMENT_NODE)
			for (a = n->properties; a != NULL && rc == 0;
			    a = a->next)
				rc = show_invisible(a->children);
		if (rc == 0 && n->children != NULL)
			rc = show_invisible(n->children);
	}
	buf_release(&b);
	return rc;
}

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
	    show_invisible(xmlDocGetRootElement(res)) == -1 ||
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
