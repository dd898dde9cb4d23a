#!/bin/bash
# dtcps -U serves protocol-41 and UDP host tunnels at once: every live host
# tunnel, whatever its kind, gets its own address pair from the prefix. dtcpc
# in CLI holds a protocol-41 host tunnel (gif0), dtcpc -U in CLI2 a UDP host
# tunnel (ng0); the server's gif0 and ng0 carry different pairs, and INET
# reaches each client at its own address and each client reaches INET.
set -u
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

# pair_of NS DEV : "LOCAL PEER", the /128 point-to-point pair on DEV in NS
pair_of() {
	ip -n "$1" -6 addr show dev "$2" scope global 2>/dev/null |
		awk '$1 == "inet6" && $3 == "peer" { sub(/\/.*/, "", $4); print $2, $4; exit }'
}
# has_pair NS DEV : DEV in NS has such a pair
# shellcheck disable=SC2317 # called through wait_for
has_pair() { [ -n "$(pair_of "$1" "$2")" ]; }

topo_std cli2
start_server
client_auth "$TMPD/dtcpc.auth" "$SRV_V4" "$USER1" "$PASS1"
start_client dtcpc41 "$CLI" -t host -F "$TMPD/dtcpc.auth" -u "$USER1" "$SRV_V4"
wait_for_or_fail 10 "CLI gif0 has a host pair" has_pair "$CLI" gif0
start_dtcpc dtcpcu "$CLI2" host
wait_for_or_fail 10 "CLI2 ng0 has a host pair" has_pair "$CLI2" ng0
grep 'got a host tunnel' "$TMPD/dtcps.log"

read -r c41 s41 <<<"$(pair_of "$CLI" gif0)"
read -r cu su <<<"$(pair_of "$CLI2" ng0)"
say "protocol 41 (CLI gif0): client $c41 server $s41"
say "udp (CLI2 ng0): client $cu server $su"
[ "$(pair_of "$SRV" gif0)" = "$s41 $c41" ] || fail "server gif0 has '$(pair_of "$SRV" gif0)', want '$s41 $c41'"
[ "$(pair_of "$SRV" ng0)" = "$su $cu" ] || fail "server ng0 has '$(pair_of "$SRV" ng0)', want '$su $cu'"
if [ "$c41" = "$cu" ] || [ "$s41" = "$su" ] || [ "$c41" = "$su" ] || [ "$s41" = "$cu" ]; then
	run ip -n "$SRV" -6 route show
	fail "two live host tunnels share addresses: gif0 $s41/$c41 (CLI), ng0 $su/$cu (CLI2)"
fi
ok "the protocol-41 and the udp host tunnel have distinct pairs"

run nsx "$CLI" ping -6 -c 2 -i 0.2 -W 2 "$INET_V6" || fail "CLI (protocol 41) cannot ping $INET_V6"
run nsx "$CLI2" ping -6 -c 2 -i 0.2 -W 2 "$INET_V6" || fail "CLI2 (udp) cannot ping $INET_V6"
run nsx "$INET" ping -6 -c 2 -i 0.2 -W 2 "$c41" || fail "INET cannot ping CLI at $c41"
run nsx "$INET" ping -6 -c 2 -i 0.2 -W 2 "$cu" || fail "INET cannot ping CLI2 at $cu"
ok "each client reaches INET and is reached at its own address"
stop dtcpc41 TERM 5 || fail "dtcpc (protocol 41) did not stop"
stop dtcpcu TERM 5 || fail "dtcpc -U did not stop"
wait_for_or_fail 5 "server gif0 and ng0 removed" eval "no_link $SRV gif0 && no_link $SRV ng0"
pass "protocol-41 and udp host tunnels get distinct address pairs and both carry traffic"
