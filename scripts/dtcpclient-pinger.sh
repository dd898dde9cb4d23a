#!/bin/sh
# dtcpclient-pinger.sh: keep a NAT mapping open by pinging an IPv6 host
# through the tunnel at a fixed interval, for servers that do not take
# keepalive datagrams. One pinger runs at a time, tracked by a pidfile.
#
#   dtcpclient-pinger.sh [-i seconds] [-p pidfile] HOST &   start
#   dtcpclient-pinger.sh [-p pidfile] -k                   stop
set -eu

prog=dtcpclient-pinger.sh
interval=30
pidfile=${DTCP_PINGER_PIDFILE:-/var/run/dtcpclient-pinger.pid}
kill_mode=0

usage() {
	echo "usage: $prog [-i seconds] [-p pidfile] HOST   (run it with & to detach)"
	echo "       $prog [-p pidfile] -k"
	echo "  -i seconds  time between pings (default 30, 1 to 3600)"
	echo "  -p pidfile  where the running pinger is recorded"
	echo "              (default /var/run/dtcpclient-pinger.pid)"
	echo "  -k          stop the running pinger and remove its pidfile"
}

die() {
	echo "$prog: $*" >&2
	exit 1
}

# pinger_pid: print the pid recorded in the pidfile when that process is
# alive and is a pinger; nothing otherwise.
pinger_pid() {
	[ -r "$pidfile" ] || return 0
	pid=$(head -n 1 "$pidfile" 2>/dev/null || :)
	case $pid in
	'' | *[!0-9]*) return 0 ;;
	esac
	[ -r "/proc/$pid/cmdline" ] || return 0
	if tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q "$prog"; then
		echo "$pid"
	fi
}

while getopts i:p:kh opt; do
	case $opt in
	i) interval=$OPTARG ;;
	p) pidfile=$OPTARG ;;
	k) kill_mode=1 ;;
	h) usage; exit 0 ;;
	*) usage >&2; exit 1 ;;
	esac
done
shift $((OPTIND - 1))

if [ "$kill_mode" = 1 ]; then
	[ $# -eq 0 ] || die "-k takes no HOST"
	pid=$(pinger_pid)
	if [ -z "$pid" ]; then
		rm -f "$pidfile"
		echo "$prog: no pinger is running" >&2
		exit 0
	fi
	kill -TERM "$pid" 2>/dev/null || :
	n=0
	while kill -0 "$pid" 2>/dev/null && [ "$n" -lt 50 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	kill -0 "$pid" 2>/dev/null && die "pinger $pid did not stop; kill it by hand"
	rm -f "$pidfile"
	exit 0
fi

[ $# -eq 1 ] || { usage >&2; exit 1; }
host=$1
case $interval in
'' | *[!0-9]* | 0*) die "invalid interval \"$interval\": expected seconds from 1 to 3600" ;;
esac
[ "$interval" -le 3600 ] || die "invalid interval \"$interval\": expected seconds from 1 to 3600"
case $host in
*[!0-9A-Za-z:.%_-]* | -*) die "invalid HOST \"$host\": expected an IPv6 address or host name" ;;
esac
command -v ping >/dev/null 2>&1 || die "ping not found; install iputils-ping"

running=$(pinger_pid)
[ -z "$running" ] || die "a pinger is already running (pid $running); stop it with $prog -k"
tmp="$pidfile.$$"
echo "$$" >"$tmp" || die "cannot write $tmp; choose another pidfile with -p"
mv -f "$tmp" "$pidfile"

sleeper=
cleanup() {
	[ -n "$sleeper" ] && kill "$sleeper" 2>/dev/null
	# Remove the pidfile only while it is still ours.
	[ "$(head -n 1 "$pidfile" 2>/dev/null || :)" = "$$" ] && rm -f "$pidfile"
	exit 0
}
trap cleanup TERM INT HUP

while :; do
	ping -6 -n -c 1 -W 5 -- "$host" >/dev/null 2>&1 || :
	sleep "$interval" &
	sleeper=$!
	wait "$sleeper" || :
	sleeper=
done
