#!/bin/bash
# Anti-spoofing inside the tunnel: a client holding the host tunnel
# 2001:db8:1::6 cannot send packets from another tunnel's address (::a, the
# second client's) or from an address of the IPv6 internet, nor to a
# multicast group wider than the link; each drop is counted in the server's
# close line. Its own address still works. dtcps -S link restricts a bare
# tunnel to link-local sources.
set -u
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

start_two_tunnels

run nsx "$CLI" ping -6 -c 2 -i 0.2 -W 2 "$INET_V6" || fail "client 1 cannot ping from its own address"
ok "client 1 reaches INET from its own address"

# INET counts what arrives from the addresses client 1 is about to forge
# (a reply could never tell: it would go to the real owners).
nsx "$INET" nft -f - <<'NFT' || fail "nftables counter in INET"
table ip6 spoofwatch {
	counter forged {}
	chain input {
		type filter hook input priority filter; policy accept;
		ip6 saddr { 2001:db8:1::a, 2001:db8:ffff::99 } counter name "forged"
	}
}
NFT
# Client 1 takes client 2's address and an internet address as its own.
ip -n "$CLI" addr add 2001:db8:1::a/128 dev ng0 nodad || fail "cannot add ::a in CLI"
ip -n "$CLI" addr add 2001:db8:ffff::99/128 dev ng0 nodad || fail "cannot add ::99 in CLI"
for src in 2001:db8:1::a 2001:db8:ffff::99; do
	if nsx "$CLI" ping -6 -c 3 -i 0.2 -W 1 -I "$src" "$INET_V6" >/dev/null 2>&1; then
		fail "a packet from the spoofed source $src crossed the server"
	fi
	ok "nothing from the spoofed source $src reached INET"
done
forged=$(nft_packets "$INET" ip6 spoofwatch forged)
[ "$forged" = 0 ] || fail "INET received $forged packets from forged sources"
ok "INET received 0 packets from the forged sources"
nsx "$CLI" ping -6 -c 2 -i 0.2 -W 1 -I ng0 ff05::1 >/dev/null 2>&1
run nsx "$CLI2" ping -6 -c 2 -i 0.2 -W 2 "$INET_V6" || fail "client 2 lost its traffic"
ok "client 2 unaffected"

stop dtcpc1 TERM 5 || fail "dtcpc1 did not stop"
wait_for_or_fail 5 "server logs client 1's close line" grep -q 'tunnel ng0 closed' "$TMPD/dtcps.log"
line=$(grep 'tunnel ng0 closed' "$TMPD/dtcps.log" | tail -n 1)
say "$line"
spoofed=$(sed -n 's/.*spoofed inner source \([0-9]*\).*/\1/p' <<<"$line")
scope=$(sed -n 's/.*out-of-scope destination \([0-9]*\).*/\1/p' <<<"$line")
[ "${spoofed:-0}" -ge 6 ] || fail "server counted $spoofed spoofed packets, want >= 6"
[ "${scope:-0}" -ge 1 ] || fail "server counted $scope out-of-scope packets, want >= 1"
ok "counted: $spoofed spoofed, $scope out of scope"
stop dtcpc2 TERM 5
stop dtcps TERM 5 || fail "dtcps did not stop"

say "== -S link: a tunnelonly tunnel may send from link-local only"
start_server -S link
start_dtcpc dtcpc3 "$CLI" tunnelonly
wait_for_or_fail 10 "server ng0" has_link "$SRV" ng0
wait_for_or_fail 10 "client ng0" has_link "$CLI" ng0
ip -n "$SRV" addr add 2001:db8:2::1/128 peer 2001:db8:2::2 dev ng0 nodad
ip -n "$CLI" addr add 2001:db8:2::2/128 peer 2001:db8:2::1 dev ng0 nodad
if nsx "$CLI" ping -6 -c 3 -i 0.2 -W 1 2001:db8:2::1 >/dev/null 2>&1; then
	fail "-S link let a global source through a tunnelonly tunnel"
fi
ok "global source refused on a tunnelonly tunnel with -S link"
srv_ll=$(ip -n "$SRV" -6 addr show dev ng0 scope link | awk '/inet6/ { sub(/\/.*/, "", $2); print $2; exit }')
[ -n "$srv_ll" ] || fail "server ng0 has no link-local address"
run nsx "$CLI" ping -6 -c 2 -i 0.2 -W 2 "$srv_ll%ng0" || fail "link-local traffic refused with -S link"
ok "link-local traffic still crosses with -S link"
pass "inner sources are checked: spoofed and out-of-scope packets dropped and counted"
