# shellcheck shell=bash
# The control protocol spoken by hand (sourced by lib.sh, never run): named
# TCP connections to dtcps through socat in a namespace, lines exchanged with
# CRLF, the login digest computed with md5sum. Every read is bounded.

declare -A CTL_W=() CTL_R=() CTL_PID=()	# name -> write fd, read fd, socat pid
CTL_LINE=""	# the last line ctl_recv read
CHALLENGE=""	# the challenge of the last greeting ctl_greeting read

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

# ctl_close NAME : end the connection (its socat) and close its descriptors
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

# ctl_close_all : ctl_close every connection still open (for cleanup)
ctl_close_all() {
	local name
	for name in "${!CTL_PID[@]}"; do
		ctl_close "$name"
	done
}

# ctl_greeting NAME : read the greeting, put the challenge in CHALLENGE
ctl_greeting() {
	ctl_recv "$1" 5 || return 1
	[[ $CTL_LINE =~ ^\+OK\ ([0-9A-F]{32})\ .+ ]] || { say "bad greeting: $CTL_LINE"; return 1; }
	CHALLENGE=${BASH_REMATCH[1]}
}

# ctl_request NAME USER PASSWORD TYPE-AND-UDP... : send the tunnel request
# (digest over CHALLENGE), read the reply into CTL_LINE
ctl_request() {
	local name=$1 user=$2 pw=$3
	shift 3
	ctl_send "$name" "tunnel $user $(dtcp_digest "$user" "$CHALLENGE" "$pw") $*"
	ctl_recv "$name" 5
}

# ctl_login NAME USER PASSWORD TYPE-AND-UDP... : greeting, then the tunnel
# request; the reply is in CTL_LINE. Returns 1 unless the reply starts "+OK".
ctl_login() {
	ctl_greeting "$1" || return 1
	ctl_request "$@" || return 1
	[[ $CTL_LINE == "+OK "* ]]
}

# ctl_tunnel NAME NS TYPE [SRC-ADDR] : ctl_open, then ctl_login as alice for
# a TYPE tunnel on UDP 4028; fails unless the reply starts "+OK"
ctl_tunnel() {
	ctl_open "$1" "$2" "${4:-}"
	ctl_login "$1" "$USER1" "$PASS1" "$3" udp 4028 || fail "$1: $3 login refused: '$CTL_LINE'"
}

# ctl_ping NAME [TIMEOUT] [WHAT] : send ping, fail (naming WHAT) unless
# "+OK pong" comes back within TIMEOUT s (5)
ctl_ping() {
	local what=${3:-ping on $1}
	ctl_send "$1" ping
	ctl_recv "$1" "${2:-5}" || fail "$what: no reply"
	[ "$CTL_LINE" = "+OK pong" ] || fail "$what: got '$CTL_LINE', want '+OK pong'"
}

# ctl_quit NAME : send quit, read the reply (bounded), close the connection
ctl_quit() {
	ctl_send "$1" quit
	ctl_recv "$1" 5
	ctl_close "$1"
}
