#!/bin/sh
# Run every unit test binary given as an argument; fail if any fails.
set -u
failed=0
for t in "$@"; do
	out=$("$t" 2>&1); rc=$?
	summary=$(printf '%s\n' "$out" | tail -n 1)
	if [ $rc -ne 0 ]; then
		printf '%s\n' "$out" | grep -E -A3 '^not ok|ERROR|runtime error' | head -n 60
		echo "FAIL $(basename "$t"): $summary"
		failed=1
	else
		echo "ok   $(basename "$t"): $summary"
	fi
done
exit $failed
