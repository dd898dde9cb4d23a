#!/bin/bash
# dtcpclient tunnelonly through the shipped script: ng0 gets the default
# route but no global address; the test numbers the link and pings across.
set -u
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
need_dtcpclient

topo_std
start_server
client_conf ng0
start_dtcpclient dtcpclient "$CLI" -d -U -t tunnelonly -s "$CLIENT_SCRIPT" -u "$USER1" "$SRV_V4"

wait_for_or_fail 10 "script set the default route on ng0" default_via "$CLI" ng0
wait_for_or_fail 5 "server ng0 exists" has_link "$SRV" ng0
check "no global address on client ng0" no_global_addr "$CLI" ng0
check "no global address on server ng0" no_global_addr "$SRV" ng0
tunnelonly_ping

stop dtcpclient TERM 10 || fail "dtcpclient did not stop on SIGTERM"
[ "$STOP_RC" -eq 0 ] || fail "dtcpclient exit status $STOP_RC after SIGTERM, want 0"
check "dtcpclient ran the script with down ng0" \
	grep -q "running $CLIENT_SCRIPT down ng0" "$TMPD/dtcpclient.log"
check "client ng0 and its routes gone" ng_gone "$CLI" ng0
pass "tunnelonly tunnel through the script carries IPv6"
