#!/bin/bash
# Behind a NAT without -n: dtcpc sees that the server reports another address
# than its own, exits 1 with a message naming the NAT and -n, and the server
# is left without a tunnel interface.
set -u
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

topo_nat
start_server
start_dtcpc dtcpc "$CLI" host -d
exit_status dtcpc 10 || fail "dtcpc did not exit behind the NAT without -n"
cat "$TMPD/dtcpc.log"
[ "$STOP_RC" -eq 1 ] || fail "dtcpc exited $STOP_RC, want 1"
ok "dtcpc exited 1"
check "message says 'behind a NAT'" grep -q 'behind a NAT' "$TMPD/dtcpc.log"
check "message names -n" grep -q 'use -n' "$TMPD/dtcpc.log"
check "client has no ng0" no_link "$CLI" ng0
wait_for_or_fail 3 "server has no ng interface" no_ng_links "$SRV"
check "dtcps still running" alive dtcps
pass "dtcpc refuses to tunnel behind a NAT without -n"
