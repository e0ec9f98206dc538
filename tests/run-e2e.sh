#!/usr/bin/env bash
# Run every end-to-end test (tests/e2e/t*.sh) against the real binary in a
# hermetic environment: fresh HOME, no XDG or client variables, NO_COLOR,
# LC_ALL=C, TZ=UTC. Each test prints TAP lines and exits non-zero on failure.
# Tests run E2E_JOBS at a time (default: online CPUs); reports keep file order.
# Arguments, when given, select tests by name: t0200 or t0200-scan-fixture
# (and the tests whose names go on with -…), t0800-hook.sh (that one only).
set -u
: "${RUNLAYER:?RUNLAYER must point at the runlayer binary}"
top=$(cd "$(dirname "$0")/.." && pwd)
jobs=${E2E_JOBS:-$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)}
results=$(mktemp -d "${TMPDIR:-/tmp}/runlayer-e2e-results.XXXXXX")
trap 'rm -rf "$results"' EXIT

tests=()
for t in "$top"/tests/e2e/t*.sh; do
	[ -f "$t" ] || continue
	name=$(basename "$t" .sh)
	if [ $# -gt 0 ]; then
		keep=0
		for want in "$@"; do case $name.sh in "$want"|"$want".sh|"$want"-*) keep=1 ;; esac; done
		[ $keep -eq 1 ] || continue
	fi
	tests+=("$t")
done

run_one() {
	local t=$1 name scratch rc start
	name=$(basename "$t" .sh)
	scratch=$(mktemp -d "${TMPDIR:-/tmp}/runlayer-e2e.XXXXXX")
	mkdir -p "$scratch/home"
	start=$(date +%s)
	(cd "$scratch" && env -i PATH="$PATH" HOME="$scratch/home" TMPDIR="$scratch" \
		NO_COLOR=1 LC_ALL=C TZ=UTC RUNLAYER="$RUNLAYER" TOP="$top" \
		ASAN_OPTIONS="${ASAN_OPTIONS:-}" UBSAN_OPTIONS="${UBSAN_OPTIONS:-}" \
		UPDATE_GOLDEN="${UPDATE_GOLDEN:-}" RUNLAYER_VALGRIND="${RUNLAYER_VALGRIND:-}" sh "$t") >"$results/$name.out" 2>&1
	rc=$?
	echo "$rc $(( $(date +%s) - start ))" >"$results/$name.rc"
	rm -rf "$scratch"
}

running=0
for t in "${tests[@]}"; do
	run_one "$t" &
	running=$((running + 1))
	if [ "$running" -ge "$jobs" ]; then
		wait -n
		running=$((running - 1))
	fi
done
wait

failed=0
for t in "${tests[@]}"; do
	name=$(basename "$t" .sh)
	read -r rc secs <"$results/$name.rc"
	out=$results/$name.out
	n_ok=$(grep -c '^ok ' "$out")
	n_bad=$(grep -c '^not ok ' "$out")
	if [ "$rc" -ne 0 ] || [ "$n_bad" -ne 0 ]; then
		grep -v '^ok ' "$out" | head -n 80
		echo "FAIL $name: $n_ok passed, $n_bad failed (exit $rc, ${secs}s)"
		failed=1
	else
		echo "ok   $name: $n_ok passed, 0 failed (${secs}s)"
	fi
done
exit $failed
