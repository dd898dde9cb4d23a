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

# p41_echo NS DST4 SRC6 DST6 ID COUNT reply|none [WAIT] : from a raw
# protocol-41 socket in NS, send COUNT ICMPv6 echo requests SRC6 -> DST6 (echo
# id ID, sequence 1..COUNT, a payload of their own) encapsulated to DST4.
# "reply": each must be answered (an encapsulated echo reply DST6 -> SRC6 from
# DST4 with the same id, sequence and payload, valid checksum) within 1 s,
# sent again up to 5 times. "none": no answer may arrive within WAIT s (3).
# shellcheck disable=SC2317 # called through run
p41_echo() {
	nsx "$1" python3 - "${@:2}" <<'PY'
import ipaddress, os, socket, struct, sys, time
dst4, src6, dst6, ident, count, mode = sys.argv[1:7]
wait = float(sys.argv[7]) if len(sys.argv) > 7 else 3.0
ident, count = int(ident, 0), int(count)
s6, d6 = ipaddress.IPv6Address(src6).packed, ipaddress.IPv6Address(dst6).packed

def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s

def icmp6(src, dst, typ, ident, seq, payload):
    body = struct.pack("!BBHHH", typ, 0, 0, ident, seq) + payload
    pseudo = src + dst + struct.pack("!I3xB", len(body), 58)
    c = ~csum(pseudo + body) & 0xffff
    return body[:2] + struct.pack("!H", c) + body[4:]

def packet(seq):
    payload = b"dtcp-p41 %04x/%d " % (ident, seq) + os.urandom(24)
    body = icmp6(s6, d6, 128, ident, seq, payload)
    return payload, struct.pack("!IHBB", 6 << 28, len(body), 58, 64) + s6 + d6 + body

def reply_of(data):
    """(seq, payload) of an encapsulated echo reply dst6 -> src6 with our
    id from dst4, else None"""
    if len(data) < 20 or data[0] >> 4 != 4 or data[9] != 41:
        return None
    ihl = (data[0] & 15) * 4
    if socket.inet_ntoa(data[12:16]) != dst4:
        return None
    ip6 = data[ihl:]
    if len(ip6) < 48 or ip6[0] >> 4 != 6 or ip6[6] != 58:
        return None
    plen = struct.unpack("!H", ip6[4:6])[0]
    src, dst, body = ip6[8:24], ip6[24:40], ip6[40:40 + plen]
    if src != d6 or dst != s6 or len(body) < 8 or body[0] != 129:
        return None
    if csum(src + dst + struct.pack("!I3xB", len(body), 58) + body) != 0xffff:
        print(f"bad ICMPv6 checksum in a reply: {body[:8].hex()}")
        return None
    rid, seq = struct.unpack("!HH", body[4:8])
    return (seq, body[8:]) if rid == ident else None

sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, 41)

def listen(until, seq=None, payload=None):
    """read until the time `until`; with seq: True once its reply came;
    without: the first reply with our id (seq, payload), or None"""
    while True:
        left = until - time.monotonic()
        if left <= 0:
            return None
        sock.settimeout(left)
        try:
            data, _ = sock.recvfrom(65535)
        except socket.timeout:
            return None
        got = reply_of(data)
        if got is None:
            continue
        if seq is None:
            return got
        if got[0] == seq:
            if got[1] != payload:
                print(f"seq {seq}: the reply's payload differs")
                sys.exit(1)
            return True

if mode == "reply":
    for seq in range(1, count + 1):
        payload, pkt = packet(seq)
        for attempt in range(1, 6):
            t0 = time.monotonic()
            sock.sendto(pkt, (dst4, 0))
            if listen(t0 + 1.0, seq, payload):
                ms = (time.monotonic() - t0) * 1000
                print(f"echo reply {dst6} -> {src6} id {ident:#x} seq {seq} "
                      f"({len(payload)} bytes, try {attempt}, {ms:.1f} ms)")
                break
        else:
            print(f"no echo reply for seq {seq} after 5 tries")
            sys.exit(1)
    sys.exit(0)
for seq in range(1, count + 1):
    sock.sendto(packet(seq)[1], (dst4, 0))
print(f"sent {count} echo requests {src6} -> {dst6} to {dst4}")
got = listen(time.monotonic() + wait)
if got is not None:
    print(f"an echo reply came back: seq {got[0]}")
    sys.exit(1)
print(f"no reply within {wait:g} s")
PY
}

# count_of LINE LABEL : the number after LABEL in a counters line
count_of() { sed -n "s/.*$2 \\([0-9][0-9]*\\).*/\\1/p" <<<"$1"; }

topo_std
make_pwfile
spawn dtcps "$SRV" "$DTCPS" -D -d -A "$PWFILE" -L "$SRV_V4" "$PREFIX6"
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
