#!/bin/bash
# Keepalives off (-k 0): the NAT mapping dies after the NAT's UDP timeout and
# INET can no longer reach the client; one packet from the client opens a
# mapping again and the server follows it.
set -u
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

IDLE=$((NAT_UDP_TIMEOUT + 3))
topo_nat
start_dtcpc_tunnel host -d -n -k 0

run nsx "$CLI" ping -6 -c 1 -W 2 "$INET_V6" || fail "client cannot ping INET"
wait_learned 2
run nsx "$INET" ping -6 -c 1 -W 2 2001:db8:1::6 || fail "INET cannot ping the client while the mapping lives"
ok "INET -> client while the mapping lives"

ka0=$(nat_counter keepalives)
say "idle for ${IDLE}s (NAT UDP timeout ${NAT_UDP_TIMEOUT}s, no keepalives)"
sleep "$IDLE"
if run nsx "$INET" ping -6 -c 2 -i 0.5 -W 1 2001:db8:1::6; then
	fail "INET still reaches the client ${IDLE}s after its last packet"
fi
ok "INET -> client fails once the NAT mapping timed out"
[ "$(nat_counter keepalives)" = "$ka0" ] || fail "dtcpc sent keepalives with -k 0"
ok "no keepalives crossed the NAT"

run nsx "$CLI" ping -6 -c 1 -W 2 "$INET_V6" || fail "client cannot ping INET after the timeout"
run nsx "$INET" ping -6 -c 2 -i 0.2 -W 2 2001:db8:1::6 ||
	fail "INET cannot ping the client after the client sent a packet"
ok "INET -> client works again after one packet from the client"
grep 'endpoint' "$TMPD/dtcps.log"
check "dtcpc still running" alive dtcpc
pass "without keepalives the mapping expires; one packet reopens it"
