#!/bin/bash
# Protocol 41 against a client written from the RFCs alone: the control
# session is spoken by hand (lib_ctl.sh), a host tunnel is asked for without
# "udp" and must be granted as "+OK c4 s4 c6 s6"; the data plane is a Python
# raw IPv4 socket of protocol 41 in CLI that builds ICMPv6 echo requests
# itself (IPv6 header, checksum over the pseudo-header) and encapsulates them
# as RFC 4213 says. Echo replies come back encapsulated from the server
# address, with our id, sequence and payload, both from the server end of the
# tunnel (::5) and from INET across it, while the control session stays open.
# dtcps is run without -U: protocol 41 only. Quit removes gif0 and logs the
# tunnel's counters, clean of drops; shutdown logs the shared socket's.
set -u
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

topo_std
make_pwfile
spawn dtcps "$SRV" "$DTCPS" "${RUNFILES[@]}" -D -d -A "$PWFILE" -L "$SRV_V4" "$PREFIX6"
wait_for_or_fail 10 "dtcps (protocol 41 only) listens on $SRV_V4:20200" \
	eval "alive dtcps && tcp_listening $SRV 20200"

ctl_open ctl "$CLI"
ctl_login ctl "$USER1" "$PASS1" host || fail "host tunnel over protocol 41 refused: '$CTL_LINE'"
re='^\+OK ([0-9.]+) ([0-9.]+) ([0-9a-f:]+) ([0-9a-f:]+)$'
[[ $CTL_LINE =~ $re ]] || fail "reply not '+OK <c4> <s4> <c6> <s6>' (no udp part): '$CTL_LINE'"
c4=${BASH_REMATCH[1]} s4=${BASH_REMATCH[2]} c6=${BASH_REMATCH[3]} s6=${BASH_REMATCH[4]}
say "client $c4 server $s4 client6 $c6 server6 $s6"
[ "$c4" = "$CLI_V4" ] || fail "client-v4 is $c4, want $CLI_V4"
[ "$s4" = "$SRV_V4" ] || fail "server-v4 is $s4, want $SRV_V4"
[ "$c6" = 2001:db8:1::6 ] || fail "client-v6 is $c6, want 2001:db8:1::6"
[ "$s6" = 2001:db8:1::5 ] || fail "server-v6 is $s6, want 2001:db8:1::5"
wait_for_or_fail 5 "server gif0 has $s6 peer $c6" has_addr "$SRV" gif0 "inet6 $s6 peer $c6/128"
check "server gif0 is up" link_up "$SRV" gif0

run p41_echo "$CLI" "$s4" "$c6" "$s6" 0x4101 3 reply ||
	fail "no encapsulated echo reply from the server end $s6"
ok "echo $c6 -> $s6 over protocol 41 answered"
run p41_echo "$CLI" "$s4" "$c6" "$INET_V6" 0x4102 3 reply ||
	fail "no encapsulated echo reply from $INET_V6 across the tunnel"
ok "echo $c6 -> $INET_V6 across the tunnel answered"

ctl_ping ctl 3 "the control session after the echoes"
check "dtcps still running" alive dtcps
ctl_quit ctl
[ "$CTL_LINE" = "+OK see you soon." ] || fail "quit: got '$CTL_LINE'"
wait_for_or_fail 5 "server gif0 removed after quit" no_link "$SRV" gif0
wait_for_or_fail 5 "server logs the tunnel's close line" grep -q 'tunnel gif0 closed' "$TMPD/dtcps.log"
line=$(grep 'tunnel gif0 closed' "$TMPD/dtcps.log" | tail -n 1)
say "$line"
in=$(count_of "$line" "packets in") out=$(count_of "$line" ", out")
[ "${in:-0}" -ge 6 ] || fail "the tunnel counted ${in:-?} packets in, want >= 6"
[ "${out:-0}" -ge 6 ] || fail "the tunnel counted ${out:-?} packets out, want >= 6"
for what in "foreign source" malformed "spoofed inner source" "outer header"; do
	n=$(count_of "$line" "$what")
	[ "$n" = 0 ] || fail "the tunnel counted ${n:-?} drops for '$what', want 0"
done
ok "tunnel counters: $in in, $out out, no drops"

stop dtcps TERM 5 || fail "dtcps did not stop on SIGTERM"
line=$(grep 'protocol 41: .* packets received' "$TMPD/dtcps.log" | tail -n 1)
[ -n "$line" ] || fail "dtcps logged no protocol-41 counters at shutdown"
say "$line"
rx=$(count_of "$line" "protocol 41:")
[ "${rx:-0}" -ge 6 ] || fail "the protocol-41 socket counted ${rx:-?} packets received, want >= 6"
ok "shared protocol-41 socket counted $rx packets"
pass "an independent protocol-41 client gets a host tunnel and IPv6 echoes across it"
