#!/bin/bash
# dtcpclient tunnelonly through the shipped script: ng0 gets the default
# route but no global address; the test numbers the link and pings across.
set -u
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=lib_client.sh
. "$(dirname "$0")/lib_client.sh"
need_root
need_bins
need_dtcpclient

topo_std
start_server
client_conf ng0
start_dtcpclient dtcpclient "$CLI" -d -U -t tunnelonly -s "$CLIENT_SCRIPT" -u "$USER1" "$SRV_V4"

wait_for_or_fail 10 "script set the default route on ng0" \
	eval "ip -n $CLI -6 route show default | grep -q 'dev ng0'"
wait_for_or_fail 5 "server ng0 exists" has_link "$SRV" ng0
check "no global address on client ng0" eval "! ip -n $CLI -6 addr show dev ng0 scope global | grep -q inet6"
check "no global address on server ng0" eval "! ip -n $SRV -6 addr show dev ng0 scope global | grep -q inet6"

run ip -n "$SRV" addr add 2001:db8:2::1 peer 2001:db8:2::2/128 dev ng0 nodad || fail "address on server ng0"
run ip -n "$CLI" addr add 2001:db8:2::2 peer 2001:db8:2::1/128 dev ng0 nodad || fail "address on client ng0"
run nsx "$CLI" ping -6 -c 3 -i 0.2 -W 2 2001:db8:2::1 || fail "client cannot ping the server end 2001:db8:2::1"
ok "client -> server ping"
run nsx "$SRV" ping -6 -c 3 -i 0.2 -W 2 2001:db8:2::2 || fail "server cannot ping the client end 2001:db8:2::2"
ok "server -> client ping"

stop dtcpclient TERM 10 || fail "dtcpclient did not stop on SIGTERM"
[ "$STOP_RC" -eq 0 ] || fail "dtcpclient exit status $STOP_RC after SIGTERM, want 0"
check "dtcpclient ran the script with down ng0" \
	grep -q "running $CLIENT_SCRIPT down ng0" "$TMPD/dtcpclient.log"
check "client ng0 and its routes gone" ng_gone "$CLI" ng0
pass "tunnelonly tunnel through the script carries IPv6"
