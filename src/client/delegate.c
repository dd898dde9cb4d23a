/* Client prefix delegation: the -P list parser and checks, and the
 * subnet and address arithmetic on 128-bit big-endian addresses. */
#include "client/delegate.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/parse.h"

#define LABEL_MAX 40 /* bytes of a user's spec quoted in a message */
#define FIELDS_MAX 4 /* ifname/SLA-id/host-id/plen */

static void __attribute__((format(printf, 3, 4)))
set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* Quotes at most n bytes of s for a message: printable ASCII as is, the
 * rest (and '"', '\\') as \xNN, cut at LABEL_MAX with "...". out must
 * hold LABEL_MAX + 4 bytes. */
static void escape(const char *s, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	for (size_t i = 0; i < n && s[i] != '\0'; i++) {
		unsigned char c = (unsigned char)s[i];
		bool plain = c >= 0x20 && c < 0x7f && c != '"' && c != '\\';

		if (o + (plain ? 1 : 4) > LABEL_MAX) {
			memcpy(out + o, "...", 3);
			o += 3;
			break;
		}
		if (plain) {
			out[o++] = (char)c;
		} else {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	out[o] = '\0';
}

/* The spec written back in its full form, for messages about a spec that
 * did not come from text (or is checked again after the reply). */
static void render(const struct delegate_spec *s, char *out, size_t outlen)
{
	char name[LABEL_MAX + 4], host[DELEGATE_HOST_DIGITS + 1] = "";

	escape(s->ifname, sizeof(s->ifname), name);
	if (!s->eui64)
		snprintf(host, sizeof(host), "%" PRIx64, s->host_id);
	snprintf(out, outlen, "%s/%" PRIx32 "/%s/%u", name, s->sla_id, host,
		 s->plen);
}

/* Bits needed to write v: 0 for 0. */
static unsigned bit_len(uint64_t v)
{
	unsigned n = 0;

	while (v != 0) {
		n++;
		v >>= 1;
	}
	return n;
}

/* a |= v << shift, a as a 128-bit big-endian number; bits shifted past
 * bit 127 are dropped (the callers have checked they are zero). */
static void or_shifted(uint8_t a[16], uint64_t v, unsigned shift)
{
	for (unsigned i = 0; i < 64; i++) {
		unsigned pos = shift + i;

		if ((v >> i & 1) && pos < 128)
			a[15 - pos / 8] |= (uint8_t)(1u << (pos % 8));
	}
}

/* 1..maxdigits hex digits, nothing else. */
static int parse_hex(const char *s, unsigned maxdigits, uint64_t *out)
{
	uint64_t v = 0;
	size_t n = strlen(s);

	if (n == 0 || n > maxdigits)
		return -1;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		unsigned d;

		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			return -1;
		v = v << 4 | d; /* maxdigits <= 16: cannot overflow */
	}
	*out = v;
	return 0;
}

static bool ifname_ok(const struct delegate_spec *s)
{
	return memchr(s->ifname, '\0', sizeof(s->ifname)) != NULL &&
	       parse_ifname_ok(s->ifname);
}

/* The checks of one spec that need no prefix; label names it. */
static int check_one(const struct delegate_spec *s, const char *label,
		     char *err, size_t errlen)
{
	unsigned sla_bits = bit_len(s->sla_id);

	if (!ifname_ok(s)) {
		set_err(err, errlen, "spec \"%s\": bad interface name", label);
		return -1;
	}
	if (s->plen < 1 || s->plen > 128) {
		set_err(err, errlen,
			"spec \"%s\": plen %u out of range 1 to 128", label,
			s->plen);
		return -1;
	}
	/* Even a /0 delegation leaves only plen bits for the SLA-id. */
	if (sla_bits > s->plen) {
		set_err(err, errlen,
			"spec \"%s\": SLA-id 0x%" PRIx32
			" needs %u bits but a /%u has only %u",
			label, s->sla_id, sla_bits, s->plen, s->plen);
		return -1;
	}
	if (s->eui64) {
		if (s->plen > 64) {
			set_err(err, errlen,
				"spec \"%s\": an EUI-64 host-id needs plen 64 "
				"or less, not %u",
				label, s->plen);
			return -1;
		}
		return 0;
	}
	if (bit_len(s->host_id) > 128 - s->plen) {
		set_err(err, errlen,
			"spec \"%s\": host-id 0x%" PRIx64
			" needs %u bits but a /%u leaves %u",
			label, s->host_id, bit_len(s->host_id), s->plen,
			128 - s->plen);
		return -1;
	}
	/* RFC 4291 2.6.1: host-id 0 is the subnet-router anycast address;
	 * RFC 6164 lets a /127 use it, and a /128 has nothing else. */
	if (s->host_id == 0 && s->plen < 127) {
		set_err(err, errlen,
			"spec \"%s\": host-id 0 is the subnet-router anycast "
			"address of a /%u",
			label, s->plen);
		return -1;
	}
	return 0;
}

/* Index of an earlier spec on the same interface as spec i, or -1. */
static int dup_of(const struct delegate_list *l, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (strcmp(l->spec[j].ifname, l->spec[i].ifname) == 0)
			return (int)j;
	return -1;
}

/* One spec's text (no ',', at most DELEGATE_ARG_MAX bytes, modified in
 * place) into *s. */
static int parse_one(char *text, struct delegate_spec *s, char *err,
		     size_t errlen)
{
	char label[LABEL_MAX + 4], bad[LABEL_MAX + 4];
	char *field[FIELDS_MAX];
	unsigned nf = 0;
	uint64_t v;
	char *p = text;

	escape(text, DELEGATE_ARG_MAX, label);
	for (;;) {
		char *slash = strchr(p, '/');

		if (nf == FIELDS_MAX) {
			set_err(err, errlen,
				"spec \"%s\": too many fields (want "
				"ifname/SLA-id[/host-id[/plen]])",
				label);
			return -1;
		}
		field[nf++] = p;
		if (slash == NULL)
			break;
		*slash = '\0';
		p = slash + 1;
	}
	if (nf < 2) {
		set_err(err, errlen,
			"spec \"%s\": no SLA-id (want "
			"ifname/SLA-id[/host-id[/plen]])",
			label);
		return -1;
	}
	memset(s, 0, sizeof(*s));
	if (!parse_ifname_ok(field[0])) {
		escape(field[0], DELEGATE_ARG_MAX, bad);
		set_err(err, errlen, "spec \"%s\": bad interface name \"%s\"",
			label, bad);
		return -1;
	}
	strcpy(s->ifname, field[0]); /* parse_ifname_ok: < IFNAMSIZ */
	if (parse_hex(field[1], DELEGATE_SLA_DIGITS, &v) < 0) {
		escape(field[1], DELEGATE_ARG_MAX, bad);
		set_err(err, errlen,
			"spec \"%s\": bad SLA-id \"%s\" (want 1 to %d hex "
			"digits)",
			label, bad, DELEGATE_SLA_DIGITS);
		return -1;
	}
	s->sla_id = (uint32_t)v;
	s->eui64 = nf < 3 || field[2][0] == '\0';
	if (!s->eui64 &&
	    parse_hex(field[2], DELEGATE_HOST_DIGITS, &s->host_id) < 0) {
		escape(field[2], DELEGATE_ARG_MAX, bad);
		set_err(err, errlen,
			"spec \"%s\": bad host-id \"%s\" (want 1 to %d hex "
			"digits, or none for EUI-64)",
			label, bad, DELEGATE_HOST_DIGITS);
		return -1;
	}
	s->plen = DELEGATE_PLEN_DEFAULT;
	if (nf == 4 && field[3][0] != '\0') {
		if (parse_uint(field[3], 1, 128, &v) < 0) {
			escape(field[3], DELEGATE_ARG_MAX, bad);
			set_err(err, errlen,
				"spec \"%s\": bad plen \"%s\" (want 1 to 128)",
				label, bad);
			return -1;
		}
		s->plen = (unsigned)v;
	}
	return check_one(s, label, err, errlen);
}

int delegate_parse(const char *arg, struct delegate_list *out, char *err,
		   size_t errlen)
{
	struct delegate_list l;
	char text[DELEGATE_ARG_MAX + 1];
	const char *p = arg;

	if (arg == NULL || arg[0] == '\0') {
		set_err(err, errlen, "empty -P list");
		return -1;
	}
	if (strnlen(arg, DELEGATE_ARG_MAX + 1) > DELEGATE_ARG_MAX) {
		set_err(err, errlen, "-P list longer than %d bytes",
			DELEGATE_ARG_MAX);
		return -1;
	}
	memset(&l, 0, sizeof(l));
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);

		if (n == 0) {
			set_err(err, errlen,
				"empty spec in the -P list (spec %zu)",
				l.n + 1);
			return -1;
		}
		if (l.n == DELEGATE_SPECS_MAX) {
			set_err(err, errlen,
				"more than %d specs in the -P list",
				DELEGATE_SPECS_MAX);
			return -1;
		}
		memcpy(text, p, n);
		text[n] = '\0';
		if (parse_one(text, &l.spec[l.n], err, errlen) < 0)
			return -1;
		if (dup_of(&l, l.n) >= 0) {
			char label[LABEL_MAX + 4];

			escape(p, n, label);
			set_err(err, errlen,
				"spec \"%s\": interface %s listed twice", label,
				l.spec[l.n].ifname);
			return -1;
		}
		l.n++;
		if (comma == NULL)
			break;
		p = comma + 1;
	}
	*out = l;
	return 0;
}

int delegate_check_spec(const struct delegate_list *l, char *err, size_t errlen)
{
	char label[DELEGATE_ERR_LEN];

	if (l->n == 0 || l->n > DELEGATE_SPECS_MAX) {
		set_err(err, errlen, "%zu specs in the -P list (want 1 to %d)",
			l->n, DELEGATE_SPECS_MAX);
		return -1;
	}
	for (size_t i = 0; i < l->n; i++) {
		render(&l->spec[i], label, sizeof(label));
		if (check_one(&l->spec[i], label, err, errlen) < 0)
			return -1;
		if (dup_of(l, i) >= 0) {
			set_err(err, errlen,
				"spec \"%s\": interface %s listed twice", label,
				l->spec[i].ifname);
			return -1;
		}
	}
	return 0;
}

int delegate_subnet(const struct in6_addr *prefix, unsigned dlen,
		    const struct delegate_spec *s, struct in6_addr *subnet,
		    char *err, size_t errlen)
{
	char label[DELEGATE_ERR_LEN];
	struct in6_addr a = *prefix;
	unsigned sla_bits;

	render(s, label, sizeof(label));
	if (check_one(s, label, err, errlen) < 0)
		return -1;
	if (dlen > 128) {
		set_err(err, errlen,
			"delegated prefix length %u out of range "
			"0 to 128",
			dlen);
		return -1;
	}
	for (unsigned i = dlen; i < 128; i++) {
		if (a.s6_addr[i / 8] & (0x80 >> (i % 8))) {
			set_err(err, errlen,
				"delegated prefix has bits set "
				"past /%u",
				dlen);
			return -1;
		}
	}
	if (s->plen <= dlen) {
		set_err(err, errlen,
			"spec \"%s\": /%u is not longer than the delegated /%u",
			label, s->plen, dlen);
		return -1;
	}
	sla_bits = bit_len(s->sla_id);
	if (sla_bits > s->plen - dlen) {
		set_err(err, errlen,
			"spec \"%s\": SLA-id 0x%" PRIx32
			" needs %u bits but /%u to /%u leaves %u",
			label, s->sla_id, sla_bits, dlen, s->plen,
			s->plen - dlen);
		return -1;
	}
	/* Right-aligned: the SLA-id's least significant bit at bit plen-1. */
	or_shifted(a.s6_addr, s->sla_id, 128 - s->plen);
	*subnet = a;
	return 0;
}

int delegate_address(const struct in6_addr *prefix, unsigned dlen,
		     const struct delegate_spec *s, const uint8_t mac[6],
		     struct in6_addr *addr, char *err, size_t errlen)
{
	static const uint8_t zero[6];
	struct in6_addr a;
	uint8_t iid[8];

	if (delegate_subnet(prefix, dlen, s, &a, err, errlen) < 0)
		return -1;
	if (!s->eui64) {
		/* check_one: host_id fits in 128-plen bits. */
		or_shifted(a.s6_addr, s->host_id, 0);
		*addr = a;
		return 0;
	}
	/* An EUI-64 identifier is only as unique as a real unicast MAC
	 * (RFC 4291 appendix A); a TUN device or loopback has none. */
	if (mac == NULL || memcmp(mac, zero, sizeof(zero)) == 0 ||
	    (mac[0] & 0x01)) {
		set_err(err, errlen,
			"%s has no unicast MAC address for an EUI-64 host-id",
			s->ifname);
		return -1;
	}
	delegate_eui64(mac, iid);
	/* check_one: plen <= 64, so the low 64 bits are all host bits. */
	for (unsigned i = 0; i < 8; i++)
		a.s6_addr[8 + i] |= iid[i];
	*addr = a;
	return 0;
}

void delegate_eui64(const uint8_t mac[6], uint8_t out[8])
{
	out[0] = mac[0] ^ 0x02; /* the universal/local bit, inverted */
	out[1] = mac[1];
	out[2] = mac[2];
	out[3] = 0xff;
	out[4] = 0xfe;
	out[5] = mac[3];
	out[6] = mac[4];
	out[7] = mac[5];
}

bool delegate_wants_ra(const struct delegate_spec *s, bool no_ra)
{
	return !no_ra && s->plen != 128;
}
