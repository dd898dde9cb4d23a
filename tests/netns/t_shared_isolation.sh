#!/bin/bash
# Shared-interface mode (dtcps -s): two clients behind one TUN device, the
# engine choosing the tunnel of each packet by longest-prefix match. alice
# (UDP) and bob (protocol 41) each have a delegated /48; alice pings into
# bob's prefix and bob back into hers, through the server. Captures on both
# clients' tunnel interfaces prove that what is for bob's prefix reaches
# bob and never alice, and the other way round; a packet for a prefix no
# one has (the operator routes an aggregate into dtcp0) reaches no one and
# is counted as a drop.
set -u
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

RT=$TMPD/dtcps.routetable
A=2001:db8:4400 B=2001:db8:4401 NOBODY=2001:db8:4402

topo_std cli2
make_pwfile
run "$DTCPAUTH" -f "$PWFILE" -u bob secret2 >/dev/null
printf 'alice %s::/48\nbob %s::/48\n' "$A" "$B" >"$RT"
chmod 600 "$RT"
start_server -s dtcp0 -r "$RT"
# An operator's aggregate: every delegated prefix, and some no one has.
run ip -n "$SRV" -6 route add 2001:db8:4400::/40 dev dtcp0

client_auth "$TMPD/alice.auth" "$SRV_V4" "$USER1" "$PASS1"
client_auth "$TMPD/bob.auth" "$SRV_V4" bob secret2
start_client dtcpc_a "$CLI" -d -U -t network -F "$TMPD/alice.auth" -u "$USER1" "$SRV_V4"
start_client dtcpc_b "$CLI2" -d -t network -F "$TMPD/bob.auth" -u bob "$SRV_V4"
for p in $A $B; do
	wait_for_or_fail 10 "the server routes $p::/48 into dtcp0" \
		eval "ip -n $SRV -6 route show $p::/48 | grep -q 'dev dtcp0'"
done
check "no interface per tunnel on the server" eval "! has_link $SRV ng0 && ! has_link $SRV gif0"
wait_for_or_fail 10 "alice's ng0 carries her default route" default_via "$CLI" ng0
wait_for_or_fail 10 "bob's gif0 carries his default route" default_via "$CLI2" gif0
run ip -n "$CLI" -6 addr add "$A::1/128" dev lo
run ip -n "$CLI2" -6 addr add "$B::1/128" dev lo

say "--- captures on both clients' tunnels while they ping each other"
cap() { # NAME NS IFACE PREFIX
	spawn "$1" "$2" python3 "$(dirname "$0")/udppeer.py" capture6 "$3" "$4" \
		--timeout 8 --ready "$TMPD/$1.ready"
	wait_for_or_fail 5 "capture $1 ready" test -f "$TMPD/$1.ready"
}
cap a_sees_b "$CLI" ng0 "$B::/48"
cap a_sees_nobody "$CLI" ng0 "$NOBODY::/48"
cap b_sees_b "$CLI2" gif0 "$B::/48"
cap b_sees_a "$CLI2" gif0 "$A::/48"
cap b_sees_nobody "$CLI2" gif0 "$NOBODY::/48"
run nsx "$CLI" ping -6 -c 5 -i 0.2 -W 2 -I "$A::1" "$B::1" || fail "alice cannot reach bob's prefix"
ok "alice -> bob's prefix and back"
run nsx "$CLI2" ping -6 -c 3 -i 0.2 -W 2 -I "$B::1" "$A::1" || fail "bob cannot reach alice's prefix"
ok "bob -> alice's prefix and back"
nsx "$CLI" ping -6 -c 3 -i 0.2 -W 1 -I "$A::1" "$NOBODY::1" >/dev/null 2>&1 &&
	fail "an address in no one's prefix answered"
ok "no one answers for $NOBODY::1"
for c in a_sees_b a_sees_nobody b_sees_b b_sees_a b_sees_nobody; do
	exit_status "$c" 15 || fail "capture $c did not finish"
done
seen() { sed -n 's/^seen //p' "$TMPD/$1.log"; }
say "alice's ng0: $(seen a_sees_b) for bob, $(seen a_sees_nobody) for no one; bob's gif0: $(seen b_sees_b) for bob, $(seen b_sees_a) for alice, $(seen b_sees_nobody) for no one"
[ "$(seen a_sees_b)" = 0 ] || fail "alice received $(seen a_sees_b) packets for bob's prefix"
[ "$(seen b_sees_a)" = 0 ] || fail "bob received $(seen b_sees_a) packets for alice's prefix"
[ "$(seen a_sees_nobody)" = 0 ] && [ "$(seen b_sees_nobody)" = 0 ] ||
	fail "a client received packets for a prefix that is no one's"
[ "$(seen b_sees_b)" -ge 5 ] || fail "bob's gif0 saw $(seen b_sees_b) of alice's 5 echo requests"
ok "each prefix's packets reached its own client only"

metrics=$("$DTCPCTL" -s "$TMPD/dtcps.sock" metrics) || fail "dtcpctl metrics failed"
if command -v promtool >/dev/null; then
	promtool check metrics <<<"$metrics" >/dev/null 2>&1 || fail "promtool refuses the exposition"
fi
noroute=$(sed -n 's/^dtcp_shared_drops_total{reason="no_route"} //p' <<<"$metrics")
say "metrics: dtcp_shared_drops_total{reason=\"no_route\"} $noroute"
[ "${noroute:-0}" -ge 3 ] || fail "the packets for $NOBODY::1 were not counted as for no tunnel"
show=$("$DTCPCTL" -s "$TMPD/dtcps.sock" show) || fail "dtcpctl show failed"
grep -q "dtcp0" <<<"$show" || fail "dtcpctl show does not name dtcp0: $show"
stop dtcpc_a TERM 10 || fail "alice's dtcpc did not stop"
wait_for_or_fail 5 "alice's route removed from dtcp0" \
	eval "[ -z \"\$(ip -n $SRV -6 route show $A::/48)\" ]"
check "bob's route stays" eval "ip -n $SRV -6 route show $B::/48 | grep -q 'dev dtcp0'"
run nsx "$CLI2" ping -6 -c 2 -i 0.2 -W 2 -I "$B::1" "$INET_V6" || fail "bob lost the internet side"
stop dtcps TERM 10 || fail "dtcps did not stop"
drops=$(sed -n 's/.*dtcp0: [0-9]* packets read; dropped: malformed [0-9]*, for no tunnel \([0-9]*\).*/\1/p' "$TMPD/dtcps.log")
say "dtcp0 packets for no tunnel: ${drops:-none reported}"
[ "${drops:-0}" -ge 3 ] || fail "the packets for $NOBODY::1 were not counted as for no tunnel"
check "dtcp0 went with dtcps" eval "! has_link $SRV dtcp0"
pass "shared interface: each client gets its own prefix's packets only"
