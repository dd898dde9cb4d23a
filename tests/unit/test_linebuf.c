/* Unit tests for the fixed-size line buffer, fed over a socketpair. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/linebuf.h"

struct fixture {
	int fd[2];   /* fd[0] is read by linebuf_fill, fd[1] is the peer */
	struct linebuf lb;
	char line[LINEBUF_MAX];
	size_t len;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL || socketpair(AF_UNIX, SOCK_STREAM, 0, f->fd) < 0) {
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	if (f->fd[0] >= 0)
		close(f->fd[0]);
	if (f->fd[1] >= 0)
		close(f->fd[1]);
	free(f);
	return 0;
}

static void peer_send(struct fixture *f, const void *buf, size_t len)
{
	assert_int_equal(send(f->fd[1], buf, len, 0), (ssize_t)len);
}

static void peer_sends(struct fixture *f, const char *s)
{
	peer_send(f, s, strlen(s));
}

static void assert_line(struct fixture *f, const char *want)
{
	f->len = 9999;
	assert_int_equal(linebuf_next(&f->lb, f->line, &f->len), 1);
	assert_int_equal(f->len, strlen(want));
	assert_string_equal(f->line, want);
}

static void assert_no_line(struct fixture *f)
{
	assert_int_equal(linebuf_next(&f->lb, f->line, &f->len), 0);
}

static void test_empty_buffer_has_no_line(void **state)
{
	struct fixture *f = *state;

	assert_no_line(f);
	assert_int_equal(f->lb.len, 0);
}

static void test_nothing_ready_is_eagain(void **state)
{
	struct fixture *f = *state;

	/* Non-blocking even on a blocking socket. */
	assert_int_equal(fcntl(f->fd[0], F_GETFL) & O_NONBLOCK, 0);
	assert_int_equal(linebuf_fill(&f->lb, f->fd[0]), -EAGAIN);
	assert_int_equal(f->lb.len, 0);
	assert_no_line(f);
}

static void test_lines_in_one_read(void **state)
{
	struct fixture *f = *state;

	peer_sends(f, "one\ntwo\n\nthree\n");
	assert_int_equal(linebuf_fill(&f->lb, f->fd[0]), 15);
	assert_line(f, "one");
	assert_line(f, "two");
	assert_line(f, "");          /* an empty line is a line */
	assert_line(f, "three");
	assert_no_line(f);
	/* Everything taken: the buffer starts over from the beginning. */
	assert_int_equal(f->lb.len, 0);
	assert_int_equal(f->lb.consumed, 0);
}

static void test_partial_line_waits(void **state)
{
	struct fixture *f = *state;

	peer_sends(f, "hel");
	assert_int_equal(linebuf_fill(&f->lb, f->fd[0]), 3);
	assert_no_line(f);
	/* Asking again changes nothing. */
	assert_no_line(f);
	peer_sends(f, "lo\nwor");
	assert_int_equal(linebuf_fill(&f->lb, f->fd[0]), 6);
	assert_line(f, "hello");
	assert_no_line(f);
	peer_sends(f, "ld\n");
	assert_int_equal(linebuf_fill(&f->lb, f->fd[0]), 3);
	assert_line(f, "world");
	assert_no_line(f);
}

static void test_crlf_left_to_caller(void **state)
{
	struct fixture *f = *state;

	/* Only the LF is removed: a CR stays for proto_line_prepare, and
	 * so does a lone CR or a NUL inside the line. */
	peer_send(f, "+OK hi\r\na\rb\nx\0y\n", 16);
	assert_int_equal(linebuf_fill(&f->lb, f->fd[0]), 16);
	assert_line(f, "+OK hi\r");
	assert_line(f, "a\rb");
	assert_int_equal(linebuf_next(&f->lb, f->line, &f->len), 1);
	assert_int_equal(f->len, 3);
	assert_memory_equal(f->line, "x\0y", 4);
}

static void test_longest_line_fits(void **state)
{
	struct fixture *f = *state;
	char data[LINEBUF_MAX];

	/* LINEBUF_MAX - 1 bytes and the LF exactly fill the buffer; the
	 * line and its NUL exactly fill out[LINEBUF_MAX]. */
	memset(data, 'a', sizeof(data) - 1);
	data[sizeof(data) - 1] = '\n';
	peer_send(f, data, sizeof(data));
	assert_int_equal(linebuf_fill(&f->lb, f->fd[0]), LINEBUF_MAX);
	assert_int_equal(linebuf_next(&f->lb, f->line, &f->len), 1);
	assert_int_equal(f->len, LINEBUF_MAX - 1);
	assert_memory_equal(f->line, data, LINEBUF_MAX - 1);
	assert_int_equal(f->line[LINEBUF_MAX - 1], '\0');
	assert_no_line(f);
}

static void test_full_buffer_without_lf(void **state)
{
	struct fixture *f = *state;
	char data[LINEBUF_MAX + 10], rest[16];

	/* More than a buffer with no LF: one read takes what fits. */
	memset(data, 'x', sizeof(data));
	peer_send(f, data, sizeof(data));
	assert_int_equal(linebuf_fill(&f->lb, f->fd[0]), LINEBUF_MAX);
	/* The line can never fit. */
	assert_int_equal(linebuf_next(&f->lb, f->line, &f->len), -1);
	assert_int_equal(linebuf_next(&f->lb, f->line, &f->len), -1);
	/* A full buffer is "nothing to do now", not an error, and reads
	 * nothing: the rest is still in the socket. */
	assert_int_equal(linebuf_fill(&f->lb, f->fd[0]), -EAGAIN);
	assert_int_equal(f->lb.len, LINEBUF_MAX);
	assert_int_equal(recv(f->fd[0], rest, sizeof(rest), MSG_DONTWAIT), 10);
}

static void test_one_short_of_full_is_not_too_long(void **state)
{
	struct fixture *f = *state;
	char data[LINEBUF_MAX - 1];

	/* One byte of room left: still just an incomplete line. */
	memset(data, 'y', sizeof(data));
	peer_send(f, data, sizeof(data));
	assert_int_equal(linebuf_fill(&f->lb, f->fd[0]), LINEBUF_MAX - 1);
	assert_no_line(f);
	/* The LF arrives in the last byte. */
	peer_sends(f, "\n");
	assert_int_equal(linebuf_fill(&f->lb, f->fd[0]), 1);
	assert_int_equal(linebuf_next(&f->lb, f->line, &f->len), 1);
	assert_int_equal(f->len, LINEBUF_MAX - 1);
}

static void test_full_after_taking_lines_is_not_too_long(void **state)
{
	struct fixture *f = *state;
	char data[LINEBUF_MAX];

	/* A full buffer whose first bytes were already taken as a line:
	 * the tail has no LF yet, but it is not a too-long line. */
	memset(data, 'z', sizeof(data));
	memcpy(data, "ab\n", 3);
	peer_send(f, data, sizeof(data));
	assert_int_equal(linebuf_fill(&f->lb, f->fd[0]), LINEBUF_MAX);
	assert_line(f, "ab");
	assert_no_line(f);
	/* The next fill moves the tail to the front and reads the LF. */
	peer_sends(f, "\n");
	assert_int_equal(linebuf_fill(&f->lb, f->fd[0]), 1);
	assert_int_equal(f->lb.consumed, 0);
	assert_int_equal(linebuf_next(&f->lb, f->line, &f->len), 1);
	assert_int_equal(f->len, LINEBUF_MAX - 3);
	assert_memory_equal(f->line, data + 3, LINEBUF_MAX - 3);
}

static void test_compaction_makes_room(void **state)
{
	struct fixture *f = *state;
	char a[301], b[500];

	/* A 300-byte line then 200 bytes of the next: taking the first
	 * line frees room that the next fill reuses, so a 500-byte line
	 * that never fitted behind the first still arrives whole. */
	memset(a, 'a', sizeof(a));
	a[300] = '\n';
	memset(b, 'b', sizeof(b));
	peer_send(f, a, sizeof(a));
	peer_send(f, b, 200);
	assert_int_equal(linebuf_fill(&f->lb, f->fd[0]), 501);
	assert_int_equal(linebuf_next(&f->lb, f->line, &f->len), 1);
	assert_int_equal(f->len, 300);
	assert_no_line(f);
	peer_send(f, b, 300);
	peer_sends(f, "\n");
	assert_int_equal(linebuf_fill(&f->lb, f->fd[0]), 301);
	assert_int_equal(linebuf_next(&f->lb, f->line, &f->len), 1);
	assert_int_equal(f->len, 500);
	assert_memory_equal(f->line, b, 500);
	assert_no_line(f);
}

static void test_eof(void **state)
{
	struct fixture *f = *state;

	peer_sends(f, "last\nunterminated");
	close(f->fd[1]);
	f->fd[1] = -1;
	assert_int_equal(linebuf_fill(&f->lb, f->fd[0]), 17);
	/* End of file is 0, again and again; what was read stays. */
	assert_int_equal(linebuf_fill(&f->lb, f->fd[0]), 0);
	assert_int_equal(linebuf_fill(&f->lb, f->fd[0]), 0);
	assert_line(f, "last");
	/* An unterminated last line is never returned as a line. */
	assert_no_line(f);
}

static void test_errors_are_negative_errno(void **state)
{
	struct fixture *f = *state;
	int p[2];

	assert_int_equal(linebuf_fill(&f->lb, -1), -EBADF);
	/* recv on something that is not a socket. */
	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], "x\n", 2), 2);
	assert_int_equal(linebuf_fill(&f->lb, p[0]), -ENOTSOCK);
	close(p[0]);
	close(p[1]);
	assert_int_equal(f->lb.len, 0);
}

static void test_reset_connection(void **state)
{
	struct fixture *f = *state;

	/* The peer closes with data it never read: the connection is
	 * reset, which is a failure, not end of file and not -EAGAIN. */
	assert_int_equal(send(f->fd[0], "x", 1, 0), 1);
	close(f->fd[1]);
	f->fd[1] = -1;
	assert_int_equal(linebuf_fill(&f->lb, f->fd[0]), -ECONNRESET);
	assert_int_equal(f->lb.len, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_empty_buffer_has_no_line,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_nothing_ready_is_eagain,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_lines_in_one_read, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_partial_line_waits, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_crlf_left_to_caller, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_longest_line_fits, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_full_buffer_without_lf,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_one_short_of_full_is_not_too_long, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_full_after_taking_lines_is_not_too_long, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_compaction_makes_room,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_eof, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors_are_negative_errno,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_reset_connection, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
