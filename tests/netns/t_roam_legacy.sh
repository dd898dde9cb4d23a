#!/bin/bash
# A legacy NAT-traversal client (a bare "udp" request, no roam1, written
# here with socat and udppeer.py) still works and still roams: the server
# learns its endpoint from its first datagram and follows it to a new port,
# but not twice within a second (a forger's flood cannot keep the tunnel),
# and logs the moves at most once a minute.
set -u
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

PEER=$(dirname "$0")/udppeer.py
topo_std
start_server

ctl_open a "$CLI"
ctl_greeting a || fail "no greeting"
[[ $CTL_LINE == *" roam1" ]] || fail "the greeting does not offer roam1: $CTL_LINE"
ctl_request a "$USER1" "$PASS1" host udp
[[ $CTL_LINE =~ ^\+OK\ 192\.0\.2\.2\ 192\.0\.2\.1\ ([0-9a-f:]+)\ ([0-9a-f:]+)\ udp\ ([0-9]+)$ ]] ||
	fail "legacy reply: $CTL_LINE (want no roam1)"
c6=${BASH_REMATCH[1]} s6=${BASH_REMATCH[2]} sport=${BASH_REMATCH[3]}
ok "legacy host tunnel: $c6 <-> $s6, server port $sport"

echo_from() { nsx "$CLI" python3 "$PEER" echo "$SRV_V4:$sport" "$c6" "$s6" --bind "$1" --timeout "${2:-2}"; }

run echo_from 40001 || fail "no echo reply at the first port"
ok "the legacy client's first datagram taught its endpoint"
sleep 1.2
run echo_from 40002 || fail "no echo reply after moving to a second port"
ok "the endpoint followed the client to port 40002"
if run echo_from 40003 1; then
	fail "the endpoint moved again within a second"
fi
ok "a third port within a second is refused (at most one move a second)"
sleep 1.2
run echo_from 40003 || fail "no echo reply at port 40003 a second later"
ok "a second later it may move again"
moved=$(grep -c 'ng0 endpoint moved' "$TMPD/dtcps.log")
[ "$moved" = 1 ] || fail "$moved 'endpoint moved' lines, want 1 (at most one a minute)"
ok "two moves, one log line"
ctl_quit a
line=$(closed_line ng0)
say "$line"
[[ $line == *"endpoint moves 3,"* ]] || fail "want 3 endpoint moves (learned, 40002, 40003) counted"
ok "the close line counts the moves"
pass "a legacy NAT-traversal client still works and roams, at most once a second"
