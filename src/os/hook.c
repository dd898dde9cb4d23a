/* Script execution with posix_spawn and a deadline. */
#include "os/hook.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/monotime.h"

int hook_spawn(char *const argv[], char *const envp[], pid_t *out)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, dfl;
	pid_t pid;
	int rc;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawnattr_init(&attr);
	/* Its own process group, so a timeout kills what it started too;
	 * signals we block for signalfd must not stay blocked in it. */
	sigemptyset(&none);
	sigfillset(&dfl);
	posix_spawnattr_setpgroup(&attr, 0);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &dfl);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP |
				 POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	rc = posix_spawn(&pid, argv[0], &fa, &attr, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	if (rc != 0)
		return -rc;
	*out = pid;
	return 0;
}

/* Wait for pid until deadline (monotime); kill its process group then. */
static int hook_wait(pid_t pid, uint64_t deadline)
{
	int status;

	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);

		if (w == pid)
			break;
		if (w < 0 && errno != EINTR)
			return -errno;
		if (monotime_ms() >= deadline) {
			kill(-pid, SIGKILL);
			waitpid(pid, &status, 0);
			return -ETIMEDOUT;
		}
		nanosleep(&(struct timespec){ .tv_nsec = 20 * 1000 * 1000 }, NULL);
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

int hook_run(char *const argv[], char *const envp[], unsigned timeout_s)
{
	pid_t pid;
	int rc = hook_spawn(argv, envp, &pid);

	if (rc < 0)
		return rc;
	return hook_wait(pid, monotime_ms() + (uint64_t)timeout_s * 1000);
}

int hook_stop(pid_t pid, unsigned timeout_s)
{
	kill(-pid, SIGTERM);
	return hook_wait(pid, monotime_ms() + (uint64_t)timeout_s * 1000);
}
