#!/bin/bash
# The login time: before a tunnel exists, the login timeout (-T) is a
# deadline from the connect that no line extends, so that a connection that
# keeps talking without getting a tunnel holds no slot longer. With -T 3,5 a
# session that pings every 0.5 s is closed after about 3 s; a session that
# logged in is not affected.
set -u
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

topo_std
start_server -T 3,5
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
[ "$closed" = "-ERR no tunnel within the login time, disconnecting" ] ||
	fail "the pre-login session did not end with the login-time error: '$closed'"
grep -q 'login time over' "$TMPD/dtcps.log" || fail "no 'login time over' in the server log"
within "$el" 2.3 4.0 "closed (login time 3 s)"
ok "a talking pre-login session closed after ${el}s (login time 3 s, pings every 0.5 s)"
ctl_ping user 2 "the logged-in session"
ok "the logged-in session is still served"
pass "the login time closes sessions that never get a tunnel, pings or not"
