#!/bin/bash
# Run every libFuzzer target for SECONDS each, from its seed corpus, with
# new inputs kept in build/fuzz/corpus. Prints executions per target and
# exits non-zero when a target finds a crash.
set -u
seconds=${1:-10}
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 1
status=0
for bin in build/fuzz/fuzz_*; do
	[ -x "$bin" ] || continue
	name=${bin##*/fuzz_}
	work=build/fuzz/corpus/$name
	log=build/fuzz/$name.log
	mkdir -p "$work" build/fuzz/artifacts
	if "$bin" -max_total_time="$seconds" -max_len=2048 -timeout=10 \
		-artifact_prefix=build/fuzz/artifacts/"$name"- \
		"$work" "tests/fuzz/corpus/$name" >"$log" 2>&1; then
		execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
		[ -n "$execs" ] || execs=$(grep -Eo '#[0-9]+' "$log" | tail -n 1 | tr -d '#')
		echo "fuzz $name: clean, ${execs:-?} executions in ${seconds}s"
	else
		echo "fuzz $name: FAILED (see $log)"
		tail -n 20 "$log"
		status=1
	fi
done
exit $status
