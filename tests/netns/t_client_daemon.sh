#!/bin/bash
# dtcpclient -D -f PIDFILE: the parent returns 0, the daemon records its pid
# under a lock and brings the tunnel up; a second daemon with that pidfile
# refuses to start and names it. SIGHUP: the daemon drops the session and
# logs in again at once (a new session at the server), traffic resumes.
# SIGTERM: the daemon exits, removing the pidfile and the interface.
set -u
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
need_dtcpclient

PF=$TMPD/dc.pid
topo_std
start_server
client_conf ng0
client_auth "$CAUTHFILE" "$SRV_V4" "$USER1" "$PASS1"
dc_args=(-c "$CCONF" -F "$CAUTHFILE" -D -f "$PF" -U -t host -s "$CLIENT_SCRIPT" -u "$USER1" "$SRV_V4")

run timeout 10 ip netns exec "$CLI" "$DTCPCLIENT" "${dc_args[@]}" || fail "dtcpclient -D exited $?, want 0"
ok "dtcpclient -D returned 0"
wait_for_or_fail 5 "pidfile $PF written" test -s "$PF"
dpid=$(head -n 1 "$PF")
say "daemon pid: $dpid"
check "pid $dpid is alive" kill -0 "$dpid"
check "pid $dpid is dtcpclient" test "$(cat "/proc/$dpid/comm")" = dtcpclient
check "the daemon is in the client namespace" eval "ip netns pids $CLI | grep -qx $dpid"
wait_for_or_fail 10 "tunnel up (2001:db8:1::6 on ng0)" has_addr "$CLI" ng0 'inet6 2001:db8:1::6 peer'
run nsx "$CLI" ping -6 -c 2 -i 0.2 -W 2 "$INET_V6" || fail "client cannot ping INET"

say "--- a second daemon with the same pidfile"
out=$(timeout 10 ip netns exec "$CLI" "$DTCPCLIENT" "${dc_args[@]}" 2>&1)
rc=$?
say "exit $rc: $out"
[ "$rc" -ne 0 ] || fail "a second dtcpclient -D -f $PF started (exit 0)"
[[ $out == *"$PF"* ]] || fail "the refusal does not name the pidfile $PF: $out"
ok "second instance refused (exit $rc), naming $PF"
check "pidfile still holds $dpid" test "$(head -n 1 "$PF")" = "$dpid"
check "the first daemon is still alive" kill -0 "$dpid"
# One instance: the daemon (privileged parent) and its engine, no more.
check "one dtcpclient (parent and engine) in the client namespace" \
	test "$(ip netns pids "$CLI" | xargs -r ps -o comm= -p | grep -cx dtcpclient)" -eq 2
check "the engine is the daemon's child" test "$(pgrep -P "$dpid" -x dtcpclient | wc -l)" -eq 1

say "--- SIGHUP"
sessions=$(count_lines 'connection from' "$TMPD/dtcps.log")
kill -HUP "$dpid"
wait_for_or_fail 10 "server sees a new session" \
	eval "[ \$(count_lines 'connection from' $TMPD/dtcps.log) -gt $sessions ]"
grep -E 'connection from|closed' "$TMPD/dtcps.log"
wait_for_or_fail 10 "tunnel back up" has_addr "$CLI" ng0 'inet6 2001:db8:1::6 peer'
run nsx "$CLI" ping -6 -c 2 -i 0.2 -W 2 "$INET_V6" || fail "client cannot ping INET after SIGHUP"
run nsx "$INET" ping -6 -c 2 -i 0.2 -W 2 2001:db8:1::6 || fail "INET cannot ping the client after SIGHUP"
ok "traffic resumed after SIGHUP"
check "same daemon pid $dpid" kill -0 "$dpid"

say "--- SIGTERM"
kill -TERM "$dpid"
wait_for_or_fail 10 "daemon $dpid exited" eval "! kill -0 $dpid"
check "pidfile removed" test ! -e "$PF"
check "client ng0, addresses and routes gone" ng_gone "$CLI" ng0
wait_for_or_fail 5 "server ng0 gone" no_ng_links "$SRV"
pass "daemon with a locked pidfile; SIGHUP reconnects, SIGTERM cleans up"
