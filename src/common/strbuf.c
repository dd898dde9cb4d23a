/* A growing, bounded text buffer; see strbuf.h. */
#include "common/strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static bool strbuf_reserve(struct strbuf *b, size_t more)
{
	size_t cap = b->cap ? b->cap : 4096;
	char *nb;

	if (b->failed || more > STRBUF_MAX - b->len) {
		b->failed = true;
		return false;
	}
	while (cap < b->len + more + 1)
		cap *= 2;
	if (cap > STRBUF_MAX + 1)
		cap = STRBUF_MAX + 1;
	if (cap == b->cap)
		return true;
	nb = realloc(b->buf, cap);
	if (nb == NULL) {
		b->failed = true;
		return false;
	}
	b->buf = nb;
	b->cap = cap;
	return true;
}

void strbuf_printf(struct strbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !strbuf_reserve(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->buf + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void strbuf_json_string(struct strbuf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			strbuf_printf(b, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			strbuf_printf(b, "\\u%04x", c);
		else
			strbuf_printf(b, "%c", c);
	}
}

void strbuf_free(struct strbuf *b)
{
	free(b->buf);
	*b = (struct strbuf){ 0 };
}
