#!/bin/sh
# Installs the Debian packages that building and testing dtcp need, only
# those that are missing, and only when running as root.
set -eu

need="build-essential clang libmnl-dev libmd-dev libcmocka-dev libseccomp-dev pkg-config python3 \
iproute2 iputils-ping socat iperf3 nftables conntrack procps radvd jq curl prometheus \
debhelper dpkg-dev lintian systemd"

# The unprivileged user dtcps's network-facing engine runs as (dtcps -u).
# make install creates it as well; the tests and the demo need it too.
if ! getent passwd dtcp >/dev/null 2>&1; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "install-deps: user dtcp is missing; as root run: useradd --system --no-create-home --shell /usr/sbin/nologin dtcp" >&2
		exit 1
	fi
	useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin dtcp
	echo "install-deps: created system user dtcp"
fi

missing=""
for p in $need; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing packages:$missing; run as root or install them with apt-get" >&2
	exit 1
fi
echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086 # word splitting of the package list is intended
apt-get update -qq && apt-get install -y -qq --no-install-recommends $missing >/dev/null
