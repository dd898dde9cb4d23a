#!/bin/bash
# Protocol-41 (6in4) tunnels with dtcpc, served by a dtcps without -U (which
# serves protocol 41 only): dtcpc without -U asks for protocol 41 and gets
# gif0 on both sides; a host tunnel has the ::6/::5 pair and, -r static being
# the default, a default route into gif0; the IPv6 traffic crosses br0 as
# IPv4 protocol 41 (no UDP socket anywhere); pings go both ways and 20 MiB
# of TCP arrive intact; SIGTERM removes gif0 on both sides and the default
# route with it. A tunnelonly tunnel with -r none gets gif0 up with no global
# address and no route, and carries IPv6 once the test numbers its ends.
set -u
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

AUTH=$TMPD/dtcpc.auth
topo_std
start_server_p41
client_auth "$AUTH" "$SRV_V4" "$USER1" "$PASS1"
# Count the protocol-41 packets CLI sends to SRV: the tunnel's wire format.
nsx "$SRV" nft -f - <<NFT || fail "nftables counter in SRV"
table ip p41 {
	counter from_cli {}
	chain input {
		type filter hook input priority 0; policy accept;
		ip saddr $CLI_V4 ip protocol 41 counter name from_cli
	}
}
NFT

say "--- host tunnel, default options (protocol 41, -r static)"
start_client dtcpc "$CLI" -d -t host -F "$AUTH" -u "$USER1" "$SRV_V4"
wait_for_or_fail 10 "client gif0 has 2001:db8:1::6 peer ::5" \
	has_addr "$CLI" gif0 'inet6 2001:db8:1::6 peer 2001:db8:1::5/128'
wait_for_or_fail 5 "server gif0 has 2001:db8:1::5 peer ::6" \
	has_addr "$SRV" gif0 'inet6 2001:db8:1::5 peer 2001:db8:1::6/128'
wait_for_or_fail 5 "client default route via gif0 (-r static by default)" default_via "$CLI" gif0
run ip -n "$SRV" -6 addr show dev gif0
run ip -n "$CLI" -6 addr show dev gif0
run ip -n "$CLI" -6 route show
check "client gif0 is up" link_up "$CLI" gif0
check "server gif0 is up" link_up "$SRV" gif0
check "client gif0 mtu 1280" link_mtu "$CLI" gif0 1280
check "server gif0 mtu 1280" link_mtu "$SRV" gif0 1280
check "no ng interface on the client" no_ng_links "$CLI"
check "no ng interface on the server" no_ng_links "$SRV"
check "no UDP 4028 socket on the server" eval "! udp_listening $SRV 4028"
check "no UDP 4028 socket on the client" eval "! udp_listening $CLI 4028"

run nsx "$CLI" ping -6 -c 3 -i 0.2 -W 2 "$INET_V6" || fail "client cannot ping $INET_V6 through gif0"
ok "client -> INET ping"
run nsx "$INET" ping -6 -c 3 -i 0.2 -W 2 2001:db8:1::6 || fail "INET cannot ping the client 2001:db8:1::6"
ok "INET -> client ping"
p41_before=$(nft_packets "$SRV" ip p41 from_cli)
[ "${p41_before:-0}" -gt 0 ] || fail "SRV counted no protocol-41 packet from the client"
ok "SRV received $p41_before protocol-41 packets from the client"

tcp_transfer "$CLI" 20 60
p41_after=$(nft_packets "$SRV" ip p41 from_cli)
[ "${p41_after:-0}" -gt $((p41_before + 1000)) ] ||
	fail "the transfer added $((${p41_after:-0} - p41_before)) protocol-41 packets, want more than 1000"
ok "the transfer crossed as $((p41_after - p41_before)) protocol-41 packets"
check "dtcpc still running" alive dtcpc
check "dtcps still running" alive dtcps

stop dtcpc TERM 5 || fail "dtcpc did not stop on SIGTERM"
[ "$STOP_RC" -eq 0 ] || fail "dtcpc exited $STOP_RC after SIGTERM, want 0"
ok "dtcpc exited 0 after SIGTERM"
check "client gif0 gone" no_link "$CLI" gif0
check "client default route gone" eval "[ -z \"\$(ip -n $CLI -6 route show default)\" ]"
wait_for_or_fail 5 "server gif0 gone" no_link "$SRV" gif0
check "dtcps still running" alive dtcps

say "--- tunnelonly tunnel with -r none"
start_client to "$CLI" -d -t tunnelonly -r none -F "$AUTH" -u "$USER1" "$SRV_V4"
wait_for_or_fail 10 "client gif0 is up" link_up "$CLI" gif0
wait_for_or_fail 5 "server gif0 is up" link_up "$SRV" gif0
run ip -n "$CLI" -6 addr show dev gif0
run ip -n "$CLI" -6 route show
check "no global address on client gif0" no_global_addr "$CLI" gif0
check "no global address on server gif0" no_global_addr "$SRV" gif0
check "no default route on the client (-r none)" eval "[ -z \"\$(ip -n $CLI -6 route show default)\" ]"
check "no route into the client gif0 but link-local ones" \
	eval "! ip -n $CLI -6 route show dev gif0 | grep -v '^fe80::/64' | grep -q ."
run ip -n "$SRV" addr add 2001:db8:2::1 peer 2001:db8:2::2/128 dev gif0 nodad || fail "address on server gif0"
run ip -n "$CLI" addr add 2001:db8:2::2 peer 2001:db8:2::1/128 dev gif0 nodad || fail "address on client gif0"
run nsx "$CLI" ping -6 -c 3 -i 0.2 -W 2 2001:db8:2::1 || fail "client cannot ping the server end 2001:db8:2::1"
ok "client -> server ping over the tunnelonly gif0"
run nsx "$SRV" ping -6 -c 3 -i 0.2 -W 2 2001:db8:2::2 || fail "server cannot ping the client end 2001:db8:2::2"
ok "server -> client ping over the tunnelonly gif0"
stop to TERM 5 || fail "dtcpc (tunnelonly) did not stop on SIGTERM"
[ "$STOP_RC" -eq 0 ] || fail "dtcpc (tunnelonly) exited $STOP_RC after SIGTERM, want 0"
check "client gif0 gone" no_link "$CLI" gif0
wait_for_or_fail 5 "server gif0 gone" no_link "$SRV" gif0
pass "protocol-41 tunnels with dtcpc: host (default route, pings, 20 MiB TCP, teardown) and tunnelonly -r none"
