#!/bin/bash
# Login slots: 100 connections from 20 addresses that never log in and
# keep pinging cannot lock users out. With -M 40 (and so 20 login slots,
# -w's default of half), each new connection takes the slot of the one that
# has waited longest; a real dtcpc still logs in within a second, a session
# with a tunnel is never pushed out, and the login time (-T) is a deadline
# that pings do not extend.
set -u
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

topo_std
for i in $(seq 100 119); do
	ip -n "$CLI" addr add "192.0.2.$i/24" dev eth0 || fail "cannot add 192.0.2.$i"
done
start_server -M 40 -T 8,300
ctl_open up "$CLI"
ctl_login up "$USER1" "$PASS1" tunnelonly udp 4028 || fail "the logged-in session: $CTL_LINE"

cat >"$TMPD/flood.py" <<'PY'
import socket, sys, time
conns, refused, pushed = [], 0, 0
for i in range(100):
    s = socket.socket()
    s.bind(("192.0.2.%d" % (100 + i % 20), 0))
    s.connect(("192.0.2.1", 20200))
    line = s.recv(512)
    if line.startswith(b"-ERR"):
        refused += 1
        s.close()
    else:
        s.setblocking(False)
        conns.append(s)
print("opened %d, refused %d" % (len(conns), refused), flush=True)
end = time.monotonic() + float(sys.argv[1])
while conns and time.monotonic() < end:
    for s in list(conns):
        try:
            s.send(b"ping\r\n")
            while True:
                data = s.recv(4096)
                if not data:
                    raise ConnectionError
                if b"too many connections waiting" in data:
                    raise ConnectionError
        except BlockingIOError:
            pass
        except OSError:
            pushed += 1
            conns.remove(s)
            s.close()
    time.sleep(0.5)
print("pushed out %d, alive %d" % (pushed, len(conns)), flush=True)
PY
spawn flood "$CLI" python3 "$TMPD/flood.py" 12
wait_for_or_fail 5 "the flood is connected" grep -q '^opened' "$TMPD/flood.log"
cat "$TMPD/flood.log"
sleep 1

say "--- a real dtcpc logs in during the flood"
client_auth "$TMPD/dtcpc.auth" "$SRV_V4" "$USER1" "$PASS1"
t0=$(now)
start_client dtcpc "$CLI" -d -U -t tunnelonly -F "$TMPD/dtcpc.auth" -u "$USER1" "$SRV_V4"
wait_for_or_fail 3 "dtcpc's tunnel" eval "grep -q 'user \"$USER1\" got a tunnelonly tunnel on ng1' $TMPD/dtcps.log"
took=$(elapsed "$t0")
fcmp "$took" "<" 1 || fail "dtcpc took ${took}s to log in, want < 1 s"
ok "dtcpc logged in after ${took}s"
n=$(grep -c 'its login slot went to a newer connection' "$TMPD/dtcps.log")
[ "$n" -ge 80 ] || fail "only $n connections pushed out, want >= 80 (100 + dtcpc into 20 slots)"
ok "$n waiting connections gave their slot to newer ones"
ctl_ping up

say "--- pings do not extend the login time"
wait_for_or_fail 12 "the flood's last connections closed at the deadline" grep -q '^pushed out' "$TMPD/flood.log"
cat "$TMPD/flood.log"
grep -q 'alive 0$' "$TMPD/flood.log" || fail "pinging connections outlived the 8 s login time"
grep -q 'login time over' "$TMPD/dtcps.log" || fail "no connection closed for its login time"
ok "every waiting connection was closed within the login time, pings or not"
ctl_ping up
check "dtcpc still up" alive dtcpc
pass "connections that never log in cannot lock users out or push a tunnel out"
