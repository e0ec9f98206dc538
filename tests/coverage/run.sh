#!/bin/sh
# make coverage: build with gcov instrumentation into build/coverage, run the
# unit tests, the fuzz corpus replay and the end-to-end tests, then report.
#
# The report is build/coverage/html/index.html (genhtml) and a per-directory
# table on stdout. Test failures are reported but do not stop the report; the
# exit status is non-zero when a test failed. Installs lcov (Debian package)
# when it is missing, as scripts/deps.sh does for the build's packages.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
O=build/coverage
make=${MAKE:-make}
lcovrc="--rc lcov_branch_coverage=1 --quiet"

if ! command -v lcov >/dev/null 2>&1 || ! command -v genhtml >/dev/null 2>&1; then
	echo "coverage: installing lcov (Debian package)" >&2
	if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
	export DEBIAN_FRONTEND=noninteractive
	$sudo apt-get update -qq >/dev/null 2>&1 || true
	$sudo apt-get install -y -qq --no-install-recommends lcov >/dev/null ||
		{ echo "coverage: lcov is missing: install it with 'apt-get install lcov'" >&2; exit 1; }
fi

# The Makefile does not track flags: objects built with other ones are
# rebuilt from scratch.
cflags="--coverage -fprofile-update=atomic -O0 -g"
if [ "$(cat "$O/.cflags" 2>/dev/null)" != "$cflags" ]; then
	rm -rf "$O" && mkdir -p "$O" && printf '%s\n' "$cflags" >"$O/.cflags"
fi

# Counters from an earlier run (or from objects since rebuilt) would be
# merged into this one: start from zero.
[ -d "$O" ] && find "$O" -name '*.gcda' -delete
build() { $make O="$O" CFLAGS="$cflags" SANFLAGS= LDFLAGS=--coverage "$@"; }
build all >/dev/null || exit 1

# Every instrumented file at zero first, so a file no test runs still counts.
# shellcheck disable=SC2086
lcov $lcovrc --capture --initial --directory "$O" --base-directory "$top" \
	--output-file "$O/base.info" 2>/dev/null || exit 1

# As check-unit and check-fuzz, but a test that does not build (someone's
# work in progress) fails the run without keeping the others from running.
rc=0
units=$(for s in tests/unit/test_*.c; do n=${s##*/}; echo "$O/tests/${n%.c}"; done)
replays=$(for s in tests/fuzz/fuzz_*.c; do n=${s##*/}; echo "$O/tests/replay_${n%.c}"; done)
# shellcheck disable=SC2086
build -k $units $replays || rc=1
# shellcheck disable=SC2046
./tests/run-unit.sh $(for b in $units; do [ -x "$b" ] && echo "$b"; done) || rc=1
./tests/run-replay.sh "$O" || rc=1
# End-to-end tests run the binaries (runlayer and runlayer-hook from $O) in
# parallel: libgcov locks each .gcda while it merges, so counters add up;
# -fprofile-update=atomic keeps them exact in threaded code as well.
build check-e2e || rc=1

# shellcheck disable=SC2086
lcov $lcovrc --capture --directory "$O" --base-directory "$top" \
	--output-file "$O/tests.info" 2>"$O/lcov.log" || { cat "$O/lcov.log" >&2; exit 1; }
# shellcheck disable=SC2086
lcov $lcovrc -a "$O/base.info" -a "$O/tests.info" -o "$O/all.info" || exit 1
# Only the product's sources: not system headers, not the tests themselves.
# shellcheck disable=SC2086
lcov $lcovrc --extract "$O/all.info" "$top/util/*" "$top/parsers/*" \
	"$top/discover/*" "$top/resolver/*" "$top/store/*" "$top/net/*" \
	"$top/hooks/*" "$top/ops/*" "$top/cli/*" -o "$O/coverage.info" || exit 1
rm -rf "$O/html"
genhtml --rc lcov_branch_coverage=1 --quiet --legend --title "runlayer $(cat VERSION)" \
	--prefix "$top" --output-directory "$O/html" "$O/coverage.info" || exit 1

echo
python3 tests/coverage/summary.py "$O/coverage.info" "$top" \
	--min parsers=85 --min hooks=85 --min store=85 --min net=85 || rc=1
echo
echo "coverage: report in $O/html/index.html, tracefile $O/coverage.info"
[ $rc -eq 0 ] || echo "coverage: some tests failed or a directory is below its target" >&2
exit $rc
