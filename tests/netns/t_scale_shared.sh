#!/bin/bash
# Scale in shared-interface mode (dtcps -s), small: 200 host tunnels from
# one client behind one TUN device and one UDP port. All set up, every
# control session answers ping, an ICMPv6 echo crosses every tunnel and
# comes back to that tunnel's address only, and when the client closes
# them all nothing is left: no interface was ever made but dtcp0, no
# route but the pool's, no UDP socket but the shared port, the
# descriptors of both dtcps processes back where they were. make bench
# runs the same at its full size.
set -u
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

N=${SCALE_N:-200}
topo_std
start_server -s dtcp0 -M $((N * 2)) -N $((N * 2)) -n $((N * 2)) -w "$N"
wait_engine
parent=${PIDS[dtcps]}
fd_parent0=$(fd_count "$parent") fd_engine0=$(fd_count "$ENGINE")
links0=$(ip -n "$SRV" -o link show | wc -l)
routes0=$(ip -n "$SRV" -6 route show | wc -l)
check "dtcp0 holds the pool's address, our end of every host tunnel" \
	has_addr "$SRV" dtcp0 "${PREFIX6%%/*}1/64"
hold=$TMPD/hold
scale_up "$N"
[ "$(ip -n "$SRV" -o link show | wc -l)" = "$links0" ] ||
	fail "the tunnels made interfaces: $(ip -n "$SRV" -o link show | wc -l), want $links0"
[ "$(ip -n "$SRV" -6 route show | wc -l)" = "$routes0" ] ||
	fail "the tunnels added routes to the kernel"
udp=$(nsx "$SRV" ss -Hnua 'sport >= :4028' | wc -l)
[ "$udp" = 1 ] || fail "$udp UDP sockets at or above port 4028, want the shared one"
ok "$N tunnels on dtcp0 and one UDP port: no interface, route or socket each"
threads=$(ls "/proc/$ENGINE/task" | wc -l)
[ "$threads" -eq 1 ] || fail "the engine runs $threads threads with -s, want its main loop only"
say "engine descriptors: $fd_engine0 at rest, $(fd_count "$ENGINE") with $N tunnels; parent $fd_parent0 -> $(fd_count "$parent")"
[ "$(fd_count "$ENGINE")" -le $((fd_engine0 + N + 4)) ] ||
	fail "the engine holds more than one descriptor per tunnel"

t0=$(now)
touch "$hold"
wait_for_or_fail 30 "every session gone" eval "[ \$(grep -c 'tunnel dtcp0 closed' \"\$TMPD/dtcps.log\") -ge $N ]"
took=$(elapsed "$t0")
say "teardown of $N tunnels: ${took}s"
wait_for_or_fail 10 "engine descriptors back to $fd_engine0" eval "[ \$(fd_count $ENGINE) -eq $fd_engine0 ]"
wait_for_or_fail 10 "parent descriptors back to $fd_parent0" eval "[ \$(fd_count $parent) -eq $fd_parent0 ]"
[ "$(ip -n "$SRV" -6 route show | wc -l)" = "$routes0" ] || fail "routes left behind"
nsx "$CLI" python3 "$(dirname "$0")/udppeer.py" echo "$SRV_V4:4028" "${PREFIX6%%/*}6" \
	"${PREFIX6%%/*}1" --bind 20000 --timeout 2 >/dev/null 2>&1 &&
	fail "a closed tunnel still carries packets"
ok "all $N torn down in ${took}s, nothing left, a closed tunnel's endpoint gets nothing"
check "dtcps still running" alive dtcps
pass "$N shared-interface tunnels up, pinged and torn down; nothing left"
