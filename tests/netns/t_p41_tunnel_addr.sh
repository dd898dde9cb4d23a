#!/bin/bash
# dtcps -g: the server's end of every tunnel is the -g address, announced as
# <server-v4>, whatever address the client logged in to. A protocol-41 client
# (its raw socket connected to the announced address, so it takes nothing
# from another) and a UDP client both carry IPv6 through it.
set -u
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

G=192.0.2.10
topo_std cli2
run ip -n "$SRV" addr add "$G/24" dev br0
start_server -g "$G"
client_auth "$TMPD/dtcpc.auth" "$SRV_V4" "$USER1" "$PASS1"
start_client dtcpc41 "$CLI" -d -t host -F "$TMPD/dtcpc.auth" -u "$USER1" "$SRV_V4"
wait_for_or_fail 10 "protocol-41 tunnel" has_addr "$CLI" gif0 "inet6 2001:db8:1::6 peer"
start_client dtcpcudp "$CLI2" -d -U -t host -F "$TMPD/dtcpc.auth" -u "$USER1" "$SRV_V4"
# ng0 is unit 0 too, whose pair gif0 holds: its pair comes from above
# every unit's (PROTOCOL.md), -M 1024: 1024 -> ::1006/::1005
wait_for_or_fail 10 "udp tunnel" has_addr "$CLI2" ng0 "inet6 2001:db8:1::1006 peer 2001:db8:1::1005/128"
check "the protocol-41 reply announces $G" grep -q -- "-> +OK 192.0.2.2 $G 2001:db8:1::6 2001:db8:1::5\$" "$TMPD/dtcps.log"
check "the udp reply announces $G" grep -q -- "-> +OK 192.0.2.3 $G .* udp 4028\$" "$TMPD/dtcps.log"
check "the udp tunnel socket is bound to $G" eval "ss -N $SRV -Hun state all | grep -q '$G:4028'"
run nsx "$CLI" ping -6 -c 3 -i 0.2 -W 2 "$INET_V6" || fail "no traffic over protocol 41 through $G"
run nsx "$CLI2" ping -6 -c 3 -i 0.2 -W 2 "$INET_V6" || fail "no traffic over udp through $G"
run nsx "$INET" ping -6 -c 3 -i 0.2 -W 2 2001:db8:1::6 || fail "INET cannot reach the protocol-41 client"
run nsx "$INET" ping -6 -c 3 -i 0.2 -W 2 2001:db8:1::1006 || fail "INET cannot reach the udp client"
pass "dtcps -g: both kinds of tunnel end at the -g address"
