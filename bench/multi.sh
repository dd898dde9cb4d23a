#!/bin/bash
# The data plane on every core, part of `make bench` (as root): four
# client namespaces, each with its own veth to the server's namespace and
# its own dtcpc host tunnel over UDP. For each server mode (one interface
# per tunnel relayed by the main loop only, -t 0; the same with the
# default relay threads; one shared interface, -s) it measures one TCP
# flow through one tunnel, then four at once, one per tunnel (iperf3,
# BENCH_TIME s each), and prints them against the raw veths measured the
# same way. Never asserts on speed.
set -u
TEST_NAME=bench-multi
# shellcheck source=../tests/netns/lib.sh
. "$(dirname "$0")/../tests/netns/lib.sh"

SECS=${BENCH_TIME:-10}
K=4
declare -A ONE=() ALL=() CPU=()

need_root
need_bins
command -v iperf3 >/dev/null || { echo "bench-multi: iperf3 is not installed (make deps)" >&2; exit 1; }
# iperf_gbps JSON-FILE : the receiver's bits per second, in Gbit/s
iperf_gbps() {
	awk '/"sum_received"/ { f = 1 }
	     f && /"bits_per_second"/ { gsub(/[^0-9.eE+-]/, "", $2); printf "%.3f", $2 / 1e9; exit }' \
		FS=':' "$1"
}

ns_new "$SRV"
nsx "$SRV" sysctl -qw net.ipv6.conf.all.forwarding=1 >/dev/null
for i in $(seq $K); do
	ns_new "${PFX}c$i"
	veth_pair "$SRV" "m$i" "${PFX}c$i" eth0
	ip -n "$SRV" addr add "198.18.$i.1/24" dev "m$i"
	ip -n "${PFX}c$i" addr add "198.18.$i.2/24" dev eth0
	ip -n "$SRV" addr add "2001:db8:e:$i::1/64" dev "m$i" nodad
	ip -n "${PFX}c$i" addr add "2001:db8:e:$i::2/64" dev eth0 nodad
	spawn "iperf$i" "$SRV" iperf3 -s -p $((5200 + i))
done
for i in $(seq $K); do
	wait_for 5 "iperf3 -s on port $((5200 + i))" tcp_listening "$SRV" $((5200 + i)) ||
		fail "iperf3 -s did not start"
	wait_for 5 "veth $i carries IPv6" nsx "${PFX}c$i" ping -6 -c 1 -W 1 "2001:db8:e:$i::1" ||
		fail "veth $i does not carry IPv6"
done
make_pwfile >/dev/null
for i in $(seq $K); do client_auth "$TMPD/c$i.auth" "198.18.$i.1" "$USER1" "$PASS1"; done

# task_ticks PID : "tid ticks" for every thread of PID (user + system)
task_ticks() {
	local t
	for t in /proc/"$1"/task/*; do
		awk -v t="${t##*/}" '{ print t, $14 + $15 }' "$t/stat" 2>/dev/null
	done
}

# flows N TARGET... : N iperf3 flows at once, client i in namespace ci to
# TARGET i on port 5200+i; prints their sum in Gbit/s
flows() {
	local n=$1 i sum=0 g
	shift
	for i in $(seq "$n"); do
		timeout $((SECS + 20)) ip netns exec "${PFX}c$i" iperf3 -6 -c "${!i}" \
			-p $((5200 + i)) -t "$SECS" -J >"$TMPD/flow$i.json" 2>&1 &
	done
	wait
	for i in $(seq "$n"); do
		g=$(iperf_gbps "$TMPD/flow$i.json")
		[ -n "$g" ] || { echo "n/a"; return; }
		sum=$(awk -v a="$sum" -v b="$g" 'BEGIN { printf "%.3f", a + b }')
	done
	echo "$sum"
}

raw=()
for i in $(seq $K); do raw+=("2001:db8:e:$i::1"); done
echo "== raw veths: one flow, then $K at once"
ONE[raw]=$(flows 1 "${raw[@]}")
ALL[raw]=$(flows $K "${raw[@]}")
echo "   ${ONE[raw]} Gbit/s, $K at once ${ALL[raw]} Gbit/s"

# mode NAME DTCPS-ARGS... : the $K tunnels with dtcps started so, measured
mode() {
	local name=$1 i peers=()
	shift
	echo "== $name: dtcps $*"
	spawn dtcps "$SRV" "$DTCPS" "${RUNFILES[@]}" -D -U "$@" -A "$PWFILE" "$PREFIX6"
	wait_for 10 "dtcps listens" tcp_listening "$SRV" 20200 || fail "dtcps did not start"
	for i in $(seq $K); do
		spawn "dtcpc$i" "${PFX}c$i" "$DTCPC" -U -t host -r static -F "$TMPD/c$i.auth" \
			-u "$USER1" "198.18.$i.1"
	done
	for i in $(seq $K); do
		wait_for 10 "tunnel $i" has_addr "${PFX}c$i" ng0 'inet6 2001:db8:1::' ||
			fail "tunnel $i did not come up: $(tail -n 3 "$TMPD/dtcpc$i.log")"
		peers+=("$(ip -n "${PFX}c$i" -6 addr show dev ng0 | sed -n 's/.* peer \([0-9a-f:]*\)\/128.*/\1/p')")
		wait_for 5 "tunnel $i carries IPv6" nsx "${PFX}c$i" ping -6 -c 1 -W 1 "${peers[-1]}" ||
			fail "tunnel $i carries nothing"
	done
	wait_engine
	ONE[$name]=$(flows 1 "${peers[@]}")
	task_ticks "$ENGINE" >"$TMPD/ticks0"
	ALL[$name]=$(flows $K "${peers[@]}")
	task_ticks "$ENGINE" >"$TMPD/ticks1"
	# Each engine thread's share of a core during the $K flows: the
	# main loop first, then the relay threads.
	CPU[$name]=$(awk -v hz="$(getconf CLK_TCK)" -v s="$SECS" 'NR == FNR { a[$1] = $2; next }
		{ printf "%s%.0f%%", (FNR > 1 ? " " : ""), ($2 - a[$1]) / hz / s * 100 }' \
		"$TMPD/ticks0" "$TMPD/ticks1")
	echo "   ${ONE[$name]} Gbit/s, $K at once ${ALL[$name]} Gbit/s; engine threads busy ${CPU[$name]}"
	for i in $(seq $K); do stop "dtcpc$i" TERM 5; done
	stop dtcps TERM 10
}
mode per-interface-t0 -t 0
mode per-interface
mode shared -s dtcp0

ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (a == "n/a" || b == "n/a" || b + 0 == 0) print "n/a"; else printf "%.2f", a / b }'
}
echo
echo "IPv6 TCP over UDP host tunnels, $(nproc) processors; ${SECS}s per measurement"
printf '%-18s | %9s | %12s | %16s | %13s | %s\n' mode "1 flow" "of raw" "$K tunnels" "of 1 flow" \
	"engine threads busy with $K (main, relays)"
printf '%-18s-+-%9s-+-%12s-+-%16s-+-%13s-+-%s\n' ------------------ --------- ------------ ---------------- \
	------------- ------------------------------
for m in raw per-interface-t0 per-interface shared; do
	printf '%-18s | %9s | %12s | %16s | %13s | %s\n' "$m" "${ONE[$m]}" "$(ratio "${ONE[$m]}" "${ONE[raw]}")" \
		"${ALL[$m]}" "$(ratio "${ALL[$m]}" "${ONE[$m]}")" "${CPU[$m]:-}"
done
