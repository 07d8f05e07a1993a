/*
 * log.c - one-line diagnostics on stderr; see log.h for the idiom.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/log.h"
#include "util/progress.h"
#include "util/text.h"
#include "util/banned.h"

/*
 * Format and print one line. A message that names hostile input (a file
 * name with a newline or a terminal escape, say) must still be one plain
 * line: it goes through the one sanitiser, text_clean(). Long messages
 * are cut with a visible "..." rather than lost.
 */
static void
emit(const char *prefix, const char *fmt, va_list ap, const char *suffix)
{
	char msg[1024], clean[1400];
	int n;

	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	if (n < 0)
		snprintf(msg, sizeof(msg), "(unprintable message)");
	else if ((size_t)n >= sizeof(msg))
		memcpy(msg + sizeof(msg) - 4, "...", 4);
	progress_hide();
	fprintf(stderr, "fipsev: %s%s%s%s\n", prefix,
	    text_clean(msg, clean, sizeof(clean)), suffix != NULL ? ": " : "",
	    suffix != NULL ? suffix : "");
}

void
log_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit("", fmt, ap, NULL);
	va_end(ap);
}

void
log_errno(const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	emit("", fmt, ap, strerror(saved));
	va_end(ap);
	errno = saved;
}
