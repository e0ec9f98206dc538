# The inventory under stress with the real binary: kill -9 at random points
# of a scan leaves the previous scan intact (never a mix), and parallel
# scans all land without 'database is locked'.
. "$TOP/tests/e2e/lib.sh"

H=$PWD/home
DB=$PWD/inv.db
DEV=11111111-2222-4333-8444-555555555555
mkdir -p root
# P project configs, 5 servers each; kills within WIN seconds of the start.
# Under valgrind (make valgrind) a scan is ~30x slower: fewer, later, and
# 8 parallel scans may wait minutes for the write lock.
P=2000 WIN=1.2
if [ -n "${RUNLAYER_VALGRIND:-}" ]; then
	P=400 WIN=30
	export RUNLAYER_DB_TIMEOUT_MS=600000
fi
NS=$((P * 5))
# gen N: P project configs x 5 distinct servers, every args list ending
# in "gN", so each generation changes all P x 5 (a long transaction).
gen() {
	python3 - "$H" "$1" "$P" <<'EOF'
import json, os, sys
home, g = sys.argv[1], sys.argv[2]
for i in range(int(sys.argv[3])):
    d = os.path.join(home, "p%04d" % i)
    os.makedirs(d, exist_ok=True)
    servers = {"s%d" % j: {"command": "npx", "args": ["pkg%d" % j, "p%d" % i, "g" + g]}
               for j in range(5)}
    with open(os.path.join(d, ".mcp.json"), "w") as f:
        json.dump({"mcpServers": servers}, f)
EOF
}
scan() { "$RUNLAYER" scan -q --home "$H" --root "$PWD/root" --os linux --device-id $DEV --db "$DB" "$@"; }
# State of the inventory: "<scans> <servers> <generations>" plus integrity.
state() {
	python3 - "$DB" <<'EOF'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
ok = c.execute("PRAGMA integrity_check").fetchone()[0]
scans = c.execute("SELECT count(*) FROM scans").fetchone()[0]
# An unchanged scan shares an earlier scan's observations (obs_scan).
last = c.execute("SELECT coalesce(obs_scan, id) FROM scans ORDER BY id DESC LIMIT 1").fetchone()[0]
gens = sorted({r[0] for r in c.execute(
    "SELECT json_extract(v.args, '$[2]') FROM observations o JOIN server_versions v "
    "ON v.id = o.version WHERE o.scan = ?", (last,))})
n = c.execute("SELECT count(*) FROM observations WHERE scan = ?", (last,)).fetchone()[0]
print(ok, scans, n, ",".join(gens))
EOF
}

gen 0
expect_rc "first scan of $NS servers" 0 scan
read -r ok0 scans0 cnt0 gens0 <<EOF
$(state)
EOF
check "first scan complete" test "$ok0 $scans0 $cnt0 $gens0" = "ok 1 $NS g0"

# Six kills here (each costs a 10 000-server scan); test_store kills 25 more.
kills=${KILLS:-6}
bad=0 mid=0 done_=0 prev_gen=g0 prev_scans=1
i=1
while [ $i -le "$kills" ]; do
	gen $i
	# The binary itself in the background ($! of a shell function would be
	# a subshell, and kill -9 would orphan the scan instead of killing it).
	"$RUNLAYER" scan -q --home "$H" --root "$PWD/root" --os linux --device-id $DEV --db "$DB" &
	pid=$!
	# 0-WIN s: before, during and after the transaction.
	sleep "$(python3 -c 'import random, sys; print(random.uniform(0, float(sys.argv[1])))' "$WIN")"
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	read -r ok scans cnt gens <<EOF
$(state)
EOF
	if [ "$ok" != ok ] || [ "$cnt" != $NS ]; then
		bad=$((bad + 1)); echo "# kill $i: integrity $ok, $cnt servers in the last scan"
	elif [ "$scans" = "$prev_scans" ] && [ "$gens" = "$prev_gen" ]; then
		mid=$((mid + 1))
	elif [ "$scans" = $((prev_scans + 1)) ] && [ "$gens" = "g$i" ]; then
		done_=$((done_ + 1))
	else
		bad=$((bad + 1)); echo "# kill $i: scans $prev_scans -> $scans, generations '$gens'"
	fi
	prev_scans=$scans prev_gen=$gens
	i=$((i + 1))
done
echo "# $kills kills: $mid before the commit, $done_ after it"
check "kill -9 never leaves a partial or mixed scan" test $bad -eq 0
expect_rc "the store opens after the kills" 0 "$RUNLAYER" inventory list --db "$DB" --json
check "list shows one complete generation" python3 -c '
import json, sys
d = json.load(open("out"))
sys.exit(not (len(d["servers"]) == int(sys.argv[1]) and len({s["args"][2] for s in d["servers"]}) == 1))' $NS
expect_rc "a scan after the kills succeeds" 0 scan

# Parallel writers into one inventory: none fails, none is lost. Each scan
# gets its own state directory: scans sharing one take turns through the run
# lock (the later ones skip), which would not exercise the database.
read -r ok before cnt gens <<EOF
$(state)
EOF
pids=
j=0
while [ $j -lt 8 ]; do
	RUNLAYER_HOME=$PWD/state$j scan 2>"err.$j" &
	pids="$pids $!"
	j=$((j + 1))
done
failed=0
for p in $pids; do wait "$p" || failed=$((failed + 1)); done
check "8 parallel scans of $NS servers all exit 0" test $failed -eq 0
if cat err.* | grep -q -i 'locked\|busy'; then
	fail "no 'database is locked'"; cat err.* | head -n 5 | sed 's/^/#   /'
else
	pass "no 'database is locked'"
fi
read -r ok after cnt gens <<EOF
$(state)
EOF
check "every parallel scan recorded" test $((after - before)) -eq 8
check "database intact" test "$ok" = ok

done_testing
