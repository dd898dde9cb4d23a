#!/bin/bash
# Limits. One server with -N 2 -R 3,60: (c) a third concurrent connection
# from one address is refused; (a) three wrong passwords on one connection
# close it; (b) three failed logins from one address (separate connections)
# throttle even a correct login from it, logged once, while another address
# still logs in. (d) -N 1000 -M 1000 -w 500: 500 control connections from CLI, half
# of them sending garbage (printable noise, 600-byte lines, NUL bytes), held
# ~5 s: a legitimate login + ping answers within 1 s and the server survives;
# once they close, connections, the engine's descriptors and ng* links are
# back to the legitimate session alone. (e) dtcps refuses an -M that does not
# fit the descriptor limit; under 60 descriptors with -M 6, 60 connections
# are refused by the session limit without spinning (engine CPU < 0.5 s over
# 3 s); afterwards a login works.
set -u
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null 2>&1 || fail "python3 not found"
command -v prlimit >/dev/null 2>&1 || fail "prlimit not found (util-linux)"

AUTHFAIL="-ERR authentication failed."
CLI_V4B=192.0.2.4	# a second address of CLI, for (a)
topo_std cli2
ip -n "$CLI" addr add "$CLI_V4B/24" dev eth0 || fail "cannot add $CLI_V4B to CLI"
write_loader

# wrong_login NAME : greeting, then a tunnel request with a wrong password
wrong_login() {
	ctl_greeting "$1" || fail "$1: no greeting"
	ctl_request "$1" "$USER1" wrongsecret tunnelonly udp 4028 || fail "$1: no reply to the login"
}

start_server -N 2 -R 3,60

say "== (c) -N 2: a third connection from one address"
ctl_open n1 "$CLI"
ctl_greeting n1 || fail "n1: no greeting"
ctl_open n2 "$CLI"
ctl_greeting n2 || fail "n2: no greeting"
ctl_open n3 "$CLI"
ctl_recv n3 5 || fail "n3: nothing received"
[ "$CTL_LINE" = "-ERR too many sessions from your address" ] || fail "n3: got '$CTL_LINE'"
wait_for_or_fail 3 "the third connection is closed" ctl_closed n3
ctl_open o1 "$CLI2"
ctl_greeting o1 || fail "CLI2 refused while CLI holds 2 connections"
ok "another address is still served"
for c in n1 n2 n3 o1; do ctl_close "$c"; done

say "== (a) three wrong passwords on one connection (from $CLI_V4B)"
ctl_open w "$CLI" "$CLI_V4B"
ctl_greeting w || fail "no greeting"
for i in 1 2 3; do
	ctl_request w "$USER1" "wrong$i" tunnelonly udp 4028 || fail "no reply to wrong login $i"
	[ "$CTL_LINE" = "$AUTHFAIL" ] || fail "wrong login $i: got '$CTL_LINE', want '$AUTHFAIL'"
done
ctl_recv w 5 || fail "no second line after the third failure"
[ "$CTL_LINE" = "-ERR too many failed logins, disconnecting" ] || fail "after 3 failures: got '$CTL_LINE'"
wait_for_or_fail 3 "connection closed after 3 failures" ctl_closed w
ctl_close w

say "== (b) -R 3,60: 3 failed logins from $CLI_V4 on separate connections"
for i in 1 2 3; do
	ctl_open "f$i" "$CLI"
	wrong_login "f$i"
	[ "$CTL_LINE" = "$AUTHFAIL" ] || fail "failed login $i: got '$CTL_LINE'"
	ctl_close "f$i"
done
throttled=0
for i in 1 2; do
	ctl_open "g$i" "$CLI"
	if ctl_login "g$i" "$USER1" "$PASS1" "tunnelonly udp 4028"; then
		fail "correct login $i from $CLI_V4 accepted while throttled"
	fi
	[[ $CTL_LINE == "-ERR too many failed logins from your address"* ]] ||
		fail "throttled login $i: got '$CTL_LINE'"
	wait_for_or_fail 3 "throttled connection $i closed" ctl_closed "g$i"
	ctl_close "g$i"
	throttled=$((throttled + 1))
done
ok "$throttled correct logins from $CLI_V4 throttled"
check "no ng* link for throttled logins" no_ng_links "$SRV"
ctl_tunnel ok2 "$CLI2" tunnelonly
ok "correct login from $CLI2_V4 accepted"
ctl_quit ok2
nthr=$(grep -c "throttling logins from $CLI_V4\b" "$TMPD/dtcps.log")
grep 'throttling logins' "$TMPD/dtcps.log" | sed 's/^/  dtcps.log | /'
[ "$nthr" -eq 1 ] || fail "$nthr 'throttling logins from $CLI_V4' lines, want exactly 1"
ok "exactly one 'throttling logins from $CLI_V4' line"
check "dtcps still running" alive dtcps
stop dtcps TERM 5 || fail "dtcps did not stop"
mv "$TMPD/dtcps.log" "$TMPD/dtcps.abc.log"

say "== (d) 500 connections, half of them sending garbage"
start_server -N 1000 -M 1000 -w 500 -T 60,300
wait_engine
fd0=$(fd_count "$ENGINE")
say "engine $ENGINE: $fd0 descriptors at rest"
spawn load "$CLI" python3 "$LOADER" "$SRV_V4" 20200 500 10 0.5
wait_for 20 "the loader holds its connections" loader_held load || fail "the loader did not connect"
theld=$(now)
held=$(grep '^HELD' "$TMPD/load.log")
say "loader: $held"
read -r _ nheld nfailed _ <<<"$held"
[ "$nheld" -ge 495 ] || fail "only $nheld of 500 connections made ($nfailed failed)"
wait_for 3 "server side sees the connections" eval "[ \$(tcp_estab $SRV 20200) -ge 480 ]" || :
nest=$(tcp_estab "$SRV" 20200)
fdl=$(fd_count "$ENGINE")
say "server: $nest established on 20200, engine $fdl descriptors"
t0=$(now)
ctl_tunnel legit "$CLI" tunnelonly
ctl_ping legit 2 "ping under load"
lat=$(elapsed_ms "$t0")
say "login + ping under load: ${lat} ms"
[ "$lat" -lt 1000 ] || fail "login + ping took ${lat} ms under load, want < 1 s"
ok "legitimate login + pong in ${lat} ms with $nheld connections held"
check "dtcps still running" alive dtcps
check "engine still running" eval "[ \"\$(engine_pid)\" = $ENGINE ]"
wait_for_or_fail 3 "server ng0 exists" has_link "$SRV" ng0
# Hold about 5 s in all, then close them all.
while fcmp "$(elapsed "$theld")" "<" 5; do sleep 0.2; done
kill -USR1 "${PIDS[load]}"
exit_status load 5 || fail "the loader did not close and exit"
grep '^CLOSED' "$TMPD/load.log" || fail "the loader did not report closing"
wait_for_or_fail 5 "only the legitimate connection established on 20200" \
	eval "[ \$(tcp_estab $SRV 20200) -eq 1 ]"
wait_for 5 "engine descriptors back to rest + the session" \
	eval "[ \$(fd_count $ENGINE) -le $((fd0 + 3)) ]" ||
	fail "engine has $(fd_count "$ENGINE") descriptors, want <= $fd0 + 3 (session, tun, udp)"
fd1=$(fd_count "$ENGINE")
ok "engine descriptors: $fd0 at rest, $fdl under load, $fd1 with the legitimate session"
[ "$(ng_links "$SRV")" = ng0 ] || fail "ng* links in SRV: $(ng_links "$SRV" | tr '\n' ' '), want ng0 only"
ok "only ng0 in SRV"
ctl_ping legit 2 "legitimate ping after the load"
ctl_quit legit
wait_for_or_fail 3 "ng0 removed after quit" no_ng_links "$SRV"
wait_for 3 "engine descriptors back to rest" eval "[ \$(fd_count $ENGINE) -eq $fd0 ]" ||
	fail "engine has $(fd_count "$ENGINE") descriptors, $fd0 at rest"
ok "engine descriptors back to $fd0"
nlong=$(grep -c 'line too long' "$TMPD/dtcps.log")
ninv=$(grep -c -- '-ERR invalid command' "$TMPD/dtcps.log")
say "server log: $nlong 'line too long', $ninv 'invalid command' replies"
[ "$nlong" -ge 1 ] || fail "no over-long line was refused"
check "dtcps still running" alive dtcps
stop dtcps TERM 5 || fail "dtcps did not stop"
mv "$TMPD/dtcps.log" "$TMPD/dtcps.d.log"

say "== (e) descriptors: -M must fit the limit; at the limit, no spin"
# Each tunnel needs 3 descriptors in the engine, so dtcps refuses to start
# when -M cannot fit; inside the limit, extra connections are refused by the
# session limit and the engine never runs out.
spawn toolow "$SRV" prlimit --nofile=40:40 "$DTCPS" -f "$TMPD/toolow.pid" -C "$TMPD/toolow.sock" -D -U -A "$PWFILE" -L "$SRV_V4" -M 1000 "$PREFIX6"
exit_status toolow 5 || fail "dtcps -M 1000 under 40 descriptors did not exit"
[ "$STOP_RC" -ne 0 ] || fail "dtcps -M 1000 under 40 descriptors started"
grep -q 'file descriptors but the limit is 40; raise it' "$TMPD/toolow.log" ||
	fail "no clear message for -M over the descriptor limit: $(cat "$TMPD/toolow.log")"
ok "refused at start: $(cat "$TMPD/toolow.log")"
start_server_limited 60 -N 1000 -M 6
wait_engine
grep 'Max open files' "/proc/$ENGINE/limits" | sed 's/^/  engine | /'
spawn load2 "$CLI" python3 "$LOADER" "$SRV_V4" 20200 60 10 0
wait_for 15 "the loader holds its connections" loader_held load2 || fail "the loader did not connect"
say "loader: $(grep '^HELD' "$TMPD/load2.log")"
cpu0=$(proc_cpu "$ENGINE")
sleep 3
cpu1=$(proc_cpu "$ENGINE")
dcpu=$(awk -v a="$cpu0" -v b="$cpu1" 'BEGIN { printf "%.3f", b - a }')
nref=$(grep -c 'session limit' "$TMPD/dtcps.log")
say "engine: $(fd_count "$ENGINE") descriptors, CPU ${dcpu}s over 3 s, $nref connections refused by -M 6"
fcmp "$dcpu" "<" 0.5 || fail "engine used ${dcpu}s of CPU in 3 s at its limits: it spins"
ok "no spin at the limit (${dcpu}s CPU in 3 s)"
check "dtcps still running" alive dtcps
kill -USR1 "${PIDS[load2]}"
exit_status load2 5 || fail "the loader did not close and exit"
t0=$(now)
ctl_tunnel after "$CLI" tunnelonly
ok "login works, +OK $(elapsed_ms "$t0") ms after the connections closed"
wait_for_or_fail 3 "server ng0 exists" has_link "$SRV" ng0
ctl_quit after
pass "connections $nheld held, login+ping ${lat} ms under load, $throttled logins throttled, CPU at the limit ${dcpu}s/3s"
