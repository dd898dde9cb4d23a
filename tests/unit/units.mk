# The sources each unit test links besides its own file: the module under
# test and what it needs, nothing more (UNIT_<name> for test_<name>.c).
UNIT_authdb   = src/authdb/authdb.c src/proto/rules.c
UNIT_gso      = src/relay/csum.c src/relay/gso.c src/relay/gro.c src/relay/relay_check.c
UNIT_parse    = src/common/parse.c
UNIT_pool     = src/server/pool.c
UNIT_proto    = src/proto/proto.c src/proto/digest.c src/proto/rules.c src/common/parse.c
UNIT_throttle = src/server/throttle.c
