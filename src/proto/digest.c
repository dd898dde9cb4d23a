/* The DTCP challenge-response: MD5 from libmd, a constant-time compare and
 * a challenge from the kernel's random source. */
#include "proto/proto.h"

#include <errno.h>
#include <md5.h>
#include <string.h>
#include <sys/random.h>

static const char hexdigits[] = "0123456789ABCDEF";

static void to_hex(const uint8_t *in, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hexdigits[in[i] >> 4];
		out[2 * i + 1] = hexdigits[in[i] & 0xf];
	}
	out[2 * n] = '\0';
}

void proto_digest(const char *user, const char *challenge,
		  const uint8_t *secret, size_t secret_len,
		  char out[PROTO_DIGEST_LEN + 1])
{
	uint8_t md[MD5_DIGEST_LENGTH];
	MD5_CTX ctx;

	MD5Init(&ctx);
	MD5Update(&ctx, (const uint8_t *)user, strlen(user));
	MD5Update(&ctx, (const uint8_t *)challenge, strlen(challenge));
	MD5Update(&ctx, secret, secret_len);
	MD5Final(md, &ctx);
	to_hex(md, sizeof(md), out);
	explicit_bzero(md, sizeof(md));
	explicit_bzero(&ctx, sizeof(ctx));
}

/* Value of a hex digit, or 16 when it is none. Written with comparisons
 * combined arithmetically (no early exit) so that timing does not depend
 * on the secret digest. */
static unsigned hexval(unsigned char c)
{
	unsigned lc = c | 0x20u;
	unsigned is_d = (c >= '0') & (c <= '9');
	unsigned is_x = (lc >= 'a') & (lc <= 'f');

	return is_d * (c - '0') + is_x * (lc - 'a' + 10) +
	       (1u - (is_d | is_x)) * 16u;
}

bool proto_digest_equal(const char *a, const char *b)
{
	unsigned diff = 0;

	if (strnlen(a, PROTO_DIGEST_LEN + 1) != PROTO_DIGEST_LEN ||
	    strnlen(b, PROTO_DIGEST_LEN + 1) != PROTO_DIGEST_LEN)
		return false;
	for (size_t i = 0; i < PROTO_DIGEST_LEN; i++) {
		unsigned x = hexval((unsigned char)a[i]);
		unsigned y = hexval((unsigned char)b[i]);

		diff |= (x ^ y) | (x >> 4) | (y >> 4);
	}
	return diff == 0;
}

int proto_challenge_new(char out[PROTO_CHALLENGE_LEN + 1])
{
	uint8_t rnd[PROTO_CHALLENGE_LEN / 2];
	size_t got = 0;

	while (got < sizeof(rnd)) {
		ssize_t n = getrandom(rnd + got, sizeof(rnd) - got, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		got += (size_t)n;
	}
	to_hex(rnd, sizeof(rnd), out);
	return 0;
}
