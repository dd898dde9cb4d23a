#!/bin/bash
# Faults. (a) kill -9 of the dtcps parent: the engine gets SIGTERM
# (PDEATHSIG), ends its sessions and exits by itself; no ng* link, UDP socket
# or listener is left and a restarted server serves a new client.
# (b) a client that vanishes without a FIN (its link cut, then kill -9):
# with -T 3,4 the server removes the tunnel at the session timeout, about
# 4 s after the client's last line, not at once. (dtcpc pings every 60 s, so
# a raw session that pings each second stands in for it: with -T 3,4 dtcpc's
# own session would time out 4 s after login whatever happens.)
# (c) a corrupt password file (no ':', bad %-escape) stops dtcps at start
# with exit 1 and a message naming the file and line; a world-readable one
# with a message naming the file and chmod (t_cli_errors checks the rest).
set -u
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

say "== (a) kill -9 of the dtcps parent"
start_dtcpc_tunnel host -d
wait_for_or_fail 5 "server ng0 exists" has_link "$SRV" ng0
wait_engine
say "parent ${PIDS[dtcps]}, engine $ENGINE"
t0=$(now)
stop dtcps KILL 2 || fail "the dtcps parent did not die of SIGKILL"
wait_for 2 "engine $ENGINE exits" gone "$ENGINE" || fail "the engine outlived its parent by more than 2 s"
ok "engine exited $(elapsed "$t0")s after the parent was killed"
grep -E 'signal|shutting|closed' "$TMPD/dtcps.log" | tail -n 3 | sed 's/^/  dtcps.log | /'
grep -q 'signal 15' "$TMPD/dtcps.log" || fail "the engine did not log the SIGTERM of its parent's death"
ok "engine logged the SIGTERM"
wait_for_or_fail 2 "no ng* link left in SRV" no_ng_links "$SRV"
wait_for_or_fail 2 "no UDP socket on 4028 left in SRV" eval "! udp_listening $SRV 4028"
wait_for_or_fail 2 "no TCP listener left on 20200" eval "! tcp_listening $SRV 20200"
exit_status dtcpc 5 || fail "dtcpc did not notice the end of its session within 5 s"
ok "dtcpc exited ($STOP_RC) at the end of its session"
wait_for_or_fail 3 "client ng0 removed" no_link "$CLI" ng0

say "== (a) restart (with -T 3,4 for (b))"
mv "$TMPD/dtcps.log" "$TMPD/dtcps.run1.log"
start_server -T 3,4
start_dtcpc dtcpc2 "$CLI" host -d
wait_tunnel "$CLI" host
run nsx "$CLI" ping -6 -c 2 -i 0.2 -W 2 "$INET_V6" || fail "new client cannot ping INET"
ok "new client -> INET ping after the restart"
stop dtcpc2 TERM 5 || fail "dtcpc did not stop on SIGTERM"
wait_for_or_fail 3 "server ng0 removed after the client quit" no_ng_links "$SRV"

say "== (b) client gone without a FIN (-T 3,4)"
ctl_tunnel vanish "$CLI" tunnelonly
wait_for_or_fail 3 "server ng0 exists" has_link "$SRV" ng0
for i in 1 2 3 4 5; do
	sleep 1
	ctl_ping vanish 2 "ping $i"
done
tlast=$(now)
ok "session kept for 5 s by pings (beyond the 4 s timeout)"
run ip -n "$CLI" link set eth0 down
run kill -KILL "${CTL_PID[vanish]}"
sleep 2
has_link "$SRV" ng0 || fail "ng0 gone $(elapsed "$tlast")s after the last line: before the 4 s timeout"
ok "ng0 still there $(elapsed "$tlast")s after the client vanished"
wait_for 8 "ng0 removed" no_ng_links "$SRV" || fail "ng0 still there $(elapsed "$tlast")s after the last line"
el=$(elapsed "$tlast")
within "$el" 3.5 7 "ng0 removed (session timeout 4 s)"
ok "ng0 removed ${el}s after the client's last line"
wait_for_or_fail 2 "UDP 4028 closed in SRV" eval "! udp_listening $SRV 4028"
grep -q 'tunnel ng0 closed (timed out)' "$TMPD/dtcps.log" || fail "no 'tunnel ng0 closed (timed out)' in the log"
ok "log: tunnel ng0 closed (timed out)"
check "dtcps still running" alive dtcps
ctl_close vanish
ip -n "$CLI" link set eth0 up

say "== (c) bad password files"
# bad_pwfile DESC REGEX CONTENT [MODE] : dtcps with that file exits 1 at once
# with a message matching REGEX
bad_pwfile() {
	local desc=$1 re=$2 f=$TMPD/bad.auth out=$TMPD/bad.out rc
	printf '%b' "$3" >"$f"
	chmod "${4:-600}" "$f"
	printf '+ [%s] %s (%s)\n' "${SRV#"$PFX"}" "dtcps -A $f" "$desc"
	timeout 5 ip netns exec "$SRV" "$DTCPS" -f "$TMPD/faults.pid" -C "$TMPD/faults.sock" -D -U -A "$f" -L 127.0.0.1 -p 20201 "$PREFIX6" </dev/null >"$out" 2>&1
	rc=$?
	sed 's/^/  | /' "$out"
	[ "$rc" -eq 1 ] || fail "$desc: exit status $rc, want 1"
	grep -Eq -- "$re" "$out" || fail "$desc: the message does not match /$re/"
	ok "$desc: exit 1, message names it"
}
bad_pwfile "line 2 without ':'" "$TMPD/bad\.auth:2: .*':'" 'alice:secret1\nbogusline\n'
bad_pwfile "bad %-escape on line 1" "$TMPD/bad\.auth:1: .*%-escape" 'alice:se%zzret\n'
bad_pwfile "truncated %-escape on line 3" "$TMPD/bad\.auth:3: .*%-escape" 'alice:a\nbob:b\ncarol:c%4\n'
bad_pwfile "world-readable" "$TMPD/bad\.auth.*chmod" 'alice:secret1\n' 644
check "the running dtcps was not disturbed" alive dtcps
pass "parent death ends the engine; silent clients time out; bad password files stop dtcps"
