#!/bin/bash
# Shared UDP port (dtcps -s -U): two roam1 clients behind the same NAT
# address share the server's one UDP port, told apart by their endpoints.
# Each roams on its own: when the NAT forgets one client's mapping and
# maps it to a new port range, that client's next authenticated keepalive
# moves its endpoint, and only its: the other's endpoint never moves and
# it stays reachable throughout.
set -u
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
command -v conntrack >/dev/null 2>&1 || fail "conntrack not found: install the conntrack package"

KA=2
SLACK=3
topo_nat
nat_neighbour
make_pwfile
run "$DTCPAUTH" -f "$PWFILE" -u bob secret2 >/dev/null
start_server -s dtcp0
client_auth "$TMPD/alice.auth" "$SRV_V4" "$USER1" "$PASS1"
client_auth "$TMPD/bob.auth" "$SRV_V4" bob secret2
start_client dtcpc_a "$CLI" -d -U -t host -r static -n -k "$KA" -F "$TMPD/alice.auth" -u "$USER1" "$SRV_V4"
wait_for_or_fail 10 "alice's tunnel up" grep -q 'user "alice" got a host tunnel' "$TMPD/dtcps.log"
start_client dtcpc_b "$NB" -d -U -t host -r static -n -k "$KA" -F "$TMPD/bob.auth" -u bob "$SRV_V4"
wait_for_or_fail 10 "bob's tunnel up" grep -q 'user "bob" got a host tunnel' "$TMPD/dtcps.log"

# sid USER : the session id of USER's tunnel
sid() { sed -n "s/.*session \([0-9]*\): .*user \"$1\" got a host tunnel.*/\1/p" "$TMPD/dtcps.log" | tail -n 1; }
# port_of USER : the NAT port USER's endpoint has now, from the log
port_of() {
	grep -E "session $(sid "$1"): dtcp0 endpoint (learned|moved)" "$TMPD/dtcps.log" |
		grep -Eo " ${NAT_OUT_V4//./\\.}:[0-9]+" | tail -n 1 | cut -d: -f2
}
moves_of() { grep -c "session $(sid "$1"): dtcp0 endpoint moved" "$TMPD/dtcps.log"; }
A6=2001:db8:1::6 B6=2001:db8:1::a
for u in alice bob; do
	wait_for_or_fail 10 "$u's endpoint learned (authenticated)" \
		eval "grep -q \"session \$(sid $u): dtcp0 endpoint learned .*(authenticated)\" $TMPD/dtcps.log"
done
grep -E 'got a host tunnel|endpoint learned' "$TMPD/dtcps.log"
grep 'user "alice" got' "$TMPD/dtcps.log" | grep -q 'udp port 4028,' || fail "alice is not on the shared port 4028"
grep 'user "bob" got' "$TMPD/dtcps.log" | grep -q 'udp port 4028,' || fail "bob is not on the shared port 4028"
[ "$(nsx "$SRV" ss -Hnua 'sport >= :4028' | wc -l)" = 1 ] || fail "the server has more than the shared UDP socket"
a0=$(port_of alice) b0=$(port_of bob)
[ -n "$a0" ] && [ -n "$b0" ] && [ "$a0" != "$b0" ] || fail "alice at '$a0', bob at '$b0': not two endpoints"
ok "alice at $NAT_OUT_V4:$a0 and bob at $NAT_OUT_V4:$b0, both on server port 4028"
wait_for_or_fail 10 "alice's address on her tunnel" has_addr "$CLI" ng0 "inet6 $A6"
wait_for_or_fail 10 "bob's address on his tunnel" has_addr "$NB" ng0 "inet6 $B6"
run nsx "$INET" ping -6 -c 2 -i 0.2 -W 2 "$A6" || fail "INET cannot reach alice"
run nsx "$INET" ping -6 -c 2 -i 0.2 -W 2 "$B6" || fail "INET cannot reach bob"

# roam USER NS ADDR RANGE OTHER OTHER6 USER6 : the NAT maps USER's UDP to RANGE
# from now on and forgets USER's mapping only; USER is reachable again
# within a keepalive and slack, OTHER answers every probe meanwhile and its
# endpoint does not move
roam() {
	local u=$1 ns=$2 src=$3 range=$4 other=$5 other6=$6 t0 lost=0 miss=0 om
	om=$(moves_of "$other")
	say "--- $u roams: the NAT forgets $u's UDP mapping and maps to $range now"
	nat_ruleset "$range" || fail "cannot change the NAT's port range"
	nsx "$NATR" conntrack -D -p udp --orig-src "$src" >/dev/null 2>&1 || :
	t0=$(now)
	until nsx "$INET" ping -6 -c 1 -W 0.5 "$7" >/dev/null 2>&1; do
		lost=$((lost + 1))
		nsx "$INET" ping -6 -c 1 -W 0.5 "$other6" >/dev/null 2>&1 || miss=$((miss + 1))
		fcmp "$(elapsed "$t0")" "<" $((KA + SLACK)) ||
			fail "INET still cannot reach $u $((KA + SLACK))s after the rebinding"
	done
	ok "$u reachable again after $(elapsed "$t0")s ($lost probes lost); $other missed $miss probes meanwhile"
	[ "$miss" = 0 ] || fail "$other lost $miss probes while $u roamed"
	[ "$(moves_of "$other")" = "$om" ] || fail "$other's endpoint moved while $u roamed"
	run nsx "$INET" ping -6 -c 2 -i 0.2 -W 2 "$other6" || fail "INET cannot reach $other after $u roamed"
}
roam alice "$CLI" "$NAT_CLI_V4" 31000-31999 bob "$B6" "$A6"
a1=$(port_of alice)
[ -n "$a1" ] && [ "$a1" -ge 31000 ] && [ "$a1" -le 31999 ] || fail "alice's endpoint did not move to 31000-31999: '$a1'"
[ "$(port_of bob)" = "$b0" ] || fail "bob's endpoint changed"
grep -q "session $(sid alice): dtcp0 endpoint moved .*(authenticated)" "$TMPD/dtcps.log" ||
	fail "alice's move was not an authenticated one"
ok "alice moved $a0 -> $a1; bob stayed at $b0"

roam bob "$NB" "$NB_V4" 32000-32999 alice "$A6" "$B6"
b1=$(port_of bob)
[ -n "$b1" ] && [ "$b1" -ge 32000 ] && [ "$b1" -le 32999 ] || fail "bob's endpoint did not move to 32000-32999: '$b1'"
[ "$(port_of alice)" = "$a1" ] || fail "alice's endpoint changed when bob roamed"
ok "bob moved $b0 -> $b1; alice stayed at $a1"
run nsx "$CLI" ping -6 -c 2 -i 0.2 -W 2 "$INET_V6" || fail "alice cannot reach INET"
run nsx "$NB" ping -6 -c 2 -i 0.2 -W 2 "$INET_V6" || fail "bob cannot reach INET"
check "both dtcpc still running" eval "alive dtcpc_a && alive dtcpc_b"
pass "two roam1 clients behind one NAT share port 4028 and roam independently"
