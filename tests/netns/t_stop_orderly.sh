#!/bin/bash
# A stopped dtcps ends its sessions in order, with relay threads running
# (the default, -t one per processor) as without them: the SIGTERM that
# the parent passes on reaches the engine's event loop, not a relay thread
# (which would die of it and take the engine along), so every tunnel is
# closed and accounted with its counters, and both processes exit 0.
set -u
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

topo_std
start_server -J "$TMPD/acct.json"
wait_engine
threads=$(ls "/proc/$ENGINE/task" | wc -l)
[ "$threads" -gt 1 ] || fail "the engine runs no relay threads ($threads thread)"
ctl_open a "$CLI"
ctl_login a "$USER1" "$PASS1" host udp 4028 || fail "login: $CTL_LINE"
ok "a host tunnel up, the engine on $threads threads"
run nsx "$SRV" ping -6 -c 2 -i 0.2 -W 2 2001:db8:1::6 >/dev/null 2>&1 || :
stop dtcps TERM 10 || fail "dtcps did not stop"
[ "$STOP_RC" -eq 0 ] || fail "dtcps exited with $STOP_RC: $(tail -n 3 "$TMPD/dtcps.log")"
grep -q 'signal 15: shutting down' "$TMPD/dtcps.log" || fail "the engine's loop never saw the signal"
grep -q 'tunnel ng0 closed (server shutting down)' "$TMPD/dtcps.log" || fail "the session was not closed in order"
! grep -q 'killed by signal' "$TMPD/dtcps.log" || fail "the engine was killed: $(grep 'killed by signal' "$TMPD/dtcps.log")"
grep -q '"event":"down".*"packets_in":[0-9]' "$TMPD/acct.json" ||
	fail "no down record with the engine's counters: $(tail -n 1 "$TMPD/acct.json")"
pass "SIGTERM with relay threads: sessions closed and accounted, exit 0"
