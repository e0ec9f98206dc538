#!/bin/sh
# `make bench`: run every tests/bench/*.sh (this file aside) with the absolute
# path of the runlayer binary as $1; fail if any bench fails.
set -u
bin=${1:?usage: run.sh /abs/path/to/runlayer}
here=$(cd "$(dirname "$0")" && pwd)
failed=0
for b in "$here"/*.sh; do
	name=$(basename "$b" .sh)
	[ "$name" = run ] && continue
	echo "== bench $name"
	if [ -x "$b" ]; then "$b" "$bin"; else sh "$b" "$bin"; fi
	rc=$?
	if [ $rc -ne 0 ]; then
		echo "FAIL bench $name (exit $rc)"
		failed=1
	fi
done
exit $failed
