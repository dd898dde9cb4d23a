/* libFuzzer target: the relay's receive checks (relay_check_datagrams, the
 * function relay_rx.c calls on every receive) on any datagram buffer, any
 * GRO segment size and any tunnel policy. The oracle is the relay's
 * contract, not its code: every datagram is counted exactly once; what is
 * accepted is a well-formed IPv6 packet, a whole segment, in order, within
 * the tunnel's inner policy; nothing from a foreign source gets through or
 * moves the endpoint; only a learning relay moves it, to the sender. */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "relay/relay_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define HDR 22   /* flags, seg (2), inner source (16), source port (2),
		    roam flags;
		    flags: 1 learn, 2 inner check, 4 own source, 8 from a
		    neighbour, 16 no source, 32 truncated, 64 protocol 41,
		    128 a delegated prefix: the inner source's, of the
		    length its last byte gives (mod 129);
		    roam flags: 1 roaming relay (RELAY_ROAM), 2 endpoint
		    not known yet */

struct seen {
	const uint8_t *buf;
	size_t len, seg, next_off, accepted;
	const struct relay *r;
	const struct sockaddr_in *src;
	int moves;
	int verified;      /* roam_verify said yes, no move since */
};

static void check(int cond)
{
	if (!cond)
		__builtin_trap();
}

static int link_local(const uint8_t *a)
{
	return a[0] == 0xfe && (a[1] & 0xc0) == 0x80;
}

/* Bit by bit, unlike the relay's byte-wise match. */
static int in_prefix(const uint8_t *a, const struct relay *r)
{
	for (unsigned i = 0; i < r->inner_nprefixes; i++) {
		const uint8_t *p = r->inner_prefix[i].addr.s6_addr;
		unsigned b = 0;

		while (b < r->inner_prefix[i].plen &&
		       ((a[b / 8] ^ p[b / 8]) & (0x80 >> (b % 8))) == 0)
			b++;
		if (b == r->inner_prefix[i].plen)
			return 1;
	}
	return 0;
}

static void on_accept(void *arg, uint8_t *pkt, size_t len)
{
	struct seen *s = arg;
	const struct relay *r = s->r;
	const uint8_t *src = pkt + 8, *dst = pkt + 24;
	static const uint8_t unspec[16];
	size_t off = (size_t)(pkt - s->buf);

	/* Whole segments, in order, none twice. */
	check(off >= s->next_off && off % s->seg == 0 && off < s->len);
	check(len == (s->len - off < s->seg ? s->len - off : s->seg));
	s->next_off = off + len;
	s->accepted++;
	/* A well-formed IPv6 packet: version 6, payload length exact. */
	check(len >= 40 && (pkt[0] >> 4) == 6 &&
	      (size_t)((pkt[4] << 8) | pkt[5]) + 40 == len);
	/* A roaming relay takes packets from its endpoint only. */
	if (r->mode == RELAY_ROAM)
		check(s->src->sin_port == r->peer.sin_port);
	/* Never multicast beyond link scope out of a tunnel. */
	check(!(dst[0] == 0xff && (dst[1] & 0x0f) > 2));
	if (r->inner_check) {
		int own = (r->inner_has_src &&
			   memcmp(src, &r->inner_src, 16) == 0) ||
			  in_prefix(src, r);
		int on_link = link_local(src) || memcmp(src, unspec, 16) == 0;

		check(own || on_link);
		if (!own)
			check(link_local(dst) || dst[0] == 0xff);
	}
}

static void on_move(void *arg, const struct sockaddr_in *old,
		    const struct sockaddr_in *now)
{
	struct seen *s = arg;

	check(old->sin_port != now->sin_port);
	/* A roaming relay moves only on what roam_verify accepted. */
	if (s->r->mode == RELAY_ROAM) {
		check(s->verified);
		s->verified = 0;
	}
	s->moves++;
}

/* Stands in for the MAC and counter check: a 32-byte "DTKA" datagram
 * whose last byte is 0x5a is authentic. */
static bool fake_verify(void *arg, const uint8_t *dg, size_t len)
{
	struct seen *s = arg;

	check(len > 0 && !relay_packet_ok(dg, len));
	if (len != 32 || memcmp(dg, "DTKA", 4) != 0 || dg[31] != 0x5a)
		return false;
	s->verified = 1;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buf[65536];
	struct sockaddr_in peer = { .sin_family = AF_INET,
				    .sin_addr.s_addr = htonl(0xc0000202),
				    .sin_port = htons(4028) };
	struct sockaddr_in src = peer;
	struct relay r;
	struct seen s = { 0 };
	uint64_t n, counted;
	uint8_t flags;
	size_t len;

	if (size < HDR || size - HDR > sizeof(buf))
		return 0;
	flags = data[0];
	memset(&r, 0, sizeof(r));
	r.mode = flags & 1 ? RELAY_LEARN : RELAY_FIXED;
	r.peer = peer;
	r.inner_check = flags & 2;
	r.inner_has_src = flags & 4;
	memcpy(&r.inner_src, data + 3, 16);
	if (flags & 128) {
		r.inner_nprefixes = 1;
		r.inner_prefix[0].addr = r.inner_src;
		r.inner_prefix[0].plen = data[18] % 129;
	}
	r.on_peer_change = on_move;
	r.arg = &s;
	if (data[21] & 1) {
		r.mode = RELAY_ROAM;
		r.roam_verify = fake_verify;
		if (data[21] & 2)
			r.peer.sin_port = 0;
	}
	s.src = &src;
	if (flags & 8)
		src.sin_addr.s_addr = htonl(0xc0000203);   /* a neighbour */
	memcpy(&src.sin_port, data + 19, 2);
	len = size - HDR;
	memcpy(buf, data + HDR, len);

	/* Protocol 41: what a raw socket returns, outer header first. A
	 * header it accepts is whole, says 41 and the exact length. */
	if (flags & 64) {
		struct in_addr osrc, odst;
		int off = relay_p41_outer(buf, len, &osrc, &odst);

		if (off < 0)
			return 0;
		check(off >= 20 && off <= 60 && (size_t)off + 40 <= len &&
		      off % 4 == 0 && buf[9] == 41 &&
		      (size_t)(buf[2] << 8 | buf[3]) == len &&
		      memcmp(&osrc, buf + 12, 4) == 0);
		memmove(buf, buf + off, len - (size_t)off);
		len -= (size_t)off;
		r.mode = RELAY_FIXED;
		src.sin_port = peer.sin_port;
	}
	s.buf = buf;
	s.len = len;
	s.seg = (size_t)(data[1] << 8 | data[2]);
	if (s.seg == 0 || s.seg > len)
		s.seg = len ? len : 1;
	s.r = &r;
	relay_check_datagrams(&r, flags & 16 ? NULL : &src, buf, len,
			      (size_t)(data[1] << 8 | data[2]), flags & 32,
			      on_accept, &s);

	/* Every datagram counted once, as received and as one outcome. */
	n = len ? (len + s.seg - 1) / s.seg : 1;
	check(r.stats.net_rx == n);
	counted = s.accepted + r.stats.keepalives + r.stats.drop_source +
		  r.stats.drop_malformed + r.stats.drop_spoof +
		  r.stats.drop_scope;
	check(counted == n);
	/* Nothing from a foreign or unknown source. */
	if ((flags & 16) || (flags & 8) ||
	    (r.mode == RELAY_FIXED && src.sin_port != peer.sin_port)) {
		check(s.accepted == 0 && r.stats.keepalives == 0);
		check(r.stats.drop_source == n);
	}
	/* Nothing from a truncated receive. */
	if ((flags & 32) && len)
		check(s.accepted == 0);
	/* The endpoint: only a learning relay moves, only to the sender's
	 * port, only after a keepalive or a packet it accepted. */
	if (s.moves == 0)
		check(r.peer.sin_port == ((data[21] & 3) == 3 && !(flags & 64)
					  ? 0 : peer.sin_port));
	if (s.moves) {
		check(r.mode != RELAY_FIXED && !(flags & 8) && !(flags & 16));
		check(s.accepted > 0 || r.stats.keepalives > 0);
		check(r.peer.sin_port == src.sin_port);
	}
	/* A roaming relay: nothing taken from another port, and no empty
	 * keepalive from one moves anything. */
	if (r.mode == RELAY_ROAM && s.moves == 0 &&
	    src.sin_port != r.peer.sin_port)
		check(s.accepted == 0);
	check(r.peer.sin_addr.s_addr == peer.sin_addr.s_addr);
	return 0;
}
