#!/bin/bash
# A logged-in user whose tunnel request is refused (unsupported type, no
# "udp", bad port) may send another request on the same connection, as the
# protocol says errors keep the session open. The privileged parent must
# accept the repeated login check and the server must stay up; the final,
# valid request gets its tunnel. The same when the tunnel fails after the
# parent created its interface (the UDP port is taken).
set -u
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

topo_std
start_server

ctl_open s "$CLI"
ctl_greeting s || fail "no greeting from dtcps"

# expect REQUEST-REST REPLY : send a tunnel request, compare the reply
expect() {
	ctl_request s "$USER1" "$PASS1" "$1" || fail "no reply to 'tunnel ... $1' (did the server die?)"
	[ "$CTL_LINE" = "$2" ] || fail "for '$1': got '$CTL_LINE', want '$2'"
	ok "'$1' -> '$2'"
}

expect "network udp 4028" "-ERR unsupported tunnel type network"
expect "host udp 0" "-ERR invalid udp port"
expect "Host udp 4028" "-ERR unsupported tunnel type Host"
check "dtcps still running after refused requests" alive dtcps
ctl_request s "$USER1" "$PASS1" host udp 4028 || fail "no reply to the valid request"
[[ $CTL_LINE == "+OK 192.0.2.2 192.0.2.1 2001:db8:1::6 2001:db8:1::5 udp 4028" ]] ||
	fail "valid request after refusals: got '$CTL_LINE'"
ok "valid request after three refusals gets its tunnel"
wait_for_or_fail 5 "server ng0 exists" has_link "$SRV" ng0
expect "host udp 4028" "-ERR tunnel already established"
ctl_ping s
check "dtcps still running" alive dtcps
ctl_quit s
stop dtcps TERM 5 || fail "dtcps did not stop"

say "== the tunnel fails after its interface exists (UDP port taken), then succeeds"
# With -M 1 the only tunnel port is 4028; another program holds it, so the
# parent creates ng0 and the engine then has to give it back.
start_server -M 1
spawn holder "$SRV" socat -u "UDP-RECV:4028,bind=$SRV_V4" /dev/null
wait_for_or_fail 5 "port 4028 held" udp_listening "$SRV" 4028
ctl_open t "$CLI"
ctl_greeting t || fail "no greeting from dtcps"
for i in 1 2; do
	ctl_request t "$USER1" "$PASS1" host udp 4028 || fail "no reply to attempt $i (did the server die?)"
	[ "$CTL_LINE" = "-ERR tunnel interface sold out" ] || fail "attempt $i: got '$CTL_LINE'"
	check "dtcps alive after attempt $i" alive dtcps
done
check "no ng interface left behind" no_ng_links "$SRV"
stop holder TERM 5
wait_for_or_fail 5 "port 4028 free" eval "! udp_listening $SRV 4028"
ctl_request t "$USER1" "$PASS1" host udp 4028 || fail "no reply once the port is free"
[[ $CTL_LINE == "+OK "*" udp 4028" ]] || fail "once the port is free: got '$CTL_LINE'"
ok "the same session gets its tunnel once the port is free"
pass "refused tunnel requests keep the session and the server alive"
