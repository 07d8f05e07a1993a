/*
 * test_hostfs.c - confined, bounded reads of a host root built on disk.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "collector/node/hostfs.h"
#include "util/digest.h"

static char root[] = "/tmp/fipsev-hostfs-XXXXXX";

static void
put(const char *rel, const void *data, size_t n)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	assert_non_null(f = fopen(path, "wb"));
	assert_int_equal(fwrite(data, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

static void
sub(const char *rel, char *path, size_t size)
{
	snprintf(path, size, "%s/%s", root, rel);
}

static int
setup(void **state)
{
	char p[512];

	(void)state;
	if (mkdtemp(root) == NULL)
		return -1;
	sub("etc", p, sizeof(p));
	mkdir(p, 0755);
	sub("usr", p, sizeof(p));
	mkdir(p, 0755);
	sub("usr/lib", p, sizeof(p));
	mkdir(p, 0755);
	return 0;
}

static int
teardown(void **state)
{
	char cmd[600];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd) == 0 ? 0 : -1;
}

/* Kernel resolution (openat2) or the userspace resolver, per test state. */
static const int kernel = 1, userspace = 0;

static void
open_root(void **state, struct hostfs *fs)
{
	assert_int_equal(hostfs_open(fs, root), 0);
	if (*state != NULL && *(const int *)*state == 0)
		fs->confined = 0;
}

static void
test_regular(void **state)
{
	struct hostfs fs;
	struct hostfile f;

	put("etc/os-release", "ID=test\n", 8);
	open_root(state, &fs);
	assert_int_equal(hostfs_read(&fs, "/etc/os-release", 1024, &f), 0);
	assert_true(f.found);
	assert_true(f.complete);
	assert_false(f.truncated);
	assert_int_equal(f.size, 8);
	assert_string_equal(f.data.data, "ID=test\n");
	assert_string_equal(f.path, "/etc/os-release");
	/* sha256sum of "ID=test\n" */
	{
		char want[SHA256_HEX_LEN + 1];

		assert_int_equal(sha256_hex("ID=test\n", 8, want), 0);
		assert_string_equal(f.sha256, want);
	}
	hostfile_release(&f);
	hostfs_close(&fs);
}

static void
test_keep_cap_hashes_all(void **state)
{
	size_t n = 300000;
	char *big = malloc(n), want[SHA256_HEX_LEN + 1];
	struct hostfs fs;
	struct hostfile f;

	(void)state;
	assert_non_null(big);
	for (size_t i = 0; i < n; i++)
		big[i] = (char)('a' + i % 26);
	put("etc/big", big, n);
	assert_int_equal(sha256_hex(big, n, want), 0);
	assert_int_equal(hostfs_open(&fs, root), 0);
	assert_int_equal(hostfs_read(&fs, "/etc/big", 1000, &f), 0);
	assert_true(f.found);
	assert_true(f.truncated);
	assert_true(f.complete);
	assert_int_equal(f.size, n);
	assert_int_equal(f.data.len, 1000);
	assert_memory_equal(f.data.data, big, 1000);
	/* The digest covers the whole file, not just what was kept. */
	assert_string_equal(f.sha256, want);
	hostfile_release(&f);
	hostfs_close(&fs);
	free(big);
}

static void
test_missing_and_odd(void **state)
{
	char p[512];
	struct hostfs fs;
	struct hostfile f;

	open_root(state, &fs);

	assert_int_equal(hostfs_read(&fs, "/etc/nope", 100, &f), 0);
	assert_false(f.found);
	assert_true(f.enoent);
	assert_string_equal(f.error, strerror(ENOENT));
	hostfile_release(&f);

	/* A directory where a file should be. */
	assert_int_equal(hostfs_read(&fs, "/etc", 100, &f), 0);
	assert_false(f.found);
	assert_false(f.enoent);
	assert_string_equal(f.error, "not a regular file (directory)");
	hostfile_release(&f);

	/* A FIFO would block a plain open or read: it must not. */
	sub("etc/fifo", p, sizeof(p));
	unlink(p);
	assert_int_equal(mkfifo(p, 0600), 0);
	assert_int_equal(hostfs_read(&fs, "/etc/fifo", 100, &f), 0);
	assert_false(f.found);
	assert_string_equal(f.error, "not a regular file (fifo)");
	hostfile_release(&f);

	/* An empty file is found, with the digest of nothing. */
	put("etc/empty", "", 0);
	assert_int_equal(hostfs_read(&fs, "/etc/empty", 100, &f), 0);
	assert_true(f.found);
	assert_int_equal(f.size, 0);
	assert_string_equal(f.data.data, "");
	assert_string_equal(f.sha256,
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	hostfile_release(&f);
	hostfs_close(&fs);
}

static void
test_symlinks_stay_in_root(void **state)
{
	char p[512];
	struct hostfs fs;
	struct hostfile f;

	put("usr/lib/os-release", "ID=inside\n", 10);
	/* Absolute link, as on RHEL: resolves inside the root. */
	sub("etc/abs", p, sizeof(p));
	unlink(p);
	assert_int_equal(symlink("/usr/lib/os-release", p), 0);
	/* Relative link climbing far above the root: clamped to it. */
	sub("etc/climb", p, sizeof(p));
	unlink(p);
	assert_int_equal(symlink("../../../../../../../../usr/lib/os-release",
	    p), 0);
	/* A link to this machine's own file must not read it. */
	sub("etc/escape", p, sizeof(p));
	unlink(p);
	assert_int_equal(symlink("/proc/self/status", p), 0);
	/* A link through a linked directory, and a loop. */
	sub("lib", p, sizeof(p));
	unlink(p);
	assert_int_equal(symlink("usr/lib", p), 0);
	sub("etc/via-dir", p, sizeof(p));
	unlink(p);
	assert_int_equal(symlink("/lib/./os-release", p), 0);
	sub("etc/loop", p, sizeof(p));
	unlink(p);
	assert_int_equal(symlink("loop", p), 0);

	open_root(state, &fs);
	assert_int_equal(hostfs_read(&fs, "/etc/abs", 100, &f), 0);
	assert_true(f.found);
	assert_string_equal(f.data.data, "ID=inside\n");
	hostfile_release(&f);
	assert_int_equal(hostfs_read(&fs, "/etc/climb", 100, &f), 0);
	assert_true(f.found);
	assert_string_equal(f.data.data, "ID=inside\n");
	hostfile_release(&f);
	assert_int_equal(hostfs_read(&fs, "/etc/escape", 100, &f), 0);
	assert_false(f.found);
	assert_true(f.enoent);
	hostfile_release(&f);
	/* ".." in the path itself is clamped too. */
	assert_int_equal(hostfs_read(&fs, "/../../usr/lib/os-release", 100, &f), 0);
	assert_true(f.found);
	hostfile_release(&f);
	assert_int_equal(hostfs_read(&fs, "/etc/via-dir", 100, &f), 0);
	assert_true(f.found);
	assert_string_equal(f.data.data, "ID=inside\n");
	hostfile_release(&f);
	assert_int_equal(hostfs_read(&fs, "/etc/loop", 100, &f), 0);
	assert_false(f.found);
	assert_string_equal(f.error, strerror(ELOOP));
	hostfile_release(&f);
	/* A file used as a directory. */
	assert_int_equal(hostfs_read(&fs, "/usr/lib/os-release/x", 100, &f), 0);
	assert_false(f.found);
	assert_string_equal(f.error, strerror(ENOTDIR));
	hostfile_release(&f);
	hostfs_close(&fs);
}

static void
test_bad_root(void **state)
{
	char p[512];
	struct hostfs fs;

	(void)state;
	assert_int_equal(hostfs_open(&fs, "/nonexistent/fipsev-root"), -1);
	put("plainfile", "x", 1);
	sub("plainfile", p, sizeof(p));
	assert_int_equal(hostfs_open(&fs, p), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_prestate(test_regular, (void *)&kernel),
		cmocka_unit_test_prestate(test_regular, (void *)&userspace),
		cmocka_unit_test(test_keep_cap_hashes_all),
		cmocka_unit_test_prestate(test_missing_and_odd, (void *)&kernel),
		cmocka_unit_test_prestate(test_missing_and_odd, (void *)&userspace),
		cmocka_unit_test_prestate(test_symlinks_stay_in_root, (void *)&kernel),
		cmocka_unit_test_prestate(test_symlinks_stay_in_root,
		    (void *)&userspace),
		cmocka_unit_test(test_bad_root),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
