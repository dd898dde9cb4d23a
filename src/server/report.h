/* The operator's views of a running dtcps, formatted in the engine from
 * its own state: `dtcpctl show` (text, and JSON for scripts) and the
 * Prometheus exposition of `dtcpctl metrics` and /metrics. */
#ifndef DTCP_REPORT_H
#define DTCP_REPORT_H

#include <stdbool.h>

#include "common/strbuf.h"
#include "server/server.h"

/* One line per session with a tunnel, then a summary line; as one JSON
 * object with json (the schema is in dtcpctl(8)). */
void report_show(struct server *srv, bool json, struct strbuf *out);

/* Prometheus text exposition format 0.0.4. */
void report_metrics(struct server *srv, struct strbuf *out);

#endif
