# The inventory locked or corrupt. Another process holding the write lock
# (BEGIN EXCLUSIVE): scan waits, then fails saying so with nothing written,
# or succeeds once the lock is released; readers are not blocked. A
# truncated file, random bytes over its pages, a file that is not SQLite and
# a database from a newer runlayer: every command that opens the inventory
# fails naming the file and saying what to do, the hook still answers, and
# the file is left byte-identical.
. "$TOP/tests/e2e/lib.sh"
command -v sqlite3 >/dev/null && command -v python3 >/dev/null ||
	{ echo "1..0 # SKIP no sqlite3 or python3"; exit 0; }
export RUNLAYER_HOSTNAME=store-host RUNLAYER_HOME=$PWD/state
DB=$RUNLAYER_HOME/inventory.db
mkdir -p h/.cursor root
cat >h/.cursor/mcp.json <<'JSON'
{"mcpServers": {"github": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-github"]},
  "docs": {"url": "https://docs.example.com/mcp"}}}
JSON
SCAN="--home $PWD/h --root $PWD/root --os linux --no-projects --offline
	--device-id 11111111-2222-4333-8444-555555555555 --username alice"
expect_rc "a first scan" 0 "$RUNLAYER" scan $SCAN
expect_rc "a second scan" 0 "$RUNLAYER" scan $SCAN
printf 'email,first_name,last_name,username\nalice@example.com,Alice,A,alice\n' >users.csv
expect_rc "a directory" 0 "$RUNLAYER" users import users.csv
cp "$DB" good.db
nscans() { sqlite3 -batch "$DB" "select count(*) from scans"; }

# ---- a lock held by another process -----------------------------------------------------
# hold SECONDS: BEGIN EXCLUSIVE in the background; returns once it is held.
hold() {
	rm -f held
	python3 -c '
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN EXCLUSIVE")
open("held", "w").close()
time.sleep(float(sys.argv[2]))
c.execute("ROLLBACK")' "$DB" "$1" &
	HOLDER=$!
	i=0
	while [ ! -f held ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
}
hold 30
t0=$(date +%s)
expect_rc "locked: scan gives up after RUNLAYER_DB_TIMEOUT_MS" 1 env RUNLAYER_DB_TIMEOUT_MS=800 "$RUNLAYER" scan $SCAN
check "locked: within a few seconds" test $(( $(date +%s) - t0 )) -le 5
contains "locked: says the database is locked" err "database is locked"
contains "locked: says nothing was written" err "nothing was written: try again"
contains "locked: names the inventory" err "$DB"
expect_rc "locked: users import gives up too" 1 env RUNLAYER_DB_TIMEOUT_MS=500 "$RUNLAYER" users import users.csv
contains "locked: users import says so" err "database is locked"
expect_rc "locked: readers are not blocked" 0 env RUNLAYER_DB_TIMEOUT_MS=500 "$RUNLAYER" inventory list
contains "locked: and see the servers" out "github"
kill "$HOLDER" 2>/dev/null; wait "$HOLDER" 2>/dev/null
check "locked: no scan lost or added" test "$(nscans)" = 2
check "locked: integrity_check" test "$(sqlite3 "$DB" 'PRAGMA integrity_check')" = ok
hold 2
expect_rc "a lock released in time: scan waits and succeeds" 0 "$RUNLAYER" scan $SCAN
wait "$HOLDER" 2>/dev/null
check "a lock released in time: recorded" test "$(nscans)" = 3
cp "$DB" good.db

# ---- corrupt inventories ---------------------------------------------------------------
printf '{"session_id":"s-1","transcript_path":"/tmp/t.jsonl","cwd":"%s","permission_mode":"default","hook_event_name":"PreToolUse","tool_name":"mcp__ghost__echo","tool_input":{"text":"hi"},"tool_use_id":"toolu_01"}' "$PWD" >hook.json
expect_rc "rules that enforce" 0 "$RUNLAYER" policy generate --mode enforce
corrupt() {
	rm -f "$DB" "$DB-wal" "$DB-shm"
	case $1 in
	truncated) head -c 12288 good.db >"$DB" ;;
	pages) cp good.db "$DB"
		python3 -c '
import os, random, sys
random.seed(7)
p = sys.argv[1]
size = os.path.getsize(p)
with open(p, "r+b") as f:
	for off in range(4096, size, 4096):
		f.seek(off)
		f.write(bytes(random.getrandbits(8) for _ in range(4096)))' "$DB" ;;
	notsqlite) printf 'hosts:\n  example.com:\n    url: https://example.com\n' >"$DB" ;;
	future) cp good.db "$DB"
		sqlite3 "$DB" "INSERT INTO schema_version VALUES (99, '2030-01-01T00:00:00Z'); PRAGMA user_version = 99" ;;
	esac
	chmod 600 "$DB"
}
for kind in truncated pages notsqlite future; do
	corrupt $kind
	cp "$DB" corrupt.copy
	case $kind in
	future) advice="upgrade runlayer" ;;
	*) advice="move it aside" ;;
	esac
	bad=""
	for cmd in "scan $SCAN" "inventory list" "inventory history" "inventory export -o exp.json" \
		"users import users.csv" "users list" "policy generate --baseline" "policy allow github"; do
		# shellcheck disable=SC2086
		"$RUNLAYER" $cmd >out 2>err </dev/null
		rc=$?
		if [ $rc -eq 0 ] || [ $rc -ge 128 ]; then
			bad="$bad; '$cmd' exits $rc"
		elif ! grep -qF "$DB" err || ! grep -qF "$advice" err; then
			bad="$bad; '$cmd': $(head -n 1 err)"
		elif grep -qE 'Sanitizer|runtime error' err; then
			bad="$bad; '$cmd': sanitizer report"
		fi
	done
	if [ -z "$bad" ]; then
		pass "$kind inventory: every command fails naming the file and saying what to do"
	else
		fail "$kind inventory: ${bad#; }"
	fi
	"$RUNLAYER" hook --client claude_code <hook.json >out 2>err
	rc=$?
	check "$kind inventory: the hook still denies (exit $rc)" grep -q '"permissionDecision":"deny"' out
	check "$kind inventory: the file is byte-identical" cmp -s "$DB" corrupt.copy
	check "$kind inventory: no file moved or added beside it" \
		test "$(ls "$RUNLAYER_HOME" | grep -c '^inventory\.db.')" -eq 0
done

# Moving the file aside, as the message says, starts a new inventory.
mv "$DB" "$DB.corrupt"
expect_rc "after moving it aside, scan starts a new inventory" 0 "$RUNLAYER" scan $SCAN
check "the new inventory holds one scan" test "$(nscans)" = 1

done_testing
