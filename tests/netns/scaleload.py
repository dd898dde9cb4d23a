#!/usr/bin/env python3
"""Many DTCP sessions from one client, for the scale test and benchmark,
written independently of dtcp's own code.

  scaleload.py SERVER N USER PASSWORD [--type host] [--ping-tunnels]
               [--first-port P] [--hold-file F] [--p41 --source-base A]

Opens N control connections to SERVER:20200 in waves of --wave (50), logs
each in for a UDP tunnel announced at port P+i (default 20000+i), or with
--p41 for a protocol-41 tunnel from its own source address A+i (one
tunnel per client address), keeps them all open, and prints one line per
phase with its duration in seconds:

  setup N S          every reply was +OK (else it exits 1 naming the first)
  control N S        every session answered "ping" with "+OK pong"
  tunnels N S        (--ping-tunnels, host type) an ICMPv6 echo request
                     from each tunnel's client address to its server
                     address, sent in UDP from port P+i, got its reply
  held               then it waits until F exists (or stdin closes)
  teardown N S       every connection closed (the server's side is for the
                     caller to watch)
"""
import argparse
import hashlib
import os
import selectors
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from udppeer import icmp6_echo  # noqa: E402  (the same packet builder)


def digest(user, challenge, password):
    return hashlib.md5((user + challenge + password).encode()).hexdigest().upper()


class Conn:
    def __init__(self, i, sock):
        self.i, self.sock, self.buf, self.lines = i, sock, b"", []

    def feed(self, data):
        self.buf += data
        while b"\n" in self.buf:
            line, self.buf = self.buf.split(b"\n", 1)
            self.lines.append(line.rstrip(b"\r").decode(errors="replace"))


def pump(conns, want, deadline):
    """Read until every conn has `want` lines, or the deadline."""
    sel = selectors.DefaultSelector()
    for c in conns:
        if len(c.lines) < want:
            sel.register(c.sock, selectors.EVENT_READ, c)
    while sel.get_map() and time.monotonic() < deadline:
        for key, _ in sel.select(timeout=0.5):
            c = key.data
            data = c.sock.recv(4096)
            if not data:
                sel.unregister(c.sock)
                continue
            c.feed(data)
            if len(c.lines) >= want:
                sel.unregister(c.sock)
    sel.close()
    return [c for c in conns if len(c.lines) < want]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("server")
    p.add_argument("n", type=int)
    p.add_argument("user")
    p.add_argument("password")
    p.add_argument("--type", default="host")
    p.add_argument("--first-port", type=int, default=20000)
    p.add_argument("--ping-tunnels", action="store_true")
    p.add_argument("--hold-file")
    p.add_argument("--wave", type=int, default=50)
    p.add_argument("--p41", action="store_true")
    p.add_argument("--source-base")
    a = p.parse_args()
    if a.p41 and (a.ping_tunnels or not a.source_base):
        p.error("--p41 needs --source-base and cannot --ping-tunnels")
    base = (int.from_bytes(socket.inet_aton(a.source_base), "big")
            if a.source_base else 0)

    # In waves, as many clients would arrive: never more waiting to log
    # in than the server's login slots (dtcps -w) hold.
    t0 = time.monotonic()
    conns = []
    for first in range(0, a.n, a.wave):
        wave = []
        for i in range(first, min(a.n, first + a.wave)):
            s = socket.socket()
            if base:
                s.bind((socket.inet_ntoa((base + i).to_bytes(4, "big")), 0))
            s.connect((a.server, 20200))
            wave.append(Conn(i, s))
        conns += wave
        late = pump(wave, 1, time.monotonic() + 60)
        if late:
            print("no greeting on %d connections" % len(late))
            return 1
        for c in wave:
            ch = c.lines[0].split()[1]
            transport = "" if a.p41 else " udp %d" % (a.first_port + c.i)
            c.sock.sendall(("tunnel %s %s %s%s\r\n" % (
                a.user, digest(a.user, ch, a.password), a.type,
                transport)).encode())
        late = pump(wave, 2, time.monotonic() + 120)
        bad = [c for c in wave
               if len(c.lines) < 2 or not c.lines[1].startswith("+OK ")]
        if late or bad:
            c = (late or bad)[0]
            print("session %d: %s" % (c.i, c.lines[1] if len(c.lines) > 1
                                      else "no reply"))
            return 1
    print("setup %d %.3f" % (a.n, time.monotonic() - t0), flush=True)

    t0 = time.monotonic()
    for c in conns:
        c.sock.sendall(b"ping\r\n")
    late = pump(conns, 3, time.monotonic() + 60)
    bad = [c for c in conns if len(c.lines) < 3 or c.lines[2] != "+OK pong"]
    if late or bad:
        print("session %d did not answer ping" % (late or bad)[0].i)
        return 1
    print("control %d %.3f" % (a.n, time.monotonic() - t0), flush=True)

    if a.ping_tunnels:
        t0 = time.monotonic()
        socks = {}
        for c in conns:
            f = c.lines[1].split()
            c6, s6, sport = f[3], f[4], int(f[-1])
            u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            u.bind(("0.0.0.0", a.first_port + c.i))
            u.setblocking(False)
            u.sendto(icmp6_echo(c6, s6, c.i & 0xFFFF, 1), (a.server, sport))
            socks[u] = (c.i, socket.inet_pton(socket.AF_INET6, c6))
        answered = set()
        deadline = time.monotonic() + 30
        while len(answered) < a.n and time.monotonic() < deadline:
            for u, (i, c6) in socks.items():
                if i in answered:
                    continue
                try:
                    pkt = u.recv(2048)
                except BlockingIOError:
                    continue
                # An echo reply to this tunnel's address and echo id:
                # another tunnel's would mean a packet went astray.
                if (len(pkt) >= 48 and pkt[40] == 129 and pkt[24:40] == c6
                        and int.from_bytes(pkt[44:46], "big") == i & 0xFFFF):
                    answered.add(i)
                elif len(pkt) >= 48 and pkt[40] == 129:
                    print("tunnel %d got a packet for another" % i)
                    return 1
            time.sleep(0.01)
        for u in socks:
            u.close()
        if len(answered) < a.n:
            print("tunnels: %d of %d answered" % (len(answered), a.n))
            return 1
        print("tunnels %d %.3f" % (a.n, time.monotonic() - t0), flush=True)

    print("held", flush=True)
    if a.hold_file:
        while not os.path.exists(a.hold_file):
            time.sleep(0.05)
    else:
        sys.stdin.read()
    t0 = time.monotonic()
    for c in conns:
        c.sock.close()
    print("teardown %d %.3f" % (a.n, time.monotonic() - t0), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
