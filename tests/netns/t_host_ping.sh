#!/bin/bash
# Host tunnel end to end: dtcpc -t host -r static gets ng0 with the ::6/::5
# pair and a default route; IPv6 pings cross the tunnel both ways.
set -u
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

start_dtcpc_tunnel host -d
wait_for_or_fail 5 "server ng0 has 2001:db8:1::5 peer ::6" \
	has_addr "$SRV" ng0 'inet6 2001:db8:1::5 peer 2001:db8:1::6/128'
run ip -n "$SRV" -6 addr show dev ng0
run ip -n "$CLI" -6 addr show dev ng0
run ip -n "$CLI" -6 route show
check "client ng0 is up" link_up "$CLI" ng0
check "server ng0 is up" link_up "$SRV" ng0
check "client ng0 mtu 1280" link_mtu "$CLI" ng0 1280
check "server ng0 mtu 1280" link_mtu "$SRV" ng0 1280
check "client default route via ng0" default_via "$CLI" ng0
check "server UDP 4028 open" udp_listening "$SRV" 4028
check "client UDP 4028 open" udp_listening "$CLI" 4028

run nsx "$CLI" ping -6 -c 3 -i 0.2 -W 2 "$INET_V6" || fail "client cannot ping $INET_V6 through the tunnel"
ok "client -> INET ping"
run nsx "$INET" ping -6 -c 3 -i 0.2 -W 2 2001:db8:1::6 || fail "INET cannot ping the client 2001:db8:1::6"
ok "INET -> client ping"
check "dtcpc still running" alive dtcpc
check "dtcps still running" alive dtcps
pass "host tunnel carries IPv6 both ways"
