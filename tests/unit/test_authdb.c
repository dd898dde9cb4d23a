/* Unit tests for the password file: encoding round trip, strict parsing with
 * line numbers, permission checks, atomic save, and the in-memory API. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "authdb/authdb.h"
#include "proto/proto.h"

struct fx {
	char dir[64];
	char path[128];
};

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));

	if (fx == NULL)
		return -1;
	strcpy(fx->dir, "/tmp/test_authdb.XXXXXX");
	if (mkdtemp(fx->dir) == NULL)
		return -1;
	snprintf(fx->path, sizeof(fx->path), "%s/dtcps.auth", fx->dir);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;
	struct dirent *de;
	char p[512];
	DIR *d = opendir(fx->dir);

	while (d != NULL && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", fx->dir, de->d_name);
		if (unlink(p) < 0)
			rmdir(p);
	}
	if (d != NULL)
		closedir(d);
	rmdir(fx->dir);
	free(fx);
	return 0;
}

static void write_file(const char *path, const void *data, size_t len,
		       mode_t mode)
{
	int fd;

	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

static void write_str(const char *path, const char *s)
{
	write_file(path, s, strlen(s), 0600);
}

static size_t count_dir(const char *dir)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	size_t n = 0;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static void assert_secret(const struct authdb *db, const char *user,
			  const void *want, size_t wantlen)
{
	uint8_t got[AUTHDB_SECRET_MAX];
	size_t len = 0;

	assert_int_equal(authdb_lookup(db, user, got, &len), 0);
	assert_int_equal(len, wantlen);
	assert_memory_equal(got, want, wantlen);
}

static void test_user_ok(void **state)
{
	char longname[PROTO_USER_MAX + 2];

	(void)state;
	assert_true(proto_user_ok("alice"));
	assert_true(proto_user_ok("a.b_c@d+e-f9"));
	assert_true(proto_user_ok("ALL"));
	assert_false(proto_user_ok(NULL));
	assert_false(proto_user_ok(""));
	assert_false(proto_user_ok("-alice"));
	assert_false(proto_user_ok("al ice"));
	assert_false(proto_user_ok("al:ice"));
	assert_false(proto_user_ok("al/ice"));
	assert_false(proto_user_ok("\xc3\xa9"));
	memset(longname, 'a', sizeof(longname));
	longname[PROTO_USER_MAX] = '\0';
	assert_true(proto_user_ok(longname));
	longname[PROTO_USER_MAX] = 'a';
	longname[PROTO_USER_MAX + 1] = '\0';
	assert_false(proto_user_ok(longname));
}

static void test_round_trip(void **state)
{
	struct fx *fx = *state;
	static const uint8_t s1[] = "pa:ss%w0rd with spaces";
	static const uint8_t s2[] = { 0x01, 'x', 0xff, 0x7f, '\r', '\t', ':' };
	static const uint8_t s3[] = "#not-a-comment";
	uint8_t all[AUTHDB_SECRET_MAX];
	struct authdb_error err;
	struct authdb *db, *db2;
	struct stat st;
	size_t i, n = 0;
	char buf[256];
	ssize_t r;
	int fd;

	/* Every byte but NUL and newline, padded to exactly the maximum. */
	for (i = 1; i < 256; i++)
		if (i != '\n')
			all[n++] = (uint8_t)i;
	while (n < sizeof(all))
		all[n++] = '%';

	db = authdb_new();
	assert_non_null(db);
	assert_int_equal(authdb_set(db, "alice", s1, sizeof(s1) - 1), 0);
	assert_int_equal(authdb_set(db, "bob", s2, sizeof(s2)), 0);
	assert_int_equal(authdb_set(db, "carol", s3, sizeof(s3) - 1), 0);
	assert_int_equal(authdb_set(db, "dave", all, sizeof(all)), 0);
	assert_int_equal(authdb_save(db, fx->path), 0);

	assert_int_equal(stat(fx->path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(count_dir(fx->dir), 1);

	/* The encoding itself: upper-case hex for '%', ':', < 0x21, >= 0x7f. */
	fd = open(fx->path, O_RDONLY);
	assert_true(fd >= 0);
	r = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	assert_true(r > 0);
	buf[r] = '\0';
	assert_non_null(strstr(buf, "alice:pa%3Ass%25w0rd%20with%20spaces\n"
				    "bob:%01x%FF%7F%0D%09%3A\n"
				    "carol:#not-a-comment\n"
				    "dave:%01%02"));

	assert_int_equal(authdb_load(fx->path, true, &db2, &err), 0);
	assert_int_equal(authdb_count(db2), 4);
	assert_string_equal(authdb_user_at(db2, 0), "alice");
	assert_string_equal(authdb_user_at(db2, 1), "bob");
	assert_string_equal(authdb_user_at(db2, 2), "carol");
	assert_string_equal(authdb_user_at(db2, 3), "dave");
	assert_null(authdb_user_at(db2, 4));
	assert_secret(db2, "alice", s1, sizeof(s1) - 1);
	assert_secret(db2, "bob", s2, sizeof(s2));
	assert_secret(db2, "carol", s3, sizeof(s3) - 1);
	assert_secret(db2, "dave", all, sizeof(all));
	authdb_free(db2);
	authdb_free(db);
}

static void test_comments_and_lenient_bits(void **state)
{
	struct fx *fx = *state;
	struct authdb_error err;
	struct authdb *db;

	/* Comments, empty lines, lower-case hex, a needlessly encoded byte,
	 * and a last line without newline are all fine. */
	write_str(fx->path, "# users\n\nalice:%3a%41b\n#bob:x\n\ncarol:c");
	assert_int_equal(authdb_load(fx->path, true, &db, &err), 0);
	assert_int_equal(authdb_count(db), 2);
	assert_secret(db, "alice", ":Ab", 3);
	assert_secret(db, "carol", "c", 1);
	authdb_free(db);

	write_str(fx->path, "");
	assert_int_equal(authdb_load(fx->path, true, &db, &err), 0);
	assert_int_equal(authdb_count(db), 0);
	authdb_free(db);
}

struct bad_case {
	const char *text;
	unsigned line;
	const char *msg; /* substring */
};

static void test_malformed(void **state)
{
	static const struct bad_case cases[] = {
		{ "a:b\nnocolon\n", 2, "missing ':'" },
		{ "# c\n\na:b\n:x\n", 4, "empty user name" },
		{ "a:%4\n", 1, "bad %-escape" },
		{ "a:x%\n", 1, "bad %-escape" },
		{ "a:%zz\n", 1, "bad %-escape" },
		{ "a:%G0\n", 1, "bad %-escape" },
		{ "a:b\nb:x%00y\n", 2, "NUL" },
		{ "a:%0a\n", 1, "newline" },
		{ "a:%0A\n", 1, "newline" },
		{ "a:b c\n", 1, "unencoded byte 0x20" },
		{ "a:b\tc\n", 1, "unencoded byte 0x09" },
		{ "a:b:c\n", 1, "write it as %3A" },
		{ "a:\xff\n", 1, "unencoded byte 0xFF" },
		{ "a:b\r\n", 1, "carriage return" },
		{ "a:b\n\nc:\n", 3, "empty secret" },
		{ "-a:b\n", 1, "bad user name" },
		{ "a b:c\n", 1, "bad user name" },
		{ " a:c\n", 1, "bad user name" },
		{ "a:b\nb:c\na:d\n", 3, "duplicate user a (first on line 1)" },
	};
	struct fx *fx = *state;
	struct authdb_error err;
	struct authdb *db = NULL;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		write_str(fx->path, cases[i].text);
		memset(&err, 0x55, sizeof(err));
		if (authdb_load(fx->path, true, &db, &err) == 0)
			fail_msg("case %zu loaded", i);
		if (err.line != cases[i].line ||
		    strstr(err.msg, cases[i].msg) == NULL)
			fail_msg(
				"case %zu: got line %u '%s', want line %u '%s'",
				i, err.line, err.msg, cases[i].line,
				cases[i].msg);
	}
}

static void test_limits(void **state)
{
	struct fx *fx = *state;
	char line[AUTHDB_LINE_MAX + 64];
	struct authdb_error err;
	struct authdb *db;
	size_t n;

	/* User name: 64 bytes fine, 65 too long. */
	n = (size_t)sprintf(line, "%0*d:x\n", PROTO_USER_MAX, 0);
	memset(line, 'u', PROTO_USER_MAX);
	write_file(fx->path, line, n, 0600);
	assert_int_equal(authdb_load(fx->path, true, &db, &err), 0);
	authdb_free(db);
	n = (size_t)sprintf(line, "%0*d:x\n", PROTO_USER_MAX + 1, 0);
	write_file(fx->path, line, n, 0600);
	assert_int_equal(authdb_load(fx->path, true, &db, &err), -1);
	assert_int_equal(err.line, 1);
	assert_non_null(strstr(err.msg, "user name longer than 64"));

	/* Secret: 256 decoded bytes fine, 257 too long (encoded or not). */
	memcpy(line, "a:", 2);
	memset(line + 2, 's', AUTHDB_SECRET_MAX);
	line[2 + AUTHDB_SECRET_MAX] = '\n';
	write_file(fx->path, line, 3 + AUTHDB_SECRET_MAX, 0600);
	assert_int_equal(authdb_load(fx->path, true, &db, &err), 0);
	authdb_free(db);
	memset(line + 2, 's', AUTHDB_SECRET_MAX + 1);
	line[3 + AUTHDB_SECRET_MAX] = '\n';
	write_file(fx->path, line, 4 + AUTHDB_SECRET_MAX, 0600);
	assert_int_equal(authdb_load(fx->path, true, &db, &err), -1);
	assert_int_equal(err.line, 1);
	assert_non_null(strstr(err.msg, "secret longer than 256"));
	for (n = 0; n < AUTHDB_SECRET_MAX + 1; n++)
		memcpy(line + 2 + 3 * n, "%25", 3);
	line[2 + 3 * n] = '\n';
	write_file(fx->path, line, 3 + 3 * n, 0600);
	assert_int_equal(authdb_load(fx->path, true, &db, &err), -1);
	assert_int_equal(err.line, 1);
	assert_non_null(strstr(err.msg, "secret longer than 256"));

	/* Lines: exactly AUTHDB_LINE_MAX bytes is fine (a comment here),
	 * one more is an error even in a comment, with its line number. */
	memcpy(line, "a:b\n", 4);
	memset(line + 4, '#', AUTHDB_LINE_MAX);
	line[4 + AUTHDB_LINE_MAX] = '\n';
	write_file(fx->path, line, 5 + AUTHDB_LINE_MAX, 0600);
	assert_int_equal(authdb_load(fx->path, true, &db, &err), 0);
	authdb_free(db);
	memset(line + 4, '#', AUTHDB_LINE_MAX + 1);
	line[5 + AUTHDB_LINE_MAX] = '\n';
	write_file(fx->path, line, 6 + AUTHDB_LINE_MAX, 0600);
	assert_int_equal(authdb_load(fx->path, true, &db, &err), -1);
	assert_int_equal(err.line, 2);
	assert_non_null(strstr(err.msg, "line longer than 1024"));
	/* Same without a final newline. */
	write_file(fx->path, line, 5 + AUTHDB_LINE_MAX, 0600);
	assert_int_equal(authdb_load(fx->path, true, &db, &err), -1);
	assert_int_equal(err.line, 2);
}

static void test_file_checks(void **state)
{
	struct fx *fx = *state;
	struct authdb_error err;
	struct authdb *db;
	char other[160];

	write_str(fx->path, "a:b\n");

	assert_int_equal(chmod(fx->path, 0644), 0);
	assert_int_equal(authdb_load(fx->path, true, &db, &err), -1);
	assert_int_equal(err.line, 0);
	assert_non_null(strstr(err.msg, "readable by group or others"));
	assert_non_null(strstr(err.msg, "chmod 600"));
	/* Without the check (tests, tools reading their own copy) it loads. */
	assert_int_equal(authdb_load(fx->path, false, &db, &err), 0);
	authdb_free(db);

	assert_int_equal(chmod(fx->path, 0640), 0);
	assert_int_equal(authdb_load(fx->path, true, &db, &err), -1);
	assert_int_equal(chmod(fx->path, 0602), 0);
	assert_int_equal(authdb_load(fx->path, true, &db, &err), -1);
	assert_non_null(strstr(err.msg, "writable by group or others"));
	assert_int_equal(chmod(fx->path, 0610), 0);
	assert_int_equal(authdb_load(fx->path, true, &db, &err), -1);
	assert_int_equal(chmod(fx->path, 0400), 0);
	assert_int_equal(authdb_load(fx->path, true, &db, &err), 0);
	authdb_free(db);
	assert_int_equal(chmod(fx->path, 0600), 0);

	/* Owned by somebody else (only testable as root). */
	if (geteuid() == 0) {
		assert_int_equal(chown(fx->path, 12345, 0), 0);
		assert_int_equal(authdb_load(fx->path, true, &db, &err), -1);
		assert_non_null(strstr(err.msg, "owned by uid 12345"));
		assert_int_equal(chown(fx->path, 0, 0), 0);
	}

	/* Symbolic links are refused, even to a good file. */
	snprintf(other, sizeof(other), "%s/link", fx->dir);
	assert_int_equal(symlink(fx->path, other), 0);
	assert_int_equal(authdb_load(other, true, &db, &err), -1);
	assert_non_null(strstr(err.msg, "symbolic link"));
	unlink(other);

	/* A directory and a FIFO are not regular files; the FIFO must not
	 * block the open. */
	assert_int_equal(authdb_load(fx->dir, true, &db, &err), -1);
	assert_non_null(strstr(err.msg, "not a regular file"));
	snprintf(other, sizeof(other), "%s/fifo", fx->dir);
	assert_int_equal(mkfifo(other, 0600), 0);
	assert_int_equal(authdb_load(other, true, &db, &err), -1);
	assert_non_null(strstr(err.msg, "not a regular file"));
	unlink(other);

	snprintf(other, sizeof(other), "%s/missing", fx->dir);
	assert_int_equal(authdb_load(other, true, &db, &err), -1);
	assert_int_equal(err.line, 0);
	assert_non_null(strstr(err.msg, "does not exist"));
}

static void test_save_atomic(void **state)
{
	struct fx *fx = *state;
	struct authdb_error err;
	struct authdb *db, *db2;
	char bad[160];
	struct stat st;
	mode_t old;

	/* Replacing a too-open file yields 0600 whatever the umask. */
	write_str(fx->path, "old:x\n");
	assert_int_equal(chmod(fx->path, 0666), 0);
	old = umask(0);
	db = authdb_new();
	assert_non_null(db);
	assert_int_equal(authdb_set(db, "new", (const uint8_t *)"y", 1), 0);
	assert_int_equal(authdb_save(db, fx->path), 0);
	umask(old);
	assert_int_equal(stat(fx->path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(count_dir(fx->dir), 1);
	assert_int_equal(authdb_load(fx->path, true, &db2, &err), 0);
	assert_int_equal(authdb_count(db2), 1);
	assert_secret(db2, "new", "y", 1);
	authdb_free(db2);

	/* A failed save leaves nothing behind. */
	snprintf(bad, sizeof(bad), "%s/nodir/dtcps.auth", fx->dir);
	assert_int_equal(authdb_save(db, bad), -ENOENT);
	assert_int_equal(count_dir(fx->dir), 1);
	/* Renaming onto a directory fails after the temp file exists. */
	snprintf(bad, sizeof(bad), "%s/adir", fx->dir);
	assert_int_equal(mkdir(bad, 0700), 0);
	snprintf(bad + strlen(bad), sizeof(bad) - strlen(bad), "/x");
	assert_int_equal(mkdir(bad, 0700), 0);
	assert_true(authdb_save(db, bad) < 0);
	*strrchr(bad, '/') = '\0';
	assert_int_equal(count_dir(bad), 1);
	strcat(bad, "/x");
	rmdir(bad);

	/* An empty database saves as an empty file. */
	authdb_free(db);
	db = authdb_new();
	assert_int_equal(authdb_save(db, fx->path), 0);
	assert_int_equal(stat(fx->path, &st), 0);
	assert_int_equal(st.st_size, 0);
	authdb_free(db);
}

static void test_lookup_set_delete(void **state)
{
	struct authdb *db = authdb_new();
	uint8_t out[AUTHDB_SECRET_MAX], big[AUTHDB_SECRET_MAX + 1];
	size_t len = 77;

	(void)state;
	assert_non_null(db);
	memset(out, 0xAA, sizeof(out));
	assert_int_equal(authdb_lookup(db, "nobody", out, &len), -1);
	assert_int_equal(len, 77);
	assert_int_equal(out[0], 0xAA);
	assert_int_equal(authdb_delete(db, "nobody"), -1);

	assert_int_equal(authdb_set(db, "a", (const uint8_t *)"1", 1), 0);
	assert_int_equal(authdb_set(db, "b", (const uint8_t *)"2", 1), 0);
	assert_int_equal(authdb_set(db, "c", (const uint8_t *)"3", 1), 0);
	/* Setting an existing user replaces its secret in place. */
	assert_int_equal(authdb_set(db, "a", (const uint8_t *)"new", 3), 0);
	assert_int_equal(authdb_count(db), 3);
	assert_string_equal(authdb_user_at(db, 0), "a");
	assert_secret(db, "a", "new", 3);
	assert_int_equal(authdb_lookup(db, "A", out, &len), -1);
	assert_int_equal(authdb_lookup(db, "nobody", out, &len), -1);

	assert_int_equal(authdb_delete(db, "b"), 0);
	assert_int_equal(authdb_delete(db, "b"), -1);
	assert_int_equal(authdb_count(db), 2);
	assert_string_equal(authdb_user_at(db, 0), "a");
	assert_string_equal(authdb_user_at(db, 1), "c");
	assert_int_equal(authdb_lookup(db, "b", out, &len), -1);
	assert_secret(db, "c", "3", 1);

	/* Rejected input leaves the database as it was. */
	memset(big, 'x', sizeof(big));
	assert_int_equal(authdb_set(db, "-x", big, 1), -1);
	assert_int_equal(authdb_set(db, "a:b", big, 1), -1);
	assert_int_equal(authdb_set(db, "x", big, 0), -1);
	assert_int_equal(authdb_set(db, "x", big, sizeof(big)), -1);
	assert_int_equal(authdb_set(db, "x", big, AUTHDB_SECRET_MAX), 0);
	assert_int_equal(authdb_set(db, "y", (const uint8_t *)"a\0b", 3), -1);
	assert_int_equal(authdb_set(db, "y", (const uint8_t *)"a\nb", 3), -1);
	assert_int_equal(authdb_set(db, "c", (const uint8_t *)"\n", 1), -1);
	assert_secret(db, "c", "3", 1);
	assert_int_equal(authdb_count(db), 3);

	authdb_free(db);
	authdb_free(NULL);
	assert_int_equal(authdb_count(NULL), 0);
}

/* Enough users to grow the index several times, then delete half. */
static void test_many_users(void **state)
{
	struct fx *fx = *state;
	struct authdb_error err;
	struct authdb *db = authdb_new(), *db2;
	char name[32], sec[32];
	unsigned i;

	assert_non_null(db);
	for (i = 0; i < 3000; i++) {
		snprintf(name, sizeof(name), "user%u", i);
		snprintf(sec, sizeof(sec), "s:%u", i * 7);
		assert_int_equal(
			authdb_set(db, name, (uint8_t *)sec, strlen(sec)), 0);
	}
	for (i = 0; i < 3000; i += 2) {
		snprintf(name, sizeof(name), "user%u", i);
		assert_int_equal(authdb_delete(db, name), 0);
	}
	assert_int_equal(authdb_count(db), 1500);
	assert_int_equal(authdb_save(db, fx->path), 0);
	assert_int_equal(authdb_load(fx->path, true, &db2, &err), 0);
	assert_int_equal(authdb_count(db2), 1500);
	for (i = 0; i < 3000; i++) {
		uint8_t out[AUTHDB_SECRET_MAX];
		size_t len;

		snprintf(name, sizeof(name), "user%u", i);
		snprintf(sec, sizeof(sec), "s:%u", i * 7);
		if (i % 2 == 0) {
			assert_int_equal(authdb_lookup(db2, name, out, &len),
					 -1);
		} else {
			assert_secret(db2, name, sec, strlen(sec));
			assert_string_equal(authdb_user_at(db2, i / 2), name);
		}
	}
	authdb_free(db2);
	authdb_free(db);
}

static void test_wipe(void **state)
{
	uint8_t b[16];

	(void)state;
	memset(b, 0xEE, sizeof(b));
	authdb_wipe(b, sizeof(b));
	for (size_t i = 0; i < sizeof(b); i++)
		assert_int_equal(b[i], 0);
	authdb_wipe(NULL, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_user_ok),
		cmocka_unit_test_setup_teardown(test_round_trip, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_comments_and_lenient_bits,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_checks, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_save_atomic, setup,
						teardown),
		cmocka_unit_test(test_lookup_set_delete),
		cmocka_unit_test_setup_teardown(test_many_users, setup,
						teardown),
		cmocka_unit_test(test_wipe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
