#!/bin/sh
# Build itnexus and run every test: unit tests, integration tests against
# real peers, the unit tests again under ASan + UBSan, `make distcheck`
# (packaging), and every fuzz target for FUZZ_SECONDS (default 60) under
# libFuzzer.  Ends with one line "N passed, N failed[, N skipped]" and exits
# non-zero if anything failed.
#
# Environment: BUILD_ROOT (default ./_build), JOBS (default: nproc),
# FUZZ_SECONDS (default 60), ITN_SKIP_DISTCHECK=1, ITN_SKIP_FUZZ=1 (both
# only for quick local runs; CI runs everything).
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
BUILD_ROOT=${BUILD_ROOT:-$here/_build}
JOBS=${JOBS:-$(nproc 2> /dev/null || echo 2)}
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
export FUZZ_SECONDS
mkdir -p "$BUILD_ROOT"
steps="$BUILD_ROOT/steps.txt"
: > "$steps"

# step NAME STATUS: record a pass/fail line for a stage that is not a test suite.
step() { echo "$1 $2" >> "$steps"; echo "== $1: $2"; }

echo "== installing dependencies"
if ! scripts/install-deps.sh; then
	step install-deps fail
	scripts/summary.sh "$steps"
	exit 1
fi

echo "== generating the build system"
./autogen.sh > "$BUILD_ROOT/autogen.log" 2>&1 || { cat "$BUILD_ROOT/autogen.log"; step autogen fail; scripts/summary.sh "$steps"; exit 1; }

# build DIR CONFIGURE-ARGS...: configure and build in DIR.
build() {
	dir=$1; shift
	mkdir -p "$dir"
	( cd "$dir" && "$here/configure" "$@" > configure.log 2>&1 ) || { tail -n 30 "$dir/configure.log"; return 1; }
	( cd "$dir" && make -j"$JOBS" > make.log 2>&1 ) || { grep -E 'error|Error' "$dir/make.log" | head -n 40; return 1; }
}

# suite DIR TARGET LABEL: run a make test target in DIR; its test-suite.log
# (kept as LABEL-test-suite.log) counts towards the summary.
suite() {
	rm -f "$1/tests/test-suite.log"
	( cd "$1" && make -j"$JOBS" "$2" > "$2.out" 2>&1 )
	rc=$?
	grep -E '^(FAIL|ERROR|XPASS|SKIP)' "$1/$2.out" || true
	if [ -f "$1/tests/test-suite.log" ]; then
		# the failures are counted from the log itself
		cp "$1/tests/test-suite.log" "$BUILD_ROOT/$3-test-suite.log"
		echo "$BUILD_ROOT/$3-test-suite.log" >> "$BUILD_ROOT/suites.txt"
		return 0
	fi
	tail -n 30 "$1/$2.out"
	return $rc
}
: > "$BUILD_ROOT/suites.txt"

echo "== main build (warnings are errors)"
if build "$BUILD_ROOT/main" --enable-werror; then
	step build ok
	echo "== make check"
	suite "$BUILD_ROOT/main" check main || step make-check-ran-no-suite fail
else
	step build fail
fi

echo "== sanitizer build (ASan + UBSan): unit tests"
if build "$BUILD_ROOT/asan" --enable-werror --enable-sanitizers --disable-gui; then
	step asan-build ok
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		suite "$BUILD_ROOT/asan" check-unit asan || step asan-check-ran-no-suite fail
else
	step asan-build fail
fi

if [ -z "${ITN_SKIP_DISTCHECK:-}" ] && [ -f "$BUILD_ROOT/main/Makefile" ]; then
	echo "== make distcheck (unit tests in the unpacked tarball)"
	if ( cd "$BUILD_ROOT/main" && make distcheck DISTCHECK_CONFIGURE_FLAGS="--disable-gui --enable-werror" \
		ITN_INTEGRATION= > distcheck.log 2>&1 ); then
		step distcheck ok
	else
		tail -n 40 "$BUILD_ROOT/main/distcheck.log"
		step distcheck fail
	fi
fi

if [ -z "${ITN_SKIP_FUZZ:-}" ]; then
	echo "== fuzz targets under libFuzzer, $FUZZ_SECONDS s each"
	if build "$BUILD_ROOT/fuzz" CC=clang --enable-fuzzing --disable-gui; then
		if ( cd "$BUILD_ROOT/fuzz" && make -k -j"$JOBS" -C tests fuzz-smoke FUZZ_SECONDS="$FUZZ_SECONDS" > fuzz-smoke.log 2>&1 ); then
			grep -E '^fuzz-smoke' "$BUILD_ROOT/fuzz/fuzz-smoke.log"
			step fuzz-smoke ok
		else
			tail -n 60 "$BUILD_ROOT/fuzz/fuzz-smoke.log"
			step fuzz-smoke fail
		fi
	else
		step fuzz-build fail
	fi
fi

scripts/summary.sh "$steps" $(cat "$BUILD_ROOT/suites.txt")
