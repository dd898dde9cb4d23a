#!/bin/bash
# The Debian package and make install: `make deb` builds build/deb/dtcp_*.deb
# without leaving files in the tree; lintian finds no errors (its warnings
# are printed); the package holds every program of the Makefile's PROGS and
# dtcpclient-pinger.sh in /usr/sbin, every man/*.8 and one page per program,
# the script in /usr/libexec/dtcp, the example configuration, the
# /etc/default files and both systemd units (ExecStart in /usr/sbin, and
# `systemd-analyze verify` content when it is there); its postinst creates
# the user dtcp. Then `make install DESTDIR=...` (PREFIX /usr/local) puts
# the units in usr/local/lib/systemd/system and `make uninstall` takes them
# away again. Needs debhelper, dpkg-dev and lintian (make deps installs
# them); not root.
set -u

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TEST_NAME=${TEST_NAME:-$(basename "$0" .sh)}
TMPD=$(mktemp -d /tmp/dtcp-pkg.XXXXXX) || exit 1
trap 'rm -rf "$TMPD"' EXIT

ok() { printf 'ok: %s\n' "$*"; }
fail() {
	printf 'FAIL: %s: %s\n' "$TEST_NAME" "$*"
	exit 1
}
pass() {
	printf 'PASS: %s%s\n' "$TEST_NAME" "${1:+: $1}"
	exit 0
}
# show_tail FILE : the end of a log, indented
show_tail() { tail -n 30 "$1" | sed 's/^/    /'; }

for tool in dpkg-buildpackage dh dpkg-deb lintian; do
	command -v "$tool" >/dev/null 2>&1 ||
		fail "$tool is missing: run make deps (debhelper, dpkg-dev, lintian)"
done

# What the tree holds before: make deb may add nothing outside build/.
untracked() {
	git -C "$ROOT" status --porcelain --untracked-files=all 2>/dev/null |
		grep -v '^ M \|^M  \|^MM ' | sort
}
have_git=0
git -C "$ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1 && have_git=1
[ "$have_git" = 0 ] || untracked >"$TMPD/before"

t0=$SECONDS
if ! make -C "$ROOT" --no-print-directory deb >"$TMPD/deb.log" 2>&1; then
	show_tail "$TMPD/deb.log"
	fail "make deb failed"
fi
ok "make deb ($((SECONDS - t0)) s)"
if [ "$have_git" = 1 ]; then
	untracked >"$TMPD/after"
	if ! cmp -s "$TMPD/before" "$TMPD/after"; then
		diff "$TMPD/before" "$TMPD/after" | sed 's/^/    /'
		fail "make deb left files in the tree (git status changed)"
	fi
	ok "git status unchanged"
fi
for f in "$ROOT"/../dtcp_*.deb "$ROOT"/../dtcp_*.changes "$ROOT"/../dtcp_*.buildinfo; do
	[ -e "$f" ] && fail "make deb left $f next to the tree"
done

deb=""
for f in "$ROOT"/build/deb/dtcp_*.deb; do
	[ -f "$f" ] && deb=$f
done
[ -n "$deb" ] || fail "no build/deb/dtcp_*.deb after make deb"
ok "built ${deb#"$ROOT"/}"

# lintian: errors fail, warnings are printed.
lintian "$deb" >"$TMPD/lintian.log" 2>&1
grep -E '^[EWIP]: ' "$TMPD/lintian.log" | sed 's/^/    lintian: /'
if grep -q '^E: ' "$TMPD/lintian.log"; then
	fail "lintian reports $(grep -c '^E: ' "$TMPD/lintian.log") error(s)"
fi
ok "lintian: no errors, $(grep -c '^W: ' "$TMPD/lintian.log") warning(s)"

# The contents, from the Makefile and the tree.
dpkg-deb -c "$deb" | awk '{ print $NF }' | sed 's|^\./|/|' >"$TMPD/contents"
# shellcheck disable=SC2016 # $(PROGS) is make's, expanded by make
progs=$(make -C "$ROOT" --no-print-directory -s \
	--eval='dtcp-print-progs: ; @echo $(notdir $(PROGS))' dtcp-print-progs) ||
	fail "cannot read PROGS from the Makefile"
[ -n "$progs" ] || fail "PROGS in the Makefile is empty"
want=()
for p in $progs dtcpclient-pinger.sh; do
	want+=("/usr/sbin/$p" "/usr/share/man/man8/$p.8.gz")
done
for m in "$ROOT"/man/*.8; do
	want+=("/usr/share/man/man8/$(basename "$m").gz")
done
want+=(/usr/libexec/dtcp/dtcpclient.script
	/etc/dtcp/dtcpclient_script.conf.example
	/etc/default/dtcps /etc/default/dtcpclient)
missing=""
for f in "${want[@]}"; do
	grep -qxF "$f" "$TMPD/contents" || missing="$missing $f"
done
unitdir=""
for d in /lib/systemd/system /usr/lib/systemd/system; do
	grep -qxF "$d/dtcps.service" "$TMPD/contents" && unitdir=$d
done
[ -n "$unitdir" ] || missing="$missing /lib/systemd/system/dtcps.service"
[ -z "$unitdir" ] || grep -qxF "$unitdir/dtcpclient.service" "$TMPD/contents" ||
	missing="$missing $unitdir/dtcpclient.service"
[ -z "$missing" ] || fail "dpkg-deb -c lacks:$missing"
ok "dpkg-deb -c lists $progs, dtcpclient-pinger.sh, their man pages, the script, the examples and the units"

# The control part: the postinst creates the user, /etc files are conffiles.
dpkg-deb -I "$deb" >"$TMPD/info" || fail "dpkg-deb -I failed"
grep -qw postinst "$TMPD/info" || fail "dpkg-deb -I shows no postinst"
dpkg-deb -I "$deb" postinst >"$TMPD/postinst" 2>&1 || fail "no postinst in the package"
grep -q 'adduser --system' "$TMPD/postinst" || fail "the postinst does not create the system user dtcp"
dpkg-deb -I "$deb" conffiles >"$TMPD/conffiles" 2>&1 || fail "no conffiles in the package"
for f in /etc/default/dtcps /etc/default/dtcpclient; do
	grep -qxF "$f" "$TMPD/conffiles" || fail "$f is not a conffile"
done
ok "dpkg-deb -I: postinst with adduser, /etc/default files are conffiles"

# The units as packaged: the /usr/sbin programs, no placeholder left.
dpkg-deb -x "$deb" "$TMPD/root" || fail "dpkg-deb -x failed"
for u in dtcps dtcpclient; do
	f=$TMPD/root$unitdir/$u.service
	grep -q "^ExecStart=/usr/sbin/$u " "$f" || fail "$u.service does not start /usr/sbin/$u"
	if grep -q '@[A-Z]*@' "$f"; then
		fail "$u.service keeps a placeholder: $(grep '@[A-Z]*@' "$f")"
	fi
	grep -q '/usr/local' "$f" && fail "$u.service names /usr/local: $(grep /usr/local "$f")"
	# verify needs the programs at their paths: point them into the copy.
	if command -v systemd-analyze >/dev/null 2>&1; then
		sed "s|=/usr/sbin/|=$TMPD/root/usr/sbin/|" "$f" >"$TMPD/$u.service"
		systemd-analyze verify --man=no "$TMPD/$u.service" >"$TMPD/verify.log" 2>&1
		if [ -s "$TMPD/verify.log" ]; then
			sed 's/^/    /' "$TMPD/verify.log"
			fail "systemd-analyze verify complains about $u.service"
		fi
	fi
done
ok "units start /usr/sbin/dtcps and /usr/sbin/dtcpclient$(command -v systemd-analyze >/dev/null && echo ', systemd-analyze verify is silent')"

# make install with the default PREFIX, into a DESTDIR.
dest=$TMPD/dest
if ! make -C "$ROOT" --no-print-directory install DESTDIR="$dest" >"$TMPD/install.log" 2>&1; then
	show_tail "$TMPD/install.log"
	fail "make install DESTDIR=$dest failed"
fi
for u in dtcps dtcpclient; do
	f=$dest/usr/local/lib/systemd/system/$u.service
	[ -f "$f" ] || fail "make install did not put $u.service in usr/local/lib/systemd/system"
	grep -q "^ExecStart=/usr/local/sbin/$u " "$f" ||
		fail "the installed $u.service does not start /usr/local/sbin/$u"
	[ -f "$dest/etc/default/$u" ] || fail "make install did not put /etc/default/$u"
done
ok "make install DESTDIR: units in usr/local/lib/systemd/system, /etc/default files"
if ! make -C "$ROOT" --no-print-directory uninstall DESTDIR="$dest" >"$TMPD/uninstall.log" 2>&1; then
	show_tail "$TMPD/uninstall.log"
	fail "make uninstall DESTDIR=$dest failed"
fi
left=$(find "$dest" ! -type d)
[ -z "$left" ] || fail "make uninstall left: $(echo "$left" | tr '\n' ' ')"
ok "make uninstall removes them again"

pass "$(basename "$deb"), lintian: 0 errors, $(grep -c '^W: ' "$TMPD/lintian.log") warnings"
