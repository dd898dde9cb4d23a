/* Logging for the daemons and tools: stderr in the foreground, syslog when
 * detached. Messages are lower case without a trailing period; never pass a
 * secret, and escape client-supplied text with log_escape() first. */
#ifndef DTCP_LOG_H
#define DTCP_LOG_H

#include <stddef.h>
#include <stdnoreturn.h>

/* Start logging as `ident`. verbose > 0 enables log_debug. */
void log_init(const char *ident, int foreground, int verbose);
int log_verbose(void);

void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
noreturn void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
noreturn void fatalx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define LOG_RELAY_MAX 1024

/* In an engine that logs to syslog: send each record over fd (a datagram
 * socket to the privileged parent) instead, because the chrooted engine
 * cannot reconnect to /dev/log when the syslog daemon restarts. A record
 * is one digit (the syslog priority) followed by the message. No effect in
 * the foreground, where stderr works from anywhere. */
void log_relay(int fd);

/* Parent side: log one record received from the engine (escaped). */
void log_relay_emit(int pri, const char *msg, size_t len);

/* Copy at most `len` bytes of untrusted `src` into `dst` (size `dstlen`),
 * replacing anything unprintable by '?' and truncating with "...".
 * Returns dst. */
char *log_escape(char *dst, size_t dstlen, const char *src, size_t len);

#endif
