#!/usr/bin/env bash
# Inventory benchmark: scan + store of 10 000 servers across 2 000 project
# configs, each project its own git repository (provenance looked up for
# every config). Reports median wall time and peak RSS of STORE_BENCH_RUNS
# (3) runs of: discovery alone (--no-store), without and with the git
# repositories; a first scan into an empty inventory; a repeat scan (no
# change); a scan where every server changed; and inventory list / export.
# Reports the database size after each (and after 5 more unchanged scans:
# those share the previous scan's observations, so the size stays put). The homes are generated once under
# build/bench/. usage: store.sh /abs/path/to/runlayer
set -eu
bin=${1:?usage: store.sh /abs/path/to/runlayer}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
runs=${STORE_BENCH_RUNS:-3}
plain=$top/build/bench/store-plain
repos=$top/build/bench/store-git
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
mkdir -p "$out/root"
limit_s=${STORE_BENCH_LIMIT:-15}	# a first scan + store slower than this fails

# gen DIR G: 2000 projects x 5 distinct servers, args ending in "gG".
gen() {
	python3 - "$1" "$2" <<'EOF'
import json, os, sys
home, g = sys.argv[1], sys.argv[2]
for i in range(2000):
    d = os.path.join(home, "src", "team%02d" % (i % 40), "proj%04d" % i)
    os.makedirs(d, exist_ok=True)
    servers = {"srv%d" % j: {"command": "npx",
                             "args": ["-y", "@example/mcp-%d" % j, "--project", "p%d" % i, "g" + g],
                             "env": {"API_TOKEN": "${API_TOKEN}", "LOG_LEVEL": "info"}}
               for j in range(5)}
    with open(os.path.join(d, ".mcp.json"), "w") as f:
        json.dump({"mcpServers": servers}, f, indent=2)
EOF
}

if [ ! -f "$plain/.done" ]; then
	echo "store: generating $plain" >&2
	rm -rf "$plain" && gen "$plain" 0 && touch "$plain/.done"
fi
if [ ! -f "$repos/.done" ]; then
	echo "store: generating $repos (2000 git repositories, once, takes a minute)" >&2
	rm -rf "$repos" && gen "$repos" 0
	export GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.com \
		GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.com
	for d in "$repos"/src/*/proj*; do
		git -C "$d" init -q -b main
		git -C "$d" add .mcp.json
		git -C "$d" -c core.fsync=none commit -q -m init
		git -C "$d" remote add origin "https://bench:token@git.example.com/$(basename "$d").git"
	done
	touch "$repos/.done"
fi

# scan HOME [options] runs the binary directly (measure needs a program).
scan_args=(scan -q --root "$out/root" --os linux --device-id 11111111-2222-4333-8444-555555555555
	--username bench)
scan() { local h=$1; shift; "$bin" "${scan_args[@]}" --home "$h" "$@"; }
measure() { # CMD... → "seconds rss_kb"
	/usr/bin/time -f '%e %M' -o "$out/time" "$@" >"$out/stdout" 2>"$out/stderr" ||
		{ echo "store: FAIL: $*" >&2; cat "$out/stderr" >&2; exit 1; }
	cat "$out/time"
}
median() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }
size_kb() { du -k "$1"* | awk '{ s += $1 } END { print s }'; }
row() { printf 'store:   %-40s %7s s %9s KB%s\n' "$1" "$2" "$3" "${4:+  $4}"; }

scan "$plain" --no-store	# warm the caches
scan "$repos" --no-store
declare -a a b c d e f g
for k in $(seq "$runs"); do
	db=$out/run$k.db
	read -r t r < <(measure "$bin" "${scan_args[@]}" --home "$plain" --no-store); a+=("$t $r")
	read -r t r < <(measure "$bin" "${scan_args[@]}" --home "$repos" --no-store); b+=("$t $r")
	read -r t r < <(measure "$bin" "${scan_args[@]}" --home "$repos" --db "$db"); c+=("$t $r")
	s1=$(size_kb "$db")
	read -r t r < <(measure "$bin" "${scan_args[@]}" --home "$repos" --db "$db"); d+=("$t $r")
	s2=$(size_kb "$db")
	read -r t r < <(measure "$bin" inventory list --json --db "$db"); f+=("$t $r")
	read -r t r < <(measure "$bin" inventory export --format csv --db "$db"); g+=("$t $r")
	rows=$(($(wc -l <"$out/stdout") - 1))
done
# Steady state: unchanged scans reuse the pages of the last one.
for _ in 1 2 3 4 5; do scan "$repos" --db "$out/run1.db"; done
s5=$(size_kb "$out/run1.db")
# Every server changed: a copy of the plain home with new args.
cp -R "$plain" "$out/changed"
sed -i 's/"g0"/"g1"/' "$out"/changed/src/*/proj*/.mcp.json
for k in $(seq "$runs"); do
	db=$out/changed$k.db
	scan "$plain" --db "$db"
	read -r t r < <(measure "$bin" "${scan_args[@]}" --home "$out/changed" --db "$db"); e+=("$t $r")
	s3=$(size_kb "$db")
done

med() { # "t r" pairs → "median_t median_r"
	local ts=() rs=() x
	for x in "$@"; do ts+=("${x% *}"); rs+=("${x#* }"); done
	echo "$(median "${ts[@]}") $(median "${rs[@]}")"
}
hist=$("$bin" inventory history --json --db "$out/run1.db")
n=$(printf '%s' "$hist" | python3 -c 'import json,sys; s=json.load(sys.stdin)["scans"][0]; print(s["servers"], s["configs"])')
echo "store: 10 000 servers in 2 000 project configs (2 000 git repositories); median of $runs runs (wall s, peak RSS KB)"
read -r t r <<<"$(med "${a[@]}")"; row "discovery, no git repos (--no-store)" "$t" "$r"
read -r t r <<<"$(med "${b[@]}")"; row "discovery + git provenance (--no-store)" "$t" "$r"
read -r t1 r <<<"$(med "${c[@]}")"; row "scan + store, empty inventory" "$t1" "$r" "db $s1 KB"
read -r t r <<<"$(med "${d[@]}")"; row "scan + store, nothing changed" "$t" "$r" "db $s2 KB, $s5 KB after 5 more"
read -r t r <<<"$(med "${e[@]}")"; row "scan + store, every server changed" "$t" "$r" "db $s3 KB"
read -r t r <<<"$(med "${f[@]}")"; row "inventory list --json" "$t" "$r"
read -r t r <<<"$(med "${g[@]}")"; row "inventory export --format csv ($rows rows)" "$t" "$r"
status=0
if [ "$n" != "10000 2000" ]; then
	echo "store: FAIL: recorded '$n' (servers configs), want '10000 2000'" >&2
	status=1
fi
if python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) <= float(sys.argv[2]) else 1)" "$t1" "$limit_s"; then
	echo "store: ok: first scan + store $t1 s <= $limit_s s"
else
	echo "store: FAIL: first scan + store $t1 s > $limit_s s" >&2
	status=1
fi
exit $status
