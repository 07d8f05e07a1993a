/*
 * html.h - report.html: templates/report.xsl (compiled in) applied to
 * evidence.xml with libxslt, the way OpenSCAP renders its reports. The
 * page is self-contained (inline CSS, no script, no external request);
 * the stylesheet outputs every evidence string as text, so libxslt
 * escapes it.
 */
#ifndef FIPSEV_HTML_H
#define FIPSEV_HTML_H

#include <stddef.h>

/*
 * The HTML page for the evidence XML (xml, len bytes). Returns a new
 * buffer of *outlen bytes, or NULL after logging.
 */
char	*report_html(const char *xml, size_t len, size_t *outlen);

#endif
