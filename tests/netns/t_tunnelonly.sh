#!/bin/bash
# tunnelonly tunnel: the daemons make ng0 on both sides without addresses; the
# test numbers the link itself and pings across it.
set -u
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
need_root
need_bins

topo_std
start_server
client_auth "$TMPD/dtcpc.auth" "$SRV_V4" "$USER1" "$PASS1"
start_client dtcpc "$CLI" -d -U -t tunnelonly "$CAUTH" "$TMPD/dtcpc.auth" -u "$USER1" "$SRV_V4"

wait_for_or_fail 10 "client ng0 exists" has_link "$CLI" ng0
wait_for_or_fail 5 "server ng0 exists" has_link "$SRV" ng0
wait_for_or_fail 5 "client ng0 is up" eval "ip -n $CLI link show dev ng0 | grep -q '[<,]UP[,>]'"
wait_for_or_fail 5 "server ng0 is up" eval "ip -n $SRV link show dev ng0 | grep -q '[<,]UP[,>]'"
check "no global address on server ng0" eval "! ip -n $SRV -6 addr show dev ng0 scope global | grep -q inet6"
check "no global address on client ng0" eval "! ip -n $CLI -6 addr show dev ng0 scope global | grep -q inet6"
check "no default route on the client" eval "! ip -n $CLI -6 route show default | grep -q ng0"

run ip -n "$SRV" addr add 2001:db8:2::1 peer 2001:db8:2::2/128 dev ng0 nodad || fail "address on server ng0"
run ip -n "$CLI" addr add 2001:db8:2::2 peer 2001:db8:2::1/128 dev ng0 nodad || fail "address on client ng0"
run nsx "$CLI" ping -6 -c 3 -i 0.2 -W 2 2001:db8:2::1 || fail "client cannot ping the server end 2001:db8:2::1"
ok "client -> server ping"
run nsx "$SRV" ping -6 -c 3 -i 0.2 -W 2 2001:db8:2::2 || fail "server cannot ping the client end 2001:db8:2::2"
ok "server -> client ping"
pass "tunnelonly tunnel carries IPv6"
