/* Echo-off terminal input for passwords. */
#include "common/tty.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static volatile sig_atomic_t tty_signal;

static void tty_on_signal(int sig)
{
	tty_signal = sig;
}

static const int tty_signals[] = { SIGINT, SIGHUP, SIGQUIT, SIGTERM,
				   SIGTSTP, SIGTTIN, SIGTTOU };
#define TTY_NSIG (sizeof(tty_signals) / sizeof(tty_signals[0]))

int tty_read_secret(const char *prompt, char *buf, size_t size)
{
	struct sigaction sa, old[TTY_NSIG];
	struct termios saved, quiet;
	bool too_long = false;
	size_t len = 0, i;
	ssize_t n = 0;
	int fd, ret;
	char c;

	fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return -ENXIO;
	if (tcgetattr(fd, &saved) < 0) {
		close(fd);
		return -ENXIO;
	}
	/* A signal while echo is off: restore the terminal first, then die
	 * of the signal as usual. No SA_RESTART, so read() returns. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = tty_on_signal;
	sigemptyset(&sa.sa_mask);
	tty_signal = 0;
	for (i = 0; i < TTY_NSIG; i++)
		sigaction(tty_signals[i], &sa, &old[i]);
	quiet = saved;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	quiet.c_lflag |= ICANON;
	if (tcsetattr(fd, TCSAFLUSH, &quiet) < 0) {
		ret = -errno;
		goto out;
	}
	if (write(fd, prompt, strlen(prompt)) < 0) {
		/* The prompt is a courtesy; the read decides. */
	}
	while (!tty_signal && (n = read(fd, &c, 1)) == 1 && c != '\n') {
		if (len + 1 < size)
			buf[len++] = c;
		else
			too_long = true;
	}
	ret = n < 0 && !tty_signal ? -errno : 0;
	c = 0;
	tcsetattr(fd, TCSAFLUSH, &saved);
	if (write(fd, "\n", 1) < 0) {
		/* Cosmetic only: the user's Enter was not echoed. */
	}
out:
	for (i = 0; i < TTY_NSIG; i++)
		sigaction(tty_signals[i], &old[i], NULL);
	close(fd);
	buf[len] = '\0';
	if (tty_signal) {
		explicit_bzero(buf, size);
		raise(tty_signal);
		return -EINTR;
	}
	if (ret == 0 && too_long)
		ret = -ENOBUFS;
	if (ret == 0 && n == 0 && len == 0)
		ret = -ENODATA;
	if (ret < 0) {
		explicit_bzero(buf, size);
		return ret;
	}
	return (int)len;
}
