#!/bin/bash
# NAT traversal: dtcpc -U -n -k 2 behind a masquerading NAT (UDP mappings
# live NAT_UDP_TIMEOUT s). The server learns the NAT's public endpoint from
# the first keepalive, so INET reaches the client at once; after an idle
# period of more than three NAT timeouts it still does, because keepalives
# (counted on the NAT, with no other UDP crossing it) held the mapping.
set -u
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

KA=2
IDLE=$((NAT_UDP_TIMEOUT * 3 + 3))
topo_nat
start_dtcpc_tunnel host -d -n -k "$KA"
wait_learned 5
grep -E 'got a|endpoint' "$TMPD/dtcps.log"
grep -qF "mode nat-traversal, authenticated roaming, endpoint $NAT_OUT_V4:? (to be learned)" "$TMPD/dtcps.log" ||
	fail "server did not log nat-traversal mode for $NAT_OUT_V4"
ok "server: nat-traversal mode with roam1, endpoint to be learned"
port=$(endpoint_port "$TMPD/dtcps.log")
[ -n "$port" ] || fail "learned endpoint is not at the NAT's address $NAT_OUT_V4"
ok "learned endpoint is the NAT's $NAT_OUT_V4:$port"
{ [ "$port" -ge 30000 ] && [ "$port" -le 30999 ]; } ||
	fail "learned port $port is not the NAT's mapped port ($NAT_PORTS)"
ok "learned port $port was rewritten by the NAT (client bound 4028)"

run nsx "$INET" ping -6 -c 2 -i 0.2 -W 2 2001:db8:1::6 || fail "INET cannot ping the client right after setup"
ok "INET -> client right after setup (the first keepalive opened the mapping)"

ka0=$(nat_counter keepalives)
data0=$(nat_counter udp_data)
say "idle for ${IDLE}s (NAT UDP timeout ${NAT_UDP_TIMEOUT}s, keepalive every ${KA}s)"
sleep "$IDLE"
ka1=$(nat_counter keepalives)
data1=$(nat_counter udp_data)
say "across the NAT while idle: $((ka1 - ka0)) keepalives, $((data1 - data0)) other datagrams"
[ "$((data1 - data0))" -eq 0 ] || fail "user traffic crossed the NAT while idle"
[ "$((ka1 - ka0))" -ge $((IDLE / KA - 2)) ] ||
	fail "only $((ka1 - ka0)) keepalives in ${IDLE}s, want about $((IDLE / KA))"
ok "only keepalives crossed the NAT while idle"

run nsx "$INET" ping -6 -c 2 -i 0.2 -W 2 2001:db8:1::6 ||
	fail "INET cannot ping the client after ${IDLE}s idle"
ok "INET -> client after ${IDLE}s idle (keepalives held the mapping)"
[ "$(endpoint_port "$TMPD/dtcps.log")" = "$port" ] || fail "the endpoint moved while idle"
ok "endpoint unchanged: $NAT_OUT_V4:$port"
check "dtcpc still running" alive dtcpc
stop dtcpc TERM 5 || fail "dtcpc did not stop"
wait_for_or_fail 3 "server logs the tunnel closed" grep -q 'tunnel ng0 closed' "$TMPD/dtcps.log"
grep 'tunnel ng0 closed' "$TMPD/dtcps.log"
pass "NAT traversal held ${IDLE}s idle with keepalives"
