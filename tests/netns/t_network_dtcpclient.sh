#!/bin/bash
# dtcpclient -t network with its shipped script: the script gets the
# delegated prefixes (DTCP_PREFIXES) and the LAN numbering that
# prefix_delegation in dtcpclient_script.conf asks for (DTCP_LAN_ADDRESSES),
# gives the LAN interface its address, routes ::/0 into the tunnel, and
# takes it all back at the end; the LAN address reaches the internet side.
set -u
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
need_dtcpclient

RT=$TMPD/dtcps.routetable
ENVF=$TMPD/script.env
topo_std
run ip -n "$CLI" link add lan0 type veth peer name lan1
run ip -n "$CLI" link set lan0 up
run ip -n "$CLI" link set lan1 up
printf 'alice 2001:db8:4400::/48\n' >"$RT"
chmod 600 "$RT"
start_server -r "$RT"
client_conf gif0 "env | grep ^DTCP_ >$ENVF" "env | grep ^DTCP_ >$ENVF.down"
printf 'prefix_delegation=lan0/1/1/64\n' >>"$CCONF"
run cat "$CCONF"
start_dtcpclient dtcpclient "$CLI" -d -t network -s "$CLIENT_SCRIPT" -u "$USER1" "$SRV_V4"
wait_for_or_fail 10 "lan0 numbered by the script" has_addr "$CLI" lan0 'inet6 2001:db8:4400:1::1/64 scope global'
wait_for_or_fail 5 "the default route into gif0" default_via "$CLI" gif0
wait_for_or_fail 5 "the script's environment" test -s "$ENVF"
check "DTCP_PREFIXES" grep -qx 'DTCP_PREFIXES=2001:db8:4400::/48' "$ENVF"
check "DTCP_LAN_ADDRESSES" grep -qx 'DTCP_LAN_ADDRESSES=lan0=2001:db8:4400:1::1/64' "$ENVF"
check "DTCP_TUNNEL_TYPE" grep -qx 'DTCP_TUNNEL_TYPE=network' "$ENVF"
check "the server routes the prefix into gif0" eval "ip -n $SRV -6 route show 2001:db8:4400::/48 | grep -q 'dev gif0'"
run nsx "$CLI" ping -6 -c 3 -i 0.2 -W 2 -I 2001:db8:4400:1::1 "$INET_V6" || fail "no traffic from the LAN address"
run nsx "$INET" ping -6 -c 3 -i 0.2 -W 2 2001:db8:4400:1::1 || fail "INET cannot reach the LAN address"
stop dtcpclient TERM 10 || fail "dtcpclient did not stop"
# The script's "down" must still be told what to remove.
check "DTCP_LAN_ADDRESSES at down" grep -qx 'DTCP_LAN_ADDRESSES=lan0=2001:db8:4400:1::1/64' "$ENVF.down"
check "lan0 without the address" eval "! has_addr $CLI lan0 2001:db8:4400"
check "no default route" eval "[ -z \"\$(ip -n $CLI -6 route show default)\" ]"
wait_for_or_fail 5 "the server's route gone" eval "[ -z \"\$(ip -n $SRV -6 route show 2001:db8:4400::/48)\" ]"
pass "dtcpclient -t network: the script numbers the LAN from prefix_delegation"
