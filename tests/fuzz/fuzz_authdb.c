/* libFuzzer target: the password file parser; whatever parses must save
 * and parse back to the same users and secrets. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "authdb/authdb.h"
#include "proto/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t s1[AUTHDB_SECRET_MAX], s2[AUTHDB_SECRET_MAX];
	struct authdb_error err;
	struct authdb *db, *copy;
	size_t l1, l2;

	if (authdb_parse((const char *)data, size, &db, &err) < 0)
		return 0;
	copy = authdb_new();
	if (copy == NULL)
		abort();
	for (size_t i = 0; i < authdb_count(db); i++) {
		const char *user = authdb_user_at(db, i);

		if (!proto_user_ok(user) ||
		    authdb_lookup(db, user, s1, &l1) < 0 ||
		    authdb_set(copy, user, s1, l1) < 0 ||
		    authdb_lookup(copy, user, s2, &l2) < 0 || l1 != l2 ||
		    memcmp(s1, s2, l1) != 0)
			__builtin_trap();
	}
	authdb_free(copy);
	authdb_free(db);
	return 0;
}
