/* HMAC-SHA256 against the test vectors of RFC 4231 (section 4), and the
 * roam1 session key and keepalive against values computed independently
 * (Python's hmac module) for PROTOCOL.md's example. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "proto/hmac.h"
#include "proto/roam.h"

static void hex(const uint8_t *b, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
}

static void check_mac(const uint8_t *key, size_t keylen, const void *msg,
		      size_t len, const char *want)
{
	uint8_t mac[HMAC_SHA256_LEN];
	char text[2 * HMAC_SHA256_LEN + 1];

	hmac_sha256(key, keylen, msg, len, mac);
	hex(mac, sizeof(mac), text);
	assert_memory_equal(text, want, strlen(want));
}

static void test_rfc4231(void **state)
{
	uint8_t k[131];
	uint8_t d[50];
	static const char long_data[] = "This is a test using a larger than "
		"block-size key and a larger than block-size data. The key "
		"needs to be hashed before being used by the HMAC algorithm.";

	(void)state;
	memset(k, 0x0b, 20);                                   /* 4.2 */
	check_mac(k, 20, "Hi There", 8, "b0344c61d8db38535ca8afceaf0bf12b"
		  "881dc200c9833da726e9376c2e32cff7");
	check_mac((const uint8_t *)"Jefe", 4,                  /* 4.3 */
		  "what do ya want for nothing?", 28,
		  "5bdcc146bf60754e6a042426089575c7"
		  "5a003f089d2739839dec58b964ec3843");
	memset(k, 0xaa, 20);                                   /* 4.4 */
	memset(d, 0xdd, 50);
	check_mac(k, 20, d, 50, "773ea91e36800e46854db8ebd09181a7"
		  "2959098b3ef8c122d9635514ced565fe");
	for (int i = 0; i < 25; i++)                           /* 4.5 */
		k[i] = (uint8_t)(i + 1);
	memset(d, 0xcd, 50);
	check_mac(k, 25, d, 50, "82558a389a443c0ea4cc819899f2083a"
		  "85f0faa3e578f8077a2e3ff46729665b");
	memset(k, 0x0c, 20);                          /* 4.6: truncated */
	check_mac(k, 20, "Test With Truncation", 20,
		  "a3b6167473100ee06e0c796c2955552b");
	memset(k, 0xaa, 131);                                  /* 4.7 */
	check_mac(k, 131, "Test Using Larger Than Block-Size Key - Hash Key "
		  "First", 54, "60e431591ee0b67f0d8a26aacbf5b77f"
		  "8e0bc6213728c5140546040f0ee37f54");
	check_mac(k, 131, long_data, strlen(long_data),        /* 4.8 */
		  "9b09ffa71b942fcb27635fbcd5b0e944"
		  "bfdc63644f0713938a7f51535c3a35e2");
}

/* Fed in pieces, the same MAC. */
static void test_incremental(void **state)
{
	struct hmac_sha256 h;
	uint8_t a[HMAC_SHA256_LEN], b[HMAC_SHA256_LEN];

	(void)state;
	hmac_sha256((const uint8_t *)"Jefe", 4,
		    "what do ya want for nothing?", 28, a);
	hmac_sha256_init(&h, (const uint8_t *)"Jefe", 4);
	hmac_sha256_update(&h, "what do ya ", 11);
	hmac_sha256_update(&h, "", 0);
	hmac_sha256_update(&h, "want for nothing?", 17);
	hmac_sha256_final(&h, b);
	assert_memory_equal(a, b, sizeof(a));
}

static const char challenge[] = "0123456789ABCDEF0123456789ABCDEF";

static void test_roam_key_and_keepalive(void **state)
{
	uint8_t key[PROTO_ROAM_KEY_LEN], ka[PROTO_ROAM_KA_LEN];
	char text[2 * PROTO_ROAM_KA_LEN + 1];
	uint64_t ctr = 0;

	(void)state;
	proto_roam_key("alice", challenge, (const uint8_t *)"secret1", 7, key);
	hex(key, sizeof(key), text);
	assert_string_equal(text, "e66b3036ae2e1f227bd807a52dd940bb"
			    "d7321fd83ef1cb6b3d87faf5efb74807");
	proto_roam_keepalive(key, 1, ka);
	hex(ka, sizeof(ka), text);
	assert_string_equal(text, "44544b41010000000000000000000001"
			    "69f77e4b5a02d010aa72023a3b7147dc");
	assert_true(proto_roam_keepalive_ok(key, ka, sizeof(ka), &ctr));
	assert_int_equal(ctr, 1);
	proto_roam_keepalive(key, 0x0102030405060708ull, ka);
	assert_true(proto_roam_keepalive_ok(key, ka, sizeof(ka), &ctr));
	assert_true(ctr == 0x0102030405060708ull);
}

/* Anything changed, and the keepalive is refused. */
static void test_roam_refusals(void **state)
{
	uint8_t key[PROTO_ROAM_KEY_LEN], other[PROTO_ROAM_KEY_LEN];
	uint8_t ka[PROTO_ROAM_KA_LEN], bad[PROTO_ROAM_KA_LEN + 1];
	uint64_t ctr = 99;

	(void)state;
	proto_roam_key("alice", challenge, (const uint8_t *)"secret1", 7, key);
	proto_roam_key("alicf", challenge, (const uint8_t *)"secret1", 7, other);
	assert_memory_not_equal(key, other, sizeof(key));
	proto_roam_key("alice", challenge, (const uint8_t *)"secret2", 7, other);
	assert_memory_not_equal(key, other, sizeof(key));
	proto_roam_keepalive(key, 7, ka);
	assert_false(proto_roam_keepalive_ok(other, ka, sizeof(ka), &ctr));
	for (size_t i = 0; i < sizeof(ka); i++) {
		memcpy(bad, ka, sizeof(ka));
		bad[i] ^= 0x01;
		assert_false(proto_roam_keepalive_ok(key, bad, sizeof(ka), &ctr));
	}
	memcpy(bad, ka, sizeof(ka));
	bad[sizeof(ka)] = 0;
	assert_false(proto_roam_keepalive_ok(key, bad, sizeof(bad), &ctr));
	assert_false(proto_roam_keepalive_ok(key, ka, sizeof(ka) - 1, &ctr));
	assert_false(proto_roam_keepalive_ok(key, ka, 0, &ctr));
	proto_roam_keepalive(key, 0, ka);              /* counters start at 1 */
	assert_false(proto_roam_keepalive_ok(key, ka, sizeof(ka), &ctr));
	assert_int_equal(ctr, 99);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc4231),
		cmocka_unit_test(test_incremental),
		cmocka_unit_test(test_roam_key_and_keepalive),
		cmocka_unit_test(test_roam_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
