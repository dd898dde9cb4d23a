#!/bin/bash
# dtcps interface pools for protocol-41 tunnels: -i with a regular
# expression uses only existing interfaces that match and are down (a
# matching one that is up is someone else's), gives them back down and
# without our address when the session ends, and answers "sold out" when
# none is free; -c never creates an interface; -o creates persistent ones
# and leaves them at exit.
set -u
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

# p41_server ARGS... : dtcps without -U (protocol 41 only), with ARGS
p41_server() {
	[ -f "$PWFILE" ] || make_pwfile
	spawn dtcps "$SRV" "$DTCPS" "${RUNFILES[@]}" -D -d -A "$PWFILE" -L "$SRV_V4" "$@" "$PREFIX6"
	wait_for_or_fail 10 "dtcps listens" eval "alive dtcps && tcp_listening $SRV 20200"
}

# p41_login NAME NS : a raw control session asking for a protocol-41 host
# tunnel; the reply is in CTL_LINE
p41_login() {
	ctl_open "$1" "$2"
	ctl_greeting "$1" || fail "$1: no greeting"
	ctl_request "$1" "$USER1" "$PASS1" host
}

topo_std cli2
say "--- -i 'tun[0-9]+': existing, matching, down interfaces only"
for n in tun5 tun6 tun7; do
	run ip -n "$SRV" tuntap add mode tun name "$n" || fail "tuntap $n"
done
run ip -n "$SRV" link set tun6 up    # someone else's: up
run ip -n "$SRV" link set tun7 up
p41_server -i 'tun[0-9]+'
p41_login c1 "$CLI"
[[ $CTL_LINE == "+OK "* ]] || fail "first tunnel refused: $CTL_LINE"
wait_for_or_fail 5 "tun5 carries the host pair" has_addr "$SRV" tun5 "inet6 2001:db8:1::5 peer 2001:db8:1::6/128"
check "tun5 is up" link_up "$SRV" tun5
check "tun6 untouched (still without our address)" eval "! has_addr $SRV tun6 2001:db8:1"
check "no gif0 created" eval "! ip -n $SRV link show gif0 >/dev/null 2>&1"
p41_login c2 "$CLI2"
[[ $CTL_LINE == "-ERR tunnel interface sold out" ]] || fail "second tunnel: got '$CTL_LINE', want sold out"
ok "second tunnel: sold out (tun6 and tun7 are up: not ours to take)"
ctl_quit c1
ctl_close c2
wait_for_or_fail 5 "tun5 given back down" eval "! link_up $SRV tun5"
check "tun5 still exists" ip -n "$SRV" link show tun5
check "tun5 without our address" eval "! has_addr $SRV tun5 2001:db8:1"
p41_login c3 "$CLI2"
[[ $CTL_LINE == "+OK "* ]] || fail "tun5 not reused: $CTL_LINE"
wait_for_or_fail 5 "tun5 reused" has_addr "$SRV" tun5 "inet6 2001:db8:1::5 peer"
ctl_quit c3
stop dtcps

say "--- -c: never create"
p41_server -c
p41_login c4 "$CLI"
[[ $CTL_LINE == "-ERR tunnel interface sold out" ]] || fail "-c without gif0: got '$CTL_LINE', want sold out"
ok "-c with no gif0: sold out"
ctl_close c4
run ip -n "$SRV" tuntap add mode tun name gif0 || fail "tuntap gif0"
p41_login c5 "$CLI"
[[ $CTL_LINE == "+OK "* ]] || fail "-c with gif0 made: $CTL_LINE"
wait_for_or_fail 5 "the existing gif0 used" has_addr "$SRV" gif0 "inet6 2001:db8:1::5 peer"
ctl_quit c5
wait_for_or_fail 5 "gif0 given back down" eval "! link_up $SRV gif0"
stop dtcps
run ip -n "$SRV" link del gif0

say "--- -o: persistent, left at exit"
p41_server -o
p41_login c6 "$CLI"
[[ $CTL_LINE == "+OK "* ]] || fail "-o: $CTL_LINE"
wait_for_or_fail 5 "gif0 made" has_addr "$SRV" gif0 "inet6 2001:db8:1::5 peer"
ctl_quit c6
wait_for_or_fail 5 "gif0 down after the session" eval "! link_up $SRV gif0"
check "gif0 persists after the session" ip -n "$SRV" link show gif0
p41_login c7 "$CLI"
[[ $CTL_LINE == "+OK "* ]] || fail "-o: the persistent gif0 not reused: $CTL_LINE"
ctl_quit c7
stop dtcps
check "gif0 left at exit (-o)" ip -n "$SRV" link show gif0
pass "interface pools: regular expression, -c and -o behave as documented"
