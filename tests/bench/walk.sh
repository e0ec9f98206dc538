#!/usr/bin/env bash
# Crawler benchmark: find(1) against discover/walk on a generated home of
# ~1M files (cached in build/bench/). usage: walk.sh /abs/path/to/runlayer
#
# Measures whole-process wall time and peak RSS (wait4 rusage), median of
# WALK_BENCH_RUNS (3) runs after a warm-up, and asserts that both report the
# same hits and that the crawler stays within 64 MB. WALK_BENCH_HOME picks
# another tree.
set -eu

bin=${1:?usage: walk.sh /abs/path/to/runlayer}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
obj=$(cd "$(dirname "$bin")" && pwd)
home=${WALK_BENCH_HOME:-$top/build/bench/home-v1}
runs=${WALK_BENCH_RUNS:-3}
depth=7
rss_limit_kb=$((64 * 1024))
out=$obj/bench
mkdir -p "$out"

# What `runlayer scan` looks for (clients.md §2.3, without globs: find -path
# lets '*' match '/', the crawler does not) and skips (contract §5, plus the
# cloud placeholder trees of clients.md §2.1).
patterns=(.mcp.json .cursor/mcp.json .vscode/mcp.json .codex/config.toml .codex/hooks.json
	.gemini/settings.json .qwen/settings.json .claude/settings.json
	.claude/settings.local.json .roo/mcp.json .amazonq/mcp.json .kiro/settings/mcp.json
	opencode.json opencode.jsonc .cursor/hooks.json .windsurf/hooks.json)
excludes=(node_modules .git venv .venv __pycache__ dist build target vendor Library/Caches
	"Library/Application Support" AppData .Trash tmp temp .cache .npm .yarn
	"Library/Mobile Documents" Library/CloudStorage)

if [ ! -d "$home" ]; then
	echo "walk: generating $home (once, takes minutes)" >&2
	python3 "$here/gen_home.py" "$home"
fi

cc=${CC:-cc}
$cc -std=c11 -D_GNU_SOURCE -O2 -I"$top" -Wall -Wextra -Wpedantic -Werror \
	-o "$out/walk_driver" "$here/walk_driver.c" "$obj/librunlayer.a" -lpthread

find_cmd=(find "$home" -maxdepth "$depth" "(" -type d "(")
sep=()
for x in "${excludes[@]}"; do
	case $x in
	*/*) find_cmd+=("${sep[@]}" -path "*/$x") ;;
	*) find_cmd+=("${sep[@]}" -name "$x") ;;
	esac
	sep=(-o)
done
find_cmd+=(")" -prune ")" -o -type f "(")
sep=()
for p in "${patterns[@]}"; do
	case $p in
	*/*) find_cmd+=("${sep[@]}" -path "*/$p") ;;
	*) find_cmd+=("${sep[@]}" -name "$p") ;;
	esac
	sep=(-o)
done
find_cmd+=(")" -print)

walk_cmd=("$out/walk_driver" -d "$depth")
for p in "${patterns[@]}"; do walk_cmd+=(-p "$p"); done
for x in "${excludes[@]}"; do walk_cmd+=(-x "$x"); done

# measure OUTFILE CMD...: run CMD with stdout to OUTFILE, print "seconds rss_kb".
# Peak RSS comes from GNU time when there is one: a rusage taken straight
# from the python launcher would include the launcher's own pages (Linux
# keeps the high-water mark across exec).
gnu_time=
if /usr/bin/time -f %M -o /dev/null true 2>/dev/null; then gnu_time=/usr/bin/time; fi
measure() {
	python3 - "$gnu_time" "$out/rss" "$@" <<'EOF'
import os, sys, time
gnu_time, rss_file, out, cmd = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
if gnu_time:
    cmd = [gnu_time, "-f", "%M", "-o", rss_file] + cmd
fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
t0 = time.monotonic()
pid = os.fork()
if pid == 0:
    os.dup2(fd, 1)
    os.execvp(cmd[0], cmd)
_, status, ru = os.wait4(pid, 0)
t = time.monotonic() - t0
if status != 0:
    sys.exit(f"walk: {cmd[0]} failed (status {status})")
if gnu_time:
    rss = int(open(rss_file).read().split()[-1])
else:
    rss = ru.ru_maxrss // 1024 if sys.platform == "darwin" else ru.ru_maxrss
print(f"{t:.4f} {rss}")
EOF
}

median() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }

# Warm the page and dentry caches; check the hits on the way.
"${find_cmd[@]}" | LC_ALL=C sort >"$out/find.hits"
"${walk_cmd[@]}" -v "$home" >"$out/walk.hits" 2>"$out/walk.stats"
"${walk_cmd[@]}" -j 1 "$home" >"$out/walk1.hits"
n_find=$(wc -l <"$out/find.hits")
n_walk=$(wc -l <"$out/walk.hits")
status=0
if ! cmp -s "$out/find.hits" "$out/walk.hits" || ! cmp -s "$out/walk.hits" "$out/walk1.hits"; then
	echo "walk: FAIL: hits differ (find $n_find, ours $n_walk):" >&2
	diff "$out/find.hits" "$out/walk.hits" | head -20 >&2
	status=1
fi
[ "$n_find" -gt 0 ] || { echo "walk: FAIL: no hits at all" >&2; status=1; }

ft=() fr=() wt=() wr=() w1t=() w1r=()
for _ in $(seq "$runs"); do
	read -r t r < <(measure "$out/find.out" "${find_cmd[@]}"); ft+=("$t"); fr+=("$r")
	read -r t r < <(measure "$out/walk.out" "${walk_cmd[@]}" "$home"); wt+=("$t"); wr+=("$r")
	read -r t r < <(measure "$out/walk1.out" "${walk_cmd[@]}" -j 1 "$home"); w1t+=("$t"); w1r+=("$r")
done
f_t=$(median "${ft[@]}"); f_r=$(median "${fr[@]}")
w_t=$(median "${wt[@]}"); w_r=$(median "${wr[@]}")
w1_t=$(median "${w1t[@]}"); w1_r=$(median "${w1r[@]}")
max_r=$(printf '%s\n' "${wr[@]}" "${w1r[@]}" | sort -n | tail -n 1)
threads=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo "?")
[ "$threads" = "?" ] || [ "$threads" -le 8 ] || threads=8

echo "walk: $home ($(cat "$home.stats" 2>/dev/null || echo "size unknown"))"
echo "walk: depth $depth, ${#patterns[@]} patterns, ${#excludes[@]} excludes, median of $runs runs (wall s, peak RSS KB)"
printf 'walk:   %-24s %8s s %9s KB  %s hits\n' "find" "$f_t" "$f_r" "$n_find"
printf 'walk:   %-24s %8s s %9s KB  %s hits\n' "crawler, $threads threads" "$w_t" "$w_r" "$n_walk"
printf 'walk:   %-24s %8s s %9s KB\n' "crawler, 1 thread" "$w1_t" "$w1_r"
sed 's/^/walk:   /' "$out/walk.stats"
if [ "$max_r" -gt "$rss_limit_kb" ]; then
	echo "walk: FAIL: peak RSS $max_r KB over $rss_limit_kb KB" >&2
	status=1
fi
if python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) <= float(sys.argv[2]) else 1)" "$w_t" "$f_t"; then
	echo "walk: ok: crawler $w_t s <= find $f_t s"
else
	echo "walk: WARNING: crawler $w_t s slower than find $f_t s" >&2
fi
exit $status
