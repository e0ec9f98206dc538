#!/bin/sh
# Sum up valgrind logs written by tests/valgrind/run.sh: one directory per
# test, one <pid>.log per process (and <pid>.cmd: directory, command line).
# Prints the errors of each test with the command that made them; exits 1 if
# any log holds an error.
#   tests/valgrind/summary.sh LOG_DIR
set -u
logs=${1:?usage: summary.sh LOG_DIR}
total_runs=0 total_errors=0 bad_tests=0
for d in "$logs"/*/; do
	[ -d "$d" ] || continue
	name=$(basename "$d")
	runs=0 errors=0
	for f in "$d"*.log; do
		[ -f "$f" ] || continue
		runs=$((runs + 1))
		[ -s "$f" ] || continue
		k=$(grep -c 'VG-ERROR-BEGIN' "$f")
		if [ "$k" -gt 0 ]; then
			errors=$((errors + k))
			cmd=${f%.log}.cmd
			echo "== $name: $k error(s) in $(basename "$f")"
			[ -f "$cmd" ] && sed -n '2p' "$cmd" | cut -c1-300 | sed 's/^/== command: /'
			sed -n '/VG-ERROR-BEGIN/,$p' "$f" | head -n 60
		else
			echo "== $name: note: $(basename "$f") has output but no error:"
			head -n 5 "$f"
		fi
	done
	total_runs=$((total_runs + runs))
	total_errors=$((total_errors + errors))
	[ "$errors" -eq 0 ] || bad_tests=$((bad_tests + 1))
	printf '%-34s %6d runs %4d errors\n' "$name" "$runs" "$errors"
done
echo "# valgrind: $total_runs process runs checked, $total_errors errors in $bad_tests tests"
[ "$total_errors" -eq 0 ]
