#!/bin/bash
# A hostile server (written here: a greeting, then the reply it likes) hands
# out addresses and prefixes a client must not take: each is refused before
# anything is configured, with a log line naming what was refused, and the
# client's interface, addresses and routes stay as they were. One case
# pulls a destination of another interface of the client (its LAN) into
# the tunnel; the others are malformed by class or shape.
set -u
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

# fake_server REPLY : one DTCP session in SRV on 192.0.2.1:20200: greet,
# read the request, answer REPLY, hold the connection a few seconds
# fake_server REPLY [SPAM] : ... and then, a second later, SPAM "-ERR" lines
fake_server() {
	spawn fake "$SRV" python3 "$TMPD/fake.py" "$1" "${2:-0}"
	wait_for_or_fail 5 "the fake server listens" tcp_listening "$SRV" 20200
}

cat >"$TMPD/fake.py" <<'PY'
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("192.0.2.1", 20200))
s.listen(1)
s.settimeout(15)
c, _ = s.accept()
c.sendall(b"+OK 0123456789ABCDEF0123456789ABCDEF DTCP server ready\r\n")
c.settimeout(10)
print("request:", c.recv(512).decode(errors="replace").strip().split()[0:1])
c.sendall(sys.argv[1].encode() + b"\r\n")
time.sleep(1)
for i in range(int(sys.argv[2])):
    c.sendall(b"-ERR spam %d\r\n" % i)
time.sleep(3)
PY

# hostile TYPE REPLY WHAT : dtcpc -U -t TYPE against a fake server answering
# REPLY must give up with a line matching WHAT and configure nothing
hostile() {
	local type=$1 reply=$2 what=$3
	shift 3
	say "--- $reply"
	fake_server "$reply"
	start_client dtcpc "$CLI" -d -U -t "$type" -F "$TMPD/dtcpc.auth" -u "$USER1" "$@" "$SRV_V4"
	wait_for_or_fail 10 "dtcpc gave up" eval "! alive dtcpc"
	grep -Eq -- "$what" "$TMPD/dtcpc.log" || fail "no log line matching /$what/"
	ok "refused: $(grep -E -- "$what" "$TMPD/dtcpc.log" | head -1)"
	check "no tunnel interface" eval "! has_link $CLI ng0"
	check "the LAN route untouched" eval "ip -n $CLI -6 route show 2001:db8:77::/64 | grep -q 'dev lan0'"
	check "no default route" eval "[ -z \"\$(ip -n $CLI -6 route show default)\" ]"
	stop fake TERM 5
}

topo_std
client_auth "$TMPD/dtcpc.auth" "$SRV_V4" "$USER1" "$PASS1"
run ip -n "$CLI" link add lan0 type veth peer name lan1
run ip -n "$CLI" link set lan0 up
run ip -n "$CLI" link set lan1 up
run ip -n "$CLI" addr add 2001:db8:77::1/64 dev lan0 nodad
# A point-to-point address (this host's side is only in IFA_LOCAL) and a
# route in a policy-routing table are this host's destinations too.
run ip -n "$CLI" addr add 2001:db8:99::1 peer 2001:db8:aa::2/128 dev lan0 nodad
run ip -n "$CLI" -6 route add 2001:db8:bb::/48 dev lan0 table 100

hostile network "+OK 192.0.2.2 192.0.2.1 2001:db8:99::/48 udp 4028" \
	"refused the server's delegated prefix 2001:db8:99::/48: it overlaps 2001:db8:99::1/128 of lan0" -P lan0/1 -a
hostile network "+OK 192.0.2.2 192.0.2.1 2001:db8:bb::/56 udp 4028" \
	"refused the server's delegated prefix 2001:db8:bb::/56: it overlaps 2001:db8:bb::/48 of lan0" -P lan0/1 -a
hostile host "+OK 192.0.2.2 192.0.2.1 2001:db8:77::6 2001:db8:77::5 udp 4028" \
	"refused the server's client-v6 2001:db8:77::6/128: it overlaps 2001:db8:77::/64 of lan0"
hostile network "+OK 192.0.2.2 192.0.2.1 2001:db8::/32 udp 4028" \
	"refused the server's delegated prefix 2001:db8::/32: it overlaps .* of lan0" -P lan0/1 -a
hostile host "+OK 192.0.2.2 192.0.2.1 fe80::6 fe80::5 udp 4028" "malformed tunnel reply"
hostile host "+OK 192.0.2.2 192.0.2.1 ::ffff:192.0.2.6 2001:db8:1::5 udp 4028" "malformed tunnel reply"
hostile host "+OK 192.0.2.2 192.0.2.1 2001:db8:1::6 2001:db8:2::5 udp 4028" "malformed tunnel reply"
hostile host "+OK 192.0.2.2 192.0.2.1 2001:db8:1::5 2001:db8:1::5 udp 4028" "malformed tunnel reply"
hostile host "+OK 192.0.2.2 192.0.2.1 ::192.0.2.6 ::192.0.2.5 udp 4028" "malformed tunnel reply"
hostile tunnelonly "+OK 192.0.2.2 224.0.0.1 udp 4028" "malformed tunnel reply"
hostile network "+OK 192.0.2.2 192.0.2.1 ff00::/8 udp 4028" "malformed tunnel reply" -P lan0/1 -a
hostile network "+OK 192.0.2.2 192.0.2.1 ::/0 udp 4028" "malformed tunnel reply" -P lan0/1 -a
say "--- a server that says 1000 -ERR lines in a second"
fake_server "+OK 192.0.2.2 192.0.2.1 2001:db8:1::6 2001:db8:1::5 udp 4028" 1000
start_client dtcpc "$CLI" -U -t host -F "$TMPD/dtcpc.auth" -u "$USER1" "$SRV_V4"
wait_for_or_fail 10 "dtcpc's tunnel up" has_link "$CLI" ng0
sleep 2.5
said=$(grep -c 'the server says: ' "$TMPD/dtcpc.log")
say "dtcpc logged $said of the 1000 lines"
[ "$said" -le 15 ] || fail "dtcpc logged $said of 1000 lines from the server, want at most ~12"
stop dtcpc TERM 5
grep -q 'more lines from the server not logged' "$TMPD/dtcpc.log" || fail "no line counting what was not logged"
ok "$(grep 'more lines from the server not logged' "$TMPD/dtcpc.log" | head -1)"
stop fake TERM 5
pass "a hostile server's addresses and prefixes are refused and nothing is configured; its chatter is rate-limited"
