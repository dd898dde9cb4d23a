/* Echo-off terminal input for passwords. */
#include "common/tty.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

int tty_read_secret(const char *prompt, char *buf, size_t size)
{
	struct termios saved, quiet;
	sigset_t block, old;
	size_t len = 0;
	int fd, ret = 0;
	char c;

	fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return -ENXIO;
	if (tcgetattr(fd, &saved) < 0) {
		close(fd);
		return -ENXIO;
	}
	/* Hold back job-control and interrupt signals while echo is off so
	 * that the terminal is always restored. */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTSTP);
	sigaddset(&block, SIGQUIT);
	sigprocmask(SIG_BLOCK, &block, &old);
	quiet = saved;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	quiet.c_lflag |= ICANON;
	if (write(fd, prompt, strlen(prompt)) < 0 ||
	    tcsetattr(fd, TCSAFLUSH, &quiet) < 0) {
		ret = -EIO;
		goto out;
	}
	for (;;) {
		ssize_t n = read(fd, &c, 1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || c == '\n')
			break;
		if (len + 1 >= size) {
			ret = -ENOBUFS;
			continue;  /* swallow the rest of the line */
		}
		buf[len++] = c;
	}
	buf[len] = '\0';
	tcsetattr(fd, TCSAFLUSH, &saved);
	if (write(fd, "\n", 1) < 0)
		ret = ret ? ret : -EIO;
out:
	sigprocmask(SIG_SETMASK, &old, NULL);
	close(fd);
	c = 0;
	if (ret < 0) {
		explicit_bzero(buf, size);
		return ret;
	}
	return (int)len;
}
