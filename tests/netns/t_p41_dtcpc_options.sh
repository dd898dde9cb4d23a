#!/bin/bash
# dtcpc's original options on a protocol-41 tunnel: -r solicit sends router
# solicitations on the tunnel and takes its routes from the advertisement
# (sent here by the test from the server's end); -A makes the control
# connection and the tunnel leave from that address; -f writes a pidfile
# and removes it; -c uses an existing interface and -o a persistent one,
# and both are left down, not removed, at the end.
set -u
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

AUTH=$TMPD/dtcpc.auth

# p41_dtcpc NAME ARGS... : dtcpc NAME in CLI, protocol 41 (no -U), as alice
p41_dtcpc() {
	local name=$1
	shift
	start_client "$name" "$CLI" -d -F "$AUTH" "$@" -u "$USER1" "$SRV_V4"
}

# answer_rs NS DEV SECONDS : wait (bounded) for a router solicitation on
# DEV and answer it with a router advertisement (router lifetime 1800 s)
# from DEV's link-local address fe80::1; exit 0 when both happened
answer_rs() {
	nsx "$1" python3 - "$2" "$3" <<'PY'
import socket, struct, sys, time
dev, limit = sys.argv[1], float(sys.argv[2])
s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, dev.encode())
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, 255)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_UNICAST_HOPS, 255)
s.bind(("fe80::1", 0, 0, socket.if_nametoindex(dev)))
end = time.time() + limit
while True:
    left = end - time.time()
    if left <= 0:
        print("no router solicitation on", dev); sys.exit(1)
    s.settimeout(left)
    try:
        data, src = s.recvfrom(1500)
    except socket.timeout:
        continue
    if data and data[0] == 133:
        print("router solicitation from", src[0]); break
# type, code, checksum (the kernel's), hop limit, flags, lifetime,
# reachable time, retransmit timer
ra = struct.pack("!BBHBBHII", 134, 0, 0, 64, 0, 1800, 0, 0)
s.sendto(ra, ("ff02::1", 0, 0, socket.if_nametoindex(dev)))
print("router advertisement sent")
PY
}

topo_std
make_pwfile
client_auth "$AUTH" "$SRV_V4" "$USER1" "$PASS1"
spawn dtcps "$SRV" "$DTCPS" "${RUNFILES[@]}" -D -d -A "$PWFILE" -L "$SRV_V4" "$PREFIX6"
wait_for_or_fail 10 "dtcps listens" eval "alive dtcps && tcp_listening $SRV 20200"

say "--- -r solicit"
p41_dtcpc dtcpc -t host -r solicit
wait_for_or_fail 10 "server gif0 up" link_up "$SRV" gif0
wait_for_or_fail 10 "host pair on the client" has_addr "$CLI" gif0 "inet6 2001:db8:1::6 peer 2001:db8:1::5/128"
run ip -n "$SRV" addr add fe80::1/64 dev gif0 nodad
answer_rs "$SRV" gif0 15 || fail "no router solicitation from the client"
wait_for_or_fail 10 "client default route from the advertisement" \
	eval "ip -n $CLI -6 route show default | grep -q 'via fe80::1 dev gif0 proto ra'"
run ip -n "$CLI" -6 route show default
check "no static ::/0 (only the advertised one)" \
	eval "! ip -n $CLI -6 route show default | grep -q 'proto static'"
check "the host address survived the solicitation" has_addr "$CLI" gif0 "inet6 2001:db8:1::6 peer"
run nsx "$CLI" ping -6 -c 2 -i 0.2 -W 2 "$INET_V6" || fail "no traffic over the advertised route"
stop dtcpc

say "--- -A, -f"
run ip -n "$CLI" addr add 192.0.2.20/24 dev eth0
p41_dtcpc dtcpc -t host -A 192.0.2.20 -f "$TMPD/dtcpc.pid"
wait_for_or_fail 10 "host pair on gif0" has_addr "$CLI" gif0 "inet6 2001:db8:1::6 peer 2001:db8:1::5/128"
check "the server saw 192.0.2.20" grep -q "connection from 192.0.2.20:" "$TMPD/dtcps.log"
check "the tunnel's client is 192.0.2.20" grep -q "protocol 41, endpoint 192.0.2.20" "$TMPD/dtcps.log"
run nsx "$CLI" ping -6 -c 2 -i 0.2 -W 2 "$INET_V6" || fail "no traffic through the -A tunnel"
check "pidfile holds dtcpc's pid" eval "[ \"\$(cat $TMPD/dtcpc.pid)\" = \"${PIDS[dtcpc]}\" ]"
stop dtcpc
check "pidfile removed at exit" eval "[ ! -e $TMPD/dtcpc.pid ]"

say "--- -c: an existing interface, left down"
run ip -n "$CLI" tuntap add mode tun name gif0
p41_dtcpc dtcpc -t host -c
wait_for_or_fail 10 "the existing gif0 configured" has_addr "$CLI" gif0 "inet6 2001:db8:1::6 peer"
stop dtcpc
check "gif0 still exists (-c)" ip -n "$CLI" link show gif0
check "gif0 down" eval "! link_up $CLI gif0"
check "gif0 without the tunnel address" eval "! has_addr $CLI gif0 2001:db8:1"
run ip -n "$CLI" link del gif0
start_client dtcpc "$CLI" -d -F "$AUTH" -t host -c -u "$USER1" "$SRV_V4"
wait_for_or_fail 10 "dtcpc -c without gif0 gives up" eval "! alive dtcpc"
check "it says why" grep -q "gif0 does not exist.*-c" "$TMPD/dtcpc.log"

say "--- -o: a persistent interface, left down"
p41_dtcpc dtcpc -t host -o
wait_for_or_fail 10 "gif0 made" has_addr "$CLI" gif0 "inet6 2001:db8:1::6 peer"
stop dtcpc
check "gif0 persists (-o)" ip -n "$CLI" link show gif0
check "gif0 down" eval "! link_up $CLI gif0"
pass "dtcpc -r solicit, -A, -f, -c and -o work as the original's"
