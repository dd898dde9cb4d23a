#!/bin/bash
# Protocol-41 (6in4) tunnels with dtcpclient and its shipped script,
# served by a dtcps without -U (protocol 41 only): dtcpclient without -U asks
# for protocol 41 and brings up gif0 (its default tunif); the script gives
# gif0 the ::6/::5 pair and the default route (and sees DTCP_INTERFACE=gif0);
# pings go both ways and 5 MiB of TCP arrive intact; SIGTERM runs the script
# with "down gif0" and leaves no interface, address or route behind, on the
# client or on the server. Then a tunnelonly tunnel the same way: the script
# routes ::/0 into gif0, the test numbers the link and pings across it.
set -u
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
need_dtcpclient

ENVF=$TMPD/script.env
topo_std
start_server_p41
client_conf gif0 "env | grep ^DTCP_ >$ENVF" ""
run cat "$CCONF"
start_dtcpclient dtcpclient "$CLI" -d -t host -s "$CLIENT_SCRIPT" -u "$USER1" "$SRV_V4"

wait_for_or_fail 10 "script gave gif0 2001:db8:1::6 peer ::5" \
	has_addr "$CLI" gif0 'inet6 2001:db8:1::6 peer 2001:db8:1::5/128'
wait_for_or_fail 5 "script set the default route on gif0" default_via "$CLI" gif0
wait_for_or_fail 5 "server gif0 has 2001:db8:1::5 peer ::6" \
	has_addr "$SRV" gif0 'inet6 2001:db8:1::5 peer 2001:db8:1::6/128'
run ip -n "$CLI" -6 addr show dev gif0
run ip -n "$CLI" -6 route show
check "dtcpclient ran the script with up gif0" \
	grep -q "running $CLIENT_SCRIPT up gif0" "$TMPD/dtcpclient.log"
wait_for_or_fail 5 "up_command wrote the script environment" test -s "$ENVF"
run cat "$ENVF"
check "script saw DTCP_INTERFACE=gif0" grep -qx DTCP_INTERFACE=gif0 "$ENVF"
check "script saw DTCP_TUNNEL_TYPE=host" grep -qx DTCP_TUNNEL_TYPE=host "$ENVF"
check "script saw DTCP_CLIENT_V6=2001:db8:1::6" grep -qx DTCP_CLIENT_V6=2001:db8:1::6 "$ENVF"
check "script saw DTCP_SERVER_V6=2001:db8:1::5" grep -qx DTCP_SERVER_V6=2001:db8:1::5 "$ENVF"
check "no tunif mismatch note from the script" eval "! grep -q 'note: tunif' $TMPD/dtcpclient.log"
check "client gif0 is up" link_up "$CLI" gif0
check "client gif0 mtu 1280" link_mtu "$CLI" gif0 1280
check "no ng interface on the client" no_ng_links "$CLI"
check "no ng interface on the server" no_ng_links "$SRV"
check "no UDP 4028 socket on the client" eval "! udp_listening $CLI 4028"

run nsx "$CLI" ping -6 -c 3 -i 0.2 -W 2 "$INET_V6" || fail "client cannot ping $INET_V6 through gif0"
ok "client -> INET ping"
run nsx "$INET" ping -6 -c 3 -i 0.2 -W 2 2001:db8:1::6 || fail "INET cannot ping the client 2001:db8:1::6"
ok "INET -> client ping"
tcp_transfer "$CLI" 5 60
check "dtcpclient still running" alive dtcpclient
check "dtcps still running" alive dtcps

stop dtcpclient TERM 10 || fail "dtcpclient did not stop on SIGTERM"
[ "$STOP_RC" -eq 0 ] || fail "dtcpclient exit status $STOP_RC after SIGTERM, want 0"
ok "dtcpclient exit status 0 after SIGTERM"
check "dtcpclient ran the script with down gif0" \
	grep -q "running $CLIENT_SCRIPT down gif0" "$TMPD/dtcpclient.log"
check "client gif0, its addresses and routes gone" ng_gone "$CLI" gif0
check "no 2001:db8:1::6 left on the client" eval "! ip -n $CLI -6 addr show | grep -q 2001:db8:1::6"
check "no default route left" eval "[ -z \"\$(ip -n $CLI -6 route show default)\" ]"
wait_for_or_fail 5 "server gif0 gone" no_link "$SRV" gif0
check "no route into gif0 left on the server" eval "! ip -n $SRV -6 route show | grep -q 'dev gif0\\b'"
check "dtcps still running" alive dtcps

say "--- tunnelonly"
start_dtcpclient dtcpclient "$CLI" -d -t tunnelonly -s "$CLIENT_SCRIPT" -u "$USER1" "$SRV_V4"
wait_for_or_fail 10 "script set the default route on gif0" default_via "$CLI" gif0
wait_for_or_fail 5 "server gif0 up" link_up "$SRV" gif0
check "no global address on client gif0" no_global_addr "$CLI" gif0
check "no global address on server gif0" no_global_addr "$SRV" gif0
tunnelonly_ping gif0
stop dtcpclient TERM 10 || fail "dtcpclient (tunnelonly) did not stop on SIGTERM"
[ "$STOP_RC" -eq 0 ] || fail "dtcpclient (tunnelonly) exit status $STOP_RC, want 0"
check "client gif0 and its routes gone" ng_gone "$CLI" gif0
wait_for_or_fail 5 "server gif0 gone" no_link "$SRV" gif0
pass "protocol-41 tunnels with dtcpclient and its script: host (pings, 5 MiB TCP) and tunnelonly, clean teardown"
