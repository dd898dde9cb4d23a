#!/bin/bash
# The login grace time: before a tunnel exists, any line restarts the
# silence timer (-T), but a connection that keeps talking without getting a
# tunnel is still closed after 10 login timeouts. With -T 1,5 a session
# that pings every 0.5 s is closed after about 10 s, not before ~9 s; a
# session that logged in is not affected.
set -u
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

topo_std
start_server -T 1,5
ctl_open idle "$CLI"
ctl_greeting idle || fail "no greeting from dtcps"
ctl_tunnel user "$CLI" tunnelonly
t0=$(now)
closed=""
for _ in $(seq 30); do
	ctl_send idle ping >/dev/null
	ctl_send user ping >/dev/null
	ctl_recv idle 1 >/dev/null || break
	if [[ $CTL_LINE != "+OK pong" ]]; then
		closed=$CTL_LINE
		break
	fi
	ctl_recv user 1 >/dev/null || fail "the logged-in session lost its pong"
	if [[ $CTL_LINE != "+OK pong" ]]; then
		fail "logged-in session: got '$CTL_LINE'"
	fi
	sleep 0.5
done
el=$(elapsed "$t0")
say "pre-login session ended after ${el}s with: $closed"
[ "$closed" = "-ERR no tunnel within the login grace time, disconnecting" ] ||
	fail "the pre-login session did not end with the grace-time error: '$closed'"
grep -q 'login grace time over' "$TMPD/dtcps.log" || fail "no 'login grace time over' in the server log"
within "$el" 8.5 12.5 "closed (grace time 10 s)"
ok "a talking pre-login session closed after ${el}s (grace 10 s)"
ctl_ping user 2 "the logged-in session"
ok "the logged-in session is still served"
pass "login grace time closes sessions that never get a tunnel"
