# shellcheck shell=bash
# Shared helpers for the network-namespace scenarios (sourced, never run).
# Owns the per-run namespaces, the standard topology, the processes started in
# it and their cleanup: an EXIT trap kills every process and deletes every
# namespace whatever happens. Every wait is bounded. At its end it sources the
# helpers kept apart by job, so a scenario sources this file only:
#   lib_ctl.sh     the control protocol spoken by hand (ctl_*)
#   lib_nat.sh     the NAT topology and its nftables ruleset (topo_nat, nat_*)
#   lib_mem.sh     the memory scanner that looks for a secret (mem_count)
#   lib_client.sh  dtcpclient and its script (start_dtcpclient, client_conf)
#   lib_limits.sh  the engine process, /proc figures, the connection loader
#
# Standard topology (names carry a per-run prefix, "dt<pid>-"):
#
#   CLI  eth0 192.0.2.2/24 --+
#                            +-- br0 192.0.2.1/24 in SRV
#   CLI2 eth0 192.0.2.3/24 --+
#   SRV  inet0 2001:db8:ffff::1/64 ---- eth0 2001:db8:ffff::2/64 INET (default via ::1)

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BIN=${DTCP_BUILD:-$ROOT/build}
DTCPS=$BIN/dtcps
DTCPC=$BIN/dtcpc
DTCPAUTH=$BIN/dtcpauth
DTCPCTL=$BIN/dtcpctl
TEST_NAME=${TEST_NAME:-$(basename "$0" .sh)}

PFX="dt$$-"
SRV=${PFX}srv
CLI=${PFX}cli
CLI2=${PFX}cli2
INET=${PFX}inet
SRV_V4=192.0.2.1
CLI_V4=192.0.2.2
CLI2_V4=192.0.2.3
INET_V6=2001:db8:ffff::2
SRV_INET_V6=2001:db8:ffff::1
PREFIX6=2001:db8:1::/64
USER1=alice
PASS1=secret1

TMPD=$(mktemp -d "/tmp/${PFX}XXXXXX") || exit 1
# dtcps's pidfile and control socket default to /run: each scenario's
# servers keep theirs in TMPD, so that runs side by side never meet.
RUNFILES=(-f "$TMPD/dtcps.pid" -C "$TMPD/dtcps.sock")
chmod 700 "$TMPD"
PWFILE=$TMPD/dtcps.auth

NAMESPACES=()
declare -A PIDS=()	# name -> pid of a background process we started
# shellcheck disable=SC2034 # read by the scenarios after stop/exit_status
STOP_RC=0

# ---------------------------------------------------------------- output

# say TEXT... : print a line
say() { printf '%s\n' "$*"; }
# ok TEXT... : print a passed step
ok() { printf 'ok: %s\n' "$*"; }
# now : the current time (an EPOCHREALTIME value)
now() { printf '%s' "$EPOCHREALTIME"; }
# elapsed START -> seconds since START (EPOCHREALTIME value), one decimal
elapsed() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }
# fcmp A OP B -> true when the numeric comparison holds (floats allowed)
fcmp() { awk -v a="$1" -v b="$3" -v op="$2" 'BEGIN {
	if (op == "<") exit !(a < b); if (op == "<=") exit !(a <= b)
	if (op == ">") exit !(a > b); if (op == ">=") exit !(a >= b); exit 2 }'; }

# within SECONDS MIN MAX WHAT : fail unless MIN <= SECONDS <= MAX (WHAT, the
# event that took SECONDS, names it in the message)
within() {
	fcmp "$1" ">=" "$2" || fail "$4 after ${1}s, before the ${2}s it may take at the least"
	fcmp "$1" "<=" "$3" || fail "$4 after ${1}s, after the ${3}s it may take at the most"
}

# run CMD... : print the command, then run it
run() { printf '+ %s\n' "$*"; "$@"; }

# show_logs: the tail of every log of this run, for failure diagnosis
show_logs() {
	local f
	for f in "$TMPD"/*.log; do
		[ -s "$f" ] || continue
		printf -- '--- %s (last 25 lines)\n' "$(basename "$f")"
		tail -n 25 "$f"
	done
}

# fail TEXT... : report the failure with the logs, exit 1
fail() {
	printf 'FAIL: %s: %s\n' "$TEST_NAME" "$*"
	show_logs
	exit 1
}

# pass [TEXT] : report success, exit 0
pass() {
	printf 'PASS: %s%s\n' "$TEST_NAME" "${1:+: $1}"
	exit 0
}

# check DESC CMD... : run CMD (quietly), fail with DESC unless it succeeds
check() {
	local desc=$1
	shift
	if "$@" >/dev/null 2>&1; then
		ok "$desc"
	else
		fail "$desc (command: $*)"
	fi
}

# wait_for TIMEOUT DESC CMD... : poll CMD every 0.1 s until it succeeds
wait_for() {
	local timeout=$1 desc=$2 end
	shift 2
	end=$(awk -v t="$EPOCHREALTIME" -v d="$timeout" 'BEGIN { printf "%.3f", t + d }')
	while :; do
		if "$@" >/dev/null 2>&1; then
			return 0
		fi
		if fcmp "$EPOCHREALTIME" ">" "$end"; then
			say "timeout after ${timeout}s waiting for: $desc"
			return 1
		fi
		sleep 0.1
	done
}

# wait_for_or_fail TIMEOUT DESC CMD... : wait_for, failing the test on timeout
wait_for_or_fail() {
	wait_for "$@" || fail "timed out after $1 s: $2"
	ok "$2"
}

# need_root : we run as root (network namespaces need it)
need_root() {
	[ "$(id -u)" -eq 0 ] || { echo "FAIL: $TEST_NAME: needs root (network namespaces)"; exit 1; }
}

# need_bins : the three programs exist
need_bins() {
	local b
	for b in "$DTCPS" "$DTCPC" "$DTCPAUTH"; do
		[ -x "$b" ] || fail "$b is missing: run make first"
	done
}

# ---------------------------------------------------------------- cleanup

# cleanup : close the control connections, end our processes (TERM, then
# KILL after 2 s) and everything left in our namespaces, delete them and TMPD
cleanup() {
	local name pid ns
	ctl_close_all
	for name in "${!PIDS[@]}"; do
		kill -TERM "${PIDS[$name]}" 2>/dev/null
	done
	for _ in $(seq 20); do
		pid=""
		for name in "${!PIDS[@]}"; do
			kill -0 "${PIDS[$name]}" 2>/dev/null && pid=${PIDS[$name]}
		done
		[ -z "$pid" ] && break
		sleep 0.1
	done
	for name in "${!PIDS[@]}"; do
		kill -KILL "${PIDS[$name]}" 2>/dev/null
	done
	# Anything else still inside one of our namespaces was started by us.
	for ns in "${NAMESPACES[@]}"; do
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			kill -KILL "$pid" 2>/dev/null
		done
	done
	for ns in "${NAMESPACES[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	rm -rf "$TMPD"
	PIDS=()
	NAMESPACES=()
}

# on_exit : the EXIT trap: cleanup in the main shell, keeping the exit status
on_exit() {
	local rc=$?
	trap - EXIT
	# A forked child (a background job signalled before its exec) inherits
	# this trap: only the main shell cleans up.
	[ "$BASHPID" = "$$" ] || exit "$rc"
	cleanup
	exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# ---------------------------------------------------------------- namespaces

# ns_new NAME : create a namespace (lo up, IPv6 on, no DAD), removed at exit
ns_new() {
	ip netns add "$1" || fail "cannot create namespace $1"
	NAMESPACES+=("$1")
	ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 \
		net.ipv6.conf.default.disable_ipv6=0 net.ipv6.conf.all.accept_dad=0 \
		net.ipv6.conf.default.accept_dad=0 >/dev/null || fail "sysctl in $1"
	ip -n "$1" link set lo up || fail "lo up in $1"
}

# nsx NS CMD... : run CMD inside namespace NS
nsx() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}

# veth_pair NS1 IF1 NS2 IF2 : veth between two namespaces, both ends up
veth_pair() {
	ip -n "$1" link add "$2" type veth peer name "$4" netns "$3" ||
		fail "cannot create veth $1/$2 - $3/$4"
	ip -n "$1" link set "$2" up || fail "cannot set $1/$2 up"
	ip -n "$3" link set "$4" up || fail "cannot set $3/$4 up"
}

# br_join PORT NS IF ADDR : veth from SRV's bridge br0 (port PORT) to IF in
# NS, which gets ADDR/24
br_join() {
	veth_pair "$SRV" "$1" "$2" "$3"
	ip -n "$SRV" link set "$1" master br0 || fail "cannot add $1 to br0"
	ip -n "$2" addr add "$4/24" dev "$3"
}

# topo_srv_inet : the half both topologies share (after need_root and
# need_bins): SRV forwarding IPv6, its bridge br0 ($SRV_V4/24) and INET
# behind its inet0, checked by a ping from INET
topo_srv_inet() {
	need_root
	need_bins
	ns_new "$SRV"
	ns_new "$INET"
	nsx "$SRV" sysctl -qw net.ipv6.conf.all.forwarding=1 >/dev/null || fail "forwarding in SRV"
	ip -n "$SRV" link add br0 type bridge || fail "bridge in SRV"
	ip -n "$SRV" addr add "$SRV_V4/24" dev br0
	ip -n "$SRV" link set br0 up
	veth_pair "$SRV" inet0 "$INET" eth0
	ip -n "$SRV" addr add "$SRV_INET_V6/64" dev inet0 nodad
	ip -n "$INET" addr add "$INET_V6/64" dev eth0 nodad
	ip -n "$INET" -6 route add default via "$SRV_INET_V6" dev eth0 || fail "INET default route"
	wait_for 5 "INET reaches SRV over IPv6" nsx "$INET" ping -6 -c 1 -W 1 "$SRV_INET_V6" ||
		fail "topology: INET cannot ping $SRV_INET_V6"
}

# topo_std [cli2] : SRV, CLI, INET (and CLI2 when asked), addressed as above
topo_std() {
	topo_srv_inet
	ns_new "$CLI"
	br_join c1 "$CLI" eth0 "$CLI_V4"
	if [ "${1:-}" = cli2 ]; then
		ns_new "$CLI2"
		br_join c2 "$CLI2" eth0 "$CLI2_V4"
	fi
	wait_for 5 "CLI reaches SRV over IPv4" nsx "$CLI" ping -c 1 -W 1 "$SRV_V4" ||
		fail "topology: CLI cannot ping $SRV_V4"
	ok "topology up: $SRV $CLI${1:+ $CLI2} $INET"
}

# ---------------------------------------------------------------- processes

# spawn NAME NS CMD... : start CMD in NS in the background, output to
# $TMPD/NAME.log, pid in PIDS[NAME]
spawn() {
	local name=$1 ns=$2
	shift 2
	printf '+ [%s] %s\n' "${ns#"$PFX"}" "$*"
	(trap - EXIT INT TERM HUP; exec ip netns exec "$ns" "$@") </dev/null >"$TMPD/$name.log" 2>&1 &
	PIDS[$name]=$!
}

# alive NAME : the process NAME was started and still runs
alive() { [ -n "${PIDS[$1]:-}" ] && kill -0 "${PIDS[$1]}" 2>/dev/null; }

# stop NAME [SIGNAL] [TIMEOUT] : signal the process, wait (bounded) for it;
# its exit status goes to STOP_RC. Returns 1 when it did not exit in time.
stop() {
	local name=$1 sig=${2:-TERM} timeout=${3:-5} pid
	pid=${PIDS[$name]:-}
	[ -n "$pid" ] || return 0
	kill "-$sig" "$pid" 2>/dev/null
	if ! wait_for "$timeout" "$name exits" eval "! kill -0 $pid"; then
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		STOP_RC=$?
		unset "PIDS[$name]"
		return 1
	fi
	wait "$pid" 2>/dev/null
	STOP_RC=$?
	unset "PIDS[$name]"
	return 0
}

# exit_status NAME TIMEOUT : wait (bounded) for a process to exit by itself
exit_status() {
	local name=$1 timeout=${2:-10} pid
	pid=${PIDS[$name]}
	wait_for "$timeout" "$name exits by itself" eval "! kill -0 $pid" || return 1
	wait "$pid" 2>/dev/null
	# shellcheck disable=SC2034 # read by the scenarios
	STOP_RC=$?
	unset "PIDS[$name]"
	return 0
}

# ---------------------------------------------------------------- dtcp

# make_pwfile : the server password file with alice:secret1 (via dtcpauth)
make_pwfile() {
	run "$DTCPAUTH" -f "$PWFILE" --init || fail "dtcpauth --init failed"
	run "$DTCPAUTH" -f "$PWFILE" -u "$USER1" "$PASS1" || fail "dtcpauth -u failed"
	chmod 600 "$PWFILE"
}

# client_auth FILE SERVER USER PASSWORD : write a dtcpc auth file, mode 0600
client_auth() {
	(umask 077 && printf '%s:%s:%s\n' "$2" "$3" "$4" >"$1") || fail "cannot write $1"
	chmod 600 "$1"
}

# udp_listening NS PORT : a UDP socket is bound to PORT in NS
udp_listening() { [ -n "$(nsx "$1" ss -Hnua "sport = :$2")" ]; }
# tcp_listening NS PORT : a TCP socket listens on PORT in NS
tcp_listening() { [ -n "$(nsx "$1" ss -Hnlt "sport = :$2")" ]; }
# has_link NS DEV : the interface DEV exists in NS
has_link() { ip -n "$1" link show dev "$2" >/dev/null 2>&1; }
# no_link NS DEV : the interface DEV does not exist in NS
no_link() { ! has_link "$@"; }
# link_up NS DEV : the interface DEV in NS is administratively up
link_up() { ip -n "$1" link show dev "$2" 2>/dev/null | grep -q '[<,]UP[,>]'; }
# link_mtu NS DEV MTU : the interface DEV in NS has that MTU
link_mtu() { ip -n "$1" link show dev "$2" 2>/dev/null | grep -q "mtu $3 "; }
# ng_links NS : the ng* interfaces in NS, one per line
ng_links() { ip -n "$1" -o link show | awk -F': ' '{ sub(/@.*/, "", $2); if ($2 ~ /^ng/) print $2 }'; }
# no_ng_links NS : NS has no ng* interface
no_ng_links() { [ -z "$(ng_links "$1")" ]; }
# has_addr NS DEV REGEX : `ip -6 addr show dev DEV` in NS matches REGEX
has_addr() { ip -n "$1" -6 addr show dev "$2" 2>/dev/null | grep -Eq "$3"; }
# no_global_addr NS DEV : DEV in NS has no global IPv6 address
no_global_addr() { ! ip -n "$1" -6 addr show dev "$2" scope global 2>/dev/null | grep -q inet6; }
# default_via NS DEV : the IPv6 default route in NS goes out of DEV
default_via() { ip -n "$1" -6 route show default | grep -q "dev $2\b"; }
# nft_packets NS FAMILY TABLE COUNTER : packets counted so far by that
# nftables counter in NS
nft_packets() {
	nsx "$1" nft list counter "$2" "$3" "$4" |
		awk '{ for (i = 1; i < NF; i++) if ($i == "packets") { print $(i + 1); exit } }'
}

# start_server [EXTRA-ARGS...] : dtcps in SRV (foreground, debug, UDP, the
# prefix, the lowest free UDP port first (-l) so that the scenarios know the
# ports; t_ports checks the random default), waits until it listens on TCP
# 20200
# shellcheck disable=SC2120 # the scenarios pass EXTRA-ARGS
start_server() {
	[ -f "$PWFILE" ] || make_pwfile
	spawn dtcps "$SRV" "$DTCPS" "${RUNFILES[@]}" -D -d -U -l -A "$PWFILE" -L "$SRV_V4" "$@" "$PREFIX6"
	wait_for 10 "dtcps listens on $SRV_V4:20200" \
		eval "alive dtcps && tcp_listening $SRV 20200" ||
		fail "dtcps did not start listening"
	alive dtcps || fail "dtcps exited at start"
	ok "dtcps listening on $SRV_V4:20200"
}

# start_server_p41 [EXTRA-ARGS...] : dtcps in SRV as start_server starts it
# but without -U, so that it serves protocol-41 tunnels only
start_server_p41() {
	[ -f "$PWFILE" ] || make_pwfile
	spawn dtcps "$SRV" "$DTCPS" "${RUNFILES[@]}" -D -d -A "$PWFILE" -L "$SRV_V4" "$@" "$PREFIX6"
	wait_for 10 "dtcps listens on $SRV_V4:20200" \
		eval "alive dtcps && tcp_listening $SRV 20200" ||
		fail "dtcps did not start listening"
	alive dtcps || fail "dtcps exited at start"
	ok "dtcps (protocol 41 only) listening on $SRV_V4:20200"
}

# tcp_transfer NS MIB TIMEOUT : MIB MiB of random data sent by socat over TCP
# from NS to a socat listener in INET on [$INET_V6]:5001, written to a file;
# fails unless both files have the same sha256 (every step within TIMEOUT s)
tcp_transfer() {
	local ns=$1 mib=$2 timeout=$3 src=$TMPD/xfer.src dst=$TMPD/xfer.dst start a b
	head -c "$((mib * 1048576))" /dev/urandom >"$src" || fail "cannot write $src"
	rm -f "$dst"
	spawn xfer_rx "$INET" timeout "$timeout" socat -u \
		"TCP6-LISTEN:5001,bind=[$INET_V6],reuseaddr" "CREATE:$dst"
	wait_for_or_fail 5 "socat listens in INET on [$INET_V6]:5001" tcp_listening "$INET" 5001
	start=$(now)
	run timeout "$timeout" ip netns exec "$ns" socat -u "OPEN:$src" \
		"TCP6:[$INET_V6]:5001,connect-timeout=5" || fail "the sending socat failed or timed out"
	exit_status xfer_rx "$timeout" || fail "the receiving socat did not finish"
	[ "$STOP_RC" -eq 0 ] || fail "the receiving socat exited with $STOP_RC"
	a=$(sha256sum <"$src") b=$(sha256sum <"$dst" 2>/dev/null)
	a=${a%% *} b=${b%% *}
	[ "$a" = "$b" ] || fail "sha256 of the received file $b, of the sent file $a"
	ok "$mib MiB over TCP from ${ns#"$PFX"} to INET in $(elapsed "$start") s, sha256 $a on both ends"
	rm -f "$src" "$dst"
}

# start_client NAME NS ARGS... : dtcpc in NS with ARGS (server etc. included)
start_client() {
	local name=$1 ns=$2
	shift 2
	spawn "$name" "$ns" "$DTCPC" "$@"
}

# start_dtcpc NAME NS TYPE [DTCPC-ARGS...] : dtcpc as NAME in NS, a TYPE
# tunnel over UDP (host: -r static) as alice, with DTCPC-ARGS; its password
# file $TMPD/dtcpc.auth (-F; written when missing)
start_dtcpc() {
	local name=$1 ns=$2 type=$3 auth=$TMPD/dtcpc.auth
	shift 3
	[ -f "$auth" ] || client_auth "$auth" "$SRV_V4" "$USER1" "$PASS1"
	if [ "$type" = host ]; then
		set -- -r static "$@"
	fi
	start_client "$name" "$ns" -U -t "$type" -F "$auth" "$@" -u "$USER1" "$SRV_V4"
}

# wait_tunnel NS TYPE [CLIENT6 SERVER6] : wait (10 s) for ng0 in NS: up
# (tunnelonly), or with CLIENT6 peer SERVER6 (host; default ::6 peer ::5)
wait_tunnel() {
	local c6=${3:-2001:db8:1::6} s6=${4:-2001:db8:1::5}
	if [ "$2" = host ]; then
		wait_for_or_fail 10 "${1#"$PFX"} ng0 has $c6 peer $s6" has_addr "$1" ng0 "inet6 $c6 peer $s6/128"
	else
		wait_for_or_fail 10 "${1#"$PFX"} ng0 is up" link_up "$1" ng0
	fi
}

# start_dtcpc_tunnel TYPE [DTCPC-ARGS...] : set up what is missing (topo_std
# without namespaces, dtcps when not running), then dtcpc "dtcpc" in CLI
# (start_dtcpc) and wait_tunnel for its ng0
start_dtcpc_tunnel() {
	[ "${#NAMESPACES[@]}" -gt 0 ] || topo_std
	alive dtcps || start_server
	start_dtcpc dtcpc "$CLI" "$@"
	wait_tunnel "$CLI" "$1"
}

# start_two_tunnels [DTCPC-ARGS...] : topo_std cli2 and dtcps, then host
# tunnels dtcpc1 in CLI (::6 peer ::5) and dtcpc2 in CLI2 (::a peer ::9),
# each waited for before the next starts
start_two_tunnels() {
	topo_std cli2
	start_server
	start_dtcpc dtcpc1 "$CLI" host "$@"
	wait_tunnel "$CLI" host
	start_dtcpc dtcpc2 "$CLI2" host "$@"
	wait_tunnel "$CLI2" host 2001:db8:1::a 2001:db8:1::9
}

# tunnelonly_ping : number the ends of a tunnelonly ng0 (SRV 2001:db8:2::1,
# CLI 2001:db8:2::2) and ping across it both ways
tunnelonly_ping() {
	local dev=${1:-ng0}
	run ip -n "$SRV" addr add 2001:db8:2::1 peer 2001:db8:2::2/128 dev "$dev" nodad || fail "address on server $dev"
	run ip -n "$CLI" addr add 2001:db8:2::2 peer 2001:db8:2::1/128 dev "$dev" nodad || fail "address on client $dev"
	run nsx "$CLI" ping -6 -c 3 -i 0.2 -W 2 2001:db8:2::1 || fail "client cannot ping the server end 2001:db8:2::1"
	ok "client -> server ping"
	run nsx "$SRV" ping -6 -c 3 -i 0.2 -W 2 2001:db8:2::2 || fail "server cannot ping the client end 2001:db8:2::2"
	ok "server -> client ping"
}

# count_of LINE LABEL : the number after LABEL in a counters line
count_of() { sed -n "s/.*$2 \\([0-9][0-9]*\\).*/\\1/p" <<<"$1"; }

# closed_line IFNAME : the last "tunnel IFNAME closed" line in dtcps.log,
# waited for (5 s)
closed_line() {
	wait_for 5 "the server's close line for $1" grep -q "tunnel $1 closed" "$TMPD/dtcps.log" ||
		fail "dtcps logged no close line for $1"
	grep "tunnel $1 closed" "$TMPD/dtcps.log" | tail -n 1
}

# lan_behind_client : LAN, a host on lan0 of CLI (its eth0), with CLI
# forwarding IPv6: the home network of a network tunnel
LAN=${PFX}lan
lan_behind_client() {
	ns_new "$LAN"
	veth_pair "$CLI" lan0 "$LAN" eth0
	nsx "$CLI" sysctl -qw net.ipv6.conf.all.forwarding=1 >/dev/null ||
		fail "cannot turn on IPv6 forwarding in CLI"
}

# ---------------------------------------------------------------- by job

# shellcheck source=lib_ctl.sh
. "$ROOT/tests/netns/lib_ctl.sh"
# shellcheck source=lib_nat.sh
. "$ROOT/tests/netns/lib_nat.sh"
# shellcheck source=lib_mem.sh
. "$ROOT/tests/netns/lib_mem.sh"
# shellcheck source=lib_client.sh
. "$ROOT/tests/netns/lib_client.sh"
# shellcheck source=lib_limits.sh
. "$ROOT/tests/netns/lib_limits.sh"
# shellcheck source=lib_p41.sh
. "$ROOT/tests/netns/lib_p41.sh"

# scale_up N : N host tunnels from CLI to SRV at once (scaleload.py), an
# ICMPv6 echo through each; waits (60 s) until all are up and held, fails
# unless every tunnel answered. They are held until $TMPD/hold exists.
scale_up() {
	spawn load "$CLI" python3 "$ROOT/tests/netns/scaleload.py" "$SRV_V4" "$1" "$USER1" "$PASS1" \
		--ping-tunnels --hold-file "$TMPD/hold"
	wait_for_or_fail 60 "$1 tunnels up and pinged" grep -q '^held' "$TMPD/load.log"
	cat "$TMPD/load.log"
	grep -q "^tunnels $1 " "$TMPD/load.log" || fail "not every tunnel answered"
}
