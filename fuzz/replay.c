/*
 * replay.c - run a harness over files, without libFuzzer: what ctest does
 * in every build with the committed corpus, so that each input that ever
 * crashed a parser stays a test.
 *
 * usage: fuzz-NAME FILE|DIR...
 */
#include <sys/stat.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/fuzz.h"

static int
replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (f == NULL) {
		perror(path);
		return -1;
	}
	for (;;) {
		if (len == cap) {
			unsigned char *p = realloc(buf, cap = cap * 2 + 4096);

			if (p == NULL) {
				perror("replay");
				fclose(f);
				free(buf);
				return -1;
			}
			buf = p;
		}
		if ((n = fread(buf + len, 1, cap - len, f)) == 0)
			break;
		len += n;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	return 0;
}

static int
cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
main(int argc, char **argv)
{
	int i, files = 0;

	for (i = 1; i < argc; i++) {
		struct stat sb;
		struct dirent *de;
		char **names = NULL, path[4096];
		size_t n = 0, k;
		DIR *d;

		if (stat(argv[i], &sb) == -1) {
			perror(argv[i]);
			return 2;
		}
		if (!S_ISDIR(sb.st_mode)) {
			if (replay_file(argv[i]) == -1)
				return 2;
			files++;
			continue;
		}
		if ((d = opendir(argv[i])) == NULL) {
			perror(argv[i]);
			return 2;
		}
		while ((de = readdir(d)) != NULL) {
			char **p;

			if (de->d_name[0] == '.')
				continue;
			if ((p = realloc(names, (n + 1) * sizeof(*p))) == NULL ||
			    (p[n] = strdup(de->d_name)) == NULL) {
				perror("replay");
				return 2;
			}
			names = p;
			n++;
		}
		closedir(d);
		/* In name order: the same run every time. */
		qsort(names, n, sizeof(*names), cmp);
		for (k = 0; k < n; k++) {
			snprintf(path, sizeof(path), "%s/%s", argv[i], names[k]);
			if (replay_file(path) == -1)
				return 2;
			files++;
			free(names[k]);
		}
		free(names);
	}
	printf("replayed %d inputs\n", files);
	return files > 0 ? 0 : 2;
}
