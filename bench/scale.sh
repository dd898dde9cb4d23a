#!/bin/bash
# The scale part of `make bench` (as root): N host tunnels from one client
# at once, in the default mode (an interface and a UDP port per tunnel).
# N is 10,000 where the descriptor limit allows, else the largest that
# fits (printed; BENCH_SCALE_N overrides). Prints setup and teardown rates,
# how long a new login takes while the N are being torn down, memory per
# tunnel (dtcps's resident memory and the kernel's slab, before and after),
# and the CPU the two dtcps processes use with the N idle. Never asserts.
set -u
TEST_NAME=bench-scale
# shellcheck source=../tests/netns/lib.sh
. "$(dirname "$0")/../tests/netns/lib.sh"

LOAD=$ROOT/tests/netns/scaleload.py
# Each tunnel holds three descriptors in the engine and the load
# generator one; keep a margin for everything else.
hard=$(ulimit -Hn)
fit=$(( (hard - 256) / 3 ))
N=${BENCH_SCALE_N:-$(( fit < 10000 ? fit : 10000 ))}
ulimit -n "$hard"
echo "== scale: $N host tunnels (descriptor limit $hard allows $fit)"

# kib_of PID... : resident memory of the processes, KiB
kib_of() { local s=0 p; for p in "$@"; do s=$((s + $(awk '/^VmRSS/ { print $2 }' "/proc/$p/status"))); done; echo "$s"; }
slab_kib() { awk '/^(Slab|Percpu|KernelStack|PageTables):/ { s += $2 } END { print s }' /proc/meminfo; }
cpu_ticks() { local s=0 p; for p in "$@"; do s=$((s + $(awk '{ print $14 + $15 }' "/proc/$p/stat"))); done; echo "$s"; }

topo_std
start_server -M $((N + 16)) -N $((N + 16)) -n $((N + 16)) -w $(( (N + 16) / 2 ))
wait_engine
parent=${PIDS[dtcps]}
sync; echo 2 >/proc/sys/vm/drop_caches
mem0=$(kib_of "$parent" "$ENGINE") slab0=$(slab_kib)
hold=$TMPD/hold
spawn load "$CLI" sh -c "ulimit -n $hard && exec python3 $LOAD $SRV_V4 $N $USER1 $PASS1 --hold-file $hold"
if ! wait_for 600 "$N tunnels up" grep -q '^held' "$TMPD/load.log"; then
	cat "$TMPD/load.log"; tail -5 "$TMPD/dtcps.log"
	echo "bench-scale: the tunnels did not come up" >&2
	exit 1
fi
setup=$(awk '/^setup/ { print $3 }' "$TMPD/load.log")
mem1=$(kib_of "$parent" "$ENGINE") slab1=$(slab_kib)
t0=$(cpu_ticks "$parent" "$ENGINE")
sleep 10
t1=$(cpu_ticks "$parent" "$ENGINE")
hz=$(getconf CLK_TCK)

tdown0=$(now)
touch "$hold"
# A new login while they go: its setup time is the answer time.
spawn probe "$CLI" python3 "$LOAD" "$SRV_V4" 1 "$USER1" "$PASS1" --first-port 60000 --hold-file "$hold"
wait_for 600 "every interface gone" no_ng_links "$SRV"
tdown=$(elapsed "$tdown0")
wait_for 10 "the probe's answer" grep -q '^setup' "$TMPD/probe.log"
probe=$(awk '/^setup/ { print $3 }' "$TMPD/probe.log")

echo
echo "scale, default mode (interface and UDP port per tunnel), $N tunnels"
awk -v n="$N" -v s="$setup" -v t="$tdown" -v p="${probe:-n/a}" \
    -v m0="$mem0" -v m1="$mem1" -v k0="$slab0" -v k1="$slab1" \
    -v c0="$t0" -v c1="$t1" -v hz="$hz" 'BEGIN {
	printf "%-44s %s\n", "figure", "value (goal)"
	printf "%-44s %.0f/s (>= 2000/s)\n", "setup rate", n / s
	printf "%-44s %.0f/s (>= 2000/s)\n", "teardown rate", n / t
	printf "%-44s %s s (< 0.1 s)\n", "a new login while they are torn down", p
	printf "%-44s %.1f KiB (<= 16 KiB)\n", "memory per tunnel: dtcps resident", (m1 - m0) / n
	printf "%-44s %.1f KiB\n", "memory per tunnel: kernel slab and tables", (k1 - k0) / n
	printf "%-44s %.2f %% of a core (< 1 %%)\n", "CPU of dtcps with all idle", (c1 - c0) / hz / 10 * 100
}'
