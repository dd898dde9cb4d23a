/* roam1 session keys and keepalives; see roam.h. */
#include "proto/roam.h"

#include <string.h>

#include "proto/hmac.h"

#define KA_HEAD 16   /* magic, version, padding, counter: what the MAC covers */
#define KA_MAC 16    /* the first half of HMAC-SHA256 */

static const uint8_t ka_magic[8] = { 'D', 'T', 'K', 'A', 1, 0, 0, 0 };

void proto_roam_key(const char *user, const char *challenge,
		    const uint8_t *secret, size_t secret_len,
		    uint8_t key[PROTO_ROAM_KEY_LEN])
{
	static const char label[] = "dtcp roam1";   /* with its NUL */
	struct hmac_sha256 h;

	hmac_sha256_init(&h, secret, secret_len);
	hmac_sha256_update(&h, label, sizeof(label));
	hmac_sha256_update(&h, user, strlen(user) + 1);
	hmac_sha256_update(&h, challenge, strlen(challenge));
	hmac_sha256_final(&h, key);
}

static void ka_mac(const uint8_t key[PROTO_ROAM_KEY_LEN],
		   const uint8_t head[KA_HEAD], uint8_t mac[KA_MAC])
{
	uint8_t full[HMAC_SHA256_LEN];

	hmac_sha256(key, PROTO_ROAM_KEY_LEN, head, KA_HEAD, full);
	memcpy(mac, full, KA_MAC);
	explicit_bzero(full, sizeof(full));
}

void proto_roam_keepalive(const uint8_t key[PROTO_ROAM_KEY_LEN],
			  uint64_t counter, uint8_t out[PROTO_ROAM_KA_LEN])
{
	memcpy(out, ka_magic, sizeof(ka_magic));
	for (int i = 0; i < 8; i++)
		out[8 + i] = (uint8_t)(counter >> (56 - 8 * i));
	ka_mac(key, out, out + KA_HEAD);
}

bool proto_roam_keepalive_ok(const uint8_t key[PROTO_ROAM_KEY_LEN],
			     const uint8_t *dg, size_t len,
			     uint64_t *counter)
{
	uint8_t mac[KA_MAC];
	unsigned diff = 0;
	uint64_t c = 0;

	if (len != PROTO_ROAM_KA_LEN ||
	    memcmp(dg, ka_magic, sizeof(ka_magic)) != 0)
		return false;
	ka_mac(key, dg, mac);
	for (int i = 0; i < KA_MAC; i++)
		diff |= (unsigned)(mac[i] ^ dg[KA_HEAD + i]);
	explicit_bzero(mac, sizeof(mac));
	if (diff != 0)
		return false;
	for (int i = 0; i < 8; i++)
		c = c << 8 | dg[8 + i];
	if (c == 0)
		return false;
	*counter = c;
	return true;
}
