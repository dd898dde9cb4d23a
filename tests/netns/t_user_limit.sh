#!/bin/bash
# The per-user limit (dtcps -n), counted by the privileged parent: a user
# with that many tunnels up gets an -ERR that names the limit for the next
# one, another user is unaffected, and when one of the user's tunnels ends
# the user may open another.
set -u
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

topo_std cli2
make_pwfile
run "$DTCPAUTH" -f "$PWFILE" -u bob secret2 >/dev/null
start_server -n 2

ctl_open a1 "$CLI"
ctl_login a1 "$USER1" "$PASS1" tunnelonly udp 4028 || fail "alice's first: $CTL_LINE"
ctl_open a2 "$CLI"
ctl_login a2 "$USER1" "$PASS1" tunnelonly udp 4029 || fail "alice's second: $CTL_LINE"
ctl_open a3 "$CLI"
ctl_greeting a3 || fail "no greeting"
ctl_request a3 "$USER1" "$PASS1" tunnelonly udp 4030
[ "$CTL_LINE" = "-ERR too many tunnels for this user: 2 is the limit of this server; close one, or wait until a dead one times out" ] ||
	fail "alice's third: $CTL_LINE"
ok "alice's third tunnel refused: $CTL_LINE"
ctl_open b1 "$CLI2"
ctl_login b1 bob secret2 tunnelonly udp 4028 || fail "bob: $CTL_LINE"
ok "bob unaffected: $CTL_LINE"
ctl_quit a1
wait_for_or_fail 5 "alice's first tunnel closed" grep -q 'tunnel ng0 closed' "$TMPD/dtcps.log"
ctl_open a4 "$CLI"
ctl_login a4 "$USER1" "$PASS1" tunnelonly udp 4030 || fail "alice after closing one: $CTL_LINE"
ok "with one closed, alice may open another"
ctl_ping a2
ctl_ping b1
pass "one user cannot take more than -n tunnels; others are unaffected"
