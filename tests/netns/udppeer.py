#!/usr/bin/env python3
"""A bare DTCP UDP peer for the network-namespace tests: what a legacy
client, a forger behind the client's NAT or a replaying attacker puts on
the wire, written independently of dtcp's own code.

  udppeer.py echo SERVER:PORT SRC6 DST6 [--bind PORT] [--timeout S]
      send one ICMPv6 echo request from SRC6 to DST6 in a UDP datagram
      from local PORT (0: any) and wait for the echo reply; prints
      "reply from DST6 at local port N" or "no reply", exit 0 / 1
  udppeer.py capture IFACE SERVER:PORT OUTFILE [--timeout S]
      (root) take the next roam1 keepalive ("DTKA", 32 bytes) sent to
      SERVER:PORT on IFACE and write its hex to OUTFILE
  udppeer.py forge SERVER:PORT SRC6 DST6 [--replay HEXFILE] [--ports N]
                   [--listen S]
      from N fresh local ports send an empty datagram, a well-formed IPv6
      packet (SRC6 -> DST6), a 32-byte datagram that looks like a roam1
      keepalive with a wrong MAC and, with --replay, the captured
      keepalive; then listen S seconds on every port and print
      "sent N received M"
"""
import argparse
import ipaddress
import os
import socket
import struct
import sys
import time


def addr(text):
    host, port = text.rsplit(":", 1)
    return host, int(port)


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def icmp6_echo(src6, dst6, ident, seq, payload=b"udppeer!"):
    src = socket.inet_pton(socket.AF_INET6, src6)
    dst = socket.inet_pton(socket.AF_INET6, dst6)
    body = struct.pack("!BBHHH", 128, 0, 0, ident, seq) + payload
    pseudo = src + dst + struct.pack("!I3xB", len(body), 58)
    body = body[:2] + struct.pack("!H", checksum(pseudo + body)) + body[4:]
    # version 6, payload length, next header 58 (ICMPv6), hop limit 64
    return struct.pack("!IHBB", 6 << 28, len(body), 58, 64) + src + dst + body


def is_echo_reply(pkt, ident):
    return (len(pkt) >= 48 and pkt[0] >> 4 == 6 and pkt[6] == 58 and
            pkt[40] == 129 and struct.unpack("!H", pkt[44:46])[0] == ident)


def cmd_echo(a):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", a.bind))
    ident = os.getpid() & 0xFFFF
    s.sendto(icmp6_echo(a.src6, a.dst6, ident, 1), addr(a.server))
    s.settimeout(a.timeout)
    deadline = time.monotonic() + a.timeout
    while time.monotonic() < deadline:
        try:
            pkt, _ = s.recvfrom(65535)
        except socket.timeout:
            break
        if is_echo_reply(pkt, ident):
            print("reply from %s at local port %d" % (a.dst6, s.getsockname()[1]))
            return 0
    print("no reply")
    return 1


def packets(iface, timeout, ready=None):
    """Yield (packet, sockaddr_ll) seen on IFACE for TIMEOUT seconds;
    create the file READY once listening."""
    # Outgoing packets reach only sockets of every protocol (ETH_P_ALL).
    s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(3))
    s.bind((iface, 0))
    s.settimeout(0.2)
    if ready:
        open(ready, "w").close()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            yield s.recvfrom(65535)
        except socket.timeout:
            continue


def cmd_capture(a):
    host, port = addr(a.server)
    want = socket.inet_aton(host)
    for ip, sll in packets(a.iface, a.timeout):
        if sll[1] != 0x0800 or len(ip) < 20:
            continue
        hl = (ip[0] & 0x0F) * 4
        if len(ip) < hl + 8 or ip[9] != 17 or ip[16:20] != want:
            continue
        dport, ulen = struct.unpack("!2xHH", ip[hl:hl + 6])
        data = ip[hl + 8:hl + ulen]
        if dport == port and len(data) == 32 and data[:4] == b"DTKA":
            with open(a.outfile, "w") as f:
                f.write(data.hex() + "\n")
            print("captured keepalive counter %d" % struct.unpack("!Q", data[8:16]))
            return 0
    print("no keepalive seen")
    return 1


def cmd_capture6(a):
    """Count the IPv6 packets that arrive on IFACE (never the ones it
    sends) for an address inside PREFIX, for --timeout seconds."""
    net = ipaddress.ip_network(a.prefix)
    seen = 0
    for ip, sll in packets(a.iface, a.timeout, a.ready):
        # sll[2] is the packet type: 4 (PACKET_OUTGOING) is our own.
        if sll[2] == 4 or len(ip) < 40 or ip[0] >> 4 != 6:
            continue
        if ipaddress.IPv6Address(ip[24:40]) in net:
            seen += 1
    print("seen %d" % seen, flush=True)
    return 0


def cmd_forge(a):
    dst = addr(a.server)
    datagrams = [b"", icmp6_echo(a.src6, a.dst6, 0x4242, 1),
                 b"DTKA\x01\0\0\0" + struct.pack("!Q", 1 << 40) + b"\0" * 16]
    if a.replay:
        with open(a.replay) as f:
            datagrams.append(bytes.fromhex(f.read().strip()))
    socks = []
    sent = 0
    for _ in range(a.ports):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("0.0.0.0", 0))
        s.setblocking(False)
        socks.append(s)
        for d in datagrams:
            s.sendto(d, dst)
            sent += 1
    received = 0
    deadline = time.monotonic() + a.listen
    while time.monotonic() < deadline:
        for s in socks:
            try:
                while True:
                    s.recv(65535)
                    received += 1
            except BlockingIOError:
                pass
        time.sleep(0.05)
    print("sent %d received %d" % (sent, received))
    return 0


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    e = sub.add_parser("echo")
    e.add_argument("server")
    e.add_argument("src6")
    e.add_argument("dst6")
    e.add_argument("--bind", type=int, default=0)
    e.add_argument("--timeout", type=float, default=2.0)
    c = sub.add_parser("capture")
    c.add_argument("iface")
    c.add_argument("server")
    c.add_argument("outfile")
    c.add_argument("--timeout", type=float, default=10.0)
    c6 = sub.add_parser("capture6")
    c6.add_argument("iface")
    c6.add_argument("prefix")
    c6.add_argument("--timeout", type=float, default=5.0)
    c6.add_argument("--ready")
    f = sub.add_parser("forge")
    f.add_argument("server")
    f.add_argument("src6")
    f.add_argument("dst6")
    f.add_argument("--replay")
    f.add_argument("--ports", type=int, default=5)
    f.add_argument("--listen", type=float, default=2.0)
    a = p.parse_args()
    return {"echo": cmd_echo, "capture": cmd_capture, "capture6": cmd_capture6,
            "forge": cmd_forge}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
