#!/bin/bash
# A network tunnel over UDP from behind a NAT (dtcpc -U -n): the LAN host
# behind the client takes a SLAAC address from the delegated prefix and
# reaches the internet side both ways. Then the router dies the hard way
# (SIGKILL, its NAT mapping flushed): the server's session lingers, and the
# router's next login takes the prefix over at once (newest login wins):
# the old session is closed, and the time from the new dtcpc's start to the
# first ping answered by the LAN host is measured and printed.
set -u
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
command -v radvd >/dev/null || fail "radvd is not installed (make deps)"

RT=$TMPD/dtcps.routetable

# lan_dtcpc : dtcpc in CLI, UDP through the NAT, network, -P lan0/1
lan_dtcpc() {
	start_client dtcpc "$CLI" -d -U -n -k 2 -t network -P lan0/1 \
		-F "$TMPD/dtcpc.auth" -u "$USER1" "$SRV_V4"
}

topo_nat
lan_behind_client
printf 'alice 2001:db8:4400::/48\n' >"$RT"
chmod 600 "$RT"
start_server -r "$RT"
client_auth "$TMPD/dtcpc.auth" "$SRV_V4" "$USER1" "$PASS1"
lan_dtcpc
wait_for_or_fail 10 "the server routes the prefix into ng0" \
	eval "ip -n $SRV -6 route show 2001:db8:4400::/48 | grep -q 'dev ng0'"
wait_for_or_fail 15 "the LAN host took a SLAAC address" \
	has_addr "$LAN" eth0 'inet6 2001:db8:4400:1:[0-9a-f:]+/64 scope global'
lan6=$(ip -n "$LAN" -6 addr show dev eth0 scope global | sed -n 's/.*inet6 \([0-9a-f:]*\)\/64.*/\1/p' | head -1)
run nsx "$LAN" ping -6 -c 3 -i 0.2 -W 2 "$INET_V6" || fail "LAN host -> INET"
run nsx "$INET" ping -6 -c 3 -i 0.2 -W 2 "$lan6" || fail "INET -> LAN host, in through the NAT"
ok "the LAN behind the NAT reaches the internet side both ways"

say "--- the router dies: its link first, then SIGKILL, NAT mapping flushed"
# Nothing it says on the way out may reach the server: its session must
# linger, as after a power cut.
run ip -n "$NATR" link set lan0 down
ip netns pids "$CLI" | xargs -r kill -9 2>/dev/null
wait_for_or_fail 5 "dtcpc dead" eval "! alive dtcpc"
wait_for_or_fail 5 "nothing left in the client" eval "[ -z \"\$(ip netns pids $CLI)\" ] && ! udp_listening $CLI 4028"
run nsx "$NATR" conntrack -F >/dev/null 2>&1
# What a reboot would do: its radvd and LAN address are gone too.
ip -n "$CLI" -6 addr flush dev lan0 scope global
run ip -n "$NATR" link set lan0 up
wait_for_or_fail 5 "the client's ng0 gone" no_link "$CLI" ng0
check "the server's old session lingers" has_link "$SRV" ng0
t0=$(now)
lan_dtcpc
wait_for_or_fail 10 "the old session superseded" \
	grep -q "its prefixes moved to session" "$TMPD/dtcps.log"
wait_for_or_fail 10 "the prefix routed into the new tunnel" \
	eval "ip -n $SRV -6 route show 2001:db8:4400::/48 | grep -q 'dev ng1'"
wait_for_or_fail 20 "INET reaches the LAN host again" \
	nsx "$INET" ping -6 -c 1 -W 1 "$lan6"
say "handover: $(elapsed "$t0") s from the new dtcpc's start to the first answered ping"
wait_for_or_fail 5 "the old ng0 removed" no_link "$SRV" ng0
pass "network over UDP behind a NAT; newest login wins after a hard restart"
