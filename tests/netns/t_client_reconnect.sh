#!/bin/bash
# dtcpclient -l: the server goes away for DOWN s; the client retries with
# growing delays ("reconnecting in N s"), comes back by itself when the
# server returns, and traffic resumes. A wrong password with -l is not
# retried: one clear message, exit 1.
set -u
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
need_dtcpclient

DOWN=10
topo_std
start_server
client_conf ng0
start_dtcpclient dc "$CLI" -d -l -U -t host -s "$CLIENT_SCRIPT" -u "$USER1" "$SRV_V4"
wait_for_or_fail 10 "tunnel up (2001:db8:1::6 on ng0)" has_addr "$CLI" ng0 'inet6 2001:db8:1::6 peer'
run nsx "$CLI" ping -6 -c 2 -i 0.2 -W 2 "$INET_V6" || fail "client cannot ping INET"

say "--- dtcps stopped for ${DOWN}s"
stop dtcps TERM 5 || fail "dtcps did not stop"
wait_for_or_fail 5 "client ran the script down" \
	grep -q "running $CLIENT_SCRIPT down ng0" "$TMPD/dc.log"
wait_for_or_fail 5 "client ng0 gone while the server is away" no_link "$CLI" ng0
sleep "$DOWN"
check "dtcpclient still running" alive dc
mapfile -t delays < <(sed -n 's/.*reconnecting in \([0-9.]*\) s (attempt [0-9]*).*/\1/p' "$TMPD/dc.log")
say "retry delays so far: ${delays[*]:-none}"
[ "${#delays[@]}" -ge 3 ] || fail "only ${#delays[@]} \"reconnecting in\" lines in ${DOWN}s, want 3 or more"
ok "${#delays[@]} retries logged"
for ((i = 1; i < ${#delays[@]}; i++)); do
	# Delay k is drawn from [ceiling_k / 2, ceiling_k] and the ceiling
	# doubles, so delay k >= ceiling_(k-1) >= delay k-1: never shorter.
	fcmp "${delays[i]}" ">=" "${delays[i - 1]}" ||
		fail "delay ${delays[i]} s after ${delays[i - 1]} s: the backoff shrank"
done
fcmp "${delays[-1]}" ">" "${delays[0]}" || fail "last delay ${delays[-1]} s is not above the first ${delays[0]} s"
ok "delays grow: first ${delays[0]} s, last ${delays[-1]} s"

say "--- dtcps back"
start_server
wait_for_or_fail 30 "client reconnected by itself" has_addr "$CLI" ng0 'inet6 2001:db8:1::6 peer'
run nsx "$CLI" ping -6 -c 2 -i 0.2 -W 2 "$INET_V6" || fail "client cannot ping INET after reconnecting"
run nsx "$INET" ping -6 -c 2 -i 0.2 -W 2 2001:db8:1::6 || fail "INET cannot ping the client after reconnecting"
ok "traffic resumed after the reconnect"
stop dc TERM 10 || fail "dtcpclient did not stop"
[ "$STOP_RC" -eq 0 ] || fail "dtcpclient exit status $STOP_RC, want 0"
wait_for_or_fail 5 "server ng0 gone" no_ng_links "$SRV"

say "--- wrong password with -l"
client_auth "$TMPD/bad.auth" "$SRV_V4" "$USER1" wrong-password
start_dtcpclient bad "$CLI" -d -l -U -t host -F "$TMPD/bad.auth" -s "$CLIENT_SCRIPT" -u "$USER1" "$SRV_V4"
exit_status bad 10 || fail "dtcpclient -l kept running after a wrong password"
[ "$STOP_RC" -eq 1 ] || fail "exit status $STOP_RC after a wrong password, want 1"
ok "exit status 1 after a wrong password"
grep -E 'authentication failed|not retrying' "$TMPD/bad.log"
check "the log says the password is not retried" grep -q 'not retrying with a password the server refused' "$TMPD/bad.log"
check "no retry lines" test "$(count_lines 'reconnecting' "$TMPD/bad.log")" -eq 0
check "one login attempt at the server" test "$(count_lines 'authentication failed' "$TMPD/dtcps.log")" -eq 1
check "the script never ran" eval "! grep -q 'running $CLIENT_SCRIPT' $TMPD/bad.log"
pass "-l reconnects with backoff; a wrong password stops at once"
