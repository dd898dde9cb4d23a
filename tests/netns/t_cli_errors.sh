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
refused "missing password file" "$TMPD/missing.auth" \
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
errs "dtcpc -r bogus" "-r|static|none" "$DTCPC" -r bogus -u "$USER1" 192.0.2.1
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
pass "usage and configuration errors are clear"
