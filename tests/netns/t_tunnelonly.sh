#!/bin/bash
# tunnelonly tunnel: the daemons make ng0 on both sides without addresses; the
# test numbers the link itself and pings across it. With -r none dtcpc routes
# nothing into it.
set -u
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

start_dtcpc_tunnel tunnelonly -d -r none
wait_for_or_fail 5 "server ng0 is up" link_up "$SRV" ng0
check "no global address on server ng0" no_global_addr "$SRV" ng0
check "no global address on client ng0" no_global_addr "$CLI" ng0
check "no default route on the client (-r none)" eval "! default_via $CLI ng0"
tunnelonly_ping
pass "tunnelonly tunnel carries IPv6"
