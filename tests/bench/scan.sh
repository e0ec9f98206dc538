#!/usr/bin/env bash
# Whole-scan benchmark: `runlayer scan --dry-run` against find(1) with the same
# project patterns, excludes and depth, on the generated ~1M-file home
# (build/bench/home-v1, made by walk.sh's generator). Reports median wall time
# and peak RSS of 3 runs each. usage: scan.sh /abs/path/to/runlayer
set -eu
bin=${1:?usage: scan.sh /abs/path/to/runlayer}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
home=${SCAN_BENCH_HOME:-$top/build/bench/home-v1}
runs=${SCAN_BENCH_RUNS:-3}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
if [ ! -d "$home" ]; then
	echo "scan: generating $home (once, takes minutes)" >&2
	python3 "$here/gen_home.py" "$home"
fi
mkdir -p "$out/root"

# The crawl's patterns come from the catalog itself; excludes as in discover/catalog.c.
mapfile -t patterns < <("$bin" clients --json | python3 -c '
import json, sys
seen = []
for c in json.load(sys.stdin)["clients"]:
    for p in c["project_files"]:
        if p not in seen: seen.append(p)
print("\n".join(seen))')
excludes=(node_modules .git venv .venv __pycache__ dist build target vendor Library/Caches
	"Library/Application Support" "Library/Mobile Documents" Library/CloudStorage AppData .Trash
	tmp temp .cache .npm .yarn .claude/plugins .codex/plugins .cursor/plugins .gemini/extensions)
find_cmd=(find "$home" -maxdepth 7 "(" -type d "(")
sep=()
for x in "${excludes[@]}"; do
	case $x in */*) find_cmd+=("${sep[@]}" -path "*/$x") ;; *) find_cmd+=("${sep[@]}" -name "$x") ;; esac
	sep=(-o)
done
find_cmd+=(")" -prune ")" -o -type f "(")
sep=()
for p in "${patterns[@]}"; do
	case $p in */*) find_cmd+=("${sep[@]}" -path "*/$p") ;; *) find_cmd+=("${sep[@]}" -name "$p") ;; esac
	sep=(-o)
done
find_cmd+=(")" -print)
scan_cmd=("$bin" scan --dry-run --home "$home" --root "$out/root" --os linux
	--device-id 11111111-2222-4333-8444-555555555555)

measure() { # OUT CMD... → "seconds rss_kb"
	local o=$1; shift
	/usr/bin/time -f '%e %M' -o "$out/time" "$@" >"$o" 2>/dev/null
	cat "$out/time"
}
median() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }

"${find_cmd[@]}" >"$out/find.hits"          # warm the caches
"${scan_cmd[@]}" >"$out/scan.json" 2>/dev/null
ft=() fr=() st=() sr=()
for _ in $(seq "$runs"); do
	read -r t r < <(measure "$out/find.hits" "${find_cmd[@]}"); ft+=("$t"); fr+=("$r")
	read -r t r < <(measure "$out/scan.json" "${scan_cmd[@]}"); st+=("$t"); sr+=("$r")
done
hits=$(wc -l <"$out/find.hits")
read -r configs servers < <(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(len(d["configurations"]), sum(len(c["servers"]) for c in d["configurations"]))' "$out/scan.json")
echo "scan: $home ($(cat "$home.stats" 2>/dev/null || echo "size unknown")), ${#patterns[@]} patterns"
printf 'scan:   %-28s %6s s %8s KB  %s files\n' "find (same rules)" "$(median "${ft[@]}")" "$(median "${fr[@]}")" "$hits"
printf 'scan:   %-28s %6s s %8s KB  %s configs, %s servers\n' "runlayer scan --dry-run" \
	"$(median "${st[@]}")" "$(median "${sr[@]}")" "$configs" "$servers"
rss=$(median "${sr[@]}")
if [ "$rss" -gt $((64 * 1024)) ]; then echo "scan: FAIL: peak RSS $rss KB over 64 MB" >&2; exit 1; fi
