/* Logging for the daemons and tools: stderr in the foreground, syslog when
 * detached. Messages are lower case without a trailing period; never pass a
 * secret, and escape client-supplied text with log_escape() first. */
#ifndef DTCP_LOG_H
#define DTCP_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
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

/* The priority a relayed record is logged at: an engine may ask for
 * LOG_ERR and below, never more urgent (LOG_EMERG is broadcast to every
 * terminal on common setups); anything out of range is LOG_WARNING. */
int log_relay_priority(int pri);

/* How many relayed records may pass: a token bucket of `burst` records,
 * refilled at `per_second`. */
struct log_budget {
	unsigned burst, per_second;
	uint64_t tokens_milli;      /* thousandths of a record */
	uint64_t last_ms;
	uint64_t dropped;           /* since the last drop report */
};

/* True when one more record may pass at now_ms; otherwise counts it in
 * b->dropped. */
bool log_budget_take(struct log_budget *b, uint64_t now_ms);

/* Copy at most `len` bytes of untrusted `src` into `dst` (size `dstlen`),
 * replacing anything unprintable by '?' and truncating with "...".
 * Returns dst. */
char *log_escape(char *dst, size_t dstlen, const char *src, size_t len);

#endif
