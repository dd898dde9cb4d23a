# shellcheck shell=bash
# Helpers for the privilege-separation, fault and limit scenarios (sourced
# by lib.sh, never run): the engine process, its /proc figures, and a
# python3 connection loader. Every wait is bounded.

ENGINE_USER=dtcp
LOADER=$TMPD/loader.py

# engine_pid : the pid of dtcps's engine (the one child of the dtcps parent),
# printed; returns 1 when there is none
engine_pid() {
	local p
	p=$(pgrep -P "${PIDS[dtcps]:-0}" 2>/dev/null | head -n 1)
	[ -n "$p" ] || return 1
	printf '%s' "$p"
}

# wait_engine : wait (bounded) for the engine, its pid into ENGINE
wait_engine() {
	wait_for 5 "the dtcps engine exists" engine_pid || fail "no engine process under dtcps ${PIDS[dtcps]:-?}"
	ENGINE=$(engine_pid)
	# The engine confines itself right after the fork: wait until it has.
	# The seccomp filter is the last step; a sanitizer build
	# (DTCP_SANITIZED=1) has none (nor a chroot), and there no_new_privs is.
	local last="Seccomp" want=2
	if [ "${DTCP_SANITIZED:-0}" = 1 ]; then
		last=NoNewPrivs
		want=1
	fi
	wait_for 5 "engine $ENGINE runs as $ENGINE_USER" \
		eval "[ \"\$(proc_field $ENGINE $last)\" = $want ]" ||
		fail "engine $ENGINE did not enter its sandbox"
}

# proc_field PID FIELD : the value(s) of FIELD in /proc/PID/status, one space apart
proc_field() { awk -v f="$2:" '$1 == f { $1 = ""; sub(/^[ \t]+/, ""); print; exit }' "/proc/$1/status"; }

# proc_cpu PID : utime + stime of PID in seconds (three decimals)
proc_cpu() {
	awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.3f", ($12 + $13) / hz }' "/proc/$1/stat"
}

# elapsed_ms START : milliseconds since START (an EPOCHREALTIME value)
elapsed_ms() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%d", (b - a) * 1000 }'; }

# fd_count PID : number of open descriptors of PID
fd_count() { find "/proc/$1/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l; }

# tcp_estab NS PORT : established TCP connections with local port PORT in NS
tcp_estab() { nsx "$1" ss -Htn state established "( sport = :$2 )" | wc -l; }

# gone PID : the process no longer exists (zombies count as gone)
gone() {
	local st
	[ -e "/proc/$1" ] || return 0
	st=$(awk '{ sub(/^.*\) /, ""); print $1 }' "/proc/$1/stat" 2>/dev/null)
	[ -z "$st" ] || [ "$st" = Z ]
}

# start_server_limited NOFILE [EXTRA-ARGS...] : like start_server, with the
# descriptor limit NOFILE (soft and hard) set by prlimit; the engine inherits it
start_server_limited() {
	local nofile=$1
	shift
	[ -f "$PWFILE" ] || make_pwfile
	spawn dtcps "$SRV" prlimit "--nofile=$nofile:$nofile" "$DTCPS" "${RUNFILES[@]}" -D -d -U -l -A "$PWFILE" \
		-L "$SRV_V4" "$@" "$PREFIX6"
	wait_for 10 "dtcps listens on $SRV_V4:20200" \
		eval "alive dtcps && tcp_listening $SRV 20200" ||
		fail "dtcps did not start listening"
	ok "dtcps (nofile $nofile) listening on $SRV_V4:20200"
}

# write_loader : $LOADER, a python3 program run as
#   loader.py ADDR PORT COUNT HOLD-SECONDS GARBAGE-FRACTION
# It opens COUNT TCP connections (5 s connect timeout each), sends garbage to
# GARBAGE-FRACTION of them (random printable lines; a 600-byte line on every
# 25th of those, NUL bytes on every 25th + 1), prints "HELD <n> <failed>",
# keeps them open HOLD-SECONDS (or until SIGUSR1), closes them all,
# prints "CLOSED <n>" and exits. Total run time is bounded by the hold.
write_loader() {
	cat >"$LOADER" <<'PY'
import random, signal, socket, string, sys, time

addr, port, count, hold, frac = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
rnd = random.Random(4028)
# No letters that could spell a command the server acts on ("tunnel" would
# count as a failed login and throttle the address).
chars = string.digits + "QWXYZqwxyz!#$&()*+,-./:;<=>?@[]^_{|}~ "
socks, failed, longs, nuls = [], 0, 0, 0
deadline = time.monotonic() + 20
for i in range(count):
    if time.monotonic() > deadline:
        break
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(5)
    try:
        s.connect((addr, port))
    except OSError:
        failed += 1
        s.close()
        continue
    socks.append(s)
ngarbage = int(len(socks) * frac)
for i, s in enumerate(socks[:ngarbage]):
    if i % 25 == 0:
        data = b"Q" * 600 + b"\r\n"
        longs += 1
    elif i % 25 == 1:
        data = b"pi\x00ng\r\n\x00\x00\x00\r\n"
        nuls += 1
    else:
        data = b"".join(("".join(rnd.choice(chars) for _ in range(rnd.randint(1, 80))) + "\r\n").encode()
                        for _ in range(rnd.randint(1, 4)))
    try:
        s.sendall(data)
    except OSError:
        pass
print("HELD %d %d garbage=%d long=%d nul=%d" % (len(socks), failed, ngarbage, longs, nuls), flush=True)
stop = []
signal.signal(signal.SIGUSR1, lambda *a: stop.append(1))
end = time.monotonic() + hold
while not stop and time.monotonic() < end:
    time.sleep(0.05)
for s in socks:
    s.close()
print("CLOSED %d" % len(socks), flush=True)
PY
}

# loader_held NAME : the loader NAME has printed its HELD line
loader_held() { grep -q '^HELD ' "$TMPD/$1.log"; }
