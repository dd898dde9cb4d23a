#!/bin/bash
# The operator's tools: dtcpctl show (text and JSON, checked with jq
# against what the clients configured), byte counters that grow by a ping
# flood of known size, dtcpctl disconnect (that user only, the client told
# why), the Prometheus exposition (promtool check metrics) over the socket
# and over HTTP (curl), a non-root user refused, and the accounting records:
# up and down for a session, and after kill -9 of dtcps the missing down
# record written at the next start.
set -u
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
for t in jq curl promtool; do
	command -v "$t" >/dev/null || fail "$t is not installed (make deps)"
done

SOCK=$TMPD/dtcps.sock
JOURNAL=$TMPD/acct.jsonl
ctl() { "$DTCPCTL" -s "$SOCK" "$@"; }

topo_std cli2
make_pwfile
run "$DTCPAUTH" -f "$PWFILE" -u bob secret2 >/dev/null
start_server -J "$JOURNAL" -H 127.0.0.1:9474
start_dtcpc dtcpc "$CLI" host -d
wait_tunnel "$CLI" host
client_auth "$TMPD/bob.auth" "$SRV_V4" bob secret2
start_client bobc "$CLI2" -U -t host -r static -F "$TMPD/bob.auth" -u bob "$SRV_V4"
wait_tunnel "$CLI2" host 2001:db8:1::a 2001:db8:1::9

say "--- dtcpctl show"
run ctl show || fail "dtcpctl show failed"
ctl show --json >"$TMPD/show.json" || fail "dtcpctl show --json failed"
jq . "$TMPD/show.json" >/dev/null || fail "show --json is not JSON: $(cat "$TMPD/show.json")"
check "two sessions" test "$(jq '.sessions | length' "$TMPD/show.json")" = 2
check "summary: two tunnels" test "$(jq '.summary.tunnels' "$TMPD/show.json")" = 2
a_if=$(jq -r '.sessions[] | select(.user == "alice") | .interface' "$TMPD/show.json")
a_c6=$(jq -r '.sessions[] | select(.user == "alice") | .client6' "$TMPD/show.json")
b_c6=$(jq -r '.sessions[] | select(.user == "bob") | .client6' "$TMPD/show.json")
[ "$a_if" = ng0 ] || fail "alice's interface is '$a_if', the server has ng0"
has_addr "$CLI" ng0 "inet6 $a_c6 peer" || fail "alice's client6 $a_c6 is not on her ng0"
has_addr "$CLI2" ng0 "inet6 $b_c6 peer" || fail "bob's client6 $b_c6 is not on his ng0"
ok "show --json matches the clients: alice $a_c6 on $a_if, bob $b_c6"

say "--- byte counters after 100 pings of 1000 octets"
in0=$(jq '.sessions[] | select(.user == "alice") | .bytes_in' "$TMPD/show.json")
pin0=$(jq '.sessions[] | select(.user == "alice") | .packets_in' "$TMPD/show.json")
run nsx "$CLI" ping -6 -q -c 100 -i 0.01 -s 1000 -W 2 "$INET_V6" || fail "ping flood"
ctl show --json >"$TMPD/show2.json"
in1=$(jq '.sessions[] | select(.user == "alice") | .bytes_in' "$TMPD/show2.json")
pin1=$(jq '.sessions[] | select(.user == "alice") | .packets_in' "$TMPD/show2.json")
out1=$(jq '.sessions[] | select(.user == "alice") | .bytes_out' "$TMPD/show2.json")
say "alice: in $pin0 -> $pin1 packets, $in0 -> $in1 octets; out $out1 octets"
# Each echo request: 40 (IPv6) + 8 (ICMPv6) + 1000 octets.
[ $((in1 - in0)) -ge 104800 ] || fail "bytes_in grew by $((in1 - in0)), want >= 104800"
[ $((pin1 - pin0)) -ge 100 ] || fail "packets_in grew by $((pin1 - pin0)), want >= 100"
[ "$out1" -ge 104800 ] || fail "bytes_out is $out1, want >= 104800 (the replies)"
ok "counters grew by $((in1 - in0)) octets in, $((pin1 - pin0)) packets"

say "--- metrics"
ctl metrics >"$TMPD/metrics.txt" || fail "dtcpctl metrics failed"
run promtool check metrics <"$TMPD/metrics.txt" || fail "promtool refuses the exposition"
grep -q '^dtcp_sessions{type="host",kind="udp"} 2$' "$TMPD/metrics.txt" || fail "no dtcp_sessions host/udp 2"
grep -q '^dtcp_logins_total{result="ok"} 2$' "$TMPD/metrics.txt" || fail "logins ok is not 2"
ok "promtool accepts the exposition"
nsx "$SRV" curl -sS -D "$TMPD/http.head" -o "$TMPD/http.txt" http://127.0.0.1:9474/metrics ||
	fail "curl /metrics failed"
grep -q '^HTTP/1.0 200' "$TMPD/http.head" || fail "HTTP: $(head -1 "$TMPD/http.head")"
grep -q 'text/plain; version=0.0.4' "$TMPD/http.head" || fail "wrong content type"
run promtool check metrics <"$TMPD/http.txt" || fail "promtool refuses /metrics"
code=$(nsx "$SRV" curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:9474/other)
[ "$code" = 404 ] || fail "GET /other answered $code, want 404"
ok "/metrics over HTTP: 200, accepted; other paths 404"

say "--- a non-root user"
chmod 755 "$TMPD"
if out=$(setpriv --reuid=nobody --regid=nogroup --clear-groups "$DTCPCTL" -s "$SOCK" show 2>&1); then
	fail "user nobody read the sessions: $out"
fi
chmod 700 "$TMPD"
[[ $out == *"permission denied"* ]] || fail "nobody got: $out"
ok "nobody: $out"

say "--- dtcpctl disconnect alice"
run ctl disconnect alice || fail "disconnect failed"
wait_for_or_fail 5 "alice's dtcpc told why" grep -q 'disconnected by the operator' "$TMPD/dtcpc.log"
check "bob still up" eval "[ \$(ctl show --json | jq '.sessions | length') = 1 ]"
check "bob's session is bob's" eval "ctl show --json | jq -e '.sessions[0].user == \"bob\"'"
if ctl disconnect nobody-here 2>"$TMPD/err"; then fail "disconnecting no one succeeded"; fi
grep -q 'no session' "$TMPD/err" || fail "no clear error for an unknown user"
ok "only alice was disconnected; an unknown user is an error"
stop dtcpc TERM 5

say "--- accounting"
cat "$JOURNAL"
jq -e -s '[.[] | select(.user == "alice" and .event == "up")] | length >= 1' "$JOURNAL" >/dev/null ||
	fail "no up record for alice"
jq -e -s '[.[] | select(.user == "alice" and .event == "down" and
	.reason == "disconnected by the operator" and .bytes_in >= 104800)] | length == 1' "$JOURNAL" >/dev/null ||
	fail "no down record for alice with the reason and her bytes"
grep -q 'acct event=down .*user=alice' "$TMPD/dtcps.log" || fail "no key=value record in the log"
ok "up and down records for alice, in the file and the log"

say "--- kill -9, restart: the missing down record"
ip netns pids "$SRV" | xargs -r kill -9
wait_for_or_fail 5 "dtcps and its engine gone" eval "[ -z \"\$(ip netns pids $SRV)\" ]"
stop bobc KILL 2
# The killed processes' sockets go a moment after the processes.
wait_for_or_fail 5 "the old listening socket gone" eval "! tcp_listening $SRV 20200"
start_server -J "$JOURNAL" -H 127.0.0.1:9474
wait_for_or_fail 5 "the recovered record" eval "jq -e -s '[.[] | select(.user == \"bob\" and .event == \"down\" and .recovered == true)] | length == 1' $JOURNAL"
ok "$(tail -n 1 "$JOURNAL")"
check "up and down balance" eval "[ \$(jq -s '[.[] | select(.event == \"up\")] | length' $JOURNAL) = \$(jq -s '[.[] | select(.event == \"down\")] | length' $JOURNAL) ]"
say "--- the pidfile and SIGHUP"
pid=$(cat "$TMPD/dtcps.pid")
[ "$pid" = "$(ip netns pids "$SRV" | head -1)" ] || fail "pidfile says $pid, SRV runs $(ip netns pids "$SRV" | tr '\n' ' ')"
ok "the pidfile names the parent, $pid (a stale one from the killed server was taken over)"
chmod 644 "$PWFILE"
kill -HUP "$pid"
wait_for_or_fail 5 "SIGHUP made it read the password file at once" \
	grep -q "dtcps.auth.*refusing every login until it is fixed" "$TMPD/dtcps.log"
chmod 600 "$PWFILE"
kill -HUP "$pid"
wait_for_or_fail 5 "and again once fixed" grep -q "dtcps.auth: usable again" "$TMPD/dtcps.log"
check "dtcps still running" alive dtcps
pass "dtcpctl show, disconnect and metrics; the HTTP listener; accounting survives kill -9; pidfile; SIGHUP"
