#!/bin/bash
# Throughput and latency of the data plane, run by `make bench` (as root).
# Two namespaces A and B joined by one veth; one IPv6 TCP flow (iperf3, median
# of BENCH_RUNS runs of BENCH_TIME s, server in A, client in B) and ping RTT
# over: the raw veth, a dtcp host tunnel over UDP and one over protocol 41
# (dtcps in A, dtcpc in B) and a socat TUN<->UDP tunnel (the user-space
# baseline). Never asserts on timing;
# exits non-zero only when a path could not be set up. Cleans up with a trap.
set -u
TEST_NAME=bench
# shellcheck source=../tests/netns/lib.sh
. "$(dirname "$0")/../tests/netns/lib.sh"

RUNS=${BENCH_RUNS:-3}
SECS=${BENCH_TIME:-10}
NSA=${PFX}a
NSB=${PFX}b
A4=198.51.100.1
B4=198.51.100.2
A6=2001:db8:bb::1
B6=2001:db8:bb::2
rc=0
declare -A GBPS=() RTT=()

if [ "$(id -u)" -ne 0 ]; then
	echo "bench: needs root to create network namespaces (try: sudo make bench)" >&2
	exit 1
fi
need_bins
for p in iperf3 socat ping; do
	command -v "$p" >/dev/null || { echo "bench: $p is not installed (make deps)" >&2; exit 1; }
done

# iperf_gbps JSON-FILE : the receiver's bits per second, in Gbit/s
iperf_gbps() {
	awk '/"sum_received"/ { f = 1 }
	     f && /"bits_per_second"/ { gsub(/[^0-9.eE+-]/, "", $2); printf "%.3f", $2 / 1e9; exit }' \
		FS=':' "$1"
}

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR) printf "%.3f", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# measure PATH TARGET-V6 : throughput and RTT from B to TARGET in A
measure() {
	local path=$1 dst=$2 i g vals="" out
	out=$TMPD/iperf-$path.json
	echo "== $path: $RUNS x ${SECS}s iperf3 to $dst"
	for i in $(seq "$RUNS"); do
		if ! timeout $((SECS + 20)) ip netns exec "$NSB" iperf3 -6 -c "$dst" -t "$SECS" -J >"$out" 2>&1; then
			echo "   run $i: iperf3 failed: $(grep -m1 '"error"' "$out")"
			continue
		fi
		g=$(iperf_gbps "$out")
		echo "   run $i: $g Gbit/s"
		vals="$vals$g"$'\n'
	done
	GBPS[$path]=$(printf '%s' "$vals" | median)
	if [ -z "${GBPS[$path]}" ]; then
		GBPS[$path]="n/a"
		rc=1
	fi
	RTT[$path]=$(ip netns exec "$NSB" ping -6 -q -c 20 -i 0.2 -W 2 "$dst" 2>/dev/null |
		awk -F'/' '/^(rtt|round-trip)/ { printf "%.3f", $5 }')
	[ -n "${RTT[$path]}" ] || RTT[$path]="n/a"
	echo "   median ${GBPS[$path]} Gbit/s, ping avg ${RTT[$path]} ms"
}

unavailable() {
	echo "bench: $1: could not be set up: $2"
	GBPS[$1]="n/a"
	RTT[$1]="n/a"
	rc=1
}

echo "== namespaces $NSA and $NSB, one veth"
ns_new "$NSA"
ns_new "$NSB"
veth_pair "$NSA" eth0 "$NSB" eth0
ip -n "$NSA" addr add "$A4/24" dev eth0
ip -n "$NSB" addr add "$B4/24" dev eth0
ip -n "$NSA" addr add "$A6/64" dev eth0 nodad
ip -n "$NSB" addr add "$B6/64" dev eth0 nodad
wait_for 5 "veth up" nsx "$NSB" ping -6 -c 1 -W 1 "$A6" || fail "the veth does not carry IPv6"
spawn iperf3 "$NSA" iperf3 -s
wait_for 5 "iperf3 -s listens" tcp_listening "$NSA" 5201 || fail "iperf3 -s did not start"

# (a) raw veth
measure raw "$A6"

# dtcp_path PATH IFNAME [-U] : a dtcp host tunnel (dtcps in A, dtcpc in B)
# over UDP (-U) or protocol 41, measured as PATH
dtcp_path() {
	local path=$1 ifname=$2
	shift 2
	echo "== $path: dtcps $* in $NSA, dtcpc -t host $* in $NSB"
	if ! spawn dtcps "$NSA" "$DTCPS" "${RUNFILES[@]}" -D "$@" -A "$PWFILE" -L "$A4" "$PREFIX6" ||
		! wait_for 10 "dtcps listens" tcp_listening "$NSA" 20200; then
		unavailable "$path" "dtcps did not start: $(tail -n 3 "$TMPD/dtcps.log")"
		return
	fi
	spawn dtcpc "$NSB" "$DTCPC" "$@" -t host -F "$TMPD/dtcpc.auth" -u "$USER1" "$A4"
	if wait_for 10 "$path tunnel" has_addr "$NSB" "$ifname" 'inet6 2001:db8:1::6' &&
		wait_for 5 "$path tunnel carries IPv6" nsx "$NSB" ping -6 -c 1 -W 1 2001:db8:1::5; then
		measure "$path" 2001:db8:1::5
	else
		unavailable "$path" "no working tunnel: $(tail -n 3 "$TMPD/dtcpc.log")"
	fi
	stop dtcpc TERM 5
	stop dtcps TERM 5
}

# (b) dtcp host tunnels: UDP, then protocol 41
client_auth "$TMPD/dtcpc.auth" "$A4" "$USER1" "$PASS1"
if ! (make_pwfile) >"$TMPD/dtcpauth.log" 2>&1; then
	unavailable dtcp-udp "$(grep -m1 'FAIL:' "$TMPD/dtcpauth.log")"
	unavailable dtcp-p41 "$(grep -m1 'FAIL:' "$TMPD/dtcpauth.log")"
else
	dtcp_path dtcp-udp ng0 -U
	dtcp_path dtcp-p41 gif0
fi

# (c) socat TUN <-> UDP
echo "== socat: TUN <-> UDP in both namespaces"
spawn socat-a "$NSA" socat "UDP-DATAGRAM:$B4:5000,bind=$A4:5000" TUN,tun-type=tun,iff-no-pi,iff-up,tun-name=st0
spawn socat-b "$NSB" socat "UDP-DATAGRAM:$A4:5000,bind=$B4:5000" TUN,tun-type=tun,iff-no-pi,iff-up,tun-name=st0
if wait_for 5 "socat TUNs" eval "has_link $NSA st0 && has_link $NSB st0" &&
	ip -n "$NSA" link set st0 mtu 1280 up && ip -n "$NSB" link set st0 mtu 1280 up &&
	ip -n "$NSA" addr add 2001:db8:cc::1 peer 2001:db8:cc::2/128 dev st0 nodad &&
	ip -n "$NSB" addr add 2001:db8:cc::2 peer 2001:db8:cc::1/128 dev st0 nodad &&
	wait_for 5 "socat tunnel carries IPv6" nsx "$NSB" ping -6 -c 1 -W 1 2001:db8:cc::1; then
	measure socat 2001:db8:cc::1
else
	unavailable socat "no working socat tunnel"
fi

# ratio A B : A / B with two decimals, n/a when either is unknown
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (a == "n/a" || b == "n/a" || b + 0 == 0) print "n/a"; else printf "%.2f", a / b }'
}

echo
echo "IPv6 TCP, one flow, median of $RUNS x ${SECS}s; ping -c 20 -i 0.2 average"
printf '%-10s | %8s | %12s | %14s | %15s | %8s\n' path Gbit/s "ratio to raw" "ratio to socat" "ratio to dtcp-udp" "RTT ms"
printf '%-10s-+-%8s-+-%12s-+-%14s-+-%15s-+-%8s\n' ---------- -------- ------------ -------------- --------------- --------
for p in raw dtcp-udp dtcp-p41 socat; do
	printf '%-10s | %8s | %12s | %14s | %15s | %8s\n' "$p" "${GBPS[$p]}" \
		"$(ratio "${GBPS[$p]}" "${GBPS[raw]}")" "$(ratio "${GBPS[$p]}" "${GBPS[socat]}")" \
		"$(ratio "${GBPS[$p]}" "${GBPS[dtcp-udp]}")" "${RTT[$p]}"
done
exit "$rc"
