#!/bin/bash
# Scale, small: 200 host tunnels from one client at once (one interface
# and one UDP port each): all set up, every control session answers ping,
# an ICMPv6 echo crosses every tunnel, and when the client closes them all
# nothing is left: no interface, no route, no tunnel socket, the descriptors
# of both dtcps processes back where they were. Interfaces go in batches
# (the parent deletes a dying group at once), so teardown takes well under
# the ~20 ms a tunnel that one-by-one deletion cost. make bench runs the
# same at its full size.
set -u
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

N=${SCALE_N:-200}
topo_std
start_server -J "$TMPD/acct.json" -M $((N * 2)) -N $((N * 2)) -n $((N * 2)) -w "$N"
wait_engine
parent=${PIDS[dtcps]}
fd_parent0=$(fd_count "$parent") fd_engine0=$(fd_count "$ENGINE")
hold=$TMPD/hold
scale_up "$N"
[ "$(ng_links "$SRV" | wc -l)" = "$N" ] || fail "$(ng_links "$SRV" | wc -l) ng interfaces, want $N"
ok "$N interfaces, $N control sessions answering ping, an echo through each tunnel"
# The relay threads (-t, one per processor by default) besides the main loop.
threads=$(ls "/proc/$ENGINE/task" | wc -l)
[ "$threads" -eq $(($(nproc) + 1)) ] || fail "the engine runs $threads threads, want $(nproc) relay threads and the main loop"
ok "the engine relays on $(nproc) threads besides its main loop"
say "engine descriptors: $fd_engine0 at rest, $(fd_count "$ENGINE") with $N tunnels; parent $fd_parent0 -> $(fd_count "$parent")"

t0=$(now)
touch "$hold"
wait_for_or_fail 30 "every interface gone" no_ng_links "$SRV"
took=$(elapsed "$t0")
say "teardown of $N tunnels: ${took}s"
wait_for_or_fail 10 "no route to a tunnel left" eval "! ip -n $SRV -6 route show | grep -q '2001:db8:1::'"
wait_for_or_fail 10 "no tunnel UDP socket left" eval "[ -z \"\$(nsx $SRV ss -Hnua 'sport >= :4028')\" ]"
wait_for_or_fail 10 "engine descriptors back to $fd_engine0" eval "[ \$(fd_count $ENGINE) -eq $fd_engine0 ]"
wait_for_or_fail 10 "parent descriptors back to $fd_parent0" eval "[ \$(fd_count $parent) -eq $fd_parent0 ]"
fcmp "$took" "<" "$(awk -v n="$N" 'BEGIN { print n * 0.02 / 2 }')" ||
	fail "teardown took ${took}s, not under half of ${N} × 20 ms: not batched?"
ok "all $N torn down in ${took}s, nothing left"
# The down records are written a chunk at a time (one sync each), after
# the ENDs: every one of them, with the engine's counters.
wait_for_or_fail 10 "$N down records" eval "[ \$(grep -c '\"event\":\"down\".*\"packets_in\":[0-9]' $TMPD/acct.json) -eq $N ]"
[ "$(grep -c '"event":"up"' "$TMPD/acct.json")" -eq "$N" ] || fail "not $N up records"
ok "$N up and $N down records with counters"
check "dtcps still running" alive dtcps
pass "$N tunnels up, pinged and torn down; nothing left"
