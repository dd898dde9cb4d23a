#!/bin/bash
# The scale part of `make bench` (as root): N host tunnels from one client
# at once, in each server mode: one interface and UDP port per tunnel (the
# default), and every tunnel behind one shared interface and UDP port
# (dtcps -s). N is 10,000 where the descriptor limit allows, else the
# largest that fits (printed; BENCH_SCALE_N overrides). Prints setup and
# teardown rates, how long a new login takes while the N are being torn
# down, memory per tunnel (dtcps's resident memory; the kernel's slab less
# the load generator's end of the control connections, measured the same
# way with bare TCP connections) and the CPU dtcps uses with the N idle.
# Never asserts.
set -u
if [ $# -eq 0 ]; then
	out=$(mktemp -d /tmp/dtcp-scale.XXXXXX)
	bash "$0" default "$out/default" || echo "bench-scale: the default mode failed" >&2
	bash "$0" shared "$out/shared" || echo "bench-scale: the shared mode failed" >&2
	get() { sed -n "s/^$2=//p" "$out/$1" 2>/dev/null; }
	echo
	echo "scale: host tunnels over UDP from one client, $(nproc) processors"
	printf '%-44s | %-14s | %-14s | %s\n' figure default "shared (-s)" goal
	printf '%-44s-+-%-14s-+-%-14s-+-%s\n' -------------------------------------------- \
		-------------- -------------- ----------
	row() { printf '%-44s | %-14s | %-14s | %s\n' "$1" "$(get default "$2")" "$(get shared "$2")" "$3"; }
	row "tunnels (descriptor limit $(ulimit -Hn))" n "10000"
	row "setup rate, tunnels/s" setup_rate ">= 2000"
	row "teardown rate, tunnels/s" teardown_rate ">= 2000"
	row "a new login while they go, s" probe "< 0.1"
	row "dtcps resident memory per tunnel, KiB" rss_kib ""
	row "kernel memory per tunnel, KiB" kernel_kib ""
	row "memory per tunnel, KiB" total_kib "<= 16"
	row "descriptors per tunnel (engine)" fds ""
	row "CPU of dtcps with all idle, % of a core" idle_cpu "< 1"
	row "protocol 41: tunnels, one per client address" p41_n "10000"
	row "protocol 41: setup rate, tunnels/s" p41_setup_rate ">= 2000"
	row "protocol 41: control sessions answering ping" p41_control "all"
	row "protocol 41: teardown rate, tunnels/s" p41_teardown_rate ">= 2000"
	rm -rf "$out"
	exit 0
fi
MODE=$1 RESULT=$2
TEST_NAME=bench-scale-$MODE
# shellcheck source=../tests/netns/lib.sh
. "$(dirname "$0")/../tests/netns/lib.sh"

LOAD=$ROOT/tests/netns/scaleload.py
HOLDER=$ROOT/bench/tcphold.py
hard=$(ulimit -Hn)
ulimit -n "$hard"
# Each tunnel holds three descriptors in the engine by default, one with
# -s (its control connection); keep a margin for everything else.
if [ "$MODE" = shared ]; then
	fit=$((hard - 256)) modeargs=(-s dtcp0)
else
	fit=$(((hard - 256) / 3)) modeargs=()
fi
N=${BENCH_SCALE_N:-$((fit < 10000 ? fit : 10000))}
echo "== scale, $MODE mode: $N host tunnels (descriptor limit $hard allows $fit)"

# kib_of PID... : resident memory of the processes, KiB
kib_of() { local s=0 p; for p in "$@"; do s=$((s + $(awk '/^VmRSS/ { print $2 }' "/proc/$p/status"))); done; echo "$s"; }
slab_kib() { awk '/^(Slab|Percpu|KernelStack|PageTables):/ { s += $2 } END { print s }' /proc/meminfo; }
cpu_ticks() { local s=0 p; for p in "$@"; do s=$((s + $(awk '{ print $14 + $15 }' "/proc/$p/stat"))); done; echo "$s"; }
settle() { sync; echo 2 >/proc/sys/vm/drop_caches; sleep 1; }
result() { echo "$1=$2" >>"$RESULT"; echo "   $1 = $2"; }
: >"$RESULT"

topo_std
# What N bare TCP connections cost the kernel, both ends: the load
# generator's end is not the server's.
settle
k0=$(slab_kib)
spawn tcplisten "$SRV" python3 "$HOLDER" listen "$SRV_V4" 20300 "$TMPD/bare.hold"
wait_for 10 "bare listener" tcp_listening "$SRV" 20300 || fail "bare listener did not start"
spawn tcpconn "$CLI" sh -c "ulimit -n $hard && exec python3 $HOLDER connect $SRV_V4 20300 $N $TMPD/bare.hold"
wait_for 120 "$N bare connections" grep -q '^held' "$TMPD/tcpconn.log" || fail "bare connections failed"
sleep 1
k1=$(slab_kib)
touch "$TMPD/bare.hold"
stop tcpconn TERM 10
stop tcplisten TERM 10
pair=$(awk -v a="$k0" -v b="$k1" -v n="$N" 'BEGIN { printf "%.2f", (b - a) / n }')
echo "   a bare TCP connection, both ends: $pair KiB of kernel memory"

start_server "${modeargs[@]}" -M $((N + 16)) -N $((N + 16)) -n $((N + 16)) -w $(((N + 16) / 2))
wait_engine
parent=${PIDS[dtcps]}
settle
mem0=$(kib_of "$parent" "$ENGINE") slab0=$(slab_kib) fd0=$(fd_count "$ENGINE")
hold=$TMPD/hold
spawn load "$CLI" sh -c "ulimit -n $hard && exec python3 $LOAD $SRV_V4 $N $USER1 $PASS1 --hold-file $hold"
if ! wait_for 900 "$N tunnels up" grep -q '^held' "$TMPD/load.log"; then
	cat "$TMPD/load.log"; tail -5 "$TMPD/dtcps.log"
	echo "bench-scale: the tunnels did not come up" >&2
	exit 1
fi
setup=$(awk '/^setup/ { print $3 }' "$TMPD/load.log")
sleep 1
mem1=$(kib_of "$parent" "$ENGINE") slab1=$(slab_kib) fd1=$(fd_count "$ENGINE")
t0=$(cpu_ticks "$parent" "$ENGINE")
sleep 10
t1=$(cpu_ticks "$parent" "$ENGINE")
hz=$(getconf CLK_TCK)

tdown0=$(now)
touch "$hold"
# A new login while they go: its setup time is the answer time.
spawn probe "$CLI" python3 "$LOAD" "$SRV_V4" 1 "$USER1" "$PASS1" --first-port 60000 --hold-file "$hold"
if [ "$MODE" = shared ]; then
	wait_for 900 "every tunnel closed" eval "[ \$(fd_count $ENGINE) -le $((fd0 + 1)) ]"
else
	wait_for 900 "every interface gone" no_ng_links "$SRV"
fi
tdown=$(elapsed "$tdown0")
wait_for 30 "the probe's answer" grep -q '^setup' "$TMPD/probe.log"
probe=$(awk '/^setup/ { print $3 }' "$TMPD/probe.log")

result n "$N"
result setup_rate "$(awk -v n="$N" -v s="$setup" 'BEGIN { printf "%.0f", n / s }')"
result teardown_rate "$(awk -v n="$N" -v t="$tdown" 'BEGIN { printf "%.0f", n / t }')"
result probe "${probe:-n/a}"
result rss_kib "$(awk -v a="$mem0" -v b="$mem1" -v n="$N" 'BEGIN { printf "%.1f", (b - a) / n }')"
result kernel_kib "$(awk -v a="$slab0" -v b="$slab1" -v n="$N" -v p="$pair" 'BEGIN { printf "%.1f", (b - a) / n - p / 2 }')"
result total_kib "$(awk -v a="$mem0" -v b="$mem1" -v c="$slab0" -v d="$slab1" -v n="$N" -v p="$pair" \
	'BEGIN { printf "%.1f", (b - a + d - c) / n - p / 2 }')"
result fds "$(awk -v a="$fd0" -v b="$fd1" -v n="$N" 'BEGIN { printf "%.2f", (b - a) / n }')"
result idle_cpu "$(awk -v a="$t0" -v b="$t1" -v hz="$hz" 'BEGIN { printf "%.2f", (b - a) / hz / 10 * 100 }')"

# Protocol 41: one tunnel per client address (gif semantics), so the
# client side gets N addresses of its own, routed back by the server.
wait_for 60 "the probe's session gone" eval "[ \$(fd_count $ENGINE) -le $((fd0 + 1)) ]"
for i in $(seq 1 "$N"); do
	echo "address add 198.18.$((i / 256)).$((i % 256))/32 dev eth0"
done >"$TMPD/addrs.batch"
ip -n "$CLI" -batch "$TMPD/addrs.batch" || fail "cannot add $N client addresses"
ip -n "$SRV" route add 198.18.0.0/16 via "$CLI_V4" || fail "cannot route the client addresses"
rm -f "$hold"
spawn p41load "$CLI" sh -c "ulimit -n $hard && exec python3 $LOAD $SRV_V4 $N $USER1 $PASS1 --p41 --source-base 198.18.0.1 --hold-file $hold"
if ! wait_for 900 "$N protocol-41 tunnels up" grep -q '^held' "$TMPD/p41load.log"; then
	cat "$TMPD/p41load.log"; tail -5 "$TMPD/dtcps.log"
	echo "bench-scale: the protocol-41 tunnels did not come up" >&2
	exit 1
fi
result p41_n "$N"
result p41_setup_rate "$(awk -v n="$N" '/^setup/ { printf "%.0f", n / $3 }' "$TMPD/p41load.log")"
result p41_control "$(awk '/^control/ { print $2 }' "$TMPD/p41load.log")"
tdown0=$(now)
touch "$hold"
if [ "$MODE" = shared ]; then
	wait_for 900 "every tunnel closed" eval "[ \$(fd_count $ENGINE) -le $((fd0 + 1)) ]"
else
	wait_for 900 "every gif interface gone" eval "! ip -n $SRV -o link show | grep -q ': gif'"
fi
result p41_teardown_rate "$(awk -v n="$N" -v t="$(elapsed "$tdown0")" 'BEGIN { printf "%.0f", n / t }')"
