# The sources each unit test links besides its own file: the module under
# test and what it needs, nothing more (UNIT_<name> for test_<name>.c).
UNIT_authdb   = src/authdb/authdb.c src/proto/rules.c src/common/prefix6.c
UNIT_authfile = src/client/authfile.c src/os/rdfile.c
UNIT_backoff  = src/client/backoff.c
UNIT_delegate = src/client/delegate.c src/common/parse.c
UNIT_hmac     = src/proto/hmac.c src/proto/roam.c
UNIT_gso      = src/relay/csum.c src/relay/gso.c src/relay/gro.c src/relay/relay_check.c src/common/prefix6.c src/common/monotime.c
UNIT_linebuf  = src/common/linebuf.c
UNIT_log      = src/common/log.c
UNIT_lpm6 = src/server/lpm6.c src/server/keymap.c
UNIT_parse    = src/common/parse.c
UNIT_pool     = src/server/pool.c
UNIT_proto    = src/proto/proto.c src/proto/roam.c src/proto/hmac.c src/proto/digest.c src/proto/rules.c src/common/prefix6.c src/common/parse.c
UNIT_relay_check = src/relay/relay_check.c src/common/prefix6.c src/common/monotime.c
UNIT_routetable = src/server/routetable.c src/common/parse.c src/proto/rules.c src/common/prefix6.c src/proto/proto.c src/os/rdfile.c
UNIT_sandbox  = src/os/sandbox.c
UNIT_scriptconf = src/client/scriptconf.c src/common/parse.c src/os/rdfile.c src/client/delegate.c
UNIT_scriptenv = src/client/scriptenv.c src/proto/proto.c src/proto/rules.c src/common/prefix6.c src/common/parse.c
UNIT_throttle = src/server/throttle.c
# The trust boundaries: each parent's dispatch with what it calls.
UNIT_server_privsep = src/server/privsep_parent.c src/server/auth.c \
	src/server/acct.c src/common/strbuf.c src/server/keymap.c \
	src/server/routes.c src/server/routetable.c src/os/rdfile.c \
	src/server/pool.c src/os/privchan.c src/os/fdpass.c src/os/ifconf.c \
	src/os/tun.c src/os/rtnl.c src/authdb/authdb.c src/proto/proto.c \
	src/proto/roam.c src/proto/hmac.c \
	src/proto/digest.c src/proto/rules.c src/common/prefix6.c src/common/parse.c \
	src/common/log.c src/common/monotime.c
UNIT_client_privsep = src/client/privsep_parent.c src/client/tunctl.c \
	src/client/delegate.c \
	src/client/scriptenv.c src/client/config.c src/os/privchan.c \
	src/os/fdpass.c src/os/ifconf.c src/os/tun.c src/os/rtnl.c \
	src/os/hook.c src/os/tunsock.c src/proto/proto.c src/proto/digest.c \
	src/proto/roam.c src/proto/hmac.c \
	src/proto/rules.c src/common/prefix6.c src/common/parse.c src/common/log.c \
	src/common/monotime.c
