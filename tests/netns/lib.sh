# shellcheck shell=bash
# Shared helpers for the network-namespace scenarios (sourced, never run).
# Owns the per-run namespaces, the standard topology, the processes started in
# it and their cleanup: an EXIT trap kills every process and deletes every
# namespace whatever happens. Every wait is bounded.
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
chmod 700 "$TMPD"
PWFILE=$TMPD/dtcps.auth

NAMESPACES=()
declare -A PIDS=()	# name -> pid of a background process we started
declare -A CTL_W=() CTL_R=() CTL_PID=()	# control connections (see ctl_open)
CTL_LINE=""
CHALLENGE=""
# dtcpc's password-file option (-A is the original's address option)
# shellcheck disable=SC2034 # used by the scenarios
CAUTH=-F
# shellcheck disable=SC2034 # read by the scenarios after stop/exit_status
STOP_RC=0

# ---------------------------------------------------------------- output

say() { printf '%s\n' "$*"; }
ok() { printf 'ok: %s\n' "$*"; }
now() { printf '%s' "$EPOCHREALTIME"; }
# elapsed START -> seconds since START (EPOCHREALTIME value), one decimal
elapsed() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }
# fcmp A OP B -> true when the numeric comparison holds (floats allowed)
fcmp() { awk -v a="$1" -v b="$3" -v op="$2" 'BEGIN {
	if (op == "<") exit !(a < b); if (op == "<=") exit !(a <= b)
	if (op == ">") exit !(a > b); if (op == ">=") exit !(a >= b); exit 2 }'; }

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

fail() {
	printf 'FAIL: %s: %s\n' "$TEST_NAME" "$*"
	show_logs
	exit 1
}

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

# wait_for_or_fail TIMEOUT DESC CMD...
wait_for_or_fail() {
	wait_for "$@" || fail "timed out after $1 s: $2"
	ok "$2"
}

need_root() {
	[ "$(id -u)" -eq 0 ] || { echo "FAIL: $TEST_NAME: needs root (network namespaces)"; exit 1; }
}

# need_bins : the three programs exist
# (-A in the first spec, -F once -A went back to its original meaning)
need_bins() {
	local b
	for b in "$DTCPS" "$DTCPC" "$DTCPAUTH"; do
		[ -x "$b" ] || fail "$b is missing: run make first"
	done
}

# ---------------------------------------------------------------- cleanup

cleanup() {
	local name pid ns
	for name in "${!CTL_PID[@]}"; do
		ctl_close "$name"
	done
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

# topo_std [cli2] : SRV, CLI, INET (and CLI2 when asked), addressed as above
topo_std() {
	ns_new "$SRV"
	ns_new "$CLI"
	ns_new "$INET"
	nsx "$SRV" sysctl -qw net.ipv6.conf.all.forwarding=1 >/dev/null || fail "forwarding in SRV"
	ip -n "$SRV" link add br0 type bridge || fail "bridge in SRV"
	ip -n "$SRV" addr add "$SRV_V4/24" dev br0
	ip -n "$SRV" link set br0 up
	veth_pair "$SRV" c1 "$CLI" eth0
	ip -n "$SRV" link set c1 master br0
	ip -n "$CLI" addr add "$CLI_V4/24" dev eth0
	if [ "${1:-}" = cli2 ]; then
		ns_new "$CLI2"
		veth_pair "$SRV" c2 "$CLI2" eth0
		ip -n "$SRV" link set c2 master br0
		ip -n "$CLI2" addr add "$CLI2_V4/24" dev eth0
	fi
	veth_pair "$SRV" inet0 "$INET" eth0
	ip -n "$SRV" addr add "$SRV_INET_V6/64" dev inet0 nodad
	ip -n "$INET" addr add "$INET_V6/64" dev eth0 nodad
	ip -n "$INET" -6 route add default via "$SRV_INET_V6" dev eth0 || fail "INET default route"
	wait_for 5 "CLI reaches SRV over IPv4" nsx "$CLI" ping -c 1 -W 1 "$SRV_V4" ||
		fail "topology: CLI cannot ping $SRV_V4"
	wait_for 5 "INET reaches SRV over IPv6" nsx "$INET" ping -6 -c 1 -W 1 "$SRV_INET_V6" ||
		fail "topology: INET cannot ping $SRV_INET_V6"
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

alive() { kill -0 "${PIDS[$1]}" 2>/dev/null; }

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

udp_listening() { [ -n "$(nsx "$1" ss -Hnua "sport = :$2")" ]; }
tcp_listening() { [ -n "$(nsx "$1" ss -Hnlt "sport = :$2")" ]; }
has_link() { ip -n "$1" link show dev "$2" >/dev/null 2>&1; }
no_link() { ! has_link "$@"; }
# ng_links NS : the ng* interfaces in NS, one per line
ng_links() { ip -n "$1" -o link show | awk -F': ' '{ sub(/@.*/, "", $2); if ($2 ~ /^ng/) print $2 }'; }
no_ng_links() { [ -z "$(ng_links "$1")" ]; }
# has_addr NS DEV REGEX : `ip -6 addr show dev DEV` in NS matches REGEX
has_addr() { ip -n "$1" -6 addr show dev "$2" 2>/dev/null | grep -Eq "$3"; }

# start_server [EXTRA-ARGS...] : dtcps in SRV (foreground, debug, UDP, the
# prefix), waits until it listens on TCP 20200
start_server() {
	[ -f "$PWFILE" ] || make_pwfile
	spawn dtcps "$SRV" "$DTCPS" -D -d -U -A "$PWFILE" -L "$SRV_V4" "$@" "$PREFIX6"
	wait_for 10 "dtcps listens on $SRV_V4:20200" \
		eval "alive dtcps && tcp_listening $SRV 20200" ||
		fail "dtcps did not start listening"
	alive dtcps || fail "dtcps exited at start"
	ok "dtcps listening on $SRV_V4:20200"
}

# start_client NAME NS ARGS... : dtcpc in NS with ARGS (server etc. included)
start_client() {
	local name=$1 ns=$2
	shift 2
	spawn "$name" "$ns" "$DTCPC" "$@"
}

# ---------------------------------------------------------------- raw protocol

# dtcp_digest USER CHALLENGE PASSWORD : upper-case hex MD5(user||challenge||pw)
dtcp_digest() {
	local d
	d=$(printf '%s%s%s' "$1" "$2" "$3" | md5sum) || return 1
	d=${d%% *}
	printf '%s' "${d^^}"
}

# ctl_open NAME NS [SRC-ADDR] : TCP connection to dtcps (socat in NS), kept
# open; lines are exchanged with ctl_send / ctl_recv
ctl_open() {
	local name=$1 ns=$2 src=${3:-} bind="" wfd rfd
	[ -n "$src" ] && bind=",bind=$src"
	rm -f "$TMPD/$name.in" "$TMPD/$name.out"
	mkfifo "$TMPD/$name.in" "$TMPD/$name.out" || fail "mkfifo"
	(trap - EXIT INT TERM HUP
	 exec ip netns exec "$ns" socat -t 1 - "TCP:$SRV_V4:20200$bind,connect-timeout=5") \
		<"$TMPD/$name.in" >"$TMPD/$name.out" 2>"$TMPD/$name.sock.log" &
	CTL_PID[$name]=$!
	exec {wfd}<>"$TMPD/$name.in" {rfd}<>"$TMPD/$name.out"
	CTL_W[$name]=$wfd
	CTL_R[$name]=$rfd
}

# ctl_send NAME LINE : send LINE with CRLF
ctl_send() {
	printf '> %s\n' "$2"
	printf '%s\r\n' "$2" >&"${CTL_W[$1]}"
}

# ctl_recv NAME [TIMEOUT] : read one line into CTL_LINE (CR stripped)
ctl_recv() {
	local line
	CTL_LINE=""
	IFS= read -r -t "${2:-5}" line <&"${CTL_R[$1]}" || { say "< (nothing within ${2:-5}s)"; return 1; }
	CTL_LINE=${line%$'\r'}
	printf '< %s\n' "$CTL_LINE"
}

# ctl_closed NAME : true once the socat of that connection has exited
ctl_closed() { ! kill -0 "${CTL_PID[$1]}" 2>/dev/null; }

ctl_close() {
	local name=$1 wfd rfd
	[ -n "${CTL_PID[$name]:-}" ] || return 0
	kill "${CTL_PID[$name]}" 2>/dev/null
	wait "${CTL_PID[$name]}" 2>/dev/null
	wfd=${CTL_W[$name]}
	rfd=${CTL_R[$name]}
	exec {wfd}>&- {rfd}<&-
	unset "CTL_PID[$name]" "CTL_W[$name]" "CTL_R[$name]"
}

# ctl_greeting NAME : read the greeting, put the challenge in CHALLENGE
ctl_greeting() {
	ctl_recv "$1" 5 || return 1
	[[ $CTL_LINE =~ ^\+OK\ ([0-9A-F]{32})\ .+ ]] || { say "bad greeting: $CTL_LINE"; return 1; }
	CHALLENGE=${BASH_REMATCH[1]}
}

# ctl_login NAME USER PASSWORD TYPE-AND-UDP... : greeting, then the tunnel
# request; the reply is in CTL_LINE. Returns 1 unless the reply starts "+OK".
ctl_login() {
	local name=$1 user=$2 pw=$3 digest
	shift 3
	ctl_greeting "$name" || return 1
	digest=$(dtcp_digest "$user" "$CHALLENGE" "$pw")
	ctl_send "$name" "tunnel $user $digest $*"
	ctl_recv "$name" 5 || return 1
	[[ $CTL_LINE == "+OK "* ]]
}

# ---------------------------------------------------------------- NAT topology

# NAT topology (topo_nat): the client sits on a private LAN behind a NAT
# router; SRV and INET are as in topo_std.
#
#   CLI   eth0 198.51.100.2/24 --- lan0 198.51.100.1/24 NATR wan0 192.0.2.254/24 --+
#         (default via .1)          nftables: UDP masqueraded to ports 30000-30999, |
#                                   UDP conntrack timeouts NAT_UDP_TIMEOUT s        +-- br0 192.0.2.1/24 in SRV
#   FORGE eth0 192.0.2.99/24 (only with `topo_nat forge`) -------------------------+
#
# CLI sends no router solicitations. NATR's table "ip natr" counts the client's UDP datagrams crossing it:
# counter "keepalives" (zero-length payload) and counter "udp_data" (others).
NATR=${PFX}natr
FORGE=${PFX}forge
NAT_CLI_V4=198.51.100.2
NAT_IN_V4=198.51.100.1
NAT_OUT_V4=192.0.2.254
FORGE_V4=192.0.2.99
NAT_UDP_TIMEOUT=5
NAT_PORTS=30000-30999

# nat_ruleset PORT-RANGE : NATR's nftables table (replaces it as a whole)
nat_ruleset() {
	nsx "$NATR" nft -f - <<NFT
table ip natr
delete table ip natr
table ip natr {
	counter keepalives {}
	counter udp_data {}
	chain forward {
		type filter hook forward priority filter; policy accept;
		iifname "lan0" udp length 8 counter name "keepalives"
		iifname "lan0" udp length > 8 counter name "udp_data"
	}
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "wan0" meta l4proto udp masquerade to :$1
		oifname "wan0" masquerade
	}
}
NFT
}

# nat_counter NAME : packets counted so far by NATR's counter NAME
nat_counter() {
	nsx "$NATR" nft list counter ip natr "$1" |
		awk '{ for (i = 1; i < NF; i++) if ($i == "packets") { print $(i + 1); exit } }'
}

# nat_udp_flush : forget NATR's UDP mappings (TCP, the control connection,
# stays); needs the conntrack tool
nat_udp_flush() {
	command -v conntrack >/dev/null 2>&1 || fail "conntrack not found: install the conntrack package"
	# conntrack -D exits 1 when nothing matched
	nsx "$NATR" conntrack -D -p udp >/dev/null 2>&1 || :
}

# endpoint_port LOG : the UDP port of the last "endpoint learned/moved" line
# for the NAT's address in LOG (empty when there is none)
endpoint_port() {
	grep -E 'endpoint (learned|moved)' "$1" | grep -Eo " ${NAT_OUT_V4//./\\.}:[0-9]+" |
		tail -n 1 | cut -d: -f2
}

# topo_nat [forge] : SRV, NATR, CLI (private, behind NATR), INET (and FORGE
# on the server's bridge when asked), addressed as above
topo_nat() {
	local v
	command -v nft >/dev/null 2>&1 || fail "nft not found: install nftables"
	ns_new "$SRV"
	ns_new "$NATR"
	ns_new "$CLI"
	ns_new "$INET"
	nsx "$SRV" sysctl -qw net.ipv6.conf.all.forwarding=1 >/dev/null || fail "forwarding in SRV"
	ip -n "$SRV" link add br0 type bridge || fail "bridge in SRV"
	ip -n "$SRV" addr add "$SRV_V4/24" dev br0
	ip -n "$SRV" link set br0 up
	veth_pair "$SRV" n1 "$NATR" wan0
	ip -n "$SRV" link set n1 master br0
	ip -n "$NATR" addr add "$NAT_OUT_V4/24" dev wan0
	veth_pair "$NATR" lan0 "$CLI" eth0
	ip -n "$NATR" addr add "$NAT_IN_V4/24" dev lan0
	ip -n "$CLI" addr add "$NAT_CLI_V4/24" dev eth0
	ip -n "$CLI" route add default via "$NAT_IN_V4" || fail "CLI default route"
	# A quiet client: no router solicitations on the tunnel interface, which
	# would otherwise refresh the NAT mapping behind the scenarios' back.
	nsx "$CLI" sysctl -qw net.ipv6.conf.all.router_solicitations=0 \
		net.ipv6.conf.default.router_solicitations=0 >/dev/null || fail "router_solicitations in CLI"
	nsx "$NATR" sysctl -qw net.ipv4.ip_forward=1 >/dev/null || fail "ip_forward in NATR"
	# The rules first: they load conntrack, whose sysctls then exist.
	nat_ruleset "$NAT_PORTS" || fail "nftables ruleset in NATR"
	nsx "$NATR" sysctl -qw net.netfilter.nf_conntrack_udp_timeout="$NAT_UDP_TIMEOUT" \
		net.netfilter.nf_conntrack_udp_timeout_stream="$NAT_UDP_TIMEOUT" >/dev/null ||
		fail "cannot set the UDP conntrack timeouts in NATR"
	for v in nf_conntrack_udp_timeout nf_conntrack_udp_timeout_stream; do
		[ "$(nsx "$NATR" sysctl -n "net.netfilter.$v")" = "$NAT_UDP_TIMEOUT" ] ||
			fail "net.netfilter.$v did not take effect in NATR"
		# Per namespace: a fresh namespace still has the default.
		[ "$(nsx "$SRV" sysctl -n "net.netfilter.$v" 2>/dev/null)" != "$NAT_UDP_TIMEOUT" ] ||
			fail "net.netfilter.$v is not per namespace: SRV sees NATR's value"
	done
	if [ "${1:-}" = forge ]; then
		ns_new "$FORGE"
		veth_pair "$SRV" f1 "$FORGE" eth0
		ip -n "$SRV" link set f1 master br0
		ip -n "$FORGE" addr add "$FORGE_V4/24" dev eth0
	fi
	veth_pair "$SRV" inet0 "$INET" eth0
	ip -n "$SRV" addr add "$SRV_INET_V6/64" dev inet0 nodad
	ip -n "$INET" addr add "$INET_V6/64" dev eth0 nodad
	ip -n "$INET" -6 route add default via "$SRV_INET_V6" dev eth0 || fail "INET default route"
	wait_for 5 "CLI reaches SRV through NATR" nsx "$CLI" ping -c 1 -W 1 "$SRV_V4" ||
		fail "topology: CLI cannot ping $SRV_V4 through the NAT"
	wait_for 5 "INET reaches SRV over IPv6" nsx "$INET" ping -6 -c 1 -W 1 "$SRV_INET_V6" ||
		fail "topology: INET cannot ping $SRV_INET_V6"
	# The topology check's ICMP mapping must not linger into the scenario.
	if command -v conntrack >/dev/null 2>&1; then
		nsx "$NATR" conntrack -F >/dev/null 2>&1
	fi
	ok "NAT topology up: $CLI $NAT_CLI_V4 behind $NATR $NAT_OUT_V4 (UDP ports $NAT_PORTS," \
		"UDP timeout ${NAT_UDP_TIMEOUT}s), $SRV${1:+ $FORGE} $INET"
}

# mem_count PID STRING : how many times STRING occurs in the writable memory
# of process PID (regions over 1 GiB, such as sanitizer shadow memory, are
# skipped); used to prove that a secret never reached a process
mem_count() {
	python3 - "$1" "$2" <<'PY'
import re, sys
pid, secret = sys.argv[1], sys.argv[2].encode()
found = 0
with open(f"/proc/{pid}/maps") as maps, open(f"/proc/{pid}/mem", "rb", 0) as mem:
    for line in maps:
        m = re.match(r"([0-9a-f]+)-([0-9a-f]+) (\S+)", line)
        if not m or "w" not in m.group(3):
            continue
        start, end = int(m.group(1), 16), int(m.group(2), 16)
        # Sanitizer shadow memory spans terabytes: skip what no heap,
        # stack or data segment of ours is.
        if end - start > 1 << 30:
            continue
        tail = b""
        for off in range(start, end, 1 << 20):
            try:
                mem.seek(off)
                chunk = tail + mem.read(min(1 << 20, end - off))
            except OSError:
                tail = b""
                continue
            found += chunk.count(secret)
            tail = chunk[-(len(secret) - 1):]
print(found)
PY
}
