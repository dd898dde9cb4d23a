#!/bin/bash
# Runs the test suite: the layering check of src/ (tests/lint), every unit
# test binary (build/tests/test_*), every
# libFuzzer target (build/fuzz/fuzz_*, FUZZ_SECONDS each) and every
# network-namespace scenario (tests/netns/t_*.sh, as root, each in its own
# process under a hard timeout) and every packaging check (tests/pkg/t_*.sh:
# make deb, lintian, make install); then, when build/asan holds an ASan+UBSan
# build (make check makes one), the unit and netns suites again on it, where
# any sanitizer report (a leak included) from any program fails the test.
# Logs go to build/test-logs/. Ends with one line "N passed, N failed" and
# exits non-zero on any failure.
#
# usage: tests/run.sh [lint|unit|fuzz|netns|pkg|sanitize|all]
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${DTCP_BUILD:-$ROOT/build}
LOGS=${TEST_LOGS:-$BUILD/test-logs}
UNIT_TIMEOUT=${UNIT_TIMEOUT:-120}
NETNS_TIMEOUT=${NETNS_TIMEOUT:-300}
PKG_TIMEOUT=${PKG_TIMEOUT:-300}
FUZZ_SECONDS=${FUZZ_SECONDS:-5}
ASAN_BUILD=${ASAN_BUILD:-$BUILD/asan}
SAN_DIR=""	# set while running on the sanitizer build
PREFIX_NAME=""
mode=${1:-all}
passed=0
failed=0

case $mode in
lint | unit | fuzz | netns | pkg | sanitize | all) ;;
*)
	echo "usage: tests/run.sh [lint|unit|fuzz|netns|pkg|sanitize|all]" >&2
	exit 2
	;;
esac
mkdir -p "$LOGS" || exit 1

ok() {
	passed=$((passed + 1))
	printf 'PASS %s%s\n' "$PREFIX_NAME" "$1"
}

# san_clean : true when no sanitizer wrote a report since san_reset
san_reset() { [ -z "$SAN_DIR" ] || rm -f "$SAN_DIR"/*; }
san_clean() { [ -z "$SAN_DIR" ] || [ -z "$(ls -A "$SAN_DIR")" ]; }
san_report() {
	local f
	for f in "$SAN_DIR"/*; do
		printf '    --- %s\n' "$f"
		head -n 30 "$f" | sed 's/^/    /'
	done
}

# ko NAME WHY [LOG] : a failure, with the tail of its log
ko() {
	failed=$((failed + 1))
	printf 'FAIL %s%s: %s\n' "$PREFIX_NAME" "$1" "$2"
	if [ -n "${3:-}" ] && [ -s "$3" ]; then
		tail -n "${TAIL_LINES:-40}" "$3" | sed 's/^/    /'
		printf '    (full log: %s)\n' "$3"
	fi
}

# The layering of src/ (tests/lint/layers.sh), and that the checker itself
# still catches what it is for.
run_lint() {
	local what log
	for what in self-test src; do
		log=$LOGS/lint-layers-$what.log
		if [ "$what" = self-test ]; then
			bash "$ROOT/tests/lint/layers.sh" --self-test >"$log" 2>&1
		else
			bash "$ROOT/tests/lint/layers.sh" "$ROOT/src" >"$log" 2>&1
		fi
		if [ $? -eq 0 ]; then
			ok "lint/layers-$what"
		else
			ko "lint/layers-$what" "layering breach" "$log"
		fi
	done
	# make deletes no object files as intermediates (it used to print
	# "rm build/tests/unit/*.o"): one unit test built in a fresh tree.
	local tmp
	log=$LOGS/lint-make-keeps-objects.log
	tmp=$(mktemp -d) || exit 1
	if make -C "$ROOT" --no-print-directory BUILD="$tmp" \
		"$tmp/tests/test_backoff" >"$log" 2>&1 &&
		! grep -qE '^rm ([^-]|$)' "$log" &&
		[ -f "$tmp/tests/unit/test_backoff.o" ]; then
		ok "lint/make-keeps-objects"
	else
		ko "lint/make-keeps-objects" "make failed or deleted object files" "$log"
	fi
	rm -rf "$tmp"
}

run_unit() {
	local t name log rc found=0
	for t in "${UNIT_BUILD:-$BUILD}"/tests/test_*; do
		name=$(basename "$t")
		case $name in *.*) continue ;; esac
		if [ ! -f "$t" ] || [ ! -x "$t" ]; then
			continue
		fi
		found=1
		log=$LOGS/${PREFIX_NAME%/}${PREFIX_NAME:+-}unit-$name.log
		san_reset
		timeout -k 5 "$UNIT_TIMEOUT" "$t" >"$log" 2>&1 </dev/null
		rc=$?
		if [ "$rc" -eq 0 ] && ! san_clean; then
			ko "unit/$name" "sanitizer report" "$log"
			san_report
		elif [ "$rc" -eq 0 ]; then
			ok "unit/$name"
		elif [ "$rc" -eq 124 ]; then
			ko "unit/$name" "timed out after ${UNIT_TIMEOUT}s" "$log"
		else
			ko "unit/$name" "exit status $rc" "$log"
		fi
	done
	[ "$found" -eq 1 ] || ko "unit" "no unit test binaries in $BUILD/tests (run make first)"
}

# Each fuzz target runs from its seed corpus for FUZZ_SECONDS; a crash,
# leak or sanitizer report fails it. Executions are reported.
run_fuzz() {
	local f name log rc execs found=0
	for f in "$BUILD"/fuzz/fuzz_*; do
		if [ ! -f "$f" ] || [ ! -x "$f" ]; then
			continue
		fi
		found=1
		name=${f##*/fuzz_}
		log=$LOGS/fuzz-$name.log
		mkdir -p "$BUILD/fuzz/corpus/$name" "$BUILD/fuzz/artifacts"
		timeout -k 5 $((FUZZ_SECONDS + 60)) "$f" -max_total_time="$FUZZ_SECONDS" \
			-max_len=2048 -timeout=10 -print_final_stats=1 \
			-artifact_prefix="$BUILD/fuzz/artifacts/$name-" \
			"$BUILD/fuzz/corpus/$name" "$ROOT/tests/fuzz/corpus/$name" \
			>"$log" 2>&1 </dev/null
		rc=$?
		execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
		if [ "$rc" -eq 0 ]; then
			ok "fuzz/$name (${execs:-?} executions in ${FUZZ_SECONDS}s)"
		else
			ko "fuzz/$name" "exit status $rc: a crash or sanitizer report" "$log"
		fi
	done
	[ "$found" -eq 1 ] || ko "fuzz" "no fuzz targets in $BUILD/fuzz (run make fuzz-build; needs clang)"
}

run_netns() {
	local s name log rc t0 secs found=0
	for s in "$ROOT"/tests/netns/t_*.sh; do
		[ -f "$s" ] || continue
		found=1
		name=$(basename "$s" .sh)
		log=$LOGS/${PREFIX_NAME%/}${PREFIX_NAME:+-}netns-$name.log
		if [ "$(id -u)" -ne 0 ]; then
			ko "netns/$name" "needs root (network namespaces): run as root, e.g. sudo make check"
			continue
		fi
		t0=$SECONDS
		san_reset
		TEST_NAME=$name timeout -k 10 "$NETNS_TIMEOUT" bash "$s" >"$log" 2>&1 </dev/null
		rc=$?
		secs=$((SECONDS - t0))
		if [ "$rc" -eq 0 ] && ! san_clean; then
			ko "netns/$name" "sanitizer report (${secs}s)" "$log"
			san_report
		else
			verdict "netns/$name" "$rc" "$secs" "$NETNS_TIMEOUT" "$log"
		fi
	done
	[ "$found" -eq 1 ] || ko "netns" "no scenarios in tests/netns"
}

# verdict NAME RC SECS TIMEOUT LOG [SUMMARY] : count a scenario that ran
# under `timeout` by its exit status
verdict() {
	if [ "$2" -eq 0 ]; then
		ok "$1 (${3}s)${6:+: $6}"
	elif [ "$2" -eq 124 ] || [ "$2" -eq 137 ]; then
		ko "$1" "killed after the ${4}s timeout" "$5"
	else
		ko "$1" "exit status $2 (${3}s)" "$5"
	fi
}

# The packaging checks (tests/pkg/t_*.sh): make deb, lintian, the package's
# contents, make install. Each prints PASS:/FAIL: and its exit status counts.
run_pkg() {
	local s name log rc t0 secs found=0
	for s in "$ROOT"/tests/pkg/t_*.sh; do
		[ -f "$s" ] || continue
		found=1
		name=$(basename "$s" .sh)
		log=$LOGS/pkg-$name.log
		t0=$SECONDS
		TEST_NAME=$name timeout -k 10 "$PKG_TIMEOUT" bash "$s" >"$log" 2>&1 </dev/null
		rc=$?
		secs=$((SECONDS - t0))
		verdict "pkg/$name" "$rc" "$secs" "$PKG_TIMEOUT" "$log" \
			"$(sed -n 's/^PASS: [^:]*: //p' "$log")"
	done
	[ "$found" -eq 1 ] || ko "pkg" "no checks in tests/pkg"
}

# The unit and netns suites again on the ASan+UBSan build. Reports go to
# files (the engine runs as user dtcp, so the directory is world-writable
# and sticky); a leak at any daemon's exit is a report.
run_sanitized() {
	if [ ! -x "$ASAN_BUILD/dtcps" ]; then
		ko "sanitize" "no sanitizer build in $ASAN_BUILD (make check builds it)"
		return
	fi
	SAN_DIR=$LOGS/sanitizer-reports
	mkdir -p "$SAN_DIR" && chmod 1777 "$SAN_DIR" || exit 1
	export ASAN_OPTIONS="log_path=$SAN_DIR/asan:detect_leaks=1"
	export UBSAN_OPTIONS="log_path=$SAN_DIR/ubsan:print_stacktrace=1:halt_on_error=1"
	export LSAN_OPTIONS="log_path=$SAN_DIR/lsan"
	PREFIX_NAME=asan/
	UNIT_BUILD=$ASAN_BUILD run_unit
	DTCP_BUILD=$ASAN_BUILD DTCP_SANITIZED=1 run_netns
	PREFIX_NAME=""
	SAN_DIR=""
	unset ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS
}

case $mode in
lint) run_lint ;;
unit) run_unit ;;
fuzz) run_fuzz ;;
netns) run_netns ;;
pkg) run_pkg ;;
sanitize) run_sanitized ;;
all)
	run_lint
	run_unit
	run_fuzz
	run_netns
	run_pkg
	[ -d "$ASAN_BUILD" ] && run_sanitized
	;;
esac

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
