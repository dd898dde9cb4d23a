#!/bin/bash
# Timers (dtcps -T 3,5): a connection without a tunnel is dropped with the
# login-time error after ~3 s; a logged-in session that pings every 2 s stays up, and once it
# falls silent it is dropped and its tunnel removed after ~5 s.
set -u
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

topo_std
start_server -T 3,5
want="-ERR connection timed out, disconnecting"

say "== silent connection before login (limit 3 s)"
t0=$(now)
ctl_open silent "$CLI"
ctl_greeting silent || fail "no greeting"
ctl_recv silent 8 || fail "no timeout error within 8 s of silence"
el=$(elapsed "$t0")
[ "$CTL_LINE" = "-ERR no tunnel within the login time, disconnecting" ] ||
	fail "silent connection: got '$CTL_LINE', want the login-time error"
within "$el" 2.0 5.0 "timeout error (limit 3 s)"
ok "timeout error after ${el}s"
wait_for_or_fail 3 "server closed the silent connection" ctl_closed silent
ctl_close silent

say "== logged-in session, ping every 2 s for 10 s (limit 5 s)"
ctl_tunnel sess "$CLI" host
wait_for_or_fail 3 "server ng0 exists" has_link "$SRV" ng0
for i in 1 2 3 4 5; do
	sleep 2
	ctl_ping sess 3 "ping $i"
	has_link "$SRV" ng0 || fail "ng0 vanished after ${i}x2 s although the session pings"
done
t1=$(now)
ok "session alive after 10 s of pings"
check "connection still open" eval "! ctl_closed sess"

say "== session falls silent"
ctl_recv sess 10 || fail "no timeout error within 10 s of silence after login"
el=$(elapsed "$t1")
[ "$CTL_LINE" = "$want" ] || fail "silent session: got '$CTL_LINE', want '$want'"
within "$el" 4.0 7.5 "session dropped (limit 5 s)"
ok "session timeout error after ${el}s"
wait_for_or_fail 2 "ng0 removed from SRV" no_ng_links "$SRV"
wait_for_or_fail 2 "UDP 4028 closed in SRV" eval "! udp_listening $SRV 4028"
wait_for_or_fail 3 "server closed the connection" ctl_closed sess
check "dtcps still running" alive dtcps
pass "login and session timers work"
