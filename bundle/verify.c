/*
 * verify.c - the bundle's check (bundle_verify() of bundle.h): a bundle
 * directory, or the .tar.gz that --tar packs, read with libarchive and
 * never extracted.
 */
#define _GNU_SOURCE	/* strndup(), reallocarray() */

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <openssl/crypto.h>

#include "bundle/bundle.h"
#include "bundle/bundle_int.h"
#include "bundle/sign.h"
#include "bundle/timestamp.h"
#include "util/digest.h"
#include "util/fsutil.h"
#include "util/log.h"
#include "util/text.h"
#include "util/banned.h"

/* What a packed bundle may inflate to: far past any real one. */
#define PACKED_MAX	((long long)4 << 30)

/*
 * One entry of a packed bundle, read once: its digest computed on the
 * way, the manifest's and signature's bytes kept.
 */
struct packed {
	char	*path;		/* relative to the bundle's directory */
	int	 type;		/* AE_IFREG, AE_IFDIR, or another (refused) */
	char	 hex[SHA256_HEX_LEN + 1];
	char	*bytes;		/* MANIFEST.sha256 and its .sig only */
	size_t	 len;
};

/*
 * A bundle directory is checked from one descriptor of it: the path the
 * auditor named is followed once (a symlink to a bundle, a trailing '/'),
 * and nothing inside it is followed at all. A packed bundle is read into
 * packed[] first (dirfd is then -1), and the same checks run on that.
 */
static struct {
	int		 dirfd;
	struct packed	*packed;
	size_t		 npacked;
	struct file	*files;
	size_t		 nfiles;
	FILE		*out;
	int		 problems;
} walk;

/* A name from the bundle, or its signer, as the one sanitiser shows it. */
static const char *
shown(const char *name, char *out, size_t len)
{
	return text_clean(name, out, len);
}

static void
problem(const char *name, const char *what)
{
	char esc[1200];

	fprintf(walk.out, "FAILED %s: %s\n", shown(name, esc, sizeof(esc)),
	    what);
	walk.problems++;
}

static int
is_listed(const char *rel)
{
	size_t i;

	for (i = 0; i < walk.nfiles; i++)
		if (strcmp(walk.files[i].path, rel) == 0)
			return 1;
	return 0;
}

/*
 * The files a bundle holds outside its manifest, at its top: the
 * manifest, its signature, and the timestamp over the signature (which
 * can only come after the signature, so no manifest can list it).
 */
static int
outside_manifest(const char *rel)
{
	return strcmp(rel, BUNDLE_MANIFEST) == 0 ||
	    strcmp(rel, BUNDLE_SIG) == 0 || strcmp(rel, BUNDLE_TSR) == 0;
}

/* Does the manifest list a file under the directory rel? */
static int
is_listed_dir(const char *rel)
{
	size_t i, n = strlen(rel);

	for (i = 0; i < walk.nfiles; i++)
		if (strncmp(walk.files[i].path, rel, n) == 0 &&
		    walk.files[i].path[n] == '/')
			return 1;
	return 0;
}

/*
 * Every file under the directory rel (of the bundle; "" for its top) must
 * be a regular file in the manifest, or the manifest or its signature,
 * and every directory must hold one: an added directory, even empty, is
 * an alteration (its name alone can say something). Returns -1 after
 * logging when a directory cannot be read.
 */
static int
check_dir(int dfd, const char *rel, int depth)
{
	struct dirent *de;
	DIR *d;
	int rc = 0;

	if ((d = fdopendir(dfd)) == NULL) {
		log_errno("cannot list the bundle");
		close(dfd);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		char path[1100];
		struct stat sb;
		int sub;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (snprintf(path, sizeof(path), "%s%s%s", rel, *rel != '\0' ?
		    "/" : "", de->d_name) >= (int)sizeof(path)) {
			problem(de->d_name, "name too long");
			continue;
		}
		if (fstatat(dirfd(d), de->d_name, &sb, AT_SYMLINK_NOFOLLOW) ==
		    -1) {
			problem(path, "cannot be read");
			continue;
		}
		if (S_ISDIR(sb.st_mode)) {
			if (!is_listed_dir(path)) {
				problem(path, "a directory not in the manifest");
				continue;
			}
			if (depth >= 16) {
				problem(path, "directories nested too deep");
				continue;
			}
			if ((sub = openat(dirfd(d), de->d_name, O_RDONLY |
			    O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) == -1 ||
			    check_dir(sub, path, depth + 1) == -1) {
				if (sub == -1)
					log_errno("cannot list the bundle");
				rc = -1;
				break;
			}
			continue;
		}
		if (!S_ISREG(sb.st_mode))
			problem(path, "not a regular file");
		else if (*rel == '\0' && outside_manifest(path))
			continue;
		else if (!is_listed(path))
			problem(path, "not in the manifest");
	}
	closedir(d);
	return rc;
}

/* --- a packed bundle ------------------------------------------------------ */

static int
packed_cmp(const void *a, const void *b)
{
	return strcmp(((const struct packed *)a)->path,
	    ((const struct packed *)b)->path);
}

/* The packed entry rel (packed[] is sorted by then), or NULL. */
static const struct packed *
packed_find(const char *rel)
{
	struct packed key;

	key.path = (char *)rel;
	return walk.npacked == 0 ? NULL : bsearch(&key, walk.packed,
	    walk.npacked, sizeof(key), packed_cmp);
}

static void
packed_free(void)
{
	size_t i;

	for (i = 0; i < walk.npacked; i++) {
		free(walk.packed[i].path);
		free(walk.packed[i].bytes);
	}
	free(walk.packed);
	walk.packed = NULL;
	walk.npacked = 0;
}

/*
 * Read entry e's data: digest it into p->hex, and keep the bytes when
 * keep (the manifest, the signature; up to MANIFEST_MAX). *total counts
 * the bytes inflated. Returns 0, 1 when the archive is damaged here
 * (said as a problem), or -1 after logging.
 */
static int
packed_data(struct archive *a, struct packed *p, int keep,
    long long *total)
{
	char chunk[65536];
	struct sha256 *h;
	la_ssize_t n;
	char *grown;

	if ((h = sha256_new()) == NULL) {
		log_err("verify: out of memory");
		return -1;
	}
	while ((n = archive_read_data(a, chunk, sizeof(chunk))) > 0) {
		if ((*total += n) > PACKED_MAX) {
			log_err("the bundle inflates to more than 4 GiB: not a "
			    "fipsev bundle");
			sha256_free(h);
			return -1;
		}
		if (sha256_update(h, chunk, (size_t)n) == -1) {
			sha256_free(h);
			log_err("verify: cannot hash");
			return -1;
		}
		if (keep && p->len + (size_t)n > MANIFEST_MAX)
			keep = 0;	/* too large to be ours: refused below */
		if (keep) {
			if ((grown = realloc(p->bytes, p->len + (size_t)n)) ==
			    NULL) {
				sha256_free(h);
				log_err("verify: out of memory");
				return -1;
			}
			memcpy(grown + p->len, chunk, (size_t)n);
			p->bytes = grown;
			p->len += (size_t)n;
		}
	}
	if (!keep) {
		free(p->bytes);
		p->bytes = NULL;
		p->len = 0;
	}
	if (n < 0) {
		sha256_free(h);
		problem(p->path, "the archive is damaged here");
		return 1;
	}
	/* sha256_final_hex() frees h, whatever it returns. */
	if (sha256_final_hex(h, p->hex) == -1) {
		log_err("verify: cannot hash");
		return -1;
	}
	return 0;
}

/*
 * Read the packed bundle at path (a .tar.gz as --tar writes it: every
 * name under the bundle's own directory) into walk.packed, sorted. A name
 * outside that directory, or twice in the archive, or an archive damaged
 * part way is a problem; one that is no archive at all is an error.
 * Returns 0, or -1 after logging.
 */
static int
packed_load(const char *path)
{
	struct archive *a;
	struct archive_entry *e;
	struct packed *p;
	char top[256], esc[1200];
	const char *name;
	long long total = 0;
	size_t n, i;
	int r, rc = -1, damaged = 0;

	if ((a = archive_read_new()) == NULL ||
	    archive_read_support_filter_gzip(a) != ARCHIVE_OK ||
	    archive_read_support_format_tar(a) != ARCHIVE_OK) {
		log_err("verify: cannot read archives (libarchive)");
		goto out;
	}
	if (archive_read_open_filename(a, path, 65536) != ARCHIVE_OK) {
		log_err("cannot read bundle '%s': %s", text_clean(path, esc,
		    sizeof(esc)), archive_error_string(a));
		goto out;
	}
	top[0] = '\0';
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		if ((name = archive_entry_pathname(e)) == NULL)
			name = "";
		n = strcspn(name, "/");
		if (top[0] == '\0') {
			/* The first entry names the bundle's directory. */
			if (n == 0 || n >= sizeof(top)) {
				log_err("bundle '%s': its first entry is not "
				    "the bundle's directory", text_clean(path,
				    esc, sizeof(esc)));
				goto out;
			}
			memcpy(top, name, n);
			top[n] = '\0';
		}
		if (strncmp(name, top, strlen(top)) != 0 ||
		    (name[strlen(top)] != '/' && name[strlen(top)] != '\0')) {
			problem(name, "outside the bundle's directory");
			continue;
		}
		name += strlen(top);
		name += strspn(name, "/");
		if (*name == '\0')	/* the directory itself */
			continue;
		if (walk.npacked == MAX_FILES * 2) {
			log_err("bundle '%s': more entries than a bundle has",
			    text_clean(path, esc, sizeof(esc)));
			goto out;
		}
		if ((p = reallocarray(walk.packed, walk.npacked + 1,
		    sizeof(*p))) == NULL) {
			log_err("verify: out of memory");
			goto out;
		}
		walk.packed = p;
		p = &walk.packed[walk.npacked];
		memset(p, 0, sizeof(*p));
		if ((p->path = strdup(name)) == NULL) {
			log_err("verify: out of memory");
			goto out;
		}
		walk.npacked++;
		/* A directory's name may end in '/'. */
		if ((n = strlen(p->path)) > 0 && p->path[n - 1] == '/')
			p->path[n - 1] = '\0';
		p->type = archive_entry_filetype(e);
		if (p->type != AE_IFREG)
			continue;
		if ((damaged = packed_data(a, p, outside_manifest(p->path),
		    &total)) == -1)
			goto out;
		if (damaged)	/* said where: nothing after it is read */
			break;
	}
	if (!damaged && r != ARCHIVE_OK && r != ARCHIVE_EOF)
		problem(top[0] != '\0' ? top : path, "the archive is damaged "
		    "or cut short");
	if (top[0] == '\0' && r == ARCHIVE_EOF) {
		log_err("bundle '%s': an empty archive", text_clean(path, esc,
		    sizeof(esc)));
		goto out;
	}
	if (walk.npacked > 0)
		qsort(walk.packed, walk.npacked, sizeof(*walk.packed),
		    packed_cmp);
	/* tar would keep the last of two: which one an auditor sees is
	 * the archive's to choose, so neither is trusted. */
	for (i = 1; i < walk.npacked; i++)
		if (strcmp(walk.packed[i - 1].path, walk.packed[i].path) == 0)
			problem(walk.packed[i].path, "in the archive more than "
			    "once");
	rc = 0;
out:
	archive_read_free(a);
	return rc;
}

/*
 * check_dir() for a packed bundle: every entry a listed directory, a
 * listed regular file, or the manifest or its signature.
 */
static void
check_packed(void)
{
	const struct packed *p;
	size_t i;

	for (i = 0; i < walk.npacked; i++) {
		p = &walk.packed[i];
		if (p->type == AE_IFDIR) {
			if (!is_listed_dir(p->path))
				problem(p->path, "a directory not in the "
				    "manifest");
		} else if (p->type != AE_IFREG)
			problem(p->path, "not a regular file");
		else if (!outside_manifest(p->path) && !is_listed(p->path))
			problem(p->path, "not in the manifest");
	}
}

/*
 * The SHA-256 of the bundle's regular file rel, streamed: -1 when it
 * cannot be read, -2 when it is not a regular file (a symlink anywhere in
 * rel, a FIFO: opened without blocking and refused, never waited on).
 */
static int
file_hex(const char *rel, char hex[SHA256_HEX_LEN + 1])
{
	char chunk[65536];
	struct sha256 *h = NULL;
	const struct packed *e;
	struct stat sb;
	ssize_t n;
	int fd, rc = -1;

	if (walk.dirfd == -1) {
		if ((e = packed_find(rel)) == NULL)
			return -1;
		if (e->type != AE_IFREG)
			return -2;
		memcpy(hex, e->hex, SHA256_HEX_LEN + 1);
		return 0;
	}
	if ((fd = fs_open_read(walk.dirfd, rel, FS_NO_SYMLINKS)) == -1)
		return errno == ELOOP || errno == ENXIO ? -2 : -1;
	if (fstat(fd, &sb) == -1)
		goto out;
	if (!S_ISREG(sb.st_mode)) {
		rc = -2;
		goto out;
	}
	if ((h = sha256_new()) == NULL)
		goto out;
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 || sha256_update(h, chunk, (size_t)n) == -1)
			goto out;
	}
	/* sha256_final_hex() frees h, whatever it returns. */
	rc = sha256_final_hex(h, hex);
	h = NULL;
out:
	sha256_free(h);
	close(fd);
	return rc;
}

/* A manifest path fipsev would write: relative, plain, inside. */
static int
safe_rel(const char *p)
{
	return p[0] != '\0' && p[0] != '/' && strstr(p, "..") == NULL &&
	    strstr(p, "//") == NULL && strspn(p, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/") == strlen(p);
}

/*
 * Read the bundle's file name whole; 1 when it is not there, -1 when it
 * is not a regular file or cannot be read (logged for a directory's).
 */
static int
bundle_file(const char *dir, const char *name, char **text, size_t *len)
{
	const struct packed *e;
	char where[4200];

	if (walk.dirfd == -1) {
		if ((e = packed_find(name)) == NULL)
			return 1;
		if (e->type != AE_IFREG || e->bytes == NULL)
			return -1;
		if ((*text = malloc(e->len + 1)) == NULL)
			return -1;
		memcpy(*text, e->bytes, e->len);
		(*text)[e->len] = '\0';
		*len = e->len;
		return 0;
	}
	if (fs_pathf(where, sizeof(where), "%s/%s", dir, name) == -1)
		return -1;
	return fs_read(walk.dirfd, where, name, MANIFEST_MAX, FS_NO_SYMLINKS,
	    text, len);
}

/* t as the time verify prints ("2026-12-02 05:30:00 UTC"). */
static const char *
utc(time_t t, char *out, size_t len)
{
	struct tm tm;

	if (t == 0 || gmtime_r(&t, &tm) == NULL ||
	    strftime(out, len, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		snprintf(out, len, "(no time)");
	return out;
}

/*
 * The timestamp beside the signature, if any: a problem when it does not
 * hold; *at gets its time when it holds and its TSA is trusted (0
 * otherwise). Says what it found on walk.out. Returns 0, or -1 logged.
 */
static int
judge_timestamp(const char *dir, const struct bundle_trust *trust,
    const char *sig, size_t slen, time_t signed_at, time_t *at)
{
	struct ts_verdict v;
	char *tsr = NULL, when[64], esc[1200];
	size_t tlen;
	int r;

	*at = 0;
	if ((r = bundle_file(dir, BUNDLE_TSR, &tsr, &tlen)) == 1) {
		fprintf(walk.out, "timestamp: none: the signing time, %s, is "
		    "the signer's own claim\n", utc(signed_at, when,
		    sizeof(when)));
		return 0;
	}
	if (r != 0) {
		problem(BUNDLE_TSR, "not a regular file, or unreadable");
		return 0;
	}
	r = ts_check((unsigned char *)tsr, tlen, sig, slen, trust->tsa_ca,
	    &v);
	free(tsr);
	if (r == -1)
		return -1;
	if (r == 0) {
		problem(BUNDLE_TSR, v.why);
		return 0;
	}
	shown(v.tsa, esc, sizeof(esc));
	utc(v.when, when, sizeof(when));
	if (r == 2) {
		fprintf(walk.out, "timestamp: %s by %s, not trusted: %s\n",
		    when, esc, v.why);
		return 0;
	}
	fprintf(walk.out, "timestamp: %s by %s (chain checked)\n", when,
	    esc);
	*at = v.when;
	return 0;
}

/*
 * The signature over the manifest, and whom it is from: judged at a
 * trusted timestamp's time, else now (and, when the signer's certificate
 * has expired since, at the signer's own signing time). Problems on
 * walk.out; *who says how far the signer is trusted. Returns 0, or -1
 * logged.
 */
static int
judge_signer(const char *dir, const struct bundle_trust *trust,
    const char *sig, size_t slen, const char *manifest, size_t mlen,
    enum bundle_signer *who)
{
	struct sign_verdict v;
	char esc[1200], t1[64], t2[64];
	time_t at;
	int r;

	if ((r = sign_verify(sig, slen, manifest, mlen, trust->ca, 0, &v)) ==
	    -1)
		return -1;
	if (r == 0) {
		problem(BUNDLE_SIG, v.why);
		return 0;
	}
	if (judge_timestamp(dir, trust, sig, slen, v.signed_at, &at) == -1)
		return -1;
	if (at != 0 && (r = sign_verify(sig, slen, manifest, mlen, trust->ca,
	    at, &v)) != 1)
		return r == -1 ? -1 : 0;
	/* The signer is from the certificate: untrusted text too. */
	shown(v.signer, esc, sizeof(esc));
	if (trust->ca == NULL) {
		fprintf(walk.out, "signature: good, by %s (chain not checked: "
		    "no --ca given)\n", esc);
		*who = SIGNER_UNCHECKED;
	} else if (v.chains) {
		fprintf(walk.out, "signature: good, by %s (chain checked%s)\n",
		    esc, at != 0 ? " at the timestamp's time" : "");
		*who = SIGNER_TRUSTED;
	} else if (v.expired_since) {
		fprintf(walk.out, "signature: good, by %s, whose certificate "
		    "expired on %s, after its signing time, %s, which only "
		    "the signer claims\n", esc, utc(v.not_after, t1,
		    sizeof(t1)), utc(v.signed_at, t2, sizeof(t2)));
		*who = SIGNER_EXPIRED;
	} else {
		fprintf(walk.out, "signature: good, by %s, who does not chain "
		    "to the CA: %s\n", esc, v.why);
		*who = SIGNER_UNTRUSTED;
	}
	return 0;
}

int
bundle_verify(const char *dir, const struct bundle_trust *trust, FILE *out,
    enum bundle_signer *who)
{
	char *manifest = NULL, *sig = NULL, *line, *save = NULL;
	char hex[SHA256_HEX_LEN + 1], *copy = NULL;
	char esc[1200];
	struct stat sb;
	size_t mlen, slen, i;
	int r, rc = -1;

	memset(&walk, 0, sizeof(walk));
	walk.out = out;
	walk.dirfd = -1;
	*who = SIGNER_UNTRUSTED;
	if (stat(dir, &sb) == 0 && S_ISREG(sb.st_mode)) {
		if (packed_load(dir) == -1)
			goto out;
	} else if ((walk.dirfd = open(dir, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1) {
		log_errno("cannot read bundle '%s'", shown(dir, esc,
		    sizeof(esc)));
		return -1;
	}
	/* A manifest that is a symlink, a FIFO, a directory: altered. */
	if ((r = bundle_file(dir, BUNDLE_MANIFEST, &manifest, &mlen)) != 0) {
		problem(BUNDLE_MANIFEST, r == 1 ? "missing" :
		    "not a regular file, or unreadable");
		rc = 0;
		goto out;
	}
	if ((copy = strndup(manifest, mlen)) == NULL) {
		log_errno("verify");
		goto out;
	}
	for (line = strtok_r(copy, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		struct file *f;
		const char *rel = line + SHA256_HEX_LEN + 2;

		if (strlen(line) < SHA256_HEX_LEN + 3 ||
		    line[SHA256_HEX_LEN] != ' ' ||
		    (line[SHA256_HEX_LEN + 1] != ' ' &&
		    line[SHA256_HEX_LEN + 1] != '*') ||
		    strspn(line, "0123456789abcdef") != SHA256_HEX_LEN ||
		    !safe_rel(rel) || walk.nfiles == MAX_FILES) {
			problem(BUNDLE_MANIFEST, "a line is not \"SHA256  "
			    "FILE\"");
			continue;
		}
		if ((f = reallocarray(walk.files, walk.nfiles + 1,
		    sizeof(*f))) == NULL) {
			log_errno("verify");
			goto out;
		}
		walk.files = f;
		f[walk.nfiles].path = (char *)rel;
		memcpy(f[walk.nfiles].hex, line, SHA256_HEX_LEN);
		f[walk.nfiles].hex[SHA256_HEX_LEN] = '\0';
		walk.nfiles++;
	}
	for (i = 0; i < walk.nfiles; i++) {
		if ((r = file_hex(walk.files[i].path, hex)) < 0)
			problem(walk.files[i].path, r == -2 ?
			    "not a regular file" : "missing or unreadable");
		else if (CRYPTO_memcmp(hex, walk.files[i].hex,
		    SHA256_HEX_LEN) != 0)
			problem(walk.files[i].path, "changed (digest differs)");
	}
	if (walk.dirfd == -1)
		check_packed();
	else if ((r = dup(walk.dirfd)) == -1) {
		log_errno("cannot list the bundle");
		goto out;
	} else if (check_dir(r, "", 0) == -1)
		goto out;
	if ((r = bundle_file(dir, BUNDLE_SIG, &sig, &slen)) != 0)
		problem(BUNDLE_SIG, r == 1 ? "missing" :
		    "not a regular file, or unreadable");
	else if (judge_signer(dir, trust, sig, slen, manifest, mlen, who) ==
	    -1)
		goto out;
	rc = walk.problems == 0;
	fprintf(out, "bundle %s: %s (%zu files in the manifest",
	    shown(dir, esc, sizeof(esc)), rc ? "intact" : "NOT intact",
	    walk.nfiles);
	if (!rc)
		fprintf(out, ", %d problem%s", walk.problems,
		    walk.problems == 1 ? "" : "s");
	fputs(")\n", out);
out:
	if (walk.dirfd != -1)
		close(walk.dirfd);
	packed_free();
	free(walk.files);
	free(copy);
	free(manifest);
	free(sig);
	return rc;
}
