/*
 * helm.c - see helm.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <zlib.h>

#include "collector/cluster/helm.h"
#include "util/buf.h"
#include "util/json.h"
#include "util/text.h"
#include "util/banned.h"

/* Inflate a gzip stream into out, at most HELM_RELEASE_MAX bytes. */
static int
gunzip(const unsigned char *p, size_t n, struct buf *out, const char **why)
{
	unsigned char chunk[65536];
	z_stream z;
	int r;

	memset(&z, 0, sizeof(z));
	/* 16 + MAX_WBITS: a gzip header and trailer, not raw zlib. */
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
		*why = "cannot start zlib";
		return -1;
	}
	z.next_in = (unsigned char *)p;
	z.avail_in = (uInt)n;
	do {
		z.next_out = chunk;
		z.avail_out = sizeof(chunk);
		r = inflate(&z, Z_NO_FLUSH);
		if (r != Z_OK && r != Z_STREAM_END) {
			*why = r == Z_BUF_ERROR ? "truncated gzip" :
			    "corrupt gzip";
			inflateEnd(&z);
			return -1;
		}
		if (buf_append(out, chunk, sizeof(chunk) - z.avail_out) == -1) {
			*why = errno == EFBIG ? "release over 64 MB "
			    "uncompressed" : "out of memory";
			inflateEnd(&z);
			return -1;
		}
		/* Input used up without the end of the stream: cut short. */
		if (r == Z_OK && z.avail_in == 0 && z.avail_out != 0) {
			*why = "truncated gzip";
			inflateEnd(&z);
			return -1;
		}
	} while (r != Z_STREAM_END);
	inflateEnd(&z);
	return 0;
}

cJSON *
helm_release_decode(const char *text, size_t n, int layers, char *err,
    size_t errlen)
{
	struct buf outer, inner, json;
	const char *why = NULL;
	const struct buf *body;
	cJSON *rel = NULL;
	int too_big = 0;

	buf_init(&outer, HELM_RELEASE_MAX);
	buf_init(&inner, HELM_RELEASE_MAX);
	buf_init(&json, HELM_RELEASE_MAX);
	if (base64_decode(&outer, text, n) == -1) {
		why = "data.release is not base64";
		goto out;
	}
	if (layers == 1) {
		struct buf t = inner;

		inner = outer;
		outer = t;
	} else if (base64_decode(&inner, outer.data != NULL ? outer.data : "",
	    outer.len) == -1) {
		why = "the release is not base64 inside";
		goto out;
	}
	body = &inner;
	if (inner.len >= 2 && (unsigned char)inner.data[0] == 0x1f &&
	    (unsigned char)inner.data[1] == 0x8b) {
		if (gunzip((const unsigned char *)inner.data, inner.len, &json,
		    &why) == -1)
			goto out;
		body = &json;
	}
	if (body->len == 0 || (rel = json_parse_capped(body->data,
	    body->len, HELM_RELEASE_WEIGHT, &too_big)) == NULL) {
		why = too_big ? "the release would take more than 96 MiB of "
		    "memory to read" : "the release is not JSON";
		goto out;
	}
	if (!cJSON_IsObject(rel)) {
		cJSON_Delete(rel);
		rel = NULL;
		why = "the release is not a JSON object";
	}
out:
	if (why != NULL)
		snprintf(err, errlen, "%s", why);
	buf_release(&outer);
	buf_release(&inner);
	buf_release(&json);
	return rel;
}

/* "v1.2.3-rc.1+build" -> 1, 2, 3 and whether a pre-release follows. */
static int
parse_version(const char *s, long v[3], int *pre)
{
	char *end;
	int i;

	if (s == NULL)
		return -1;
	if (*s == 'v' || *s == 'V')
		s++;
	for (i = 0; i < 3; i++) {
		if (*s < '0' || *s > '9')
			return -1;
		errno = 0;
		v[i] = strtol(s, &end, 10);
		if (errno != 0)
			return -1;
		s = end;
		if (i < 2) {
			if (*s != '.')
				return -1;
			s++;
		}
	}
	if (*s != '\0' && *s != '-' && *s != '+')
		return -1;
	*pre = *s == '-';
	return 0;
}

int
helm_version_cmp(const char *a, const char *b, int *ok)
{
	long va[3], vb[3];
	int pa, pb, i;

	*ok = parse_version(a, va, &pa) == 0 && parse_version(b, vb, &pb) == 0;
	if (!*ok)
		return 0;
	for (i = 0; i < 3; i++)
		if (va[i] != vb[i])
			return va[i] < vb[i] ? -1 : 1;
	/* A pre-release comes before its release. */
	return pb - pa;
}
