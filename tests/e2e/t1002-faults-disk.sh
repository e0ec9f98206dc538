# A full disk and a read-only home, for real (a private mount namespace:
# a 1 MiB tmpfs filled up, a read-only bind mount): scan, inventory export,
# setup hooks and users import fail with the errno text and the file's name
# and leave every file as it was; scan works from a read-only home when the
# state lives elsewhere. Skipped where unshare -m or mount is not permitted.
. "$TOP/tests/e2e/lib.sh"
if [ -z "${FAULT_IN_NS:-}" ]; then
	if command -v unshare >/dev/null && unshare -m true 2>/dev/null; then
		FAULT_IN_NS=1 exec unshare -m sh "$0"
	fi
	echo "1..0 # SKIP unshare -m is not permitted"
	exit 0
fi
mkdir -p full
mount -t tmpfs -o size=1m,mode=0755 tmpfs full 2>/dev/null ||
	{ echo "1..0 # SKIP cannot mount a tmpfs"; exit 0; }
command -v sqlite3 >/dev/null || { echo "1..0 # SKIP no sqlite3"; exit 0; }

SECRET=ghp_fixture_secret_value
export RUNLAYER_HOSTNAME=disk-host
mkdir -p h/.cursor root
cat >h/.cursor/mcp.json <<JSON
{"mcpServers": {
  "github": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-github"],
             "env": {"GITHUB_TOKEN": "$SECRET"}},
  "docs": {"url": "https://docs.example.com/mcp"}
}}
JSON
SCAN="--home $PWD/h --root $PWD/root --os linux --no-projects --offline
	--device-id 11111111-2222-4333-8444-555555555555 --username alice"
FX=$TOP/fixtures/hooks/basic
mkhome() { rm -rf "$1"; cp -R "$FX" "$1"; find "$1" -type f -exec sed -i "s|@HOME@|$1|g" {} +; }
snap() { (cd "$1" && find . -type f | LC_ALL=C sort | xargs md5sum); }
HOOKS="setup hooks --install --yes --binary /usr/local/bin/runlayer --client claude_code --client codex"
leftovers() { find "$@" \( -name '*.tmp.*' -o -name '.tmp-*' \) 2>/dev/null | head -n 3; }
# Query a copy: sqlite3 itself cannot open a database on a full disk.
dbq() {
	rm -rf dbcopy; mkdir dbcopy; cp "$DB" dbcopy/
	[ -f "$DB-wal" ] && cp "$DB-wal" dbcopy/
	sqlite3 -batch dbcopy/inventory.db "$1" 2>&1
}
nothing_left() { check "$1: no temporary file left" test -z "$(leftovers "$2")"; }
ENOSPC_TEXT="No space left on device"
full_msg() { if grep -qF -e "$ENOSPC_TEXT" -e "disk is full" err; then pass "$1"; else fail "$1: $(head -n 2 err | tr '\n' ' ')"; fi; }

# ---- a full disk ----------------------------------------------------------------------
export RUNLAYER_HOME=$PWD/full/state
DB=$RUNLAYER_HOME/inventory.db
expect_rc "full disk: a first scan fits" 0 "$RUNLAYER" scan $SCAN
printf 'email,first_name,last_name,username\nalice@example.com,Alice,A,alice\n' >users1.csv
expect_rc "full disk: a first directory fits" 0 "$RUNLAYER" users import users1.csv
mkhome "$PWD/full/hh"
printf 'the previous export\n' >full/exp.csv
sed -i 's|"docs"|"docs2"|' h/.cursor/mcp.json
# Fill what is left, then every write fails with ENOSPC.
dd if=/dev/zero of=full/filler bs=1k 2>/dev/null
cp "$DB" elsewhere.db
snap full/hh >hh.before
cp full/exp.csv exp.before
n0=$(dbq "select count(*) from scans")

expect_rc "full disk: scan fails" 1 "$RUNLAYER" scan $SCAN
full_msg "full disk: scan says the disk is full"
contains "full disk: scan names the inventory" err "$DB"
check "full disk: the inventory passes integrity_check" test "$(dbq 'PRAGMA integrity_check')" = ok
check "full disk: and holds the earlier scan" test "$(dbq 'select count(*) from scans')" = "$n0"
lacks "full disk: no secret printed" err "$SECRET"

# Reading the inventory needs its -shm file: on the full disk too, export
# stops there; with the inventory elsewhere it fails writing the export.
check "full disk: export fails" sh -c '! "$RUNLAYER" inventory export -f csv -o full/exp.csv >out 2>err'
full_msg "full disk: export says the disk is full"
contains "full disk: export names the inventory" err "$DB"
check "full disk: export from elsewhere fails" \
	sh -c '! "$RUNLAYER" inventory export --db "$PWD/elsewhere.db" -f csv -o full/exp.csv >out 2>err'
full_msg "full disk: export from elsewhere says the disk is full"
contains "full disk: export names the file" err "exp.csv"
check "full disk: the previous export is untouched" cmp -s full/exp.csv exp.before
nothing_left "full disk: export" full

expect_rc "full disk: setup hooks fails" 1 "$RUNLAYER" $HOOKS --home "$PWD/full/hh"
full_msg "full disk: setup hooks says the disk is full"
contains "full disk: setup hooks names a config file" err "$PWD/full/hh/."
snap full/hh >hh.after
check "full disk: every client config is byte-identical" cmp -s hh.before hh.after
nothing_left "full disk: setup hooks" full

printf 'email,first_name,last_name,username\ncarol@example.com,Carol,C,carol\n' >users2.csv
check "full disk: users import fails" sh -c '! "$RUNLAYER" users import users2.csv >out 2>err'
full_msg "full disk: users import says the disk is full"
check "full disk: the directory is the previous one" \
	test "$(dbq 'select group_concat(email) from directory_users')" = alice@example.com

rm -f full/filler
expect_rc "space again: scan succeeds" 0 "$RUNLAYER" scan $SCAN
check "space again: one more scan" test "$(dbq 'select count(*) from scans')" = $((n0 + 1))
expect_rc "space again: export succeeds" 0 "$RUNLAYER" inventory export -f csv -o full/exp.csv
contains "space again: the export is new" full/exp.csv "docs2"
expect_rc "space again: setup hooks succeeds" 0 "$RUNLAYER" $HOOKS --home "$PWD/full/hh"
expect_rc "space again: users import succeeds" 0 "$RUNLAYER" users import users2.csv
umount full

# ---- a read-only home -------------------------------------------------------------------
mkhome "$PWD/ro"
mkdir -p ro/.cursor
cp h/.cursor/mcp.json ro/.cursor/mcp.json
snap ro >ro.before
mount --bind ro ro && mount -o remount,bind,ro ro ||
	{ pass "read-only home # SKIP cannot remount read-only"; done_testing; exit; }
RO_SCAN="--home $PWD/ro --root $PWD/root --os linux --no-projects --offline
	--device-id 11111111-2222-4333-8444-555555555555 --username alice"

# The state inside the read-only home: the scan finds the servers, then
# says why it cannot record them.
unset RUNLAYER_HOME
export HOME=$PWD/ro
check "read-only home, state inside: scan fails" sh -c '! "$RUNLAYER" scan $RO_SCAN >out 2>err'
contains "read-only home, state inside: the servers were found" out "Found"
contains "read-only home, state inside: says read-only" err "Read-only file system"
contains "read-only home, state inside: names the inventory" err "$PWD/ro/.runlayer"
lacks "read-only home, state inside: no secret printed" err "$SECRET"

# The state elsewhere: the scan reads the read-only home and records it.
export RUNLAYER_HOME=$PWD/state
expect_rc "read-only home, state elsewhere: scan succeeds" 0 "$RUNLAYER" scan $RO_SCAN
check "read-only home, state elsewhere: recorded" test "$(sqlite3 state/inventory.db 'select count(*) from scans')" = 1
expect_rc "read-only home: setup hooks fails" 1 "$RUNLAYER" $HOOKS --home "$PWD/ro"
contains "read-only home: setup hooks says read-only" err "Read-only file system"
contains "read-only home: setup hooks names the file" err "$PWD/ro/."
snap ro >ro.after
check "read-only home: nothing changed" cmp -s ro.before ro.after

# A read-only state directory holding an inventory: a clear error.
mkdir -p rostate
cp state/inventory.db rostate/
mount --bind rostate rostate && mount -o remount,bind,ro rostate
export RUNLAYER_HOME=$PWD/rostate
check "read-only state: scan fails" sh -c '! "$RUNLAYER" scan $RO_SCAN >out 2>err'
contains "read-only state: names the inventory" err "$PWD/rostate/inventory.db"
if grep -qF -e "Read-only file system" -e "readonly database" -e "read-only" err; then
	pass "read-only state: says read-only"
else
	fail "read-only state: says read-only: $(head -n 2 err | tr '\n' ' ')"
fi
check "read-only state: the inventory is byte-identical" cmp -s rostate/inventory.db state/inventory.db
umount rostate
umount ro

done_testing
