/* Unit tests for the client's password file ("server:user:password"). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "client/authfile.h"

/* A temporary file under /tmp holding `text` with `mode`; the path is
 * written to path[64]. */
static void make_file(char *path, const char *text, mode_t mode)
{
	int fd;

	strcpy(path, "/tmp/dtcp-authfile-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

/* Look up in a fresh 0600 file holding `text`; err is kept in err[256]. */
static int lookup(const char *text, const char *server, const char *user,
		  char *pw, size_t size, char *err)
{
	char path[64];
	int rc;

	make_file(path, text, 0600);
	err[0] = '\0';
	rc = authfile_lookup(path, server, user, pw, size, err, 256);
	unlink(path);
	return rc;
}

static const char entries[] =
	"tunnel.example.net:alice:secret1\n"
	"tunnel.example.net:bob:secret2\n"
	"other.example.org:alice:secret3\n";

static void test_match(void **state)
{
	char pw[64], err[256];

	(void)state;
	assert_int_equal(lookup(entries, "tunnel.example.net", "alice", pw,
				sizeof(pw), err), 1);
	assert_string_equal(pw, "secret1");
	/* Same server, other user; same user, other server. */
	assert_int_equal(lookup(entries, "tunnel.example.net", "bob", pw,
				sizeof(pw), err), 1);
	assert_string_equal(pw, "secret2");
	assert_int_equal(lookup(entries, "other.example.org", "alice", pw,
				sizeof(pw), err), 1);
	assert_string_equal(pw, "secret3");
}

static void test_no_match(void **state)
{
	char pw[64], err[256];

	(void)state;
	/* Both fields must match whole: no prefixes, no case folding. */
	assert_int_equal(lookup(entries, "other.example.org", "bob", pw,
				sizeof(pw), err), 0);
	assert_int_equal(lookup(entries, "tunnel.example", "alice", pw,
				sizeof(pw), err), 0);
	assert_int_equal(lookup(entries, "tunnel.example.net", "alic", pw,
				sizeof(pw), err), 0);
	assert_int_equal(lookup(entries, "tunnel.example.net", "alice2", pw,
				sizeof(pw), err), 0);
	assert_int_equal(lookup(entries, "tunnel.example.net", "Alice", pw,
				sizeof(pw), err), 0);
	/* The password is not a key. */
	assert_int_equal(lookup(entries, "tunnel.example.net", "secret1", pw,
				sizeof(pw), err), 0);
	/* An empty file has no entries. */
	assert_int_equal(lookup("", "tunnel.example.net", "alice", pw,
				sizeof(pw), err), 0);
	assert_string_equal(err, "");
}

static void test_missing_file_is_no_match(void **state)
{
	char pw[64], err[256] = "";

	(void)state;
	assert_int_equal(authfile_lookup("/tmp/dtcp-authfile-does-not-exist/x",
					 "s", "u", pw, sizeof(pw), err,
					 sizeof(err)), 0);
	assert_string_equal(err, "");
}

static void test_password_rest_of_line(void **state)
{
	char pw[64], err[256];

	(void)state;
	/* The password may hold ':', blanks and '#'; a CRLF ending is not
	 * part of it, and neither is the LF. */
	assert_int_equal(lookup("s:u:a:b c#d \n", "s", "u", pw, sizeof(pw),
				err), 1);
	assert_string_equal(pw, "a:b c#d ");
	assert_int_equal(lookup("s:u:pw\r\n", "s", "u", pw, sizeof(pw), err),
			 1);
	assert_string_equal(pw, "pw");
	/* A CR inside the password is part of it. */
	assert_int_equal(lookup("s:u:pa\rss\n", "s", "u", pw, sizeof(pw), err),
			 1);
	assert_string_equal(pw, "pa\rss");
	/* The last line need not end in a newline. */
	assert_int_equal(lookup("x:y:z\ns:u:last", "s", "u", pw, sizeof(pw),
				err), 1);
	assert_string_equal(pw, "last");
}

static void test_comments_and_blank_lines(void **state)
{
	char pw[64], err[256];
	const char *text = "# client passwords\n"
			   "\n"
			   "#s:u:commented\n"
			   "\r\n"
			   "s:u:real\n";

	(void)state;
	assert_int_equal(lookup(text, "s", "u", pw, sizeof(pw), err), 1);
	assert_string_equal(pw, "real");
	/* A commented-out entry is not an entry. */
	assert_int_equal(lookup("#s:u:commented\n", "s", "u", pw, sizeof(pw),
				err), 0);
	assert_int_equal(lookup("#s:u:x\n", "#s", "u", pw, sizeof(pw), err),
			 0);
}

static void test_first_match_wins(void **state)
{
	char pw[64], err[256];

	(void)state;
	assert_int_equal(lookup("s:u:first\ns:u:second\n", "s", "u", pw,
				sizeof(pw), err), 1);
	assert_string_equal(pw, "first");
}

static void test_malformed_line(void **state)
{
	char pw[64], err[256], path[64], want[96];
	int rc;

	(void)state;
	/* Line 4 (comments and blank lines count) has one ':' only. The
	 * error names the file and the line, and the expected form; an
	 * entry after it does not make the file usable. */
	make_file(path, "# c\n\ns:other:x\ns:u\ns:u:pw\n", 0600);
	rc = authfile_lookup(path, "s", "u", pw, sizeof(pw), err, sizeof(err));
	assert_int_equal(rc, -1);
	snprintf(want, sizeof(want), "%s:4: ", path);
	assert_non_null(strstr(err, want));
	assert_non_null(strstr(err, "server:user:password"));
	unlink(path);
	/* No ':' at all, and a line with leading blanks before '#' (only
	 * a '#' in the first column starts a comment). */
	assert_int_equal(lookup("justtext\n", "s", "u", pw, sizeof(pw), err),
			 -1);
	assert_non_null(strstr(err, ":1: "));
	assert_int_equal(lookup("s:u:pw\n  # note\n", "x", "y", pw,
				sizeof(pw), err), -1);
	assert_non_null(strstr(err, ":2: "));
}

static void test_password_too_long(void **state)
{
	char pw[8], err[256];

	(void)state;
	/* Seven bytes and the NUL fit pw[8]; eight do not, and that is an
	 * error naming the line, never a cut password. */
	assert_int_equal(lookup("s:u:1234567\n", "s", "u", pw, sizeof(pw),
				err), 1);
	assert_string_equal(pw, "1234567");
	memset(pw, 'Z', sizeof(pw));
	assert_int_equal(lookup("x:y:z\ns:u:12345678\n", "s", "u", pw,
				sizeof(pw), err), -1);
	assert_non_null(strstr(err, ":2: "));
	assert_non_null(strstr(err, "password too long"));
	/* Nothing was copied. */
	assert_int_equal(pw[0], 'Z');
}

static void test_line_too_long(void **state)
{
	char text[3000], pw[2048], err[256];

	(void)state;
	/* An entry of a thousand bytes is fine. */
	snprintf(text, sizeof(text), "s:u:%0996d\n", 0);
	assert_int_equal(strlen(text), 1001);
	assert_int_equal(lookup(text, "s", "u", pw, sizeof(pw), err), 1);
	assert_int_equal(strlen(pw), 996);
	/* Two thousand is not: an error with its line number rather than
	 * the rest of the line read as a line of its own. */
	snprintf(text, sizeof(text), "# c\ns:u:%01996d\n", 0);
	assert_int_equal(lookup(text, "s", "u", pw, sizeof(pw), err), -1);
	assert_non_null(strstr(err, ":2: line too long"));
	/* Also when it is a comment or has no newline. */
	snprintf(text, sizeof(text), "#%02000d", 0);
	assert_int_equal(lookup(text, "s", "u", pw, sizeof(pw), err), -1);
	assert_non_null(strstr(err, ":1: line too long"));
}

static void test_mode_checks(void **state)
{
	static const mode_t bad[] = { 0640, 0620, 0610, 0604, 0602, 0601,
				      0644, 0666, 0777 };
	static const mode_t good[] = { 0600, 0400, 0700 };
	char pw[64], err[256], path[64];

	(void)state;
	/* Any access for group or others makes the file unusable, even
	 * when it holds the entry; the message names the file and the
	 * fix. */
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		make_file(path, "s:u:pw\n", bad[i]);
		err[0] = '\0';
		assert_int_equal(authfile_lookup(path, "s", "u", pw, sizeof(pw),
						 err, sizeof(err)), -1);
		assert_non_null(strstr(err, path));
		assert_non_null(strstr(err, "chmod 600"));
		unlink(path);
	}
	/* The owner's bits alone are fine. */
	for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++) {
		make_file(path, "s:u:pw\n", good[i]);
		assert_int_equal(authfile_lookup(path, "s", "u", pw, sizeof(pw),
						 err, sizeof(err)), 1);
		assert_string_equal(pw, "pw");
		unlink(path);
	}
}

static void test_not_a_regular_file(void **state)
{
	char pw[64], err[256], dir[64];

	(void)state;
	strcpy(dir, "/tmp/dtcp-authfile-XXXXXX");
	assert_non_null(mkdtemp(dir));
	assert_int_equal(chmod(dir, 0700), 0);
	assert_int_equal(authfile_lookup(dir, "s", "u", pw, sizeof(pw), err,
					 sizeof(err)), -1);
	assert_non_null(strstr(err, dir));
	assert_non_null(strstr(err, "not a regular file"));
	rmdir(dir);
}

static void test_symlink_refused(void **state)
{
	char pw[64], err[256], path[64], lnk[80];

	(void)state;
	/* A symbolic link is not followed, even to a good file. */
	make_file(path, "s:u:pw\n", 0600);
	snprintf(lnk, sizeof(lnk), "%s.lnk", path);
	assert_int_equal(symlink(path, lnk), 0);
	err[0] = '\0';
	assert_int_equal(authfile_lookup(lnk, "s", "u", pw, sizeof(pw), err,
					 sizeof(err)), -1);
	assert_non_null(strstr(err, lnk));
	unlink(lnk);
	unlink(path);
}

static void test_unreadable(void **state)
{
	char pw[64], err[256], path[64];

	(void)state;
	if (geteuid() == 0)
		skip();   /* root reads anything */
	make_file(path, "s:u:pw\n", 0000);
	assert_int_equal(authfile_lookup(path, "s", "u", pw, sizeof(pw), err,
					 sizeof(err)), -1);
	assert_non_null(strstr(err, path));
	unlink(path);
}

/* A FIFO is refused at once (it used to block the start for ever). */
static void test_fifo_refused_at_once(void **state)
{
	char pw[64], err[256], dir[] = "/tmp/dtcp-af-XXXXXX", fifo[64];

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	alarm(5);
	assert_int_equal(authfile_lookup(fifo, "s", "u", pw, sizeof(pw), err,
					 sizeof(err)), -1);
	alarm(0);
	assert_non_null(strstr(err, "not a regular file"));
	unlink(fifo);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fifo_refused_at_once),
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_no_match),
		cmocka_unit_test(test_missing_file_is_no_match),
		cmocka_unit_test(test_password_rest_of_line),
		cmocka_unit_test(test_comments_and_blank_lines),
		cmocka_unit_test(test_first_match_wins),
		cmocka_unit_test(test_malformed_line),
		cmocka_unit_test(test_password_too_long),
		cmocka_unit_test(test_line_too_long),
		cmocka_unit_test(test_mode_checks),
		cmocka_unit_test(test_not_a_regular_file),
		cmocka_unit_test(test_symlink_refused),
		cmocka_unit_test(test_unreadable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
