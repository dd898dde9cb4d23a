#!/usr/bin/env python3
"""Hold N idle TCP connections, to measure what the kernel spends on the
control connections alone (both ends on this machine) in `make bench`.

  tcphold.py listen ADDR PORT HOLD-FILE     accept and keep every connection
  tcphold.py connect ADDR PORT N HOLD-FILE  open N connections, print
                                            "held N", keep them until
                                            HOLD-FILE exists
"""
import os
import socket
import sys
import time


def main():
    if sys.argv[1] == "listen":
        addr, port, hold = sys.argv[2], int(sys.argv[3]), sys.argv[4]
        ls = socket.socket()
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind((addr, port))
        ls.listen(4096)
        ls.settimeout(0.2)
        kept = []
        while not os.path.exists(hold):
            try:
                kept.append(ls.accept()[0])
            except socket.timeout:
                pass
        return 0
    addr, port, n, hold = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
    kept = []
    for _ in range(n):
        s = socket.socket()
        s.connect((addr, port))
        kept.append(s)
    print("held %d" % n, flush=True)
    while not os.path.exists(hold):
        time.sleep(0.1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
