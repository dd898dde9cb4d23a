# shellcheck shell=bash
# Protocol 41 spoken by hand (sourced by lib.sh, never run): a Python raw
# IPv4 socket of protocol 41 that builds and reads IPv6 packets itself, as an
# original client or a forger would, and a helper to read counters from the
# daemons' log lines.

# p41_echo NS DST4 SRC6 DST6 ID COUNT reply|none [WAIT] : from a raw
# protocol-41 socket in NS, send COUNT ICMPv6 echo requests SRC6 -> DST6 (echo
# id ID, sequence 1..COUNT, a payload of their own) encapsulated to DST4.
# "reply": each must be answered (an encapsulated echo reply DST6 -> SRC6 from
# DST4 with the same id, sequence and payload, valid checksum) within 1 s,
# sent again up to 5 times. "none": no answer may arrive within WAIT s (3).
# shellcheck disable=SC2317 # called through run
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

