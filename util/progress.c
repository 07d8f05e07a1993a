/*
 * progress.c - see progress.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/progress.h"
#include "util/banned.h"

static struct {
	int	 enabled;
	int	 shown;		/* a line is on the terminal now */
	char	 what[80];
	size_t	 total;
	size_t	 done;
	long long last_ms;	/* when it was last drawn */
} pg;

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
draw(void)
{
	/* \r back to the start, \033[K erases what a longer line left. */
	fprintf(stderr, "\rfipsev: %s %zu/%zu\033[K", pg.what, pg.done,
	    pg.total);
	fflush(stderr);
	pg.shown = 1;
	pg.last_ms = now_ms();
}

void
progress_auto(void)
{
	const char *term = getenv("TERM");

	pg.enabled = isatty(STDERR_FILENO) && term != NULL &&
	    strcmp(term, "dumb") != 0;
}

void
progress_begin(const char *what, size_t total)
{
	if (!pg.enabled)
		return;
	snprintf(pg.what, sizeof(pg.what), "%s", what);
	pg.total = total;
	pg.done = 0;
	draw();
}

void
progress_step(size_t done)
{
	if (!pg.enabled || done == pg.done)
		return;
	pg.done = done;
	if (done == pg.total || now_ms() - pg.last_ms >= 100)
		draw();
}

void
progress_end(void)
{
	progress_hide();
	pg.what[0] = '\0';
}

void
progress_hide(void)
{
	if (!pg.shown)
		return;
	fputs("\r\033[K", stderr);
	fflush(stderr);
	pg.shown = 0;
}
