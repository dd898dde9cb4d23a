#!/bin/bash
# ICMPv4 errors about a protocol-41 tunnel are logged, at most once a minute,
# and are not fatal: a client that logs in but has no protocol-41 socket (a
# raw control session only) makes its kernel answer "protocol unreachable" to
# what the server sends; the server counts every error against the tunnel,
# logs one line, and keeps serving.
set -u
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

topo_std
start_server_p41
ctl_open c1 "$CLI"
ctl_login c1 "$USER1" "$PASS1" host || fail "login refused: $CTL_LINE"
wait_for_or_fail 5 "server gif0" has_addr "$SRV" gif0 "inet6 2001:db8:1::5 peer"
# Nothing in CLI takes protocol 41: each packet earns an ICMP error.
run nsx "$INET" ping -6 -c 4 -i 0.3 -W 1 2001:db8:1::6
wait_for_or_fail 5 "the error logged" grep -q "gif0: the network reports: Protocol not available" "$TMPD/dtcps.log"
check "logged once, not per packet" test "$(grep -c 'the network reports' "$TMPD/dtcps.log")" -eq 1
ctl_ping c1 5 "control session after the errors"
check "dtcps still running" alive dtcps
ctl_quit c1
wait_for_or_fail 5 "close line" grep -q "tunnel gif0 closed" "$TMPD/dtcps.log"
errors=$(sed -n 's/.*tunnel gif0 closed.*network errors \([0-9]*\).*/\1/p' "$TMPD/dtcps.log")
[ "${errors:-0}" -ge 2 ] || fail "the close line counts $errors network errors, want >= 2"
ok "the close line counts $errors network errors"
pass "ICMP errors about a protocol-41 tunnel are counted, logged once and not fatal"
