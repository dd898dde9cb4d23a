#!/bin/bash
# Independent peer: this script logs in by speaking the control protocol itself
# (digest by md5sum), then socat carries the data plane (UDP <-> TUN). Pings
# between CLI and the IPv6 host cross dtcps, proving the wire format against
# code we did not write.
set -u
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

topo_std
start_server

ctl_tunnel ctl "$CLI" host "$CLI_V4"
re='^\+OK ([0-9.]+) ([0-9.]+) ([0-9a-f:]+) ([0-9a-f:]+) udp ([0-9]+)$'
[[ $CTL_LINE =~ $re ]] || fail "host reply not '+OK <c4> <s4> <c6> <s6> udp <port>': '$CTL_LINE'"
c4=${BASH_REMATCH[1]} s4=${BASH_REMATCH[2]} c6=${BASH_REMATCH[3]} s6=${BASH_REMATCH[4]} sport=${BASH_REMATCH[5]}
say "client $c4 server $s4 client6 $c6 server6 $s6 server udp port $sport"
[ "$c4" = "$CLI_V4" ] || fail "client-v4 is $c4, want $CLI_V4"
[ "$s4" = "$SRV_V4" ] || fail "server-v4 is $s4, want $SRV_V4"
[ "$c6" = 2001:db8:1::6 ] || fail "client-v6 is $c6, want 2001:db8:1::6"
[ "$s6" = 2001:db8:1::5 ] || fail "server-v6 is $s6, want 2001:db8:1::5"
[ "$sport" = 4028 ] || fail "server udp port is $sport, want 4028"
wait_for_or_fail 3 "server ng0 has $s6 peer $c6" has_addr "$SRV" ng0 "inet6 $s6 peer $c6/128"

spawn socat "$CLI" socat -d "UDP-DATAGRAM:$s4:$sport,bind=$c4:4028" \
	TUN,tun-type=tun,iff-no-pi,iff-up,tun-name=ng9
wait_for_or_fail 5 "socat made ng9 in CLI" has_link "$CLI" ng9
run ip -n "$CLI" link set ng9 mtu 1280 up || fail "ng9 mtu/up"
run ip -n "$CLI" addr add "$c6" peer "$s6/128" dev ng9 nodad || fail "address on ng9"
run ip -n "$CLI" -6 route add default dev ng9 || fail "default route on ng9"

run nsx "$CLI" ping -6 -c 3 -i 0.2 -W 2 "$s6" || fail "socat peer cannot ping the server end $s6"
run nsx "$CLI" ping -6 -c 3 -i 0.2 -W 2 "$INET_V6" || fail "socat peer cannot ping $INET_V6"
run nsx "$INET" ping -6 -c 3 -i 0.2 -W 2 "$c6" || fail "INET cannot ping the socat peer $c6"
ok "IPv6 crosses dtcps <-> socat both ways"

ctl_ping ctl 3
check "socat still running" alive socat
ctl_send ctl quit
ctl_recv ctl 3 || fail "no reply to quit"
[ "$CTL_LINE" = "+OK see you soon." ] || fail "quit: got '$CTL_LINE'"
wait_for_or_fail 3 "server ng0 removed after quit" no_ng_links "$SRV"
pass "dtcps interoperates with an independent socat peer"
