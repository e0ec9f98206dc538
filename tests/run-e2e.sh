#!/bin/sh
# Run every end-to-end test (tests/e2e/t*.sh) against the real binary in a
# hermetic environment: fresh HOME, no XDG or client variables, NO_COLOR,
# LC_ALL=C, TZ=UTC. Each test prints TAP lines and exits non-zero on failure.
set -u
: "${RUNLAYER:?RUNLAYER must point at the runlayer binary}"
top=$(cd "$(dirname "$0")/.." && pwd)
failed=0
for t in "$top"/tests/e2e/t*.sh; do
	[ -f "$t" ] || continue
	name=$(basename "$t" .sh)
	scratch=$(mktemp -d "${TMPDIR:-/tmp}/runlayer-e2e.XXXXXX")
	mkdir -p "$scratch/home"
	out=$(cd "$scratch" && env -i PATH="$PATH" HOME="$scratch/home" TMPDIR="$scratch" \
		NO_COLOR=1 LC_ALL=C TZ=UTC RUNLAYER="$RUNLAYER" TOP="$top" \
		ASAN_OPTIONS="${ASAN_OPTIONS:-}" UBSAN_OPTIONS="${UBSAN_OPTIONS:-}" \
		UPDATE_GOLDEN="${UPDATE_GOLDEN:-}" sh "$t" 2>&1)
	rc=$?
	n_ok=$(printf '%s\n' "$out" | grep -c '^ok ')
	n_bad=$(printf '%s\n' "$out" | grep -c '^not ok ')
	if [ $rc -ne 0 ] || [ "$n_bad" -ne 0 ]; then
		printf '%s\n' "$out" | grep -v '^ok ' | head -n 80
		echo "FAIL $name: $n_ok passed, $n_bad failed (exit $rc)"
		failed=1
	else
		echo "ok   $name: $n_ok passed, 0 failed"
	fi
	rm -rf "$scratch"
done
exit $failed
