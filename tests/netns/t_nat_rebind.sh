#!/bin/bash
# NAT rebinding on a roam1 tunnel: mid-session the NAT forgets its UDP mappings and maps new
# ones to another port range (TCP, the control connection, is kept). The
# client's next keepalive moves the server's endpoint ("endpoint moved") and
# INET reaches the client again within one keepalive interval plus slack.
set -u
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
command -v conntrack >/dev/null 2>&1 || fail "conntrack not found: install the conntrack package"

KA=2
SLACK=3
topo_nat
start_dtcpc_tunnel host -d -n -k "$KA"
wait_learned 5
old=$(endpoint_port "$TMPD/dtcps.log")
ok "endpoint learned: $NAT_OUT_V4:$old"
run nsx "$INET" ping -6 -c 2 -i 0.2 -W 2 2001:db8:1::6 || fail "INET cannot ping the client before the rebinding"

say "rebinding: NAT maps UDP to 31000-31999 now and forgets its UDP mappings"
nat_ruleset 31000-31999 || fail "cannot change the NAT's port range"
nat_udp_flush
t0=$(now)
run nsx "$NATR" conntrack -L -p udp
# Probe INET -> client from the rebinding on, until a reply comes back.
lost=0
until nsx "$INET" ping -6 -c 1 -W 0.5 2001:db8:1::6 >/dev/null 2>&1; do
	lost=$((lost + 1))
	fcmp "$(elapsed "$t0")" "<" $((KA + SLACK)) ||
		fail "INET still cannot reach the client $((KA + SLACK))s after the rebinding"
done
t_ping=$(elapsed "$t0")
ok "INET -> client works again after ${t_ping}s ($lost probes lost)"
wait_for_or_fail 1 "server logs the endpoint moved by an authenticated keepalive" grep -q 'ng0 endpoint moved .*(authenticated)' "$TMPD/dtcps.log"
grep 'endpoint moved' "$TMPD/dtcps.log"
new=$(endpoint_port "$TMPD/dtcps.log")
{ [ -n "$new" ] && [ "$new" -ge 31000 ] && [ "$new" -le 31999 ]; } ||
	fail "the endpoint did not move to the NAT's new range: '$new'"
ok "endpoint moved from $NAT_OUT_V4:$old to $NAT_OUT_V4:$new"
say "rebinding -> INET reaches the client again: ${t_ping}s (keepalive every ${KA}s)"
run nsx "$INET" ping -6 -c 2 -i 0.2 -W 2 2001:db8:1::6 || fail "INET cannot ping the client after the rebinding"
run nsx "$CLI" ping -6 -c 2 -i 0.2 -W 2 "$INET_V6" || fail "client cannot ping INET after the rebinding"
check "dtcpc still running" alive dtcpc
check "server session still up" eval "! grep -q 'tunnel ng0 closed' $TMPD/dtcps.log"
pass "traffic resumed ${t_ping}s after the NAT rebinding"
