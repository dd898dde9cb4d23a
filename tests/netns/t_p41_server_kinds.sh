#!/bin/bash
# The tunnel kinds a server accepts, asked for over raw control sessions.
# dtcps without -U: a UDP request (with a port, or the NAT-traversal form
# without one) gets "-ERR udp tunnels are not enabled on this server, ask
# without udp" and creates nothing; the session stays open, and the same
# session then gets a protocol-41 host tunnel, "+OK <c4> <s4> <c6> <s6>" with
# no udp part, on gif0; a tunnelonly request from a second address gets
# "+OK <c4> <s4>" and gif1; a second protocol-41 tunnel from an address that
# has one is refused (one per address). dtcps with -U: a protocol-41 request
# still gets +OK without udp (gif0) and a UDP request gets +OK ending in
# "udp <port>" (ng0), both at once, each host tunnel with its own address
# pair; a second tunnel from the protocol-41 client's address is refused as
# protocol 41 and granted over UDP. Quitting removes every interface.
set -u
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

UDP_ERR="-ERR udp tunnels are not enabled on this server, ask without udp"
P41_TAKEN="-ERR a protocol-41 tunnel from your address is up already"
RE_P41_HOST='^\+OK ([0-9.]+) ([0-9.]+) ([0-9a-f:]+) ([0-9a-f:]+)$'
RE_P41_ONLY='^\+OK ([0-9.]+) ([0-9.]+)$'
RE_UDP_HOST='^\+OK ([0-9.]+) ([0-9.]+) ([0-9a-f:]+) ([0-9a-f:]+) udp ([0-9]+)$'

# no_tunnel_links NS : no gif* and no ng* interface in NS
# shellcheck disable=SC2317 # called through check and wait_for
no_tunnel_links() {
	[ -z "$(ip -n "$1" -o link show | awk -F': ' '{ sub(/@.*/, "", $2); if ($2 ~ /^(gif|ng)[0-9]/) print $2 }')" ]
}

# p41_host NAME WANT-C4 : the reply in CTL_LINE is a protocol-41 host reply
# for WANT-C4 from $SRV_V4; sets C6 and S6
p41_host() {
	[[ $CTL_LINE =~ $RE_P41_HOST ]] ||
		fail "$1: protocol-41 host reply not '+OK <c4> <s4> <c6> <s6>' (no udp): '$CTL_LINE'"
	[ "${BASH_REMATCH[1]}" = "$2" ] || fail "$1: client-v4 ${BASH_REMATCH[1]}, want $2"
	[ "${BASH_REMATCH[2]}" = "$SRV_V4" ] || fail "$1: server-v4 ${BASH_REMATCH[2]}, want $SRV_V4"
	C6=${BASH_REMATCH[3]} S6=${BASH_REMATCH[4]}
	ok "$1: protocol-41 host reply, client $C6 server $S6, no udp part"
}

say "=== dtcps without -U: protocol 41 only"
topo_std cli2
start_server_p41

ctl_open a "$CLI"
ctl_greeting a || fail "a: no greeting"
ctl_request a "$USER1" "$PASS1" host udp 4028 || fail "a: no reply to a udp request"
[ "$CTL_LINE" = "$UDP_ERR" ] || fail "a: udp request got '$CTL_LINE', want '$UDP_ERR'"
ok "a: udp request refused by a server without -U"
ctl_request a "$USER1" "$PASS1" tunnelonly udp || fail "a: no reply to a nat-traversal udp request"
[ "$CTL_LINE" = "$UDP_ERR" ] || fail "a: 'udp' (no port) request got '$CTL_LINE', want '$UDP_ERR'"
ok "a: udp request without a port refused too"
check "no tunnel interface on the server after the refusals" no_tunnel_links "$SRV"
check "no UDP 4028 socket on the server" eval "! udp_listening $SRV 4028"
ctl_ping a 3 "a: ping after the refusals"
ok "a: the session stays open after the refusals"

ctl_request a "$USER1" "$PASS1" host || fail "a: no reply to a protocol-41 host request"
p41_host a "$CLI_V4"
if [ "$C6" != 2001:db8:1::6 ] || [ "$S6" != 2001:db8:1::5 ]; then
	fail "a: pair $C6/$S6, want 2001:db8:1::6/2001:db8:1::5"
fi
wait_for_or_fail 3 "server gif0 has $S6 peer $C6" has_addr "$SRV" gif0 "inet6 $S6 peer $C6/128"
check "server gif0 is up" link_up "$SRV" gif0
check "no ng interface on the server" no_ng_links "$SRV"
ctl_ping a 3 "a: ping in a protocol-41 tunnel"

ctl_open b "$CLI2"
ctl_login b "$USER1" "$PASS1" tunnelonly || fail "b: protocol-41 tunnelonly request refused: '$CTL_LINE'"
[[ $CTL_LINE =~ $RE_P41_ONLY ]] || fail "b: tunnelonly reply not '+OK <c4> <s4>': '$CTL_LINE'"
[ "${BASH_REMATCH[1]}" = "$CLI2_V4" ] || fail "b: client-v4 ${BASH_REMATCH[1]}, want $CLI2_V4"
ok "b: protocol-41 tunnelonly reply '+OK <c4> <s4>'"
wait_for_or_fail 3 "server gif1 is up (b)" link_up "$SRV" gif1
check "no global address on server gif1" no_global_addr "$SRV" gif1

ctl_open c "$CLI"
ctl_greeting c || fail "c: no greeting"
ctl_request c "$USER1" "$PASS1" host || fail "c: no reply to a second protocol-41 request"
[[ $CTL_LINE == "$P41_TAKEN"* ]] || fail "c: second protocol-41 tunnel from $CLI_V4 got '$CTL_LINE', want '$P41_TAKEN...'"
ok "c: a second protocol-41 tunnel from one address is refused"
check "no gif2 on the server" no_link "$SRV" gif2

for n in a b c; do
	ctl_quit "$n"
done
wait_for_or_fail 5 "every tunnel interface on the server gone after quit" no_tunnel_links "$SRV"
stop dtcps TERM 5 || fail "dtcps (without -U) did not stop"

say "=== dtcps with -U: protocol 41 and UDP"
start_server
ctl_open p "$CLI"
ctl_login p "$USER1" "$PASS1" host || fail "p: protocol-41 host request refused with -U: '$CTL_LINE'"
p41_host p "$CLI_V4"
P41_C6=$C6 P41_S6=$S6
wait_for_or_fail 3 "server gif0 has $P41_S6 peer $P41_C6" has_addr "$SRV" gif0 "inet6 $P41_S6 peer $P41_C6/128"
check "no ng interface on the server" no_ng_links "$SRV"

ctl_open u "$CLI2"
ctl_login u "$USER1" "$PASS1" host udp 4028 || fail "u: udp host request refused with -U: '$CTL_LINE'"
[[ $CTL_LINE =~ $RE_UDP_HOST ]] || fail "u: udp host reply not '+OK <c4> <s4> <c6> <s6> udp <port>': '$CTL_LINE'"
[ "${BASH_REMATCH[1]}" = "$CLI2_V4" ] || fail "u: client-v4 ${BASH_REMATCH[1]}, want $CLI2_V4"
U_C6=${BASH_REMATCH[3]} U_S6=${BASH_REMATCH[4]} U_PORT=${BASH_REMATCH[5]}
ok "u: udp host reply, client $U_C6 server $U_S6, udp $U_PORT"
wait_for_or_fail 3 "server ng0 exists" has_link "$SRV" ng0
check "server UDP $U_PORT open" udp_listening "$SRV" "$U_PORT"
run ip -n "$SRV" -6 addr show
run ip -n "$SRV" -6 route show
[ "$U_C6" != "$P41_C6" ] ||
	fail "the udp host tunnel (ng0) got client address $U_C6, the one the protocol-41 tunnel (gif0) has"
[ "$U_S6" != "$P41_S6" ] ||
	fail "the udp host tunnel (ng0) got server address $U_S6, the one the protocol-41 tunnel (gif0) has"
ok "the two host tunnels have distinct address pairs"
check "server ng0 has $U_S6 peer $U_C6" has_addr "$SRV" ng0 "inet6 $U_S6 peer $U_C6/128"
check "server gif0 still has $P41_S6 peer $P41_C6" has_addr "$SRV" gif0 "inet6 $P41_S6 peer $P41_C6/128"

ctl_open q "$CLI"
ctl_greeting q || fail "q: no greeting"
ctl_request q "$USER1" "$PASS1" tunnelonly || fail "q: no reply to a second protocol-41 request"
[[ $CTL_LINE == "$P41_TAKEN"* ]] || fail "q: second protocol-41 tunnel from $CLI_V4 got '$CTL_LINE', want '$P41_TAKEN...'"
ok "q: a second protocol-41 tunnel from $CLI_V4 is refused"
ctl_request q "$USER1" "$PASS1" tunnelonly udp 4029 || fail "q: no reply to a udp request"
[[ $CTL_LINE =~ ^\+OK\ $CLI_V4\ $SRV_V4\ udp\ ([0-9]+)$ ]] ||
	fail "q: udp tunnelonly reply not '+OK $CLI_V4 $SRV_V4 udp <port>': '$CTL_LINE'"
[ "${BASH_REMATCH[1]}" != "$U_PORT" ] || fail "q: udp port ${BASH_REMATCH[1]} is u's too"
ok "q: the same address gets a udp tunnel beside its protocol-41 one (udp ${BASH_REMATCH[1]})"
wait_for_or_fail 3 "server ng1 exists" has_link "$SRV" ng1

for n in p u q; do
	ctl_ping "$n" 3 "$n: ping"
	ctl_quit "$n"
done
wait_for_or_fail 5 "every tunnel interface on the server gone after quit" no_tunnel_links "$SRV"
check "dtcps still running" alive dtcps
pass "server without -U takes protocol 41 only, with -U both kinds at once"
