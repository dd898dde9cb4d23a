# shellcheck shell=bash
# Helpers for the dtcpclient scenarios (sourced by lib.sh, never run).
# dtcpclient carries the tunnel; the script (-s) owns addresses and routes.

DTCPCLIENT=$BIN/dtcpclient
CLIENT_SCRIPT=$ROOT/scripts/dtcpclient.script
PINGER=$ROOT/scripts/dtcpclient-pinger.sh
CCONF=$TMPD/dtcpclient_script.conf
CAUTHFILE=$TMPD/dtcpclient.auth

# need_dtcpclient : the binary and the shipped scripts exist
need_dtcpclient() {
	[ -x "$DTCPCLIENT" ] || fail "$DTCPCLIENT is missing: run make first"
	[ -x "$CLIENT_SCRIPT" ] || fail "$CLIENT_SCRIPT is missing or not executable"
	[ -x "$PINGER" ] || fail "$PINGER is missing or not executable"
}

# client_conf TUNIF [UP-COMMAND] [DOWN-COMMAND] : write $CCONF, the script
# configuration; owned by root, mode 644 (the script refuses anything laxer)
client_conf() {
	{
		printf 'tunif=%s\n' "$1"
		printf 'up_command="%s"\n' "${2:-}"
		printf 'down_command="%s"\n' "${3:-}"
	} >"$CCONF" || fail "cannot write $CCONF"
	{ chown 0:0 "$CCONF" && chmod 644 "$CCONF"; } || fail "cannot chown/chmod $CCONF"
}

# start_dtcpclient NAME NS ARGS... : dtcpclient in NS with ARGS (the server
# included); -c $CCONF and -F $CAUTHFILE come first, so ARGS may override
start_dtcpclient() {
	local name=$1 ns=$2
	shift 2
	[ -f "$CAUTHFILE" ] || client_auth "$CAUTHFILE" "$SRV_V4" "$USER1" "$PASS1"
	spawn "$name" "$ns" "$DTCPCLIENT" -c "$CCONF" -F "$CAUTHFILE" "$@"
}

# count_lines REGEX FILE : how many lines of FILE match REGEX (0 when none)
count_lines() {
	local n
	n=$(grep -Ec -- "$1" "$2" 2>/dev/null) || :
	printf '%s' "${n:-0}"
}

# ng_gone NS IF : the interface, its addresses and its routes are gone
ng_gone() {
	no_link "$1" "$2" && ! ip -n "$1" -6 route show | grep -q "dev $2\b"
}
