#!/bin/bash
# Command lines: -h prints usage and exits 0; bad options and bad
# configuration make dtcps exit non-zero at once with one line that names what
# to fix. Runs inside an empty namespace so nothing can reach a real network.
set -u
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
need_root
need_bins

ns_new "$SRV"
make_pwfile
OUT=$TMPD/out.txt

# try CMD... : run CMD (bounded) in the empty namespace; RC and OUT (stdout+stderr)
try() {
	printf '+ %s\n' "$*"
	timeout 5 ip netns exec "$SRV" "$@" </dev/null >"$OUT" 2>&1
	RC=$?
	sed 's/^/  | /' "$OUT"
	[ "$RC" -ne 124 ] || fail "$* did not exit within 5 s"
}

# usage_ok PROG : PROG -h prints a usage text and exits 0
usage_ok() {
	try "$1" -h
	[ "$RC" -eq 0 ] || fail "$(basename "$1") -h exited $RC, want 0"
	grep -qi usage "$OUT" || fail "$(basename "$1") -h printed no usage"
	ok "$(basename "$1") -h"
}

# refused DESC REGEX CMD... : CMD exits non-zero with exactly one line of
# output matching REGEX (case-insensitive)
refused() {
	local desc=$1 re=$2 lines
	shift 2
	try "$@"
	[ "$RC" -ne 0 ] || fail "$desc: exit status 0, want non-zero"
	lines=$(grep -c . "$OUT")
	[ "$lines" -eq 1 ] || fail "$desc: $lines lines of output, want one error line"
	grep -Eqi -- "$re" "$OUT" || fail "$desc: the error does not mention /$re/"
	ok "$desc: exit $RC, one line"
}

# errs DESC REGEX CMD... : CMD exits non-zero with a message matching REGEX
errs() {
	local desc=$1 re=$2
	shift 2
	try "$@"
	[ "$RC" -ne 0 ] || fail "$desc: exit status 0, want non-zero"
	grep -Eqi -- "$re" "$OUT" || fail "$desc: no message mentioning /$re/"
	ok "$desc: exit $RC"
}

usage_ok "$DTCPS"
usage_ok "$DTCPC"
usage_ok "$DTCPAUTH"

good=(-D -U -A "$PWFILE" -L 127.0.0.1 "${RUNFILES[@]}")

say "== unknown option"
try "$DTCPS" -Z "${good[@]}" "$PREFIX6"
[ "$RC" -ne 0 ] || fail "dtcps -Z: exit status 0"
[ -s "$OUT" ] || fail "dtcps -Z: no message"
grep -Eqi -- "-?Z|option" "$OUT" || fail "dtcps -Z: the message does not name the option"
[ "$(grep -c . "$OUT")" -le 3 ] || fail "dtcps -Z: more than a short error"
ok "dtcps -Z refused"

refused "dtcps -p 0" "port|-p" "$DTCPS" -p 0 "${good[@]}" "$PREFIX6"
refused "dtcps -p 70000" "port|-p|70000" "$DTCPS" -p 70000 "${good[@]}" "$PREFIX6"
refused "dtcps -p abc" "port|-p|abc" "$DTCPS" -p abc "${good[@]}" "$PREFIX6"
refused "dtcps -b 0" "port|-b" "$DTCPS" -b 0 "${good[@]}" "$PREFIX6"
refused "prefix with host bits" "prefix|2001:db8::1/64" "$DTCPS" "${good[@]}" 2001:db8::1/64
refused "prefix that is not one" "prefix|nonsense" "$DTCPS" "${good[@]}" nonsense
refused "dtcps -T abc" "-T|timeout|abc" "$DTCPS" -T abc "${good[@]}" "$PREFIX6"
refused "dtcps -L not-an-address" "-L|address|not-an-address" "$DTCPS" -D -U -A "$PWFILE" -L not-an-address "$PREFIX6"
refused "missing password file" "$TMPD/missing\.auth does not exist; create it with dtcpauth -f $TMPD/missing\.auth --init" \
	"$DTCPS" -D -U -A "$TMPD/missing.auth" -L 127.0.0.1 "$PREFIX6"
cp "$PWFILE" "$TMPD/open.auth"
chmod 644 "$TMPD/open.auth"
try ls -l "$TMPD/open.auth"
refused "world-readable password file" "$TMPD/open\.auth.*(chmod|0?600|mode|permission|readable)|(chmod|0?600|mode|permission|readable).*$TMPD/open\.auth" \
	"$DTCPS" -D -U -A "$TMPD/open.auth" -L 127.0.0.1 "$PREFIX6"
refused "dtcps -c -o" "-c.*-o" "$DTCPS" -c -o "${good[@]}" "$PREFIX6"
refused "dtcps -i bad regular expression" "-i.*regular expression" "$DTCPS" -i 'gif(' "${good[@]}" "$PREFIX6"

say "== dtcpc and dtcpauth"
errs "dtcpc without a server" "server|usage" "$DTCPC" -U
errs "dtcpc -Z" "-?Z|option|usage" "$DTCPC" -Z -U 192.0.2.1
errs "dtcpc -p 70000" "port|-p|70000" "$DTCPC" -p 70000 -U -u "$USER1" 192.0.2.1
errs "dtcpc -t bogus" "bogus|-t|type" "$DTCPC" -t bogus -U -u "$USER1" 192.0.2.1
errs "dtcps -g not-an-address" "-g|address" "$DTCPS" -g nonsense "${good[@]}" "$PREFIX6"
# Prefix delegation: its options make sense only together.
errs "dtcpc -P without -t network" "-P.*-t network" "$DTCPC" -P eth0/1 -u "$USER1" 192.0.2.1
errs "dtcpc -a without -P" "-a.*-P" "$DTCPC" -t network -a -u "$USER1" 192.0.2.1
errs "dtcpc -P bad SLA-id" "-P.*eth0/xyz" "$DTCPC" -t network -P eth0/xyz -u "$USER1" 192.0.2.1
printf 'prefix_delegation=lan0/xyz\n' >"$TMPD/pd.conf"
errs "dtcpclient bad prefix_delegation" "pd.conf:1: prefix_delegation" "$BIN/dtcpclient" -t network -s /bin/true -c "$TMPD/pd.conf" -u "$USER1" 192.0.2.1
refused "dtcpc -r bogus" "-r \"bogus\": use static, solicit or none" "$DTCPC" -r bogus -u "$USER1" 192.0.2.1
errs "dtcpc -R without -r static" "-R.*static" "$DTCPC" -r none -R 2001:db8::/32 -u "$USER1" 192.0.2.1
errs "dtcpc -A not-an-address" "-A|address" "$DTCPC" -A nonsense -u "$USER1" 192.0.2.1
errs "dtcpc -B without -U" "-B.*-U" "$DTCPC" -B 4500 -u "$USER1" 192.0.2.1
errs "dtcpc -c -o" "-c.*-o" "$DTCPC" -c -o -u "$USER1" 192.0.2.1
refused "dtcps -a without a prefix" "-a.*prefix argument" "$DTCPS" -a "${good[@]}"
refused "dtcps -H off loopback" "-H 192.0.2.1 is not a loopback address.*-X" "$DTCPS" -H 192.0.2.1:9474 "${good[@]}" "$PREFIX6"
refused "dtcps -H bad" "-H.*IPv4 address" "$DTCPS" -H nonsense "${good[@]}" "$PREFIX6"
refused "dtcps -w above half of -M" "-w 30: at most half of -M \\(40\\)" "$DTCPS" -M 40 -w 30 "${good[@]}" "$PREFIX6"
refused "dtcps -G unknown group" "-G no-such-group: no such group" "$DTCPS" -G no-such-group "${good[@]}" "$PREFIX6"
errs "dtcpauth -Z" "-?Z|option|usage" "$DTCPAUTH" -Z
errs "dtcpauth -l on a missing file" "$TMPD/missing.auth" "$DTCPAUTH" -f "$TMPD/missing.auth" -l ALL
try "$DTCPAUTH" -f "$PWFILE" -l "$USER1"
[ "$RC" -eq 0 ] || fail "dtcpauth -l $USER1 exited $RC"
ok "dtcpauth -l $USER1"
say "== dtcps -L"
refused "dtcps -L not on this host" "192\.0\.2\.99: -L is not an address of this host \(see ip -4 addr\)" \
	"$DTCPS" -D -U -A "$PWFILE" -L 192.0.2.99 "${RUNFILES[@]}" "$PREFIX6"
# The port taken by another listener (python holds it while dtcps starts).
refused "dtcps -L address in use" "127\.0\.0\.1 port 20200: the address is in use \(another dtcps running" \
	python3 -c 'import socket, subprocess, sys
s = socket.socket(); s.bind(("127.0.0.1", 20200)); s.listen()
sys.exit(subprocess.call(sys.argv[1:]))' "$DTCPS" "${good[@]}" "$PREFIX6"

say "== the clients' server argument, before any password"
# setsid: no controlling terminal, so nothing can prompt for a password.
refused "dtcpc 999.1.1.1" "\"999\.1\.1\.1\": not an IPv4 address" \
	setsid -w "$DTCPC" -u "$USER1" 999.1.1.1
refused "dtcpc 1.2.3" "\"1\.2\.3\": not an IPv4 address" setsid -w "$DTCPC" -u "$USER1" 1.2.3
refused "dtcpc IPv6 server" "2001:db8::1.*IPv4" setsid -w "$DTCPC" -u "$USER1" 2001:db8::1
refused "dtcpc bad host name" "\"bad_host!\": expected an IPv4 address or a host name" \
	setsid -w "$DTCPC" -u "$USER1" 'bad_host!'
refused "dtcpclient 999.1.1.1" "\"999\.1\.1\.1\": not an IPv4 address" \
	setsid -w "$DTCPCLIENT" -s /bin/true -c "$TMPD/none.conf" -u "$USER1" 999.1.1.1

say "== missing client password file"
refused "dtcpc -F missing file" "$TMPD/missing\.auth does not exist .*create it with a line \"tunnel\.example:$USER1:PASSWORD\"" \
	setsid -w "$DTCPC" -F "$TMPD/missing.auth" -u "$USER1" tunnel.example
refused "dtcpclient -F missing file" "$TMPD/missing\.auth does not exist .*create it" \
	setsid -w "$DTCPCLIENT" -s /bin/true -c "$TMPD/none.conf" -F "$TMPD/missing.auth" -u "$USER1" 192.0.2.1

say "== dtcpclient -s"
refused "dtcpclient -s missing" "$TMPD/nonexistent does not exist" \
	"$DTCPCLIENT" -s "$TMPD/nonexistent" -u "$USER1" 192.0.2.1
refused "dtcpclient -s directory" "$TMPD is a directory" "$DTCPCLIENT" -s "$TMPD" -u "$USER1" 192.0.2.1
: >"$TMPD/noexec.sh"
chmod 644 "$TMPD/noexec.sh"
refused "dtcpclient -s without x bit" "$TMPD/noexec\.sh is not executable" \
	"$DTCPCLIENT" -s "$TMPD/noexec.sh" -u "$USER1" 192.0.2.1

say "== dtcpclient checks its script configuration at start, as the script does"
# With -l an unsafe file used to be found only by the script after login,
# and dtcpclient logged in again forever.
client_auth "$TMPD/client.auth" 192.0.2.1 "$USER1" "$PASS1"
printf 'tunif=gif0\n' >"$TMPD/gw.conf"
chmod 664 "$TMPD/gw.conf"
refused "dtcpclient -l, group-writable script configuration" \
	"$TMPD/gw\.conf is writable by group or others; run chmod go-w" \
	"$DTCPCLIENT" -l -s /bin/true -c "$TMPD/gw.conf" -F "$TMPD/client.auth" -u "$USER1" 192.0.2.1
printf 'tunif=gif0\n' >"$TMPD/other.conf"
chmod 644 "$TMPD/other.conf"
chown 65534 "$TMPD/other.conf"
refused "dtcpclient -l, script configuration of another user" \
	"$TMPD/other\.conf is owned by uid 65534, not root" \
	"$DTCPCLIENT" -l -s /bin/true -c "$TMPD/other.conf" -F "$TMPD/client.auth" -u "$USER1" 192.0.2.1
# A link to a safe file: both follow it (the shell's "." does).
printf 'tunif=gif0\n' >"$TMPD/safe.conf"
chmod 644 "$TMPD/safe.conf"
ln -s "$TMPD/safe.conf" "$TMPD/link.conf"
refused "dtcpclient takes a link to a safe configuration (then wants the password)" \
	"$TMPD/missing\.auth does not exist" \
	setsid -w "$DTCPCLIENT" -s /bin/true -c "$TMPD/link.conf" -F "$TMPD/missing.auth" -u "$USER1" 192.0.2.1
# The shipped script, given an unknown event, stops after its check.
for c in gw:"writable by group or others" other:"owned by uid 65534" link:"unknown event"; do
	try env DTCP_SCRIPT_CONF="$TMPD/${c%%:*}.conf" "$CLIENT_SCRIPT" check gif0
	grep -q -- "${c#*:}" "$OUT" || fail "dtcpclient.script on ${c%%:*}.conf: want /${c#*:}/"
	ok "dtcpclient.script on ${c%%:*}.conf: ${c#*:}"
done

say "== man pages"
if command -v man >/dev/null && command -v groff >/dev/null; then
	for page in dtcpc dtcpclient; do
		width=$(LC_ALL=C.UTF-8 MANWIDTH=80 man -l "$ROOT/man/$page.8" 2>"$OUT" |
			LC_ALL=C.UTF-8 wc -L)
		[ ! -s "$OUT" ] || fail "man $page.8 warns: $(head -n 3 "$OUT")"
		[ "$width" -le 80 ] || fail "man $page.8: a line of $width columns at MANWIDTH=80"
		ok "man $page.8: no warnings, at most $width columns"
	done
	grep -A4 '^\.It Fl k' "$ROOT/man/dtcpc.8" | grep -q 'from 0 to 3600' ||
		fail "dtcpc.8 -k does not give the range 0 to 3600"
	ok "dtcpc.8 -k: 0 to 3600"
else
	say "skip: man or groff is not installed"
fi
pass "usage and configuration errors are clear"
