/* A growing text buffer for replies of unknown size (the operator's
 * views of many sessions), bounded so that no reply can take all memory. */
#ifndef DTCP_STRBUF_H
#define DTCP_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

#define STRBUF_MAX (32u << 20)   /* 32 MiB: 10,000 sessions fit many times */

struct strbuf {
	char *buf;
	size_t len, cap;
	bool failed;     /* out of memory or over STRBUF_MAX: text is cut */
};

/* Append; on failure the buffer keeps what it had and failed is set. */
void strbuf_printf(struct strbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Append s as the inside of a JSON string (quotes and backslashes
 * escaped, control octets as \u00XX). */
void strbuf_json_string(struct strbuf *b, const char *s);

void strbuf_free(struct strbuf *b);

#endif
