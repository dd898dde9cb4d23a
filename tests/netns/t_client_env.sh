#!/bin/bash
# The script contract of dtcpclient: argv is exactly "SCRIPT up|down IFNAME"
# and the environment is exactly the documented DTCP_* set plus PATH, with
# the values of the session (host and tunnelonly, plain and static-nat).
# Then a fake server (socat in SRV) sends tunnel replies with shell
# metacharacters or an out-of-range port: dtcpclient must call each one
# malformed, never run the script, and nothing the reply says gets executed.
#
# The capture script is "#!/bin/sh ... exec /usr/bin/env": the shell adds
# PWD on its own (dash; bash would add SHLVL, OLDPWD and _ too), so exactly
# those shell-added names are filtered out before the comparison.
set -u
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
need_dtcpclient

CAP=$TMPD/capture.sh
cat >"$CAP" <<EOF || fail "cannot write $CAP"
#!/bin/sh
printf '%s\n' "\$0" "\$#" "\$@" >"$TMPD/argv.\$1"
exec /usr/bin/env >"$TMPD/env.\$1"
EOF
chmod 755 "$CAP"

# check_env EVENT VAR=VALUE... : env.EVENT holds exactly PATH and VAR=VALUE...
check_env() {
	local ev=$1 want got
	shift
	want=$(printf '%s\n' "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
		"DTCP_EVENT=$ev" "$@" | LC_ALL=C sort)
	got=$(grep -Ev '^(PWD|OLDPWD|SHLVL|_)=' "$TMPD/env.$ev" | LC_ALL=C sort)
	if [ "$got" != "$want" ]; then
		diff <(printf '%s\n' "$want") <(printf '%s\n' "$got") | sed 's/^/    /'
		fail "environment of \"$ev\" differs (< expected, > got)"
	fi
	ok "environment of \"$ev\": exactly PATH, DTCP_EVENT=$ev and $# DTCP_* values"
	[ "$(cat "$TMPD/argv.$ev")" = "$(printf '%s\n' "$CAP" 2 "$ev" "$IFN")" ] ||
		fail "argv of \"$ev\" is not '$CAP $ev $IFN': $(tr '\n' ' ' <"$TMPD/argv.$ev")"
	ok "argv of \"$ev\": $CAP $ev $IFN"
}

# session NAME VARS... : the client NAME is up: check "up", stop it, check
# "down" (both with VARS), then forget the capture files
session() {
	local name=$1
	shift
	wait_for_or_fail 10 "script ran for up" test -s "$TMPD/env.up"
	check_env up "$@"
	stop "$name" TERM 10 || fail "$name did not stop"
	[ "$STOP_RC" -eq 0 ] || fail "$name exit status $STOP_RC, want 0"
	wait_for_or_fail 5 "script ran for down" test -s "$TMPD/env.down"
	check_env down "$@"
	rm -f "$TMPD"/env.* "$TMPD"/argv.*
	wait_for_or_fail 5 "server ng0 gone" no_ng_links "$SRV"
}

topo_std
start_server

say "--- host, plain, tunif dt7, -m 1400 -b 4100"
IFN=dt7
client_conf "$IFN"
start_dtcpclient dc1 "$CLI" -U -t host -m 1400 -b 4100 -s "$CAP" -u "$USER1" "$SRV_V4"
session dc1 DTCP_INTERFACE=dt7 DTCP_TUNNEL_TYPE=host DTCP_CLIENT_V4="$CLI_V4" \
	DTCP_SERVER_V4="$SRV_V4" DTCP_CLIENT_V6=2001:db8:1::6 DTCP_SERVER_V6=2001:db8:1::5 \
	DTCP_MTU=1400 DTCP_UDP_MODE=plain DTCP_LOCAL_UDP_PORT=4100 DTCP_SERVER_UDP_PORT=4028 \
	DTCP_SCRIPT_CONF="$CCONF" DTCP_PREFIXES= DTCP_LAN_ADDRESSES=

say "--- tunnelonly, static NAT -n -B 4555, tunif ng0"
IFN=ng0
client_conf "$IFN"
start_dtcpclient dc2 "$CLI" -U -n -B 4555 -t tunnelonly -s "$CAP" -u "$USER1" "$SRV_V4"
session dc2 DTCP_INTERFACE=ng0 DTCP_TUNNEL_TYPE=tunnelonly DTCP_CLIENT_V4="$CLI_V4" \
	DTCP_SERVER_V4="$SRV_V4" DTCP_CLIENT_V6= DTCP_SERVER_V6= \
	DTCP_MTU=1280 DTCP_UDP_MODE=static-nat DTCP_LOCAL_UDP_PORT=4028 DTCP_SERVER_UDP_PORT=4028 \
	DTCP_SCRIPT_CONF="$CCONF" DTCP_PREFIXES= DTCP_LAN_ADDRESSES=

say "--- fake server with hostile tunnel replies"
stop dtcps TERM 5 || fail "dtcps did not stop"
MARK=$TMPD/marker
cat >"$TMPD/fake.sh" <<EOF || fail "cannot write fake.sh"
#!/bin/bash
printf '+OK 0123456789ABCDEF0123456789ABCDEF DTCP server ready\r\n'
IFS= read -r -t 10 line || exit 0
printf '%s\n' "\$line" >>"$TMPD/fake-requests.txt"
printf '%s\r\n' "\$(cat "$TMPD/reply")"
while IFS= read -r -t 10 line; do
	case \$line in
	quit*) printf '+OK see you soon.\r\n'; exit 0 ;;
	*) printf '+OK pong\r\n' ;;
	esac
done
EOF
chmod 755 "$TMPD/fake.sh"
printf '%s\n' '+OK 192.0.2.2 192.0.2.1 2001:db8:1::6 2001:db8:1::5 udp 4028' >"$TMPD/reply"
spawn fake "$SRV" socat "TCP-LISTEN:20200,bind=$SRV_V4,reuseaddr,fork" "EXEC:$TMPD/fake.sh"
wait_for_or_fail 5 "fake server listens" tcp_listening "$SRV" 20200

# The control: the fake server's well-formed reply brings the tunnel up.
start_dtcpclient dcok "$CLI" -U -t host -s "$CAP" -u "$USER1" "$SRV_V4"
wait_for_or_fail 10 "a valid fake reply runs the script" test -s "$TMPD/env.up"
stop dcok TERM 10 || fail "dcok did not stop"
rm -f "$TMPD"/env.* "$TMPD"/argv.*

n=0
for reply in \
	"+OK 192.0.2.2 192.0.2.1 \$(touch $MARK) 2001:db8:1::5 udp 4028" \
	"+OK 192.0.2.2 192.0.2.1 \$(touch\${IFS}$MARK) 2001:db8:1::5 udp 4028" \
	"+OK 192.0.2.2 192.0.2.1 2001:db8:1::6 2001:db8:1::5 udp 70000" \
	"+OK 192.0.2.2 192.0.2.1 2001:db8::1;id 2001:db8:1::5 udp 4028" \
	"+OK 192.0.2.2 192.0.2.1 2001:db8::1;touch\${IFS}$MARK 2001:db8:1::5 udp 4028" \
	"+OK 192.0.2.2 192.0.2.1 2001:db8:1::6 \`touch\${IFS}$MARK\` udp 4028" \
	"+OK 192.0.2.2;touch\${IFS}$MARK 192.0.2.1 2001:db8:1::6 2001:db8:1::5 udp 4028" \
	"+OK 192.0.2.2 192.0.2.1 2001:db8:1::6 2001:db8:1::5 udp 4028;id"; do
	n=$((n + 1))
	say "reply $n: $reply"
	printf '%s\n' "$reply" >"$TMPD/reply"
	start_dtcpclient "bad$n" "$CLI" -U -t host -s "$CAP" -u "$USER1" "$SRV_V4"
	exit_status "bad$n" 10 || fail "dtcpclient did not exit after hostile reply $n"
	[ "$STOP_RC" -eq 1 ] || fail "exit status $STOP_RC after hostile reply $n, want 1"
	grep -q 'malformed tunnel reply' "$TMPD/bad$n.log" ||
		fail "no \"malformed tunnel reply\" in the log for reply $n"
	[ ! -e "$TMPD/env.up" ] || fail "the script ran after hostile reply $n"
	[ ! -e "$MARK" ] || fail "the marker exists after hostile reply $n: the reply was executed"
	no_link "$CLI" ng0 || fail "ng0 exists after hostile reply $n"
	ok "reply $n refused: $(grep -m1 'malformed tunnel reply' "$TMPD/bad$n.log")"
done
check "the fake server saw every request" test "$(wc -l <"$TMPD/fake-requests.txt")" -eq $((n + 1))
pass "script argv/environment exact; $n hostile replies refused"
