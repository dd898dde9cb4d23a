#!/bin/bash
# Checks the source tree's layering from its #include lines:
#  - each folder includes only the folders below it (ALLOWED): src/os wraps
#    the kernel and takes no policy, so it includes no authdb, proto,
#    server or client header; the relay knows no daemon; and so on;
#  - no include circle between modules (a module is x.c with x.h; x -> y
#    when x.c or x.h includes y.h).
# Prints every breach and exits 1 when there is one.
#
# usage: tests/lint/layers.sh [SRC_DIR]     (default: the tree's src)
#        tests/lint/layers.sh --self-test   (the checker catches breaches)
set -u

ROOT=$(cd "$(dirname "$0")/../.." && pwd)

# folder -> the folders its files may include (its own always allowed)
declare -A ALLOWED=(
	[common]=""
	[proto]="common"
	[authdb]="common proto"
	[os]="common"
	[relay]="common os"
	[server]="common proto authdb os relay"
	[client]="common proto authdb os relay"
	[tools]="common proto authdb"
)

check() {
	local src=$1 f dir inc idir bad=0
	# Edges "module -> module" from every project include.
	local edges
	edges=$(cd "$src" && grep -H '^#include "' -- */*.c */*.h 2>/dev/null |
		sed -E 's|^([^:]*)\.[ch]:#include "([^"]*)\.h".*|\1 \2|')
	while read -r f inc; do
		[ -n "$f" ] || continue
		dir=${f%%/*}
		idir=${inc%%/*}
		if [ "$dir" != "$idir" ] &&
		   [[ " ${ALLOWED[$dir]-none} " != *" $idir "* ]]; then
			echo "layering: $f includes $inc.h, but $dir/ may only include: ${ALLOWED[$dir]-(unknown folder)}"
			bad=1
		fi
	done <<<"$edges"
	# Circles: a depth-first search over the module graph.
	awk '
	$1 != $2 { adj[$1] = adj[$1] " " $2; node[$1]; node[$2] }
	function dfs(n,   i, k, parts, m) {
		state[n] = 1; stack[++depth] = n
		k = split(adj[n], parts, " ")
		for (i = 1; i <= k; i++) {
			m = parts[i]
			if (state[m] == 1) {
				path = m
				for (j = depth; j >= 1 && stack[j] != m; j--)
					path = stack[j] " -> " path
				print "include circle: " m " -> " path
				found = 1
			} else if (state[m] == 0)
				dfs(m)
		}
		depth--; state[n] = 2
	}
	END {
		for (n in node) if (state[n] == 0) dfs(n)
		exit found
	}' <<<"$edges" || bad=1
	return $bad
}

self_test() {
	local t rc=0
	t=$(mktemp -d) || exit 1
	mkdir -p "$t/os" "$t/proto" "$t/client"
	printf '#include "proto/proto.h"\n' >"$t/os/tun.c"
	printf '#include "client/b.h"\n' >"$t/client/a.c"
	printf '#include "client/a.h"\n' >"$t/client/b.c"
	: >"$t/client/a.h" >"$t/client/b.h" >"$t/proto/proto.h"
	out=$(check "$t")
	grep -q 'layering: os/tun includes proto/proto.h' <<<"$out" || { echo "self-test: os -> proto not caught"; rc=1; }
	grep -q 'include circle: client/' <<<"$out" || { echo "self-test: circle not caught"; rc=1; }
	rm -rf "$t"
	[ $rc -eq 0 ] && echo "self-test: both planted breaches caught"
	return $rc
}

if [ "${1:-}" = "--self-test" ]; then
	self_test
	exit
fi
check "${1:-$ROOT/src}" && echo "layers: no breach"
