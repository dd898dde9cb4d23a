/* Accounting records of dtcps, written by the privileged parent: one when
 * a tunnel comes up and one when it goes down, to syslog as fixed
 * key=value lines and, with -J, appended to a JSON-lines file with fsync.
 * At start, the file tells which tunnels of a server that died (kill -9,
 * a crash, a power cut) never got their "down" record: those are written
 * then, marked as recovered, so that no session is lost.
 *
 * Who had which address when comes from the parent's own state (the
 * user it authenticated, the interface, addresses and prefixes it set
 * up); the byte and packet counts, the client's UDP port and the reason
 * for the end come from the engine, which is the only one to see them. */
#ifndef DTCP_ACCT_H
#define DTCP_ACCT_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "proto/proto.h"

#define ACCT_REASON_MAX 64

/* A tunnel, as the parent knows it. */
struct acct_tunnel {
	uint32_t sid;
	const char *user;
	const char *type;               /* tunnelonly, host, network */
	const char *kind;               /* udp, proto-41 */
	const char *ifname;
	struct in_addr client4;
	const struct in6_addr *client6; /* NULL: no host pair */
	unsigned nprefixes;
	const struct proto_prefix *prefix;
	time_t start;
};

/* What the engine reports at the end. */
struct acct_end {
	bool counted;                   /* false: the engine died, counters
					   unknown (written as null) */
	uint64_t packets_in, packets_out, bytes_in, bytes_out;
	uint16_t client_port;           /* 0: protocol 41, or never learned */
	char reason[ACCT_REASON_MAX];
	time_t end;                     /* when it ended; 0: now */
};

struct acct;

/* Open path for appending (NULL: syslog only) and write the missing
 * "down" records of a previous run. Returns NULL with err filled. */
struct acct *acct_open(const char *path, char *err, size_t errlen);

void acct_up(struct acct *a, const struct acct_tunnel *t);
void acct_down(struct acct *a, const struct acct_tunnel *t,
	       const struct acct_end *e);

/* Between these, records are written without each its own fsync; the
 * end makes them all durable with one (for many "down" records at once:
 * one sync instead of thousands). */
void acct_batch_begin(struct acct *a);
void acct_batch_end(struct acct *a);

void acct_close(struct acct *a);

#endif
