#!/bin/bash
# Protocol 41, the outer header: a host tunnel from CLI (192.0.2.2) takes
# packets only from that address and only to the server address CLI logged in
# to. (a) Encapsulated echo requests from CLI2 (192.0.2.3, no tunnel) carrying
# the tunnel's inner source ::6 never reach the server's gif interfaces and
# are counted "from an address with no tunnel" at shutdown. (b) From CLI, the
# right source, to a second server address 192.0.2.10: dropped and counted
# "outer header" in the tunnel's close line. (c) One protocol-41 tunnel per
# client address: a second request from CLI while the first lives gets -ERR,
# the first tunnel keeps working, the refused session succeeds once the first
# ends; CLI2's address gets its own tunnel (::a/::9), which carries its own
# inner source but not ::6. With -U, a UDP request from CLI is not affected by
# the rule while CLI's protocol-41 tunnel is up. The data plane is a Python
# raw protocol-41 socket; an nftables counter on the server's gif interfaces
# tells what entered a tunnel.
set -u
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"


# Without -U the refusal does not point to udp; with -U it does.
ERR_TAKEN="-ERR a protocol-41 tunnel from your address is up already (one per address)"
ERR_TAKEN_U="-ERR a protocol-41 tunnel from your address is up already (one per address; use udp for more)"

# p41_login NAME NS C4 C6 S6 : ctl_open and a protocol-41 host request as
# alice; fail unless the reply is "+OK C4 $SRV_V4 C6 S6"
p41_login() {
	ctl_open "$1" "$2"
	ctl_login "$1" "$USER1" "$PASS1" host || fail "$1: protocol-41 host request refused: '$CTL_LINE'"
	[ "$CTL_LINE" = "+OK $3 $SRV_V4 $4 $5" ] ||
		fail "$1: reply '$CTL_LINE', want '+OK $3 $SRV_V4 $4 $5'"
}

# watch_count NAME : packets counted so far by the p41watch counter NAME
watch_count() { nft_packets "$SRV" ip6 p41watch "$1"; }

# close_line N : the close line of session N (waited for, 5 s)
close_line() {
	wait_for 5 "session $1's close line" grep -q "session $1: .*tunnel gif[0-9]* closed" "$TMPD/dtcps.log" ||
		fail "dtcps logged no close line for session $1"
	grep "session $1: .*tunnel gif[0-9]* closed" "$TMPD/dtcps.log" | tail -n 1
}

topo_std cli2
make_pwfile
spawn dtcps "$SRV" "$DTCPS" "${RUNFILES[@]}" -D -d -A "$PWFILE" -L "$SRV_V4" "$PREFIX6"
wait_for_or_fail 10 "dtcps (protocol 41 only) listens on $SRV_V4:20200" \
	eval "alive dtcps && tcp_listening $SRV 20200"

# What enters the server from a gif interface, by echo id: 0x4110 the
# legitimate echoes (the positive control), 0x41a0 (a), 0x41b0 (b).
nsx "$SRV" nft -f - <<'NFT' || fail "nftables counters in SRV"
table ip6 p41watch {
	counter good {}
	counter a {}
	counter b {}
	chain pre {
		type filter hook prerouting priority raw; policy accept;
		iifname "gif*" icmpv6 type echo-request icmpv6 id 0x4110 counter name "good"
		iifname "gif*" icmpv6 type echo-request icmpv6 id 0x41a0 counter name "a"
		iifname "gif*" icmpv6 type echo-request icmpv6 id 0x41b0 counter name "b"
	}
}
NFT

p41_login t1 "$CLI" "$CLI_V4" 2001:db8:1::6 2001:db8:1::5
wait_for_or_fail 5 "server gif0 has ::5 peer ::6" has_addr "$SRV" gif0 'inet6 2001:db8:1::5 peer 2001:db8:1::6/128'
run p41_echo "$CLI" "$SRV_V4" 2001:db8:1::6 2001:db8:1::5 0x4110 2 reply || fail "the tunnel does not work to begin with"
n=$(watch_count good)
[ "${n:-0}" -ge 2 ] || fail "the gif counter saw ${n:-?} legitimate echoes, want >= 2: it would prove nothing"
ok "tunnel from CLI works; the gif counter sees its echoes ($n)"

say "== (a) the tunnel's inner source from CLI2, an address with no tunnel"
run p41_echo "$CLI2" "$SRV_V4" 2001:db8:1::6 2001:db8:1::5 0x41a0 5 none 2 ||
	fail "an echo sent from CLI2 in CLI's tunnel was answered"
n=$(watch_count a)
[ "$n" = 0 ] || fail "$n packets from CLI2 entered a gif interface"
ok "nothing from CLI2 entered the tunnel"

say "== (b) from CLI to another server address"
run ip -n "$SRV" addr add 192.0.2.10/24 dev br0 || fail "cannot add 192.0.2.10 to br0"
wait_for_or_fail 5 "CLI reaches 192.0.2.10" nsx "$CLI" ping -c 1 -W 1 192.0.2.10
run p41_echo "$CLI" 192.0.2.10 2001:db8:1::6 2001:db8:1::5 0x41b0 5 none 2 ||
	fail "an echo sent to 192.0.2.10 was answered"
n=$(watch_count b)
[ "$n" = 0 ] || fail "$n packets to 192.0.2.10 entered a gif interface"
ok "nothing sent to 192.0.2.10 entered the tunnel"

say "== (c) one protocol-41 tunnel per client address"
ctl_open t2 "$CLI"
ctl_greeting t2 || fail "t2: no greeting"
t2_challenge=$CHALLENGE
ctl_request t2 "$USER1" "$PASS1" host || fail "t2: no reply to the second request"
[ "$CTL_LINE" = "$ERR_TAKEN" ] || fail "second protocol-41 request from CLI: got '$CTL_LINE', want '$ERR_TAKEN'"
ok "second protocol-41 request from CLI refused"
check "no second gif interface" no_link "$SRV" gif1
ctl_ping t1 3 "the first session after the refusal"
run p41_echo "$CLI" "$SRV_V4" 2001:db8:1::6 2001:db8:1::5 0x4110 2 reply ||
	fail "the first tunnel stopped working after the refused request"
run p41_echo "$CLI" "$SRV_V4" 2001:db8:1::6 "$INET_V6" 0x4111 2 reply ||
	fail "the first tunnel no longer reaches INET after the refused request"
ok "the first tunnel still works"

p41_login t3 "$CLI2" "$CLI2_V4" 2001:db8:1::a 2001:db8:1::9
wait_for_or_fail 5 "server gif1 has ::9 peer ::a" has_addr "$SRV" gif1 'inet6 2001:db8:1::9 peer 2001:db8:1::a/128'
run p41_echo "$CLI2" "$SRV_V4" 2001:db8:1::a 2001:db8:1::9 0x4112 2 reply || fail "CLI2's own tunnel does not work"
ok "another address gets its own protocol-41 tunnel"
run p41_echo "$CLI2" "$SRV_V4" 2001:db8:1::6 2001:db8:1::5 0x41a0 3 none 2 ||
	fail "CLI2 sent from CLI's inner address ::6 through its own tunnel and got an answer"
ok "CLI2's tunnel refuses the inner source ::6"
ctl_quit t3
line=$(close_line 3)
say "$line"
n=$(count_of "$line" "spoofed inner source")
[ "${n:-0}" -ge 3 ] || fail "CLI2's tunnel counted ${n:-?} spoofed inner sources, want >= 3"
ok "CLI2's tunnel counted $n spoofed inner sources"

ctl_quit t1
[ "$CTL_LINE" = "+OK see you soon." ] || fail "quit t1: got '$CTL_LINE'"
line=$(close_line 1)
say "$line"
outer=$(count_of "$line" "outer header")
[ "${outer:-0}" -ge 5 ] || fail "the tunnel counted ${outer:-?} outer-header drops, want >= 5"
for what in "foreign source" malformed "spoofed inner source"; do
	n=$(count_of "$line" "$what")
	[ "$n" = 0 ] || fail "the tunnel counted ${n:-?} drops for '$what', want 0"
done
ok "CLI's tunnel counted $outer outer-header drops"
wait_for_or_fail 5 "gif0 removed" no_link "$SRV" gif0

CHALLENGE=$t2_challenge
ctl_request t2 "$USER1" "$PASS1" host || fail "t2: no reply to the retried request"
[ "$CTL_LINE" = "+OK $CLI_V4 $SRV_V4 2001:db8:1::6 2001:db8:1::5" ] ||
	fail "the refused session's retry, the first tunnel gone: got '$CTL_LINE'"
wait_for_or_fail 5 "server gif0 has ::5 peer ::6 again" has_addr "$SRV" gif0 'inet6 2001:db8:1::5 peer 2001:db8:1::6/128'
run p41_echo "$CLI" "$SRV_V4" 2001:db8:1::6 2001:db8:1::5 0x4113 2 reply || fail "the retried tunnel does not work"
ok "the address's slot is free again once the first tunnel ended"
ctl_quit t2

stop dtcps TERM 5 || fail "dtcps did not stop on SIGTERM"
line=$(grep 'protocol 41: .* packets received' "$TMPD/dtcps.log" | tail -n 1)
[ -n "$line" ] || fail "dtcps logged no protocol-41 counters at shutdown"
say "$line"
unknown=$(count_of "$line" "from an address with no tunnel")
[ "${unknown:-0}" -ge 5 ] || fail "the shared socket counted ${unknown:-?} packets from addresses with no tunnel, want >= 5"
ok "the shared socket counted $unknown packets from an address with no tunnel"

say "== -U: the one-per-address rule leaves UDP alone"
mv "$TMPD/dtcps.log" "$TMPD/dtcps-p41only.log.old"
start_server
p41_login u1 "$CLI" "$CLI_V4" 2001:db8:1::6 2001:db8:1::5
wait_for_or_fail 5 "server gif0 has ::5 peer ::6" has_addr "$SRV" gif0 'inet6 2001:db8:1::5 peer 2001:db8:1::6/128'
ctl_open u2 "$CLI"
ctl_login u2 "$USER1" "$PASS1" host
[ "$CTL_LINE" = "$ERR_TAKEN_U" ] || fail "-U: second protocol-41 request from CLI: got '$CTL_LINE', want '$ERR_TAKEN_U'"
ok "-U: second protocol-41 request from CLI refused"
ctl_open u3 "$CLI"
ctl_login u3 "$USER1" "$PASS1" host udp 4028 || fail "-U: a udp request from CLI refused: '$CTL_LINE'"
re='^\+OK 192\.0\.2\.2 192\.0\.2\.1 ([0-9a-f:]+) ([0-9a-f:]+) udp [0-9]+$'
[[ $CTL_LINE =~ $re ]] || fail "-U: udp reply not '+OK c4 s4 c6 s6 udp port': '$CTL_LINE'"
wait_for_or_fail 5 "server ng0 has ${BASH_REMATCH[2]} peer ${BASH_REMATCH[1]}" \
	has_addr "$SRV" ng0 "inet6 ${BASH_REMATCH[2]} peer ${BASH_REMATCH[1]}/128"
ok "-U: a udp tunnel from CLI granted beside its protocol-41 tunnel"
run p41_echo "$CLI" "$SRV_V4" 2001:db8:1::6 2001:db8:1::5 0x4114 2 reply ||
	fail "-U: the protocol-41 tunnel does not work beside the udp one"
ok "-U: the protocol-41 tunnel still works"
ctl_quit u3
ctl_quit u2
ctl_quit u1
wait_for_or_fail 5 "gif0 and ng0 removed" eval "no_link $SRV gif0 && no_link $SRV ng0"
stop dtcps TERM 5 || fail "dtcps -U did not stop on SIGTERM"
pass "protocol-41 packets from another address or to another server address are dropped and counted; one tunnel per address"
