#!/bin/bash
# Two clients at once: the first gets ng0, UDP 4028, ::5/::6; the second ng1,
# UDP 4029, ::9/::a; both reach the IPv6 host and are reached from it.
set -u
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

start_two_tunnels -d
check "server ng0 has 2001:db8:1::5 peer ::6" has_addr "$SRV" ng0 'inet6 2001:db8:1::5 peer 2001:db8:1::6/128'
check "server ng1 has 2001:db8:1::9 peer ::a" has_addr "$SRV" ng1 'inet6 2001:db8:1::9 peer 2001:db8:1::a/128'
check "server has exactly ng0 and ng1" eval "[ \"\$(ng_links $SRV | sort | tr '\n' ' ')\" = 'ng0 ng1 ' ]"
run ss -N "$SRV" -Hnuap
check "server UDP 4028 (dtcps)" eval "ss -N $SRV -Hnuap 'sport = :4028' | grep -q dtcps"
check "server UDP 4029 (dtcps)" eval "ss -N $SRV -Hnuap 'sport = :4029' | grep -q dtcps"
check "client 1 default route via ng0" default_via "$CLI" ng0
check "client 2 default route via ng0" default_via "$CLI2" ng0

run nsx "$CLI" ping -6 -c 3 -i 0.2 -W 2 "$INET_V6" || fail "client 1 cannot ping $INET_V6"
run nsx "$CLI2" ping -6 -c 3 -i 0.2 -W 2 "$INET_V6" || fail "client 2 cannot ping $INET_V6"
run nsx "$INET" ping -6 -c 2 -i 0.2 -W 2 2001:db8:1::6 || fail "INET cannot ping client 1"
run nsx "$INET" ping -6 -c 2 -i 0.2 -W 2 2001:db8:1::a || fail "INET cannot ping client 2"
ok "both clients carry IPv6 both ways"

say "== client 1 leaves, client 2 keeps working"
stop dtcpc1 TERM 5 || fail "dtcpc1 did not exit"
wait_for_or_fail 3 "server ng0 removed" no_link "$SRV" ng0
check "server ng1 still there" has_link "$SRV" ng1
run nsx "$CLI2" ping -6 -c 2 -i 0.2 -W 2 "$INET_V6" || fail "client 2 lost its tunnel when client 1 left"
pass "two clients get separate interfaces, ports and address pairs"
