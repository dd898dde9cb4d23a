#!/bin/bash
# dtcps's network tunnels (server side): the route table gives each user
# prefixes that the privileged parent routes into the user's tunnel, over
# UDP and over protocol 41, and that go with the session; a user the table
# does not list gets the original's refusal; a second login of the same user
# takes the prefixes over (newest login wins: the old session is told and
# closed, each route moves in one step); edits of the table take effect at
# the next login, and a broken edit keeps the last good table in force.
set -u
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

RT=$TMPD/dtcps.routetable

# route_dev PREFIX : the device the server routes PREFIX into, or nothing
route_dev() { ip -n "$SRV" -6 route show "$1" | sed -n 's/.* dev \([^ ]*\).*/\1/p'; }

# new_table TEXT : replace the route table as an operator's editor would
new_table() {
	printf '%s\n' "$1" >"$RT.new" && chmod 600 "$RT.new" && mv "$RT.new" "$RT"
}

topo_std cli2
make_pwfile
run "$DTCPAUTH" -f "$PWFILE" -u bob secret2 >/dev/null
run "$DTCPAUTH" -f "$PWFILE" -u carol secret3 >/dev/null
new_table "# user prefixes
alice 2001:db8:4400::/48
bob   2001:db8:4401::/56 2001:db8:4402::/56"
start_server -r "$RT"

say "--- alice over UDP, bob over protocol 41"
ctl_open a "$CLI"
ctl_login a "$USER1" "$PASS1" network udp 4028 || fail "alice: $CTL_LINE"
[ "$CTL_LINE" = "+OK 192.0.2.2 192.0.2.1 2001:db8:4400::/48 udp 4028" ] || fail "alice's reply: $CTL_LINE"
ctl_open b "$CLI2"
ctl_login b bob secret2 network || fail "bob: $CTL_LINE"
[ "$CTL_LINE" = "+OK 192.0.2.3 192.0.2.1 2001:db8:4401::/56 2001:db8:4402::/56" ] || fail "bob's reply: $CTL_LINE"
check "alice's /48 routed into ng0" test "$(route_dev 2001:db8:4400::/48)" = ng0
check "bob's first /56 routed into gif0" test "$(route_dev 2001:db8:4401::/56)" = gif0
check "bob's second /56 routed into gif0" test "$(route_dev 2001:db8:4402::/56)" = gif0

say "--- a user the table does not list"
ctl_open c "$CLI2"
ctl_greeting c || fail "carol: no greeting"
ctl_request c carol secret3 network udp 4028
[ "$CTL_LINE" = "-ERR unsupported tunnel type network" ] || fail "carol: got '$CTL_LINE'"
ok "carol refused network, as the original"
ctl_request c carol secret3 tunnelonly udp 4029
[[ $CTL_LINE == "+OK "* ]] || fail "carol's tunnelonly after the refusal: $CTL_LINE"
ctl_quit c

say "--- the routes go with the session"
ctl_quit a
wait_for_or_fail 5 "alice's route gone" eval "[ -z \"\$(route_dev 2001:db8:4400::/48)\" ]"

say "--- newest login wins"
ctl_open b2 "$CLI"
ctl_login b2 bob secret2 network udp 4028 || fail "bob's second login: $CTL_LINE"
check "bob's prefixes moved to ng0 at once" test "$(route_dev 2001:db8:4401::/56)" = ng0
check "both of them" test "$(route_dev 2001:db8:4402::/56)" = ng0
ctl_recv b 5 || fail "the old session was not told"
[ "$CTL_LINE" = "-ERR superseded by a new login, disconnecting" ] || fail "old session got '$CTL_LINE'"
wait_for_or_fail 5 "the old session closed" ctl_closed b
wait_for_or_fail 5 "its gif0 removed" no_link "$SRV" gif0
check "the routes stay with the new session" test "$(route_dev 2001:db8:4401::/56)" = ng0
ctl_ping b2

say "--- edits of the table"
new_table "alice 2001:db8:4400::/48
bob   2001:db8:4401::/56 2001:db8:4402::/56
carol 2001:db8:4500::/48"
ctl_open c2 "$CLI2"
ctl_login c2 carol secret3 network udp 4030 || fail "carol after the edit: $CTL_LINE"
[[ $CTL_LINE == *" 2001:db8:4500::/48 udp "* ]] || fail "carol's reply: $CTL_LINE"
ok "a user added while dtcps runs gets a network tunnel"
ctl_quit c2
new_table "alice 2001:db8:4400::/48
carol 2001:db8:4400:ff00::/56"
wait_for_or_fail 5 "the broken edit is reported" eval "ctl_open c3 $CLI2 && ctl_greeting c3 && ctl_request c3 carol secret3 network udp 4031; grep -q 'dtcps.routetable:2: .*keeping the route table read before' $TMPD/dtcps.log"
[[ $CTL_LINE == *" 2001:db8:4500::/48 udp "* ]] || fail "the last good table is not in force: $CTL_LINE"
ok "the last good table stays in force: $CTL_LINE"
ctl_quit c3
new_table "alice 2001:db8:4400::/48
carol 2001:db8:4600::/48"
ctl_open c4 "$CLI2"
ctl_login c4 carol secret3 network udp 4032 || fail "carol after the change: $CTL_LINE"
[[ $CTL_LINE == *" 2001:db8:4600::/48 udp "* ]] || fail "carol's changed prefix: $CTL_LINE"
check "carol's new prefix routed" test -n "$(route_dev 2001:db8:4600::/48)"
ok "a changed prefix applies at the next login"
ctl_quit c4
check "bob's tunnel, up before his removal, keeps its routes" test "$(route_dev 2001:db8:4401::/56)" = ng0
ctl_open b3 "$CLI2"
ctl_greeting b3 || fail "bob: no greeting"
ctl_request b3 bob secret2 network udp 4033
[ "$CTL_LINE" = "-ERR unsupported tunnel type network" ] || fail "bob removed from the table got '$CTL_LINE'"
ok "a user removed from the table gets no new network tunnel"
ctl_quit b3
check "dtcps still running" alive dtcps
pass "network tunnels: prefixes per user from the route table, routed and removed with the session, newest login wins, edits (add, change, remove) and broken edits"
