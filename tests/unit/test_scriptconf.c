/* Unit tests for reading tunif from dtcpclient_script.conf. */
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

#include "client/scriptconf.h"

/* A temporary file under /tmp holding `text`; the path goes to path[64]. */
static void make_file(char *path, const char *text, mode_t mode)
{
	int fd;

	strcpy(path, "/tmp/dtcp-scriptconf-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

/* scriptconf_tunif on a fresh file holding `text`. ifname is
 * IFNAMSIZ bytes and holds the caller's default, "dflt0"; err is 256
 * bytes. */
static int tunif(const char *text, char *ifname, char *err)
{
	char path[64];
	int rc;

	make_file(path, text, 0644);
	strcpy(ifname, "dflt0");
	memset(err, 0, 256);
	rc = scriptconf_tunif(path, ifname, err, 256);
	unlink(path);
	return rc;
}

static void test_missing_file_gives_default(void **state)
{
	char ifname[IFNAMSIZ], err[256] = "";

	(void)state;
	strcpy(ifname, "dflt0");
	assert_int_equal(scriptconf_tunif("/tmp/dtcp-scriptconf-none/x.conf",
					  ifname, err, sizeof(err)), 0);
	assert_string_equal(ifname, "dflt0");
	assert_string_equal(err, "");
}

static void test_unset_gives_default(void **state)
{
	char ifname[IFNAMSIZ], err[256];

	(void)state;
	assert_int_equal(tunif("", ifname, err), 0);
	assert_string_equal(ifname, "dflt0");
	/* Other settings, comments, and names that only look alike. */
	assert_int_equal(tunif("# tunif=tun7\n"
			       "#tunif=tun7\n"
			       "up_command=\"tunif=tun7\"\n"
			       "tunifx=tun7\n"
			       "mytunif=tun7\n"
			       "TUNIF=tun7\n"
			       "down_command=\n", ifname, err), 0);
	assert_string_equal(ifname, "dflt0");
}

static void test_bare_value(void **state)
{
	char ifname[IFNAMSIZ], err[256];

	(void)state;
	assert_int_equal(tunif("tunif=tun0\n", ifname, err), 0);
	assert_string_equal(ifname, "tun0");
	/* Without a final newline, and among other lines. */
	assert_int_equal(tunif("# conf\nup_command=\ntunif=dtcp1", ifname,
			       err), 0);
	assert_string_equal(ifname, "dtcp1");
}

static void test_quoted_value(void **state)
{
	char ifname[IFNAMSIZ], err[256];

	(void)state;
	/* The quoting a shell accepts: double or single quotes. */
	assert_int_equal(tunif("tunif=\"gif0\"\n", ifname, err), 0);
	assert_string_equal(ifname, "gif0");
	assert_int_equal(tunif("tunif='gif1'\n", ifname, err), 0);
	assert_string_equal(ifname, "gif1");
}

static void test_blanks_comments_crlf(void **state)
{
	char ifname[IFNAMSIZ], err[256];

	(void)state;
	/* Leading blanks, a trailing comment after a blank, trailing
	 * blanks, a CRLF line end. */
	assert_int_equal(tunif(" \ttunif=tun3\n", ifname, err), 0);
	assert_string_equal(ifname, "tun3");
	assert_int_equal(tunif("tunif=tun4 # the tunnel\n", ifname, err), 0);
	assert_string_equal(ifname, "tun4");
	assert_int_equal(tunif("tunif=tun5\t \n", ifname, err), 0);
	assert_string_equal(ifname, "tun5");
	assert_int_equal(tunif("tunif=tun6\r\n", ifname, err), 0);
	assert_string_equal(ifname, "tun6");
}

static void test_last_assignment_wins(void **state)
{
	char ifname[IFNAMSIZ], err[256];

	(void)state;
	/* As when the script sources the file. */
	assert_int_equal(tunif("tunif=first\nx=1\ntunif=second\n", ifname,
			       err), 0);
	assert_string_equal(ifname, "second");
}

static void test_name_length(void **state)
{
	char ifname[IFNAMSIZ], err[256];

	(void)state;
	/* 15 characters fill ifname[IFNAMSIZ]; 16 are too many. */
	assert_int_equal(tunif("tunif=abcdefghijklmno\n", ifname, err), 0);
	assert_string_equal(ifname, "abcdefghijklmno");
	assert_int_equal(tunif("tunif=abcdefghijklmnop\n", ifname, err), -1);
	assert_non_null(strstr(err, ":1: tunif"));
}

static void test_invalid_names(void **state)
{
	static const char *const bad[] = {
		"tunif=\n",          /* empty */
		"tunif=\"\"\n",      /* empty, quoted */
		"tunif=''\n",
		"tunif=a/b\n",
		"tunif=ng:0\n",
		"tunif=.\n",
		"tunif=..\n",
		"tunif=\"..\"\n",
		"tunif=tun\x01\n",   /* control byte */
	};
	char ifname[IFNAMSIZ], err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		assert_int_equal(tunif(bad[i], ifname, err), -1);
		assert_non_null(strstr(err, ":1: tunif"));
		assert_non_null(strstr(err, "not a valid interface name"));
	}
}

static void test_error_names_file_and_line(void **state)
{
	char ifname[IFNAMSIZ], err[256], path[64], want[96];

	(void)state;
	/* A bad value on line 3 is an error even after a good one. */
	make_file(path, "# conf\ntunif=ok0\ntunif=bad/0\n", 0644);
	assert_int_equal(scriptconf_tunif(path, ifname, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:3: tunif \"bad/0\"", path);
	assert_non_null(strstr(err, want));
	unlink(path);
}

static void test_line_too_long(void **state)
{
	char text[3000], ifname[IFNAMSIZ], err[256];

	(void)state;
	/* A long line of the script's own is fine... */
	snprintf(text, sizeof(text), "up_command=\"%0990d\"\ntunif=tun1\n", 0);
	assert_int_equal(tunif(text, ifname, err), 0);
	assert_string_equal(ifname, "tun1");
	/* ...an overlong one is an error naming its line, so that its tail
	 * is never read as a line of its own (here: "tunif=evil"). */
	snprintf(text, sizeof(text), "x=1\nup_command=%01994dtunif=evil\n", 0);
	assert_int_equal(tunif(text, ifname, err), -1);
	assert_non_null(strstr(err, ":2: line too long"));
	/* The first 1025 bytes fill the reader's buffer exactly. */
	snprintf(text, sizeof(text), "x=%01023dtunif=evil\n", 0);
	assert_int_equal(strlen(text), 1036);
	assert_int_equal(tunif(text, ifname, err), -1);
	assert_non_null(strstr(err, ":1: line too long"));
}

static void test_unreadable(void **state)
{
	char ifname[IFNAMSIZ], err[256], path[64];

	(void)state;
	if (geteuid() == 0)
		skip();   /* root reads anything */
	make_file(path, "tunif=tun0\n", 0000);
	assert_int_equal(scriptconf_tunif(path, ifname, err, sizeof(err)), -1);
	assert_non_null(strstr(err, path));
	unlink(path);
}

/* dtcpclient must read tunif exactly as the script's shell does, or
 * refuse: never a name with the quotes in it, never half a word. */
static void test_read_as_the_shell_does(void **state)
{
	static const char *const same[][2] = {
		{ "tunif=\"tun0\" # the tunnel\n", "tun0" },
		{ "tunif='tun0'  \n", "tun0" },
		{ "tunif=tun0 # comment\n", "tun0" },
		{ "tunif=tun0#x\n", "tun0#x" },     /* '#' mid-word is no comment */
	};
	static const char *const refused[] = {
		"tunif=\"my tun\"\n",      /* the shell's value has a blank */
		"tunif=\"tun0\n",          /* unmatched quote */
		"tunif='\n",
		"tunif=$IF\n",             /* an expansion */
		"tunif=\"$IF\"\n",
		"tunif=tun\\0\n",
		"tunif=`x`\n",
		"tunif= tun0\n",           /* the shell runs tun0 as a command */
		"tunif=tun0 tun1\n",
	};
	char ifname[IFNAMSIZ], err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(same) / sizeof(*same); i++) {
		assert_int_equal(tunif(same[i][0], ifname, err), 0);
		assert_string_equal(ifname, same[i][1]);
	}
	for (size_t i = 0; i < sizeof(refused) / sizeof(*refused); i++) {
		assert_int_equal(tunif(refused[i], ifname, err), -1);
		assert_non_null(strstr(err, ":1: "));
	}
}

/* Only a regular file is read: a directory is an error (not "unset"), and
 * a FIFO is refused at once instead of hanging the start. */
static void test_not_a_regular_file(void **state)
{
	char ifname[IFNAMSIZ], err[256], dir[] = "/tmp/dtcp-sc-XXXXXX";
	char fifo[64];

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(scriptconf_tunif(dir, ifname, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not a regular file"));
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	alarm(5);
	assert_int_equal(scriptconf_tunif(fifo, ifname, err, sizeof(err)), -1);
	alarm(0);
	unlink(fifo);
	rmdir(dir);
}

/* The script refuses to source a file others can change: refused here
 * too, at start, with the script's own fix. */
static void test_unsafe_file(void **state)
{
	char ifname[IFNAMSIZ], err[256], path[64];

	(void)state;
	make_file(path, "tunif=tun0\n", 0664);
	assert_int_equal(scriptconf_tunif(path, ifname, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "writable by group or others"));
	assert_non_null(strstr(err, "chmod go-w"));
	assert_int_equal(chmod(path, 0602), 0);
	assert_int_equal(scriptconf_tunif(path, ifname, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "writable by group or others"));
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(scriptconf_tunif(path, ifname, err, sizeof(err)), 0);
	assert_string_equal(ifname, "tun0");
	if (geteuid() == 0) {
		/* Owned by neither root nor us. */
		assert_int_equal(chown(path, 65534, 65534), 0);
		assert_int_equal(scriptconf_tunif(path, ifname, err,
						  sizeof(err)), -1);
		assert_non_null(strstr(err, "owned by uid 65534"));
	}
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_missing_file_gives_default),
		cmocka_unit_test(test_unset_gives_default),
		cmocka_unit_test(test_bare_value),
		cmocka_unit_test(test_quoted_value),
		cmocka_unit_test(test_blanks_comments_crlf),
		cmocka_unit_test(test_last_assignment_wins),
		cmocka_unit_test(test_name_length),
		cmocka_unit_test(test_invalid_names),
		cmocka_unit_test(test_error_names_file_and_line),
		cmocka_unit_test(test_line_too_long),
		cmocka_unit_test(test_unreadable),
		cmocka_unit_test(test_read_as_the_shell_does),
		cmocka_unit_test(test_not_a_regular_file),
		cmocka_unit_test(test_unsafe_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
