#!/bin/bash
# Privilege separation of the clients. dtcpc's engine (the child of the
# dtcpc process) runs as user dtcp with no capabilities, no_new_privs,
# seccomp and /run/dtcpc-empty as its root, and its memory holds no copy of
# the password; the parent stays root. When dtcpclient's engine is killed
# with the tunnel up, the parent still runs the script's "down" and exits
# non-zero; nothing is left behind.
set -u
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
need_dtcpclient

start_dtcpc_tunnel host
run nsx "$CLI" ping -6 -c 2 -i 0.2 -W 2 "$INET_V6" || fail "no IPv6 through the tunnel"
parent=${PIDS[dtcpc]}
engine=$(pgrep -P "$parent" -x dtcpc | head -n 1)
[ -n "$engine" ] || fail "no engine process under dtcpc $parent"
uid=$(id -u dtcp)
grep -E '^(Uid|CapEff|CapPrm|NoNewPrivs|Seccomp):' "/proc/$engine/status" | sed 's/^/  engine | /'
[ "$(proc_field "$engine" Uid)" = "$uid $uid $uid $uid" ] || fail "engine Uid is '$(proc_field "$engine" Uid)'"
[ "$(proc_field "$engine" CapEff)" = 0000000000000000 ] || fail "engine has capabilities"
[ "$(proc_field "$engine" CapPrm)" = 0000000000000000 ] || fail "engine has permitted capabilities"
[ "$(proc_field "$engine" NoNewPrivs)" = 1 ] || fail "engine NoNewPrivs is not 1"
if [ "${DTCP_SANITIZED:-0}" = 1 ]; then
	say "sanitizer build: no seccomp filter and no chroot to check (see sandbox.c)"
else
	[ "$(proc_field "$engine" Seccomp)" = 2 ] || fail "engine Seccomp is not 2"
	[ "$(readlink "/proc/$engine/root")" = /run/dtcpc-empty ] ||
		fail "engine root is $(readlink "/proc/$engine/root")"
fi
[ "$(proc_field "$parent" Uid)" = "0 0 0 0" ] || fail "parent is not root"
ok "engine: uid dtcp, no capabilities, no_new_privs, seccomp, chroot /run/dtcpc-empty; parent root"

# Scan the engine's writable memory for the password; the parent, which
# computes the digests, must have it (the positive control).
password_only_in_parent "$parent" "$engine"
stop dtcpc TERM 5 || fail "dtcpc did not stop"
[ "$STOP_RC" = 0 ] || fail "dtcpc exited $STOP_RC after SIGTERM"

say "== dtcpclient: kill -9 of the engine, the parent runs down"
CAP=$TMPD/capture.sh
# shellcheck disable=SC2016 # $1 is for the capture script, not for us
printf '#!/bin/sh\necho "$1" >>"%s/events"\n' "$TMPD" >"$CAP" || fail "cannot write $CAP"
chmod 755 "$CAP"
client_conf ng0
start_dtcpclient dc "$CLI" -U -t host -s "$CAP" -u "$USER1" "$SRV_V4"
wait_for_or_fail 10 "the up script ran" grep -qx up "$TMPD/events"
dparent=${PIDS[dc]}
dengine=$(pgrep -P "$dparent" -x dtcpclient | head -n 1)
[ -n "$dengine" ] || fail "no engine under dtcpclient $dparent"
run kill -KILL "$dengine"
exit_status dc 5 || fail "the dtcpclient parent did not exit after its engine died"
[ "$STOP_RC" -ne 0 ] || fail "dtcpclient exited 0 after its engine was killed"
grep -qx down "$TMPD/events" || fail "the parent did not run down for the dead engine"
ok "engine killed: parent ran down and exited $STOP_RC"
wait_for_or_fail 5 "client ng0 gone" no_link "$CLI" ng0
wait_for_or_fail 10 "server ng0 gone" no_ng_links "$SRV"
pass "client engines are confined, hold no password, and a dead engine still gets its down"
