/* Accounting records; see acct.h. */
#include "server/acct.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "common/strbuf.h"

#define ACCT_LINE_MAX 4096     /* a record is well below; longer = not ours */
#define ACCT_OPEN_MAX 100000   /* tunnels open at once that recovery tracks */

struct acct {
	int fd;                /* the -J file, or -1 */
	const char *path;
	long pid;              /* with the sid, names a tunnel across runs */
	bool batch;            /* acct_batch_begin: no fsync per record */
	bool unsynced;         /* written in the batch since the last sync */
};

static void iso_time(time_t t, char *buf, size_t len)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, len, "?");
}

static void prefixes_text(const struct acct_tunnel *t, struct strbuf *b,
			  bool json)
{
	char p6[INET6_ADDRSTRLEN];

	if (t->nprefixes == 0 && !json)
		strbuf_printf(b, "-");
	for (unsigned i = 0; i < t->nprefixes; i++) {
		inet_ntop(AF_INET6, &t->prefix[i].addr, p6, sizeof(p6));
		strbuf_printf(b, json ? "%s\"%s/%u\"" : "%s%s/%u",
			      i ? "," : "", p6, t->prefix[i].plen);
	}
}

/* Both forms of one record: the JSON line and the syslog text. */
static void acct_format(const struct acct *a, const struct acct_tunnel *t,
			const struct acct_end *e, struct strbuf *json,
			struct strbuf *kv)
{
	char start[32], end[32], c4[INET_ADDRSTRLEN], c6[INET6_ADDRSTRLEN];
	char client[INET_ADDRSTRLEN + 8], reason[ACCT_REASON_MAX];
	time_t now = e != NULL && e->end != 0 ? e->end : time(NULL);

	iso_time(t->start, start, sizeof(start));
	inet_ntop(AF_INET, &t->client4, c4, sizeof(c4));
	if (e != NULL && e->client_port != 0)
		snprintf(client, sizeof(client), "%s:%u", c4, e->client_port);
	else
		snprintf(client, sizeof(client), "%s", c4);
	if (t->client6 != NULL)
		inet_ntop(AF_INET6, t->client6, c6, sizeof(c6));
	strbuf_printf(json, "{\"event\":\"%s\",\"id\":\"%lld.%ld.%u\","
		      "\"user\":\"", e ? "down" : "up", (long long)t->start,
		      a->pid, t->sid);
	strbuf_json_string(json, t->user);
	strbuf_printf(json, "\",\"type\":\"%s\",\"kind\":\"%s\","
		      "\"interface\":\"", t->type, t->kind);
	strbuf_json_string(json, t->ifname);
	strbuf_printf(json, "\",\"client\":\"%s\",\"client6\":", client);
	strbuf_printf(json, t->client6 ? "\"%s\"" : "null",
		      t->client6 ? c6 : "");
	strbuf_printf(json, ",\"prefixes\":[");
	prefixes_text(t, json, true);
	strbuf_printf(json, "],\"start\":\"%s\",\"start_unix\":%lld", start,
		      (long long)t->start);
	strbuf_printf(kv, "acct event=%s id=%lld.%ld.%u user=%s type=%s "
		      "kind=%s interface=%s client=%s client6=%s prefixes=",
		      e ? "down" : "up", (long long)t->start, a->pid, t->sid,
		      t->user, t->type, t->kind, t->ifname, client,
		      t->client6 ? c6 : "-");
	prefixes_text(t, kv, false);
	strbuf_printf(kv, " start=%s", start);
	if (e != NULL) {
		/* The reason comes from the engine: no quote may end it
		 * early and start a key of its own in the log line. */
		snprintf(reason, sizeof(reason), "%s", e->reason);
		for (char *q = reason; *q; q++)
			if (*q == '"' || *q == '\\')
				*q = '\'';
		iso_time(now, end, sizeof(end));
		strbuf_printf(json, ",\"end\":\"%s\",\"end_unix\":%lld,"
			      "\"duration\":%lld,", end, (long long)now,
			      (long long)(now - t->start));
		if (e->counted)
			strbuf_printf(json, "\"packets_in\":%llu,"
				      "\"bytes_in\":%llu,\"packets_out\":%llu,"
				      "\"bytes_out\":%llu,",
				      (unsigned long long)e->packets_in,
				      (unsigned long long)e->bytes_in,
				      (unsigned long long)e->packets_out,
				      (unsigned long long)e->bytes_out);
		else
			strbuf_printf(json, "\"packets_in\":null,"
				      "\"bytes_in\":null,\"packets_out\":null,"
				      "\"bytes_out\":null,");
		strbuf_printf(json, "\"reason\":\"");
		strbuf_json_string(json, e->reason);
		strbuf_printf(json, "\"");
		strbuf_printf(kv, " end=%s duration=%lld packets_in=%llu "
			      "bytes_in=%llu packets_out=%llu bytes_out=%llu "
			      "reason=\"%s\"", end, (long long)(now - t->start),
			      (unsigned long long)e->packets_in,
			      (unsigned long long)e->bytes_in,
			      (unsigned long long)e->packets_out,
			      (unsigned long long)e->bytes_out, reason);
	}
	strbuf_printf(json, "}\n");
}

/* Append one line and make it durable before going on: a record the
 * operator may be obliged to keep must survive the crash that follows. */
static void acct_append(struct acct *a, const struct strbuf *line)
{
	size_t off = 0;
	struct stat st;

	if (a->fd < 0 || line->failed || line->len == 0)
		return;
	if (fstat(a->fd, &st) < 0)
		st.st_size = -1;
	while (off < line->len) {
		ssize_t n = write(a->fd, line->buf + off, line->len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			log_warn("cannot append to %s (the record is in the "
				 "system log)", a->path);
			/* No half record for the next one to follow. */
			if (off > 0 && st.st_size >= 0 &&
			    ftruncate(a->fd, st.st_size) < 0)
				log_warn("cannot cut a half record from %s",
					 a->path);
			return;
		}
		off += (size_t)n;
	}
	if (a->batch) {
		a->unsynced = true;
		return;
	}
	if (fsync(a->fd) < 0)
		log_warn("cannot sync %s", a->path);
}

void acct_batch_begin(struct acct *a)
{
	a->batch = true;
}

void acct_batch_end(struct acct *a)
{
	a->batch = false;
	if (a->unsynced && a->fd >= 0 && fsync(a->fd) < 0)
		log_warn("cannot sync %s", a->path);
	a->unsynced = false;
}

static void acct_record(struct acct *a, const struct acct_tunnel *t,
			const struct acct_end *e)
{
	struct strbuf json = { 0 }, kv = { 0 };

	acct_format(a, t, e, &json, &kv);
	if (kv.buf != NULL)
		log_info("%s", kv.buf);
	acct_append(a, &json);
	strbuf_free(&json);
	strbuf_free(&kv);
}

void acct_up(struct acct *a, const struct acct_tunnel *t)
{
	acct_record(a, t, NULL);
}

void acct_down(struct acct *a, const struct acct_tunnel *t,
	       const struct acct_end *e)
{
	acct_record(a, t, e);
}

/* The value of "key":"..." in a record of ours, into out; 0 or -1. */
static int json_field(const char *line, const char *key, char *out,
		      size_t len)
{
	char pat[32];
	const char *p, *q;

	snprintf(pat, sizeof(pat), "\"%s\":\"", key);
	p = strstr(line, pat);
	if (p == NULL)
		return -1;
	p += strlen(pat);
	q = strchr(p, '"');
	if (q == NULL || (size_t)(q - p) >= len)
		return -1;
	memcpy(out, p, (size_t)(q - p));
	out[q - p] = '\0';
	return 0;
}

struct open_rec {
	char id[64];
	char *line;
};

/* The "down" record of a tunnel whose server died: its "up" record with
 * the end the file's last change gives (the server was alive then). */
static void acct_recover_one(struct acct *a, const struct open_rec *r,
			     time_t end)
{
	struct strbuf b = { 0 };
	char endtext[32], user[PROTO_USER_MAX + 1] = "?";
	const char *rest = strstr(r->line, "\"event\":\"up\"");
	size_t len = strlen(r->line);
	long long start = 0;
	const char *s = strstr(r->line, "\"start_unix\":");

	/* Only whole records (a torn last line is left as it is). */
	if (rest == NULL || len < 2 || strcmp(r->line + len - 2, "}\n") != 0)
		return;
	if (s != NULL)
		start = strtoll(s + 13, NULL, 10);
	iso_time(end, endtext, sizeof(endtext));
	json_field(r->line, "user", user, sizeof(user));
	/* The up record minus its closing brace and newline. */
	strbuf_printf(&b, "%.*s\"event\":\"down\"%.*s,\"end\":\"%s\","
		      "\"end_unix\":%lld,\"duration\":%lld,\"packets_in\":null,"
		      "\"bytes_in\":null,\"packets_out\":null,\"bytes_out\":null,"
		      "\"reason\":\"dtcps stopped without closing the session "
		      "(written at the next start)\",\"recovered\":true}\n",
		      (int)(rest - r->line), r->line,
		      (int)(len - (size_t)(rest - r->line) - 12 - 2),
		      rest + 12, endtext, (long long)end,
		      (long long)(end - start > 0 ? end - start : 0));
	acct_append(a, &b);
	log_info("acct event=down id=%s user=%s end=%s reason=\"dtcps "
		 "stopped without closing the session\" recovered=yes", r->id,
		 user, endtext);
	strbuf_free(&b);
}

/* Write the "down" records that a previous run never wrote. */
static int acct_recover(struct acct *a, FILE *f, time_t end)
{
	struct open_rec *open = NULL;
	size_t nopen = 0, cap = 0, size = 0;
	char *line = NULL, ev[8], id[64];
	ssize_t n;
	int rc = 0;

	while ((n = getline(&line, &size, f)) > 0) {
		if ((size_t)n > ACCT_LINE_MAX ||
		    json_field(line, "event", ev, sizeof(ev)) < 0 ||
		    json_field(line, "id", id, sizeof(id)) < 0)
			continue;
		if (strcmp(ev, "up") == 0) {
			if (nopen == ACCT_OPEN_MAX)
				continue;
			if (nopen == cap) {
				size_t nc = cap ? cap * 2 : 64;
				struct open_rec *no = realloc(open,
							      nc * sizeof(*no));

				if (no == NULL) {
					rc = -1;
					break;
				}
				open = no;
				cap = nc;
			}
			open[nopen].line = strdup(line);
			if (open[nopen].line == NULL) {
				rc = -1;
				break;
			}
			snprintf(open[nopen].id, sizeof(open[nopen].id), "%s", id);
			nopen++;
		} else {
			for (size_t i = 0; i < nopen; i++) {
				if (strcmp(open[i].id, id) != 0)
					continue;
				free(open[i].line);
				open[i] = open[--nopen];
				break;
			}
		}
	}
	for (size_t i = 0; i < nopen; i++) {
		if (rc == 0)
			acct_recover_one(a, &open[i], end);
		free(open[i].line);
	}
	if (nopen > 0 && rc == 0)
		log_info("%s: %zu tunnels of a previous run had no end; their "
			 "\"down\" records are written now", a->path, nopen);
	free(open);
	free(line);
	return rc;
}

/* A power cut may leave the last record without its newline: end it,
 * so that the next record starts a line of its own. */
static void acct_end_line(struct acct *a, const struct stat *st)
{
	char c;

	if (st->st_size > 0 &&
	    pread(a->fd, &c, 1, st->st_size - 1) == 1 && c != '\n' &&
	    write(a->fd, "\n", 1) != 1)
		log_warn("cannot end the last line of %s", a->path);
}

struct acct *acct_open(const char *path, char *err, size_t errlen)
{
	struct acct *a = calloc(1, sizeof(*a));
	struct stat st;
	FILE *f;

	if (a == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	a->fd = -1;
	a->path = path;
	a->pid = (long)getpid();
	if (path == NULL)
		return a;
	a->fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
		     0600);
	if (a->fd < 0 || fstat(a->fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "-J %s: %s", path,
			 a->fd < 0 ? strerror(errno) : "not a regular file");
		acct_close(a);
		return NULL;
	}
	/* Who had which address when is personal data. */
	if (st.st_mode & (S_IWGRP | S_IRWXO)) {
		snprintf(err, errlen, "-J %s: others may read it or the group "
			 "may write it; chmod 600 or 640 %s", path, path);
		acct_close(a);
		return NULL;
	}
	acct_end_line(a, &st);
	f = fdopen(dup(a->fd), "r");
	if (f == NULL || acct_recover(a, f, st.st_mtime) < 0) {
		snprintf(err, errlen, "-J %s: cannot read it back: %s", path,
			 strerror(errno ? errno : ENOMEM));
		if (f != NULL)
			fclose(f);
		acct_close(a);
		return NULL;
	}
	fclose(f);
	return a;
}

void acct_close(struct acct *a)
{
	if (a == NULL)
		return;
	if (a->fd >= 0)
		close(a->fd);
	free(a);
}
