#!/bin/bash
# Authentication failures: a wrong password, an unknown user and a wrong token
# count all get exactly "-ERR authentication failed." and no tunnel interface;
# dtcpc with a wrong password exits non-zero with a message. A correct login
# (same digest code) is the control that proves the failures are real.
set -u
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

topo_std
start_server
want="-ERR authentication failed."

# try_login NAME USER PASSWORD REST : connect, send "tunnel USER <digest> REST"
try_login() {
	ctl_open "$1" "$CLI"
	ctl_greeting "$1" || fail "no greeting from dtcps"
	ctl_request "$@" || fail "no reply to the tunnel request"
}

say "== wrong password"
try_login wrongpw "$USER1" wrongsecret "host udp 4028"
[ "$CTL_LINE" = "$want" ] || fail "wrong password: got '$CTL_LINE', want '$want'"
ok "wrong password refused"

say "== unknown user"
try_login nouser mallory "$PASS1" "host udp 4028"
[ "$CTL_LINE" = "$want" ] || fail "unknown user: got '$CTL_LINE', want '$want'"
ok "unknown user refused"

say "== digest computed with the challenge of another session"
ctl_open stale "$CLI"
ctl_greeting stale || fail "no greeting"
ctl_send stale "tunnel $USER1 $(dtcp_digest "$USER1" 00000000000000000000000000000000 "$PASS1") host udp 4028"
ctl_recv stale 5 || fail "no reply"
[ "$CTL_LINE" = "$want" ] || fail "stale digest: got '$CTL_LINE', want '$want'"
ok "digest over a wrong challenge refused"

say "== wrong token count"
ctl_open tokens "$CLI"
ctl_greeting tokens || fail "no greeting"
ctl_send tokens "tunnel $USER1"
ctl_recv tokens 5 || fail "no reply"
[ "$CTL_LINE" = "$want" ] || fail "wrong token count: got '$CTL_LINE', want '$want'"
ok "wrong token count refused"

# The four sessions stay open (errors keep them): nothing may exist for them.
check "no ng interface in SRV after failed logins" no_ng_links "$SRV"
check "no UDP tunnel socket in SRV" eval "! udp_listening $SRV 4028"
check "dtcps still running" alive dtcps
for c in wrongpw nouser stale tokens; do
	ctl_close "$c"
done

say "== dtcpc with a wrong password"
client_auth "$TMPD/bad.auth" "$SRV_V4" "$USER1" wrongsecret
start_client dtcpc "$CLI" -U -t host -r static -F "$TMPD/bad.auth" -u "$USER1" "$SRV_V4"
exit_status dtcpc 15 || fail "dtcpc with a wrong password did not exit within 15 s"
say "dtcpc exit status $STOP_RC, output:"
cat "$TMPD/dtcpc.log"
[ "$STOP_RC" -ne 0 ] || fail "dtcpc with a wrong password exited 0"
grep -qi 'auth' "$TMPD/dtcpc.log" || fail "dtcpc gave no message about the failed authentication"
ok "dtcpc exits $STOP_RC with a message"
check "no ng0 left in CLI" no_link "$CLI" ng0
check "no ng interface in SRV" no_ng_links "$SRV"

say "== control: the right password is accepted"
ctl_tunnel good "$CLI" tunnelonly
[[ $CTL_LINE =~ ^\+OK\ 192\.0\.2\.2\ 192\.0\.2\.1\ udp\ 4028$ ]] ||
	fail "tunnelonly reply: got '$CTL_LINE', want '+OK 192.0.2.2 192.0.2.1 udp 4028'"
ok "correct login accepted"
ctl_send good quit
ctl_recv good 5 || fail "no reply to quit"
[ "$CTL_LINE" = "+OK see you soon." ] || fail "quit: got '$CTL_LINE'"
wait_for_or_fail 5 "server closes the connection after quit" ctl_closed good
wait_for_or_fail 5 "ng0 removed after quit" no_ng_links "$SRV"
pass "failed logins are refused identically and create nothing"
