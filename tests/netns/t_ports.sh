#!/bin/bash
# The server's UDP port for a tunnel is a random free one of the -b range
# by default (a forger must find it first), the lowest free one with -l
# (the original's choice, for firewalls that expect it).
set -u
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

topo_std
make_pwfile
spawn dtcps "$SRV" "$DTCPS" "${RUNFILES[@]}" -D -d -U -A "$PWFILE" -L "$SRV_V4" -b 5000 -M 200 -n 10 "$PREFIX6"
wait_for_or_fail 10 "dtcps listens" tcp_listening "$SRV" 20200
ports=()
for i in 1 2 3 4 5 6; do
	ctl_open "c$i" "$CLI"
	ctl_login "c$i" "$USER1" "$PASS1" tunnelonly udp $((4027 + i)) || fail "tunnel $i: $CTL_LINE"
	ports+=("${CTL_LINE##* }")
done
say "server ports: ${ports[*]}"
for p in "${ports[@]}"; do
	{ [ "$p" -ge 5000 ] && [ "$p" -lt 5200 ]; } || fail "port $p is outside -b 5000 with -M 200"
done
[ "$(printf '%s\n' "${ports[@]}" | sort -u | wc -l)" = 6 ] || fail "a port was given twice"
[ "${ports[*]}" != "5000 5001 5002 5003 5004 5005" ] || fail "the ports are the lowest free ones in order"
ok "six different random ports in 5000-5199"
for i in 1 2 3 4 5 6; do ctl_quit "c$i"; done
stop dtcps TERM 5 || fail "dtcps did not stop"

spawn dtcps "$SRV" "$DTCPS" "${RUNFILES[@]}" -D -d -U -l -A "$PWFILE" -L "$SRV_V4" -b 5000 -M 200 -n 10 "$PREFIX6"
wait_for_or_fail 10 "dtcps -l listens" tcp_listening "$SRV" 20200
ports=()
for i in 1 2 3; do
	ctl_open "l$i" "$CLI"
	ctl_login "l$i" "$USER1" "$PASS1" tunnelonly udp $((4027 + i)) || fail "tunnel $i with -l: $CTL_LINE"
	ports+=("${CTL_LINE##* }")
done
[ "${ports[*]}" = "5000 5001 5002" ] || fail "-l gave ${ports[*]}, want 5000 5001 5002"
ok "-l: the lowest free ports in order (${ports[*]})"
pass "random UDP ports by default, the lowest free with -l"
