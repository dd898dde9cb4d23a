#!/bin/bash
# dtcpclient with the shipped dtcpclient.script and a pinger up_command: the
# script gives ng0 the host pair and the default route, the pinger runs;
# SIGTERM runs "down": the pinger stops, everything configured is gone.
# A group-writable conf makes the script refuse to run it.
set -u
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
need_dtcpclient

PPID_FILE=$TMPD/pinger.pid
topo_std
start_server
client_conf ng0 "$PINGER -p $PPID_FILE -i 1 2001:db8:1::5 &" "$PINGER -p $PPID_FILE -k"
run cat "$CCONF"
start_dtcpclient dtcpclient "$CLI" -d -U -t host -s "$CLIENT_SCRIPT" -u "$USER1" "$SRV_V4"

wait_for_or_fail 10 "script gave ng0 2001:db8:1::6 peer ::5" \
	has_addr "$CLI" ng0 'inet6 2001:db8:1::6 peer 2001:db8:1::5/128'
wait_for_or_fail 5 "script set the default route on ng0" default_via "$CLI" ng0
run ip -n "$CLI" -6 addr show dev ng0
run ip -n "$CLI" -6 route show
check "client ng0 mtu 1280" link_mtu "$CLI" ng0 1280
run nsx "$CLI" ping -6 -c 3 -i 0.2 -W 2 "$INET_V6" || fail "client cannot ping $INET_V6 through the tunnel"
ok "client -> INET ping"
run nsx "$INET" ping -6 -c 3 -i 0.2 -W 2 2001:db8:1::6 || fail "INET cannot ping the client"
ok "INET -> client ping"

wait_for_or_fail 5 "pinger pidfile written" test -s "$PPID_FILE"
ppid=$(head -n 1 "$PPID_FILE")
check "pinger $ppid is alive" kill -0 "$ppid"
check "pid $ppid is dtcpclient-pinger.sh" \
	eval "tr '\\0' ' ' </proc/$ppid/cmdline | grep -q dtcpclient-pinger.sh"
check "pinger runs in the client namespace" eval "ip netns pids $CLI | grep -qx $ppid"

stop dtcpclient TERM 10 || fail "dtcpclient did not stop on SIGTERM"
[ "$STOP_RC" -eq 0 ] || fail "dtcpclient exit status $STOP_RC after SIGTERM, want 0"
ok "dtcpclient exit status 0 after SIGTERM"
check "dtcpclient ran the script with down ng0" \
	grep -q "running $CLIENT_SCRIPT down ng0" "$TMPD/dtcpclient.log"
wait_for_or_fail 5 "pinger $ppid gone" eval "! kill -0 $ppid"
check "pinger pidfile removed" test ! -e "$PPID_FILE"
check "client ng0, addresses and routes gone" ng_gone "$CLI" ng0
check "no default route left" eval "[ -z \"\$(ip -n $CLI -6 route show default)\" ]"
wait_for_or_fail 5 "server removed its ng0" no_ng_links "$SRV"

say "--- a group-writable conf is refused by the script"
chmod 664 "$CCONF"
start_dtcpclient lax "$CLI" -U -t host -s "$CLIENT_SCRIPT" -u "$USER1" "$SRV_V4"
exit_status lax 10 || fail "dtcpclient kept running although the script failed"
[ "$STOP_RC" -eq 1 ] || fail "exit status $STOP_RC after the script refused the conf, want 1"
check "the script names the problem" grep -q "writable by group or others" "$TMPD/lax.log"
check "no pinger was started" test ! -e "$PPID_FILE"
check "client ng0 gone" ng_gone "$CLI" ng0
pass "shipped script configures a host tunnel, the pinger follows it"
