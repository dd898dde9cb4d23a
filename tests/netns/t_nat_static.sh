#!/bin/bash
# Static NAT: NATR forwards UDP 40000 to the client's 4028 (DNAT) and maps
# the client's 4028 to 40000 on the way out (SNAT), a fixed mapping. With
# dtcpc -U -n -B 40000 -k 0 the server sends to the announced port, learns
# nothing, and INET reaches the client after more than a NAT timeout idle
# without a single keepalive.
set -u
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

NATPORT=40000
IDLE=$((NAT_UDP_TIMEOUT + 3))
topo_nat
nat_forward "$NATPORT"
run nsx "$NATR" nft list chain ip natr prerouting
start_dtcpc_tunnel host -d -n -B "$NATPORT" -k 0
grep -E 'got a|<- tunnel' "$TMPD/dtcps.log"
check "client announced udp $NATPORT" grep -q "<- tunnel $USER1 <response> host udp $NATPORT\$" "$TMPD/dtcps.log"
check "server: plain mode, endpoint announced" \
	grep -q "udp port 4028, mode plain, endpoint $NAT_OUT_V4:$NATPORT (announced)" "$TMPD/dtcps.log"

say "idle for ${IDLE}s (NAT UDP timeout ${NAT_UDP_TIMEOUT}s, no keepalives, nothing sent yet)"
sleep "$IDLE"
run nsx "$INET" ping -6 -c 2 -i 0.2 -W 2 2001:db8:1::6 || fail "INET cannot ping the client through the port forward"
ok "INET -> client through the static forward after ${IDLE}s idle"
run nsx "$CLI" ping -6 -c 2 -i 0.2 -W 2 "$INET_V6" || fail "client cannot ping INET"
say "idle for ${IDLE}s again"
sleep "$IDLE"
run nsx "$INET" ping -6 -c 2 -i 0.2 -W 2 2001:db8:1::6 || fail "INET cannot ping the client after the mapping expired"
ok "INET -> client again after the dynamic state expired"
check "no keepalives crossed the NAT" test "$(nat_counter keepalives)" = 0
check "no endpoint learned" eval "! grep -q 'endpoint learned' $TMPD/dtcps.log"
check "no endpoint moved" eval "! grep -q 'endpoint moved' $TMPD/dtcps.log"
check "dtcpc still running" alive dtcpc
pass "static NAT with an announced port needs no keepalive"
