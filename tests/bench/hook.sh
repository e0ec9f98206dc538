#!/usr/bin/env bash
# Hook benchmark: whole-process time of one `runlayer hook` decision against
# `python3 -c 'import json,sys; json.load(sys.stdin)'` on the same payload,
# interleaved in one run (hook_driver.c). The decision is the full path: a
# Claude Code PreToolUse for an allowlisted server, resolved through
# ~/.claude.json, decided, recorded in the inventory and queued.
#
# Also measured: the same runtime linked without libgit2 and libcurl
# (hook_lean.c), to show what loading libraries only other commands use
# costs every hook, and /bin/true as the floor of fork+exec on this machine.
# Goals: median <= 5 ms and >= 20x faster than Python. A missed goal is
# reported, not failed (timings depend on the machine); a hook that fails is.
# usage: hook.sh /abs/path/to/runlayer   (HOOK_BENCH_RUNS, default 300)
set -eu
bin=${1:?usage: hook.sh /abs/path/to/runlayer}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
obj=$(cd "$(dirname "$bin")" && pwd)
runs=${HOOK_BENCH_RUNS:-300}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

cc=${CC:-cc}
$cc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -o "$out/driver" "$here/hook_driver.c"
lean=
# shellcheck disable=SC2046
if $cc -std=c11 -D_GNU_SOURCE -O2 -I"$top" -Wall -Wextra -Werror -o "$out/lean" \
	"$here/hook_lean.c" "$obj/librunlayer.a" $(pkg-config --libs libcjson yaml-0.1 sqlite3) \
	-lm -lpthread 2>"$out/lean.err"; then
	lean=$out/lean
fi

H=$out/home
cp -R "$top/tests/e2e/data/hook/home" "$H"
find "$H" -type f -exec sed -i "s|@HOME@|$H|g" {} +
export HOME=$H
unset RUNLAYER_HOME RUNLAYER_DB CLAUDE_CONFIG_DIR
payload=$out/payload.json
printf '{"session_id":"bench","transcript_path":"/tmp/t.jsonl","cwd":"%s/proj","permission_mode":"default","hook_event_name":"PreToolUse","tool_name":"mcp__allowed__echo","tool_input":{"text":"hello"},"tool_use_id":"toolu_01"}' "$H" >"$payload"

# The decision must be an allow by the allowlist, recorded.
"$bin" hook --client claude_code <"$payload" >"$out/reply" 2>&1
if [ -s "$out/reply" ]; then
	echo "hook: unexpected reply: $(head -c 300 "$out/reply")"
	exit 1
fi
rule=$(sqlite3 "$H/.runlayer/inventory.db" "select json_extract(details,'\$.rule') from events where type='security_decision' order by id desc limit 1")
[ "$rule" = allowlist ] || { echo "hook: decision by '$rule', want allowlist"; exit 1; }

args=("$out/driver" "$runs" "$payload"
	hook -- "$bin" hook --client claude_code --
	python -- python3 -c 'import json,sys; json.load(sys.stdin)' --
	true -- /bin/true)
[ -n "$lean" ] && args+=(-- lean -- "$lean" claude_code protect)
# runlayer-hook: the lean runtime as built and installed (what setup hooks writes).
hookbin=$obj/runlayer-hook
[ -x "$hookbin" ] && args+=(-- hookbin -- "$hookbin" hook --client claude_code)
"${args[@]}" >"$out/res"
n_rows=$(sqlite3 "$H/.runlayer/inventory.db" "select count(*) from events where type='security_decision'")

get() { awk -v n="$1" -v k="$2" '$1 == n { for (i = 2; i <= NF; i++) { split($i, a, "="); if (a[1] == k) print a[2] } }' "$out/res"; }
h=$(get hook median_ms) p=$(get python median_ms) t=$(get true median_ms)
hc=$(get hook cpu_median_ms) pc=$(get python cpu_median_ms)
echo "hook: $runs interleaved runs each; payload $(wc -c <"$payload") bytes"
sed 's/^/  /' "$out/res"
echo "  audit rows written: $n_rows"
awk -v h="$h" -v p="$p" -v t="$t" -v hc="$hc" -v pc="$pc" -v l="$(get lean median_ms)" \
    -v b="$(get hookbin median_ms)" -v bc="$(get hookbin cpu_median_ms)" 'BEGIN {
	printf "  runlayer hook median %.2f ms, python3 json.load median %.2f ms: %.1fx faster (CPU %.2f vs %.2f ms: %.1fx)\n", h, p, p / h, hc, pc, pc / hc
	if (b != "") {
		printf "  runlayer-hook (installed by setup hooks) median %.2f ms: %.1fx faster (CPU %.2f ms: %.1fx)\n", b, p / b, bc, pc / bc
		h = b
	}
	if (l != "")
		printf "  without libgit2/libcurl loaded: %.2f ms, %.1fx faster than python3\n", l, p / l
	printf "  fork+exec floor (/bin/true): %.2f ms\n", t
	printf "  goal <= 5 ms: %s; goal >= 20x: %s\n", (h <= 5 ? "met" : "MISSED"), (p / h >= 20 ? "met" : "MISSED")
}'
fails=$(awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^failures=/) { split($i, a, "="); s += a[2] } } END { print s + 0 }' "$out/res")
[ "$fails" -eq 0 ] || { echo "hook: $fails runs failed"; exit 1; }
[ "$n_rows" -ge "$runs" ] || { echo "hook: only $n_rows audit rows"; exit 1; }
