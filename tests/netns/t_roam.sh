#!/bin/bash
# Authenticated NAT roaming (roam1). dtcpc behind a NAT asks for it and the
# server confirms. A neighbour behind the same NAT (so with the client's
# public address) sends empty datagrams, well-formed IPv6 packets, a
# keepalive with a wrong MAC and a keepalive captured from the client,
# each from several ports: the endpoint does not move, the victim loses no
# ping, the neighbour receives nothing, and the server counts the drops.
# The client's own keepalives keep coming (one every -k seconds, data or
# not) and move nothing while the mapping holds.
set -u
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

KA=2
PEER=$(dirname "$0")/udppeer.py
topo_nat
nat_neighbour
start_server
start_dtcpc dtcpc "$CLI" host -d -n -k "$KA"
wait_for_or_fail 10 "the server confirms roam1" grep -q 'mode nat-traversal, authenticated roaming' "$TMPD/dtcps.log"
wait_for_or_fail 5 "the endpoint learned from an authenticated keepalive" \
	grep -q 'ng0 endpoint learned .* (authenticated)' "$TMPD/dtcps.log"
port=$(endpoint_port "$TMPD/dtcps.log")
sport=$(sed -n 's/.*got a host tunnel on ng0, udp port \([0-9]*\),.*/\1/p' "$TMPD/dtcps.log" | tail -n 1)
[ -n "$sport" ] || fail "no udp port in the server's log"
ok "client endpoint $NAT_OUT_V4:$port, server port $sport"
wait_for_or_fail 10 "the client has 2001:db8:1::6" has_addr "$CLI" ng0 'inet6 2001:db8:1::6'
run nsx "$INET" ping -6 -c 2 -i 0.2 -W 2 2001:db8:1::6 || fail "INET cannot ping the client"

say "--- capture one of the client's keepalives"
run nsx "$CLI" python3 "$PEER" capture eth0 "$SRV_V4:$sport" "$TMPD/ka.hex" --timeout $((KA * 3)) ||
	fail "no roam1 keepalive from the client within $((KA * 3))s"

say "--- the neighbour forges and replays while INET pings the victim"
nsx "$INET" ping -6 -c 40 -i 0.1 -W 1 2001:db8:1::6 >"$TMPD/victim.ping" 2>&1 &
ping_pid=$!
out=$(nsx "$NB" python3 "$PEER" forge "$SRV_V4:$sport" 2001:db8:1::6 "$INET_V6" \
	--replay "$TMPD/ka.hex" --ports 10 --listen 3) || fail "the forger failed: $out"
say "neighbour: $out"
wait "$ping_pid"
tail -n 2 "$TMPD/victim.ping"
grep -q ' 0% packet loss' "$TMPD/victim.ping" || fail "the victim lost pings during the attack"
ok "the victim lost no ping (40 of 40)"
[[ $out == "sent 40 received 0" ]] || fail "the neighbour: $out, want 40 sent and nothing received"
ok "the neighbour received nothing"
check "no endpoint move" eval "! grep -q 'ng0 endpoint moved' $TMPD/dtcps.log"
[ "$(endpoint_port "$TMPD/dtcps.log")" = "$port" ] || fail "the endpoint changed"
ok "the endpoint stayed at $NAT_OUT_V4:$port"

stop dtcpc TERM 5 || fail "dtcpc did not stop"
line=$(closed_line ng0)
say "$line"
foreign=$(count_of "$line" "foreign source")
refused=$(count_of "$line" "keepalives refused")
[ "${foreign:-0}" -ge 40 ] || fail "the server counted ${foreign:-?} datagrams from a foreign source, want >= 40"
[ "${refused:-0}" -ge 20 ] || fail "the server refused ${refused:-?} keepalives, want >= 20 (forged and replayed)"
ok "counted: $foreign from a foreign source, $refused keepalives refused"
pass "roam1: a neighbour behind the client's NAT cannot move, read or disturb the tunnel, not even with a replayed keepalive"
