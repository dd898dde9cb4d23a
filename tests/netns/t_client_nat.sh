#!/bin/bash
# dtcpclient behind the NAT (topo_nat), host tunnel through the shipped
# script: first NAT traversal (-U -n -k 2: the server learns the NAT's
# endpoint), then static NAT (-U -n -B 40000 -k 0 with a port forward on
# NATR). IPv6 crosses both ways in each mode.
set -u
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
need_dtcpclient

NATPORT=40000
topo_nat
start_server
client_conf ng0

# pings_both_ways : CLI <-> INET through the tunnel
pings_both_ways() {
	run nsx "$INET" ping -6 -c 2 -i 0.2 -W 2 2001:db8:1::6 || fail "INET cannot ping the client ($1)"
	run nsx "$CLI" ping -6 -c 2 -i 0.2 -W 2 "$INET_V6" || fail "client cannot ping INET ($1)"
	ok "IPv6 both ways ($1)"
}

say "--- NAT traversal: -U -n -k 2"
start_dtcpclient dc1 "$CLI" -d -U -n -k 2 -t host -s "$CLIENT_SCRIPT" -u "$USER1" "$SRV_V4"
wait_for_or_fail 10 "script gave ng0 2001:db8:1::6" has_addr "$CLI" ng0 'inet6 2001:db8:1::6 peer'
wait_learned 5
check "client asked for udp with roam1, no port" grep -q "<- tunnel $USER1 <response> host udp roam1\$" "$TMPD/dtcps.log"
check "client logs mode nat-traversal" grep -q 'mode nat-traversal' "$TMPD/dc1.log"
port=$(endpoint_port "$TMPD/dtcps.log")
[ -n "$port" ] || fail "learned endpoint is not at the NAT's address $NAT_OUT_V4"
ok "learned endpoint $NAT_OUT_V4:$port"
pings_both_ways "nat-traversal"
stop dc1 TERM 10 || fail "dc1 did not stop"
[ "$STOP_RC" -eq 0 ] || fail "dc1 exit status $STOP_RC, want 0"
wait_for_or_fail 5 "client ng0 gone" ng_gone "$CLI" ng0
wait_for_or_fail 5 "server ng0 gone" no_ng_links "$SRV"

say "--- static NAT: -U -n -B $NATPORT -k 0"
nat_forward "$NATPORT"
nsx "$NATR" conntrack -F >/dev/null 2>&1
ka0=$(nat_counter keepalives)
start_dtcpclient dc2 "$CLI" -d -U -n -B "$NATPORT" -k 0 -t host -s "$CLIENT_SCRIPT" -u "$USER1" "$SRV_V4"
wait_for_or_fail 10 "script gave ng0 2001:db8:1::6" has_addr "$CLI" ng0 'inet6 2001:db8:1::6 peer'
check "client announced udp $NATPORT" grep -q "<- tunnel $USER1 <response> host udp $NATPORT\$" "$TMPD/dtcps.log"
check "client logs mode static-nat" grep -q 'mode static-nat' "$TMPD/dc2.log"
pings_both_ways "static NAT"
check "no keepalives crossed the NAT" test "$(nat_counter keepalives)" = "$ka0"
stop dc2 TERM 10 || fail "dc2 did not stop"
[ "$STOP_RC" -eq 0 ] || fail "dc2 exit status $STOP_RC, want 0"
check "client ng0 gone" ng_gone "$CLI" ng0
pass "dtcpclient tunnels through NAT traversal and static NAT"
