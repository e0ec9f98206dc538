#!/bin/sh
# `make fuzz`: build every tests/fuzz/fuzz_*.c as a libFuzzer target (clang,
# ASan + UBSan) and run each for $1 seconds (default 60) on a scratch copy of
# its corpus. Further arguments select targets by name (`run.sh 600 toml`),
# as does $FUZZ_TARGETS. See tests/fuzz/README.md.
# New crashing inputs are left in build/fuzz/<name>/ as crash-*; copy them
# into tests/fuzz/corpus/<name>/ once fixed.
set -eu
seconds=${1:-60}
[ $# -gt 0 ] && shift
# `make fuzz FUZZ_TARGETS="toml yaml"` selects through the environment.
# shellcheck disable=SC2086
[ $# -eq 0 ] && [ -n "${FUZZ_TARGETS:-}" ] && set -- $FUZZ_TARGETS
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$top/build/fuzz
mkdir -p "$out"
cd "$top"
pkgs="libcjson yaml-0.1 libgit2 sqlite3 libcurl"
srcs=$(ls util/*.c parsers/*.c discover/*.c resolver/*.c store/*.c net/*.c hooks/*.c ops/*.c 2>/dev/null || true)
cflags="-std=c11 -D_GNU_SOURCE -I. $(pkg-config --cflags $pkgs) -g -O1 -DRUNLAYER_VERSION=\"fuzz\""
san="address,undefined -fno-sanitize-recover=all"
failed=0
objs=
objdir=$out/obj.$$
trap 'rm -rf "$objdir"' EXIT
for f in tests/fuzz/fuzz_*.c; do
	name=$(basename "$f" .c)
	name=${name#fuzz_}
	if [ $# -gt 0 ]; then
		keep=0
		for want in "$@"; do [ "$want" = "$name" ] && keep=1; done
		[ $keep -eq 1 ] || continue
	fi
	if [ -z "$objs" ]; then
		# The library once per run, instrumented but without libFuzzer's main.
		echo "fuzz: building the library"
		mkdir -p "$objdir"
		for src in $srcs; do
			o=$objdir/$(echo "$src" | tr / _).o
			# shellcheck disable=SC2086
			clang $cflags -fsanitize=fuzzer-no-link,$san -c -o "$o" "$src" || exit 1
			objs="$objs $o"
		done
	fi
	bin=$out/fuzz_$name
	echo "fuzz: building $name"
	# shellcheck disable=SC2086
	clang $cflags -fsanitize=fuzzer,$san -o "$bin" "$f" $objs \
		$(pkg-config --libs $pkgs) -lm -lpthread || exit 1
	work=$out/$name
	rm -rf "$work/corpus"
	mkdir -p "$work/corpus"
	cp tests/fuzz/corpus/"$name"/* "$work/corpus/" 2>/dev/null || true
	echo "fuzz: running $name for ${seconds}s"
	if ! (cd "$work" && "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 corpus >log.txt 2>&1); then
		echo "fuzz: $name FAILED, see $work/log.txt"; tail -n 20 "$work/log.txt"
		failed=1
	else
		# The last status line (#N DONE cov: ft: corp: exec/s:) and the totals.
		last=$(grep -E '^#[0-9]+' "$work/log.txt" | tail -n 1)
		execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log.txt")
		rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/log.txt")
		echo "fuzz: $name ok: ${execs:-?} runs, ${rate:-?} exec/s in ${seconds}s; $last"
	fi
done
exit $failed
