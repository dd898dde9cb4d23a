#!/bin/bash
# dtcpclient-pinger.sh instead of keepalives (as for a server that does not
# take keepalive datagrams): dtcpc -U -n -k 0 with the pinger pinging INET
# every 2 s keeps the NAT mapping through more than three NAT timeouts idle.
# A second pinger on the same pidfile is refused; -k stops the pinger and
# removes its pidfile.
set -u
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

PIDFILE=$TMPD/pinger.pid
IDLE=$((NAT_UDP_TIMEOUT * 3 + 3))
topo_nat
start_dtcpc_tunnel host -d -n -k 0

spawn pinger "$CLI" sh "$PINGER" -i 2 -p "$PIDFILE" "$INET_V6"
wait_for_or_fail 5 "pinger wrote its pidfile" test -s "$PIDFILE"
[ "$(cat "$PIDFILE")" = "${PIDS[pinger]}" ] || fail "pidfile holds $(cat "$PIDFILE"), want ${PIDS[pinger]}"
ok "pidfile holds the pinger's pid ${PIDS[pinger]}"
wait_learned 5

if out=$(nsx "$CLI" timeout 5 sh "$PINGER" -i 2 -p "$PIDFILE" "$INET_V6" 2>&1); then
	fail "a second pinger on the same pidfile was not refused: $out"
fi
say "$out"
case $out in *"already running"*) ;; *) fail "second pinger: unexpected message '$out'" ;; esac
ok "a second pinger is refused"
check "first pinger still running" alive pinger

say "idle for ${IDLE}s (NAT UDP timeout ${NAT_UDP_TIMEOUT}s, no keepalives, pinger every 2s)"
data0=$(nat_counter udp_data)
sleep "$IDLE"
data1=$(nat_counter udp_data)
say "tunnel datagrams from the client across the NAT while idle: $((data1 - data0))"
[ $((data1 - data0)) -ge $((IDLE / 2 - 2)) ] || fail "the pinger's pings did not cross the NAT"
run nsx "$INET" ping -6 -c 2 -i 0.2 -W 2 2001:db8:1::6 ||
	fail "INET cannot ping the client after ${IDLE}s with the pinger"
ok "INET -> client after ${IDLE}s idle (the pinger held the mapping)"
check "no keepalives crossed the NAT" test "$(nat_counter keepalives)" = 0
check "endpoint never moved" eval "! grep -q 'endpoint moved' $TMPD/dtcps.log"

run nsx "$CLI" sh "$PINGER" -p "$PIDFILE" -k || fail "pinger -k failed"
wait_for_or_fail 3 "pinger process gone" eval "! alive pinger"
check "pidfile removed" test ! -e "$PIDFILE"
check "dtcpc still running" alive dtcpc
pass "the pinger keeps the NAT mapping; one instance; -k stops it"
