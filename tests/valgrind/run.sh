#!/usr/bin/env bash
# `make valgrind`: the unit tests and the end-to-end suite with every run of
# runlayer, runlayer-hook and aiwatch under valgrind memcheck (README.md).
#   tests/valgrind/run.sh BUILD_DIR [tNNNN...]
# Arguments after the build directory select end-to-end tests (as
# tests/run-e2e.sh does) and leave out the unit tests and fuzz corpus replays
# unless VG_UNIT=1; VG_UNIT=0 / VG_E2E=0 leave out either part. E2E_JOBS
# tests run at a time (default: online CPUs).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
O=$(cd "${1:?usage: run.sh BUILD_DIR [tNNNN...]}" && pwd) || exit 2
shift
jobs=${E2E_JOBS:-$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)}
supp=$top/tests/valgrind/runlayer.supp
if ! command -v valgrind >/dev/null 2>&1; then
	echo "valgrind: not installed (apt-get install valgrind)" >&2
	exit 2
fi
for b in runlayer runlayer-hook aiwatch; do
	[ -x "$O/$b" ] || { echo "valgrind: $O/$b is missing: build it first" >&2; exit 2; }
done
rm -rf "$O/vg" "$O/logs" "$O/results"
mkdir -p "$O/vg" "$O/logs" "$O/results"
# The bind mount in wrap.sh needs a private mount namespace.
unshare=0
unshare -m sh -c "mount --bind '$O/runlayer' '$O/runlayer'" 2>/dev/null && unshare=1
[ $unshare = 1 ] || echo "# valgrind: no unshare -m here: programs see the real binary's path"
start=$(date +%s)

running=0
# spawn CMD...: runs CMD in the background, at most $jobs at a time.
spawn() {
	"$@" &
	running=$((running + 1))
	if [ "$running" -ge "$jobs" ]; then
		wait -n
		running=$((running - 1))
	fi
}

# direct NAME CMD...: a unit test or fuzz replay run under valgrind itself.
# Processes these tests fork (and _exit) are not checked: their exit code
# would become valgrind's, and their "leaks" are the parent's live heap
# (held in registers valgrind does not scan at exit). Errors are counted from
# the logs by summary.sh.
direct() {
	local name=$1 logs rc t0
	shift
	logs=$O/logs/$name
	mkdir -p "$logs"
	t0=$(date +%s)
	(cd "$top" && RUNLAYER_VALGRIND=1 valgrind --tool=memcheck --leak-check=full \
		--show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect \
		--track-fds=no --quiet --num-callers=30 --child-silent-after-fork=yes \
		--error-markers=VG-ERROR-BEGIN,VG-ERROR-END --suppressions="$supp" \
		--log-file="$logs/%p.log" "$@") >"$O/results/$name.out" 2>&1
	rc=$?
	echo "$rc $(( $(date +%s) - t0 ))" >"$O/results/$name.rc"
}

e2e_one() {
	local t=$1 name dir rc t0
	name=$(basename "$t" .sh)
	dir=$O/vg/$name
	mkdir -p "$dir" "$O/logs/$name"
	cp "$top/tests/valgrind/wrap.sh" "$dir/runlayer"
	cp "$top/tests/valgrind/wrap.sh" "$dir/runlayer-hook"
	ln -s runlayer "$dir/aiwatch"
	{
		echo "REAL_DIR='$O'"
		echo "LOG_DIR='$O/logs/$name'"
		echo "SUPP='$supp'"
		echo "UNSHARE=$unshare"
	} >"$dir/wrap.conf"
	t0=$(date +%s)
	RUNLAYER=$dir/runlayer RUNLAYER_VALGRIND=1 E2E_JOBS=1 \
		"$top/tests/run-e2e.sh" "$name.sh" >"$O/results/$name.out" 2>&1
	rc=$?
	echo "$rc $(( $(date +%s) - t0 ))" >"$O/results/$name.rc"
}

e2e=()
if [ "${VG_E2E:-1}" != 0 ]; then
	for t in "$top"/tests/e2e/t*.sh; do
		name=$(basename "$t" .sh)
		if [ $# -gt 0 ]; then
			keep=0
			for want in "$@"; do case $name in "$want"|"$want"-*) keep=1 ;; esac; done
			[ $keep -eq 1 ] || continue
		fi
		e2e+=("$t")
	done
fi
[ $# -gt 0 ] && : "${VG_UNIT:=0}"
if [ "${VG_UNIT:-1}" != 0 ]; then
	for bin in "$O"/tests/test_*; do
		[ -x "$bin" ] && spawn direct "unit-${bin##*/}" "$bin"
	done
	for bin in "$O"/tests/replay_fuzz_*; do
		name=${bin##*/replay_fuzz_}
		[ -x "$bin" ] && [ -d "$top/tests/fuzz/corpus/$name" ] &&
			spawn direct "fuzz-$name" "$bin" "tests/fuzz/corpus/$name"
	done
fi
for t in "${e2e[@]}"; do spawn e2e_one "$t"; done
wait

failed=0
for r in "$O"/results/*.rc; do
	[ -f "$r" ] || continue
	name=$(basename "$r" .rc)
	read -r rc secs <"$r"
	if [ "$rc" -ne 0 ]; then
		grep -v '^ok ' "$O/results/$name.out" | head -n 40
		echo "FAIL $name (exit $rc, ${secs}s)"
		failed=1
	else
		echo "ok   $name (${secs}s)"
	fi
done
echo "# valgrind: tests ran in $(( $(date +%s) - start ))s"
"$top/tests/valgrind/summary.sh" "$O/logs" || failed=1
exit $failed
