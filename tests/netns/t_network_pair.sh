#!/bin/bash
# dtcps -a (the original's $network_with_peeraddr): a network tunnel gets a
# host-style link address pair from the prefix argument before its routed
# prefixes, over UDP and over protocol 41; dtcpc puts the pair on its tunnel
# and numbers its LAN from the prefix, and both the pair's address and the
# LAN's reach the internet side. Sources outside the pair and the user's
# prefixes are dropped at the server and counted, on every network tunnel
# (with -a or not). -a without the prefix argument is refused at start.
set -u
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
command -v radvd >/dev/null || fail "radvd is not installed (make deps)"

RT=$TMPD/dtcps.routetable

topo_std
lan_behind_client
printf 'alice 2001:db8:4400::/48\n' >"$RT"
chmod 600 "$RT"
make_pwfile

say "--- -a needs the prefix argument"
if out=$(ip netns exec "$SRV" "$DTCPS" "${RUNFILES[@]}" -D -a -U -A "$PWFILE" -r "$RT" 2>&1); then
	fail "dtcps -a without a prefix started"
fi
[[ $out == *"-a gives network tunnels a link address pair from the prefix argument"* ]] ||
	fail "dtcps -a without a prefix said: $out"
ok "refused: $out"

start_server -a -r "$RT"

say "--- the reply carries the pair first, over UDP and protocol 41"
ctl_open a "$CLI"
ctl_login a "$USER1" "$PASS1" network udp 4028 || fail "alice over UDP: $CTL_LINE"
[ "$CTL_LINE" = "+OK 192.0.2.2 192.0.2.1 2001:db8:1::6 2001:db8:1::5 2001:db8:4400::/48 udp 4028" ] ||
	fail "alice's UDP reply: $CTL_LINE"
ok "UDP reply: $CTL_LINE"
check "the server's end of the pair on ng0" has_addr "$SRV" ng0 'inet6 2001:db8:1::5 peer 2001:db8:1::6/128'
check "the prefix routed into ng0" eval "ip -n $SRV -6 route show 2001:db8:4400::/48 | grep -q 'dev ng0'"
ctl_quit a
wait_for_or_fail 5 "ng0 gone" no_link "$SRV" ng0
ctl_open b "$CLI"
ctl_login b "$USER1" "$PASS1" network || fail "alice over protocol 41: $CTL_LINE"
[ "$CTL_LINE" = "+OK 192.0.2.2 192.0.2.1 2001:db8:1::6 2001:db8:1::5 2001:db8:4400::/48" ] ||
	fail "alice's protocol-41 reply: $CTL_LINE"
ok "protocol-41 reply: $CTL_LINE"
ctl_quit b
wait_for_or_fail 5 "gif0 gone" no_link "$SRV" gif0

say "--- dtcpc over UDP: the pair on its tunnel, the LAN numbered from the prefix"
client_auth "$TMPD/dtcpc.auth" "$SRV_V4" "$USER1" "$PASS1"
start_client dtcpc "$CLI" -d -U -t network -P lan0/1 -F "$TMPD/dtcpc.auth" -u "$USER1" "$SRV_V4"
wait_for_or_fail 10 "the client's end of the pair on ng0" \
	has_addr "$CLI" ng0 'inet6 2001:db8:1::6 peer 2001:db8:1::5/128'
wait_for_or_fail 15 "the LAN host took a SLAAC address" \
	has_addr "$LAN" eth0 'inet6 2001:db8:4400:1:[0-9a-f:]+/64 scope global'
run nsx "$CLI" ping -6 -c 2 -i 0.2 -W 2 -I 2001:db8:1::6 "$INET_V6" ||
	fail "the pair's client address cannot reach INET"
ok "client (pair address) -> INET"
run nsx "$LAN" ping -6 -c 2 -i 0.2 -W 2 "$INET_V6" || fail "the LAN host cannot reach INET"
ok "LAN host (delegated prefix) -> INET"

say "--- sources outside the pair and the prefix are dropped"
nsx "$INET" nft -f - <<'NFT' || fail "nftables counter in INET"
table ip6 spoofwatch {
	counter forged {}
	chain input {
		type filter hook input priority filter; policy accept;
		ip6 saddr { 2001:db8:1::a, 2001:db8:4401::1 } counter name "forged"
	}
}
NFT
ip -n "$CLI" addr add 2001:db8:1::a/128 dev ng0 nodad || fail "cannot add ::a in CLI"
ip -n "$CLI" addr add 2001:db8:4401::1/128 dev lan0 nodad || fail "cannot add 4401::1 in CLI"
for src in 2001:db8:1::a 2001:db8:4401::1; do
	nsx "$CLI" ping -6 -c 3 -i 0.2 -W 1 -I "$src" "$INET_V6" >/dev/null 2>&1 &&
		fail "a packet from $src crossed the server"
	ok "nothing from $src crossed the server"
done
forged=$(nft_packets "$INET" ip6 spoofwatch forged)
[ "$forged" = 0 ] || fail "INET received $forged packets from forged sources"
ok "INET received 0 packets from the forged sources"
stop dtcpc TERM 10 || fail "dtcpc did not stop"
line=$(closed_line ng0)
say "$line"
spoofed=$(count_of "$line" "spoofed inner source")
[ "${spoofed:-0}" -ge 6 ] || fail "server counted ${spoofed:-?} spoofed packets, want >= 6"
ok "counted $spoofed spoofed packets"
check "the client's pair address gone" eval "! has_addr $CLI ng0 2001:db8:1::6"
stop dtcps TERM 5 || fail "dtcps did not stop"

say "--- without -a: the prefix only"
: >"$TMPD/dtcps.log"
start_server -r "$RT"
start_client dtcpc2 "$CLI" -d -U -t network -P lan0/1 -F "$TMPD/dtcpc.auth" -u "$USER1" "$SRV_V4"
wait_for_or_fail 10 "the prefix routed into ng0" \
	eval "ip -n $SRV -6 route show 2001:db8:4400::/48 | grep -q 'dev ng0'"
wait_for_or_fail 15 "the LAN host has its address again" \
	has_addr "$LAN" eth0 'inet6 2001:db8:4400:1:[0-9a-f:]+/64 scope global'
wait_for_or_fail 10 "LAN host -> INET" nsx "$LAN" ping -6 -c 1 -W 1 "$INET_V6"
ok "LAN host (delegated prefix) -> INET"
ip -n "$CLI" addr add 2001:db8:4401::1/128 dev lan0 nodad 2>/dev/null
nsx "$CLI" ping -6 -c 3 -i 0.2 -W 1 -I 2001:db8:4401::1 "$INET_V6" >/dev/null 2>&1 &&
	fail "a packet from outside the prefix crossed a network tunnel without -a"
forged=$(nft_packets "$INET" ip6 spoofwatch forged)
[ "$forged" = 0 ] || fail "INET received $forged packets from forged sources"
ok "nothing from outside the prefix crossed the server"
stop dtcpc2 TERM 10 || fail "dtcpc did not stop"
pass "dtcps -a: network tunnels get a link pair; every network tunnel accepts only its prefixes' (and pair's) sources"
