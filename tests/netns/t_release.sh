#!/bin/bash
# Release: when dtcpc quits (SIGTERM) or dies (SIGKILL: the kernel closes the
# TCP connection, the server sees EOF), the server removes ng0 and its UDP
# socket at once, the client's ng0 is gone, and the next session reuses
# ng0 and port 4028.
set -u
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

# session N : start dtcpc (the first also sets up the topology and dtcps)
# and wait until both ends have ng0 and UDP 4028
session() {
	say "== session $1"
	start_dtcpc_tunnel host -d
	wait_for_or_fail 5 "server ng0 has 2001:db8:1::5" has_addr "$SRV" ng0 'inet6 2001:db8:1::5 peer'
	check "server UDP 4028 bound" udp_listening "$SRV" 4028
	check "only ng0 on the server" eval "[ \"\$(ng_links $SRV)\" = ng0 ]"
	run nsx "$CLI" ping -6 -c 1 -W 2 "$INET_V6" >/dev/null || fail "session $1: no IPv6 through the tunnel"
	ok "session $1 carries IPv6"
}

# released WHAT : everything of the session is gone on both sides
released() {
	wait_for_or_fail 3 "$1: no ng* link left in SRV" no_ng_links "$SRV"
	wait_for_or_fail 3 "$1: no UDP socket on 4028 in SRV" eval "! udp_listening $SRV 4028"
	wait_for_or_fail 3 "$1: no ng0 left in CLI" no_link "$CLI" ng0
	wait_for_or_fail 3 "$1: no UDP socket on 4028 in CLI" eval "! udp_listening $CLI 4028"
	check "$1: no tunnel route left in CLI" eval "! default_via $CLI ng0"
	check "$1: no route to the client left in SRV" eval "! ip -n $SRV -6 route show | grep -q '2001:db8:1::6'"
	check "$1: dtcps still running" alive dtcps
	run ss -N "$SRV" -Hnuap
}

session 1
say "== SIGTERM to dtcpc"
stop dtcpc TERM 5 || fail "dtcpc did not exit within 5 s of SIGTERM"
[ "$STOP_RC" -eq 0 ] || fail "dtcpc exited $STOP_RC after SIGTERM, want 0 (clean quit)"
ok "dtcpc exited 0 after SIGTERM"
released "after SIGTERM"

session 2
say "== SIGKILL to dtcpc"
stop dtcpc KILL 5 || fail "dtcpc did not die"
released "after kill -9"

session 3
pass "sessions are released on quit and on kill -9, ng0/4028 reused"
