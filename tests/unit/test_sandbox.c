/* Unit tests for the engine's sandbox, on the real kernel: a child process
 * enters it (as root it can) holding a raw protocol-41 socket made before,
 * as the engines do, and must be refused IP_HDRINCL (forging any IPv4
 * packet) while keeping the socket options the relay uses. Skipped when not
 * root, or on a sanitizer build (no seccomp there). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "os/sandbox.h"

#define EMPTY_DIR "/run/dtcp-test-sandbox-empty"

/* What the confined child saw, as its exit status. */
enum verdict { V_OK, V_NO_SANDBOX, V_HDRINCL_ALLOWED, V_OTHER_REFUSED };

static enum verdict confined_child(void)
{
	struct sandbox_user user;
	char err[256];
	int fd, on = 1, size = 1 << 20;

	fd = socket(AF_INET, SOCK_RAW, IPPROTO_IPV6);
	if (fd < 0 ||
	    sandbox_lookup_user("nobody", "-u", &user, err, sizeof(err)) < 0 ||
	    sandbox_enter(&user, EMPTY_DIR, getppid(), false, err,
			  sizeof(err)) < 0)
		return V_NO_SANDBOX;
	if (setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &on, sizeof(on)) == 0 ||
	    errno != EPERM)
		return V_HDRINCL_ALLOWED;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size)) < 0 ||
	    setsockopt(fd, IPPROTO_IP, IP_TOS, &on, sizeof(on)) < 0)
		return V_OTHER_REFUSED;
	return V_OK;
}

static void test_raw_socket_cannot_forge(void **state)
{
	int status;
	pid_t pid;

	(void)state;
#ifdef DTCP_NO_SECCOMP
	skip();
#endif
	if (geteuid() != 0)
		skip();
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(confined_child());
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), V_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_raw_socket_cannot_forge),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
