#!/bin/bash
# The end-to-end story, run by `make demo` (as root): a tunnel broker, a client
# behind a NAT router and an IPv6 host "on the internet", each in its own
# network namespace. The client gets an IPv6 address over a UDP tunnel in
# NAT-traversal mode: the broker learns the NAT's public address and port from
# the client's first keepalive. The client pings the host and is pinged back,
# also after an idle spell longer than the NAT keeps a mapping; then it leaves
# and the broker removes its interface. Then the NAT router itself, which has
# a public address, gets a protocol-41 tunnel as the original's clients do.
# Last, the client asks for a network tunnel and numbers its LAN from the
# delegated prefix: a LAN host with no configuration reaches the internet
# side. Everything is removed at the end (trap), whatever happens. Exits
# non-zero if a ping fails.
set -u
TEST_NAME=demo
# shellcheck source=netns/lib.sh
. "$(dirname "$0")/netns/lib.sh"

if [ "$(id -u)" -ne 0 ]; then
	echo "demo: needs root to create network namespaces (try: sudo make demo)" >&2
	exit 1
fi
need_bins

step() { printf '\n== %s\n' "$*"; }
show() {
	printf '$ %s\n' "$*"
	"$@" 2>&1 | sed 's/^/    /'
	return "${PIPESTATUS[0]}"
}

step "creating four network namespaces"
cat <<EOF
    $SRV   the tunnel broker: 192.0.2.1 towards clients, 2001:db8:ffff::1 towards the IPv6 internet
    $NATR  a NAT router: $NAT_IN_V4 inside, $NAT_OUT_V4 outside
    $CLI   an IPv4-only client on a private LAN behind it: $NAT_CLI_V4
    $INET  a host on the IPv6 internet: 2001:db8:ffff::2
EOF
topo_nat >/dev/null
echo "    the NAT masquerades UDP to ports $NAT_PORTS and drops a UDP mapping after ${NAT_UDP_TIMEOUT}s of silence:"
show ip netns exec "$NATR" nft list chain ip natr postrouting

step "creating the password file with dtcpauth"
make_pwfile | sed 's/^/    /'

step "starting the server (foreground, debug, UDP tunnels, addresses from $PREFIX6)"
RT=$TMPD/dtcps.routetable
printf '# user  prefixes routed into its network tunnel\nalice 2001:db8:4400::/48\n' >"$RT"
chmod 600 "$RT"
echo "    its route table ($RT) delegates alice a /48 for network tunnels:"
sed 's/^/      /' "$RT"
start_server -r "$RT" >/dev/null
printf '    dtcps is listening on %s:20200\n' "$SRV_V4"

step "starting the client: NAT traversal (-n), keepalive every 2 s (-k 2), host tunnel, default route"
client_auth "$TMPD/dtcpc.auth" "$SRV_V4" "$USER1" "$PASS1"
printf '    (%s holds "%s:%s:<password>", mode 0600)\n' "$TMPD/dtcpc.auth" "$SRV_V4" "$USER1"
start_client dtcpc "$CLI" -d -U -n -k 2 -t host -r static -F "$TMPD/dtcpc.auth" -u "$USER1" "$SRV_V4"
if ! wait_for 10 "the client tunnel" has_addr "$CLI" ng0 'inet6 2001:db8:1::6'; then
	fail "the client did not get its tunnel address"
fi
wait_for 5 "the learned endpoint" grep -q 'endpoint learned' "$TMPD/dtcps.log"
echo "    the exchange, as the server logged it (it sees the NAT's $NAT_OUT_V4, not $NAT_CLI_V4;"
echo "    'udp' without a port asks the server to learn the client's endpoint):"
grep -Ei 'tunnel|\+OK|-ERR|login|auth' "$TMPD/dtcps.log" | sed 's/^/      /' | head -n 12
echo "    the client's first keepalive showed the server where the NAT maps the tunnel:"
grep 'endpoint learned' "$TMPD/dtcps.log" | sed 's/^/      /'

step "the NAT's mapping: $NAT_CLI_V4:4028 (client) <-> $NAT_OUT_V4:$(endpoint_port "$TMPD/dtcps.log") (public)"
if command -v conntrack >/dev/null 2>&1; then
	show ip netns exec "$NATR" conntrack -L -p udp
else
	echo "    (install the conntrack package to see the NAT's connection table)"
fi

step "the tunnel interfaces"
show ip -n "$SRV" addr show dev ng0
show ip -n "$CLI" addr show dev ng0
show ip -n "$CLI" -6 route show
show ip -n "$SRV" -6 route show dev ng0

rc=0
step "client -> IPv6 host, through the tunnel"
show ip netns exec "$CLI" ping -6 -c 3 -i 0.3 -W 2 "$INET_V6" || rc=1

step "IPv6 host -> client's tunnel address, in through the NAT"
show ip netns exec "$INET" ping -6 -c 3 -i 0.3 -W 2 2001:db8:1::6 || rc=1

idle=$((NAT_UDP_TIMEOUT + 2))
step "${idle} s without traffic: longer than the NAT keeps an idle mapping"
sleep "$idle"
printf '    keepalives that crossed the NAT so far: %s\n' "$(nat_counter keepalives)"
show ip netns exec "$INET" ping -6 -c 3 -i 0.3 -W 2 2001:db8:1::6 || rc=1

step "stopping the client (SIGTERM: it says quit and removes its interface)"
stop dtcpc TERM 5 || rc=1
printf '    dtcpc exited with status %s\n' "$STOP_RC"
wait_for 3 "server interface removed" no_ng_links "$SRV" || rc=1
show ip -n "$SRV" -brief link show
if no_ng_links "$SRV"; then
	echo "    the server removed ng0"
else
	echo "    the server still has: $(ng_links "$SRV" | tr '\n' ' ')"
fi

step "a protocol-41 tunnel, as the original: the NAT router itself ($NAT_OUT_V4, public) runs dtcpc without -U"
echo "    protocol 41 cannot cross a NAT, so a host with a public IPv4 address asks for it;"
echo "    the server (started with -U) serves both kinds"
start_client dtcpc41 "$NATR" -d -t host -F "$TMPD/dtcpc.auth" -u "$USER1" "$SRV_V4"
if wait_for 10 "the protocol-41 tunnel" has_addr "$NATR" gif0 'inet6 2001:db8:1::6'; then
	grep -E 'protocol 41' "$TMPD/dtcps.log" | sed 's/^/      /' | tail -n 2
	show ip -n "$NATR" addr show dev gif0
	show ip -n "$NATR" -6 route show default
	step "router -> IPv6 host, IPv6 inside IPv4 protocol 41"
	show ip netns exec "$NATR" ping -6 -c 3 -i 0.3 -W 2 "$INET_V6" || rc=1
	show ip netns exec "$INET" ping -6 -c 3 -i 0.3 -W 2 2001:db8:1::6 || rc=1
	stop dtcpc41 TERM 5 || rc=1
	wait_for 3 "server gif0 removed" eval "! ip -n $SRV link show gif0 >/dev/null 2>&1" || rc=1
	echo "    dtcpc exited with status $STOP_RC; the server removed gif0"
else
	echo "    the protocol-41 tunnel did not come up"
	rc=1
fi

step "a home network: the client behind the NAT asks for a network tunnel and numbers its LAN"
LAN=${PFX}lan
ns_new "$LAN"
veth_pair "$CLI" lan0 "$LAN" eth0
nsx "$CLI" sysctl -qw net.ipv6.conf.all.forwarding=1 >/dev/null
echo "    $LAN, a host on the client's LAN (lan0), with no configuration at all"
echo "    dtcpc -t network -P lan0/1: subnet 1 of the delegated /48 on lan0, advertised by radvd"
start_client dtcpc "$CLI" -d -U -n -k 2 -t network -P lan0/1 -F "$TMPD/dtcpc.auth" -u "$USER1" "$SRV_V4"
if wait_for 15 "a SLAAC address on the LAN host" \
	has_addr "$LAN" eth0 'inet6 2001:db8:4400:1:[0-9a-f:]+/64 scope global'; then
	grep -E -- '-> \+OK|-P lan0|radvd advertises' "$TMPD/dtcps.log" "$TMPD/dtcpc.log" | sed 's/^[^:]*: */      /'
	show ip -n "$SRV" -6 route show 2001:db8:4400::/48
	show ip -n "$LAN" -6 addr show dev eth0 scope global
	lan6=$(ip -n "$LAN" -6 addr show dev eth0 scope global | sed -n 's/.*inet6 \([0-9a-f:]*\)\/64.*/\1/p' | head -1)
	step "LAN host -> IPv6 host, over the delegated prefix, out through the NAT"
	show ip netns exec "$LAN" ping -6 -c 3 -i 0.3 -W 2 "$INET_V6" || rc=1
	step "IPv6 host -> LAN host $lan6, in through the NAT"
	show ip netns exec "$INET" ping -6 -c 3 -i 0.3 -W 2 "$lan6" || rc=1
	stop dtcpc TERM 5 || rc=1
	wait_for 3 "the server's route removed" \
		eval "[ -z \"\$(ip -n $SRV -6 route show 2001:db8:4400::/48)\" ]" || rc=1
	echo "    dtcpc exited with status $STOP_RC; the LAN address, radvd and the server's route are gone"
else
	echo "    the LAN host got no address"
	rc=1
fi

[ "$rc" -eq 0 ] || show_logs
step "cleaning up: processes and namespaces"
cleanup
left=$(ip netns list | grep -c "^$PFX")
printf '    namespaces left: %s\n' "$left"
if [ "$rc" -eq 0 ]; then
	echo "demo: OK, IPv6 crossed the tunnels both ways: over UDP through the NAT, over protocol 41, and to a LAN over its delegated prefix"
else
	echo "demo: FAILED, see the output above" >&2
fi
exit "$rc"
