#!/bin/sh
# Replay each fuzz target's corpus (tests/fuzz/corpus/<target>/) with the
# standalone driver; any crash or sanitizer report fails the run.
set -u
O=$1
failed=0
for bin in "$O"/tests/replay_fuzz_*; do
	[ -x "$bin" ] || continue
	name=${bin##*/replay_fuzz_}
	dir=tests/fuzz/corpus/$name
	[ -d "$dir" ] || { echo "FAIL replay $name: no corpus in $dir"; failed=1; continue; }
	if out=$("$bin" "$dir" 2>&1); then
		echo "ok   fuzz replay $name: $(printf '%s\n' "$out" | tail -n 1)"
	else
		printf '%s\n' "$out" | tail -n 30
		echo "FAIL fuzz replay $name"
		failed=1
	fi
done
exit $failed
