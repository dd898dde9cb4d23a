#!/bin/bash
# The end-to-end story, run by `make demo` (as root): a tunnel broker, a client
# and an IPv6 host "on the internet", each in its own network namespace. The
# client gets an IPv6 address over a UDP tunnel, pings the host and is pinged
# back; then it leaves and the broker removes its interface. Everything is
# removed at the end (trap), whatever happens. Exits non-zero if a ping fails.
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

step "creating three network namespaces"
cat <<EOF
    $SRV   the tunnel broker: 192.0.2.1 towards clients, 2001:db8:ffff::1 towards the IPv6 internet
    $CLI   an IPv4-only client: 192.0.2.2
    $INET  a host on the IPv6 internet: 2001:db8:ffff::2
EOF
topo_std >/dev/null

step "creating the password file with dtcpauth"
make_pwfile | sed 's/^/    /'

step "starting the server (foreground, debug, UDP tunnels, addresses from $PREFIX6)"
start_server >/dev/null
printf '    dtcps is listening on %s:20200\n' "$SRV_V4"

step "starting the client: host tunnel, default route through it"
client_auth "$TMPD/dtcpc.auth" "$SRV_V4" "$USER1" "$PASS1"
printf '    (%s holds "%s:%s:<password>", mode 0600)\n' "$TMPD/dtcpc.auth" "$SRV_V4" "$USER1"
start_client dtcpc "$CLI" -d -U -t host -r static "$CAUTH" "$TMPD/dtcpc.auth" -u "$USER1" "$SRV_V4"
if ! wait_for 10 "the client tunnel" has_addr "$CLI" ng0 'inet6 2001:db8:1::6'; then
	fail "the client did not get its tunnel address"
fi
echo "    the exchange, as the server logged it:"
grep -Ei 'tunnel|\+OK|-ERR|login|auth' "$TMPD/dtcps.log" | sed 's/^/      /' | head -n 12

step "the tunnel interfaces"
show ip -n "$SRV" addr show dev ng0
show ip -n "$CLI" addr show dev ng0
show ip -n "$CLI" -6 route show
show ip -n "$SRV" -6 route show dev ng0

rc=0
step "client -> IPv6 host, through the tunnel"
show ip netns exec "$CLI" ping -6 -c 3 -i 0.3 -W 2 "$INET_V6" || rc=1

step "IPv6 host -> client's tunnel address"
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

[ "$rc" -eq 0 ] || show_logs
step "cleaning up: processes and namespaces"
cleanup
left=$(ip netns list | grep -c "^$PFX")
printf '    namespaces left: %s\n' "$left"
if [ "$rc" -eq 0 ]; then
	echo "demo: OK, IPv6 crossed the tunnel both ways"
else
	echo "demo: FAILED, see the output above" >&2
fi
exit "$rc"
