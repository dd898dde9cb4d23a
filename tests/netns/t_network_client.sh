#!/bin/bash
# A network tunnel end to end over protocol 41, the original's home-router
# setup: dtcpc -t network -P numbers its LAN interface from the prefix the
# server delegates (EUI-64) and runs radvd there; a LAN host with no static
# configuration takes a SLAAC address from the advertisement and pings a
# host on the server's internet side, and is pinged back. The server routes
# the prefix into the tunnel while the session lives; when dtcpc stops, the
# LAN address, radvd and the server's route are gone.
set -u
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
command -v radvd >/dev/null || fail "radvd is not installed (make deps)"

RT=$TMPD/dtcps.routetable

topo_std
lan_behind_client
printf 'alice 2001:db8:4400::/48\n' >"$RT"
chmod 600 "$RT"
start_server -r "$RT"
client_auth "$TMPD/dtcpc.auth" "$SRV_V4" "$USER1" "$PASS1"
start_client dtcpc "$CLI" -d -t network -P lan0/1 -F "$TMPD/dtcpc.auth" -u "$USER1" "$SRV_V4"

wait_for_or_fail 10 "the server routes 2001:db8:4400::/48 into gif0" \
	eval "ip -n $SRV -6 route show 2001:db8:4400::/48 | grep -q 'dev gif0'"
wait_for_or_fail 10 "lan0 numbered from the delegated prefix" \
	has_addr "$CLI" lan0 'inet6 2001:db8:4400:1:[0-9a-f:]+/64 scope global'
run ip -n "$CLI" -6 addr show dev lan0
check "radvd runs" eval "ip netns pids $CLI | xargs -r ps -o comm= -p | grep -qx radvd"
wait_for_or_fail 15 "the LAN host took a SLAAC address" \
	has_addr "$LAN" eth0 'inet6 2001:db8:4400:1:[0-9a-f:]+/64 scope global'
run ip -n "$LAN" -6 addr show dev eth0
run ip -n "$LAN" -6 route show
lan6=$(ip -n "$LAN" -6 addr show dev eth0 scope global | sed -n 's/.*inet6 \([0-9a-f:]*\)\/64.*/\1/p' | head -1)
run nsx "$LAN" ping -6 -c 3 -i 0.2 -W 2 "$INET_V6" || fail "the LAN host cannot reach INET over the delegated prefix"
ok "LAN host -> INET through the tunnel"
run nsx "$INET" ping -6 -c 3 -i 0.2 -W 2 "$lan6" || fail "INET cannot reach the LAN host $lan6"
ok "INET -> LAN host through the tunnel"

stop dtcpc TERM 10 || fail "dtcpc did not stop"
check "lan0 without the delegated address" eval "! has_addr $CLI lan0 2001:db8:4400"
check "radvd stopped" eval "! ip netns pids $CLI | xargs -r ps -o comm= -p | grep -qx radvd"
wait_for_or_fail 5 "the server's route gone" \
	eval "[ -z \"\$(ip -n $SRV -6 route show 2001:db8:4400::/48)\" ]"
pass "network over protocol 41: a LAN behind dtcpc -P gets SLAAC addresses and reaches the internet side"
