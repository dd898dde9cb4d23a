#!/bin/bash
# Forged datagrams: in NAT-traversal mode the server follows datagrams from
# the client's public IPv4 address only. A well-formed IPv6 packet sent to
# the tunnel port from another address (FORGE, 192.0.2.99) neither moves the
# endpoint nor reaches the server's TUN device; nor, since dtcpc asks for
# roam1, do the same bytes from the NAT's own address (the weakness of the
# legacy mode: anyone at that address could move the endpoint; see
# t_roam_legacy for how that mode is hardened).
set -u
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

KA=2
topo_nat forge
start_dtcpc_tunnel host -d -n -k "$KA"
wait_learned 5
port=$(endpoint_port "$TMPD/dtcps.log")
ok "endpoint learned: $NAT_OUT_V4:$port"

# IPv6 header (payload 8 bytes, next header 59 "no next header", hop limit
# 64) from the client's tunnel address 2001:db8:1::6 to INET, then 8 bytes.
PKT=$TMPD/forged.bin
printf '\x60\x00\x00\x00\x00\x08\x3b\x40%b%b%b' \
	'\x20\x01\x0d\xb8\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x06' \
	'\x20\x01\x0d\xb8\xff\xff\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02' \
	'FORGED!!' >"$PKT"
[ "$(wc -c <"$PKT")" -eq 48 ] || fail "forged packet is $(wc -c <"$PKT") bytes, want 48"
# tun_rx NS : packets the relay wrote into ng0 in NS (RX on a TUN device)
tun_rx() { ip -n "$1" -s -j link show dev ng0 | sed -n 's/.*"rx":{"bytes":[0-9]*,"packets":\([0-9]*\).*/\1/p'; }

rx0=$(tun_rx "$SRV")
for sport in 4028 "$port" 5555; do
	run nsx "$FORGE" socat -u "OPEN:$PKT" "UDP-SENDTO:$SRV_V4:4028,bind=$FORGE_V4:$sport" ||
		fail "socat could not send the forged datagram"
done
sleep 0.5
rx1=$(tun_rx "$SRV")
say "server ng0 rx packets: $rx0 before, $rx1 after three forged datagrams"
[ "$rx1" = "$rx0" ] || fail "a forged datagram reached the server's TUN device"
ok "forged datagrams from $FORGE_V4 did not reach the TUN device"
check "no endpoint moved" eval "! grep -q 'endpoint moved' $TMPD/dtcps.log"
[ "$(endpoint_port "$TMPD/dtcps.log")" = "$port" ] || fail "the endpoint changed"
run nsx "$INET" ping -6 -c 2 -i 0.2 -W 2 2001:db8:1::6 || fail "INET cannot ping the client after the forgery"
ok "INET -> client still works"

say "the same bytes from the NAT's own address, another port (roam1 tunnel)"
rx0=$(tun_rx "$SRV")
run nsx "$NATR" socat -u "OPEN:$PKT" "UDP-SENDTO:$SRV_V4:4028" || fail "socat in NATR"
sleep 0.5
rx1=$(tun_rx "$SRV")
[ "$rx1" = "$rx0" ] || fail "the datagram from the NAT's address reached the TUN device (rx $rx0 -> $rx1)"
check "no endpoint moved" eval "! grep -q 'endpoint moved' $TMPD/dtcps.log"
ok "dropped too: on a roam1 tunnel only an authenticated keepalive moves the endpoint"
run nsx "$INET" ping -6 -c 2 -i 0.2 -W 2 2001:db8:1::6 || fail "INET cannot ping the client at the end"
stop dtcpc TERM 5 || fail "dtcpc did not stop"
wait_for_or_fail 3 "server logs the tunnel closed" grep -q 'tunnel ng0 closed' "$TMPD/dtcps.log"
grep 'tunnel ng0 closed' "$TMPD/dtcps.log"
dropped=$(sed -n 's/.*tunnel ng0 closed.*foreign source \([0-9]*\).*/\1/p' "$TMPD/dtcps.log")
[ "${dropped:-0}" -ge 4 ] || fail "server counted $dropped datagrams from a foreign source, want >= 4"
ok "server counted the forged datagrams as from a foreign source ($dropped)"
pass "datagrams from another address, or from the NAT's address without authentication, neither move the endpoint nor reach the TUN"
