#!/bin/bash
# An unusable password file on the server is the server's fault, not the
# client's: logins get "-ERR server error, try again later" (not "authentication
# failed."), are not counted as failed logins, and dtcpc -l and dtcpclient -l
# keep retrying with backoff and get in once the file is fixed. Two ways to
# break it: made world-readable (dtcpc), replaced by a directory
# (dtcpclient).
set -u
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
need_dtcpclient

topo_std cli2
start_server -R 2,60
client_auth "$TMPD/dtcpc.auth" "$SRV_V4" "$USER1" "$PASS1"

say "--- world-readable: dtcpc -l keeps trying"
chmod 644 "$PWFILE"
start_client dtcpc "$CLI" -d -l -U -t tunnelonly -F "$TMPD/dtcpc.auth" -u "$USER1" "$SRV_V4"
wait_for_or_fail 10 "dtcpc told to try again" grep -q 'the server refused the tunnel: server error, try again later' "$TMPD/dtcpc.log"
wait_for_or_fail 10 "dtcpc retries" eval "[ \$(grep -c 'server error, try again later' $TMPD/dtcpc.log) -ge 3 ]"
check "dtcpc still running" alive dtcpc
check "not counted as failed logins (no throttle with -R 2)" eval "! grep -q 'too many failed logins' $TMPD/dtcpc.log"
grep -q 'not checked: the password file is unusable' "$TMPD/dtcps.log" || fail "the server did not say why"
ok "$(grep -m1 'not checked: the password file is unusable' "$TMPD/dtcps.log")"
chmod 600 "$PWFILE"
wait_for_or_fail 20 "dtcpc gets in once the file is fixed" \
	eval "grep -q 'user \"$USER1\" got a tunnelonly tunnel' $TMPD/dtcps.log"
ok "dtcpc logged in after the fix"
stop dtcpc TERM 5 || fail "dtcpc did not stop"

say "--- replaced by a directory: dtcpclient -l keeps trying"
mv "$PWFILE" "$PWFILE.good"
mkdir -m 700 "$PWFILE"
client_conf ng0
start_dtcpclient dc "$CLI2" -d -l -U -t host -s "$CLIENT_SCRIPT" -u "$USER1" "$SRV_V4"
wait_for_or_fail 10 "dtcpclient told to try again" grep -q 'server error, try again later' "$TMPD/dc.log"
wait_for_or_fail 10 "dtcpclient retries" eval "[ \$(grep -c 'server error, try again later' $TMPD/dc.log) -ge 3 ]"
check "dtcpclient still running" alive dc
rmdir "$PWFILE"
mv "$PWFILE.good" "$PWFILE"
wait_for_or_fail 20 "dtcpclient gets in once the file is back" \
	has_addr "$CLI2" ng0 'inet6 2001:db8:1::6 peer'
ok "dtcpclient logged in after the fix"
stop dc TERM 5 || fail "dtcpclient did not stop"
pass "an unusable password file makes clients try again later, and they get in once it is fixed"
