#!/bin/bash
# Privilege separation: with a host tunnel up, dtcps's engine (the child of
# the dtcps pid) runs as user dtcp, with no capabilities, no_new_privs,
# a seccomp filter and /run/dtcps-empty as its root; the parent stays root.
# kill -9 of the engine makes the parent exit non-zero within 2 s and leaves
# no ng* link nor UDP socket behind; a restarted server takes the dtcpc -l
# client back (it reconnects by itself) and the tunnel carries pings again.
set -u
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
id -u "$ENGINE_USER" >/dev/null 2>&1 || fail "user $ENGINE_USER is missing: run scripts/install-deps.sh"
DUID=$(id -u "$ENGINE_USER")
DGID=$(id -g "$ENGINE_USER")
NOCAPS=0000000000000000

start_dtcpc_tunnel host -d -l
wait_for_or_fail 5 "server ng0 exists" has_link "$SRV" ng0
run nsx "$CLI" ping -6 -c 2 -i 0.2 -W 2 "$INET_V6" || fail "client cannot ping INET"

say "== confinement of the engine"
PARENT=${PIDS[dtcps]}
wait_engine
say "parent $PARENT, engine $ENGINE"
grep -E '^(Uid|Gid|Groups|CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs|Seccomp):' "/proc/$ENGINE/status" |
	sed 's/^/  engine | /'
[ "$(proc_field "$ENGINE" Uid)" = "$(printf '%s %s %s %s' "$DUID" "$DUID" "$DUID" "$DUID")" ] ||
	fail "engine Uid is '$(proc_field "$ENGINE" Uid)', want $DUID (real, effective, saved, fs)"
ok "engine Uid all $DUID ($ENGINE_USER)"
[ "$(proc_field "$ENGINE" Gid)" = "$(printf '%s %s %s %s' "$DGID" "$DGID" "$DGID" "$DGID")" ] ||
	fail "engine Gid is '$(proc_field "$ENGINE" Gid)', want $DGID"
ok "engine Gid all $DGID"
for f in CapEff CapPrm CapInh CapAmb; do
	[ "$(proc_field "$ENGINE" $f)" = "$NOCAPS" ] || fail "engine $f is $(proc_field "$ENGINE" $f), want $NOCAPS"
done
ok "engine CapEff, CapPrm, CapInh, CapAmb all 0"
[ "$(proc_field "$ENGINE" NoNewPrivs)" = 1 ] || fail "engine NoNewPrivs is $(proc_field "$ENGINE" NoNewPrivs)"
ok "engine NoNewPrivs 1"
if [ "${DTCP_SANITIZED:-0}" = 1 ]; then
	say "sanitizer build: no seccomp filter and no chroot to check (see sandbox.c)"
else
	[ "$(proc_field "$ENGINE" Seccomp)" = 2 ] || fail "engine Seccomp is $(proc_field "$ENGINE" Seccomp), want 2 (filter)"
	ok "engine Seccomp 2"
	root=$(readlink "/proc/$ENGINE/root")
	[ "$root" = /run/dtcps-empty ] || fail "engine root is '$root', want /run/dtcps-empty"
	ok "engine root /run/dtcps-empty"
fi
[ -z "$(find /run/dtcps-empty -mindepth 1 -maxdepth 1)" ] || fail "/run/dtcps-empty is not empty"
[ "$(proc_field "$PARENT" Uid)" = "0 0 0 0" ] ||
	fail "parent Uid is '$(proc_field "$PARENT" Uid)', want 0"
ok "parent runs as uid 0"
# The password file's secret: in the parent (the positive control) and
# nowhere in the engine, which was forked from it.
password_only_in_parent "$PARENT" "$ENGINE"
[ "$(pgrep -P "$PARENT" | wc -l)" -eq 1 ] || fail "the parent has more than one child: $(pgrep -P "$PARENT" | tr '\n' ' ')"

say "== kill -9 of the engine"
t0=$(now)
run kill -KILL "$ENGINE"
exit_status dtcps 2 || fail "the parent did not exit within 2 s of the engine's death"
el=$(elapsed "$t0")
say "parent exit status $STOP_RC after ${el}s"
[ "$STOP_RC" -ne 0 ] || fail "the parent exited 0 after its engine was killed"
ok "parent exited $STOP_RC by itself after ${el}s"
grep -Ei 'engine|signal' "$TMPD/dtcps.log" | tail -n 3 | sed 's/^/  dtcps.log | /'
wait_for_or_fail 2 "no ng* link left in SRV" no_ng_links "$SRV"
wait_for_or_fail 2 "no UDP socket on 4028 left in SRV" eval "! udp_listening $SRV 4028"
check "no TCP listener left on 20200" eval "! tcp_listening $SRV 20200"
check "dtcpc -l still running" alive dtcpc
wait_for_or_fail 5 "client ng0 removed after the server went" no_link "$CLI" ng0

say "== restart"
mv "$TMPD/dtcps.log" "$TMPD/dtcps.run1.log"
t1=$(now)
start_server
wait_engine
wait_for_or_fail 15 "dtcpc -l reconnected by itself: client ng0 has 2001:db8:1::6" \
	has_addr "$CLI" ng0 'inet6 2001:db8:1::6 peer'
el=$(elapsed "$t1")
wait_for_or_fail 5 "server ng0 exists again" has_link "$SRV" ng0
run nsx "$CLI" ping -6 -c 2 -i 0.2 -W 2 "$INET_V6" || fail "client cannot ping INET after the restart"
ok "client -> INET ping after the restart"
check "dtcps still running" alive dtcps
pass "engine confined; its death stops the parent cleanly; the client is back ${el}s after the restart"
