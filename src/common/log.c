/* Logging backend: stderr or syslog, with a debug level. */
#include "common/log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <syslog.h>

static int log_foreground = 1;
static int log_level;
static const char *log_ident = "dtcp";
static int log_relay_fd = -1;   /* an engine's channel to its parent */

void log_init(const char *ident, int foreground, int verbose)
{
	log_ident = ident;
	log_foreground = foreground;
	log_level = verbose;
	if (!foreground)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

int log_verbose(void)
{
	return log_level;
}

void log_relay(int fd)
{
	if (!log_foreground) {
		log_relay_fd = fd;
		closelog();
	}
}

int log_relay_priority(int pri)
{
	if (pri < LOG_EMERG || pri > LOG_DEBUG)
		return LOG_WARNING;
	return pri < LOG_ERR ? LOG_ERR : pri;
}

bool log_budget_take(struct log_budget *b, uint64_t now_ms)
{
	uint64_t cap = (uint64_t)b->burst * 1000;

	if (b->last_ms == 0)
		b->tokens_milli = cap;
	else if (now_ms > b->last_ms)
		b->tokens_milli += (now_ms - b->last_ms) * b->per_second;
	if (b->tokens_milli > cap)
		b->tokens_milli = cap;
	b->last_ms = now_ms;
	if (b->tokens_milli < 1000) {
		b->dropped++;
		return false;
	}
	b->tokens_milli -= 1000;
	return true;
}

void log_relay_emit(int pri, const char *msg, size_t len)
{
	char esc[LOG_RELAY_MAX + 4];

	/* Whatever the engine sends is escaped before it reaches syslog. */
	log_escape(esc, sizeof(esc), msg, len);
	syslog(log_relay_priority(pri), "%s", esc);
}

static void __attribute__((format(printf, 2, 0)))
vlog(int pri, const char *fmt, va_list ap, const char *suffix)
{
	char msg[1024];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (log_relay_fd >= 0) {
		char rec[LOG_RELAY_MAX + 1];
		int n = snprintf(rec, sizeof(rec), "%c%s%s%s", '0' + pri, msg,
				 suffix ? ": " : "", suffix ? suffix : "");

		if (n > (int)sizeof(rec) - 1)
			n = (int)sizeof(rec) - 1;
		/* Best effort: a full channel drops the line rather than
		 * block the engine. */
		if (send(log_relay_fd, rec, (size_t)n, MSG_DONTWAIT) < 0) {
			/* Nowhere else to say it. */
		}
		return;
	}
	if (log_foreground) {
		fprintf(stderr, "%s: %s%s%s\n", log_ident, msg,
			suffix ? ": " : "", suffix ? suffix : "");
		fflush(stderr);
	} else {
		syslog(pri, "%s%s%s", msg, suffix ? ": " : "",
		       suffix ? suffix : "");
	}
}

void log_warn(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_WARNING, fmt, ap, strerror(saved));
	va_end(ap);
	errno = saved;
}

void log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_WARNING, fmt, ap, NULL);
	va_end(ap);
}

void log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_INFO, fmt, ap, NULL);
	va_end(ap);
}

void log_debug(const char *fmt, ...)
{
	va_list ap;

	if (log_level < 1)
		return;
	va_start(ap, fmt);
	vlog(LOG_DEBUG, fmt, ap, NULL);
	va_end(ap);
}

void fatal(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_ERR, fmt, ap, strerror(saved));
	va_end(ap);
	exit(1);
}

void fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_ERR, fmt, ap, NULL);
	va_end(ap);
	exit(1);
}

char *log_escape(char *dst, size_t dstlen, const char *src, size_t len)
{
	size_t n, keep;

	if (dstlen == 0)
		return dst;
	/* One output byte per input byte: the text fits or is cut to make
	 * room for "...". */
	n = strnlen(src, len);
	keep = n < dstlen ? n : dstlen >= 4 ? dstlen - 4 : dstlen - 1;
	for (size_t i = 0; i < keep; i++) {
		unsigned char c = (unsigned char)src[i];

		dst[i] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	if (keep < n && dstlen >= 4) {
		memcpy(dst + keep, "...", 3);
		keep += 3;
	}
	dst[keep] = '\0';
	return dst;
}
