# runlayer scan + inventory: two scans of a small home with a change in
# between; diff shows exactly the change, first-seen does not move; history,
# show, events, exports (CSV safe for spreadsheets), dry-run and --no-store
# leave no trace, parse errors carry servers instead of removing them.
. "$TOP/tests/e2e/lib.sh"

H=$PWD/home
mkdir -p "$H/.cursor" "$H/work/app" root
DEV=11111111-2222-4333-8444-555555555555
scan() { "$RUNLAYER" scan --home "$H" --root "$PWD/root" --os linux --device-id $DEV \
	--username alice "$@"; }
# py EXPR FILE: evaluate a Python expression over the JSON document d.
py() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($1)" "$2"; }

cat >"$H/.cursor/mcp.json" <<'EOF'
{"mcpServers": {
  "fs": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "/srv"]},
  "gh": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-github"],
         "env": {"GITHUB_TOKEN": "ghp_CANARYCANARYCANARYCANARYCANARY0123"}},
  "=HYPERLINK(\"http://evil\")": {"command": "@evil", "args": ["-c", "+1"]},
  "esc\u001b[31mred": {"command": "x"}
}}
EOF
cat >"$H/work/app/.mcp.json" <<'EOF'
{"mcpServers": {"db": {"command": "uvx", "args": ["mcp-db", "--password", "CANARYPW"]}}}
EOF
# A broken config whose parse error quotes a secret (an unquoted TOML value).
mkdir -p "$H/.codex"
printf '[mcp_servers.x]\ncommand = "x"\nenv = { TOKEN = CANARYTOMLTOKEN }\n' >"$H/.codex/config.toml"

# ---- first scan: the store is created private, in a new private directory.
DB=$PWD/state/sub/inventory.db
expect_rc "scan 1 exits 0" 0 scan --db "$DB"
contains "scan 1 says it is recorded" out "Recorded as scan 1 in $DB"
contains "local-only scan says nothing was submitted" out "Nothing submitted"
check "database is mode 0600" test "$(stat -c %a "$DB")" = 600
check "its new directory is mode 0700" test "$(stat -c %a "$PWD/state/sub")" = 700
check "and so is the parent it created" test "$(stat -c %a "$PWD/state")" = 700

export RUNLAYER_DB=$DB
expect_rc "list --json exits 0" 0 "$RUNLAYER" inventory list --json
cp out list1.json
check "list has 5 servers" test "$(py 'len(d["servers"])' list1.json)" = 5
check "list is versioned" test "$(py 'd["schema"]' list1.json)" = 1
check "project path recorded" test "$(py '[s["project_path"] for s in d["servers"] if s["server_name"]=="db"][0]' list1.json)" = "$H/work/app"
expect_rc "list (table) exits 0" 0 "$RUNLAYER" inventory list
check "table has a header and 5 rows" test "$(wc -l <out)" = 6
contains "control characters in names are escaped, not sent to the terminal" out 'esc\x1b[31mred'
check "no raw escape byte in the table" sh -c "! grep -q \"\$(printf '\\033')\" out"
expect_rc "list --scope project" 0 "$RUNLAYER" inventory list --scope project --json
check "one project server" test "$(py 'len(d["servers"])' out)" = 1
expect_rc "list --client nobody is empty" 0 "$RUNLAYER" inventory list --client nobody --json
check "no servers for an unknown client" test "$(py 'len(d["servers"])' out)" = 0

# ---- change: gh args changed, db's project config deleted, web added.
sleep 1
python3 - "$H/.cursor/mcp.json" <<'EOF'
import json, sys
p = sys.argv[1]; d = json.load(open(p))
d["mcpServers"]["gh"]["args"].append("--read-only")
d["mcpServers"]["web"] = {"url": "https://mcp.example.com/sse"}
json.dump(d, open(p, "w"))
EOF
rm "$H/work/app/.mcp.json"
expect_rc "scan 2 exits 0" 0 scan
contains "scan 2 reports the change" out "Recorded as scan 2 in $DB: 1 added, 1 removed, 1 changed"

expect_rc "diff exits 0" 0 "$RUNLAYER" inventory diff
sed -e "s#$H#\$HOME#g" -e 's/[0-9-]*T[0-9:]*Z/<time>/g' out >diff.txt
golden "diff shows exactly the change" diff.txt "$TOP/tests/e2e/data/inventory/diff.txt"
expect_rc "diff --exit-code with differences exits 1" 1 "$RUNLAYER" inventory diff --exit-code
expect_rc "diff 2 2 --exit-code exits 0" 0 "$RUNLAYER" inventory diff --exit-code 2 2
expect_rc "diff --json" 0 "$RUNLAYER" inventory diff --json 1 2
cp out diff.json
check "json: added web" test "$(py '[r["server_name"] for r in d["added"]]' diff.json)" = "['web']"
check "json: removed db" test "$(py '[r["server_name"] for r in d["removed"]]' diff.json)" = "['db']"
check "json: gh changed in args and config_hash" test \
	"$(py '[(c["after"]["server_name"], c["fields"]) for c in d["changed"]]' diff.json)" = "[('gh', ['args', 'config_hash'])]"

expect_rc "list after scan 2" 0 "$RUNLAYER" inventory list --json
cp out list2.json
first() { py "[s[\"$1\"] for s in d[\"servers\"] if s[\"server_name\"]==\"$2\"][0]" "$3"; }
check "first seen of an unchanged server does not move" test "$(first first_seen fs list1.json)" = "$(first first_seen fs list2.json)"
check "first seen of a changed server does not move" test "$(first first_seen gh list1.json)" = "$(first first_seen gh list2.json)"
check "last seen moves" test "$(first last_seen fs list1.json)" != "$(first last_seen fs list2.json)"
check "removed server not current" test "$(py '"db" in [s["server_name"] for s in d["servers"]]' list2.json)" = False
expect_rc "list --all includes removed" 0 "$RUNLAYER" inventory list --all --json
check "db listed as removed" test "$(py '[s["status"] for s in d["servers"] if s["server_name"]=="db"][0]' out)" = removed

expect_rc "show gh" 0 "$RUNLAYER" inventory show gh
contains "show prints the current args" out '"--read-only"'
contains "show prints the config path" out "$H/.cursor/mcp.json"
contains "show prints redacted env" out '<redacted:len='
hash=$(py '[s["config_hash"] for s in d["servers"] if s["server_name"]=="fs"][0]' list2.json)
expect_rc "show by config_hash prefix" 0 "$RUNLAYER" inventory show --json "$(echo "$hash" | cut -c1-12)"
check "hash prefix finds fs" test "$(py '[p["server_name"] for p in d["places"]]' out)" = "['fs']"
expect_rc "show of an unknown server exits 1" 1 "$RUNLAYER" inventory show nosuch
contains "show says what is missing" err "no server named 'nosuch'"

expect_rc "history --json" 0 "$RUNLAYER" inventory history --json
check "two scans" test "$(py 'len(d["scans"])' out)" = 2
check "scan 2 counts" test "$(py '[(s["added"], s["removed"], s["changed"], s["servers"]) for s in d["scans"]][1]' out)" = "(1, 1, 1, 5)"
check "submission is local" test "$(py 'd["scans"][0]["submission"]' out)" = local
check "user recorded" test "$(py 'd["scans"][0]["username"]' out)" = alice
expect_rc "history (table)" 0 "$RUNLAYER" inventory history
check "history table: header and 2 rows" test "$(wc -l <out)" = 3

expect_rc "events --json" 0 "$RUNLAYER" inventory events --json
cp out events.json
check "shadow events: 5 first sightings + gh's new definition + web" test \
	"$(py 'len([e for e in d["events"] if e["type"]=="shadow_mcp_detected"])' events.json)" = 7
check "removed events: gh's old definition and db" test \
	"$(py 'sorted(e["server_name"] for e in d["events"] if e["type"]=="mcp_server_removed")' events.json)" = "['db', 'gh']"
check "shadow event carries device, user, client, command, config and projects" test \
	"$(py '[(e["details"]["hostname"] is not None, e["details"]["device_id"], e["details"]["username"], e["client"], e["details"]["command"], e["details"]["config_path"], e["details"]["project_paths"]) for e in d["events"] if e["server_name"]=="db" and e["type"]=="shadow_mcp_detected"][0]' events.json)" = \
	"(True, '$DEV', 'alice', 'claude_code', 'uvx', '$H/work/app/.mcp.json', ['$H/work/app'])"
expect_rc "events --type" 0 "$RUNLAYER" inventory events --type mcp_server_removed
check "text events: two lines" test "$(wc -l <out)" = 2

# ---- exports.
expect_rc "export csv" 0 "$RUNLAYER" inventory export --format csv
cp out export.csv
check "CSV records end in CRLF" test "$(grep -c "$(printf '\r')\$" export.csv)" = 7
check "CSV parses: header + 6 rows of 32 fields" python3 -c '
import csv, sys
rows = list(csv.reader(open("export.csv", newline="")))
sys.exit(not (len(rows) == 7 and all(len(r) == 32 for r in rows)))'
contains "a formula name is neutralised" export.csv "\"'=HYPERLINK(\"\"http://evil\"\")\""
contains "a command starting with @ is neutralised" export.csv ",'@evil,"
lacks "no cell starts with =" export.csv ',=HYPERLINK'
expect_rc "export --since tomorrow" 0 "$RUNLAYER" inventory export --format csv --since 2999-01-01
check "only the header" test "$(wc -l <out)" = 1
expect_rc "export ndjson --current" 0 "$RUNLAYER" inventory export --format ndjson --current
check "5 current rows, each versioned JSON" python3 -c '
import json, sys
rows = [json.loads(l) for l in open("out")]
sys.exit(not (len(rows) == 5 and all(r["schema"] == 1 for r in rows)))'
expect_rc "export json to a file" 0 "$RUNLAYER" inventory export --output "$PWD/export.json"
check "export file is private" test "$(stat -c %a export.json)" = 600
check "json export: 6 rows, device and user on each" test \
	"$(py 'sorted(set((r["device_id"], r["username"]) for r in d["rows"]))' export.json)" = "[('$DEV', 'alice')]"
check "removed rows marked" test "$(py '[r["status"] for r in d["rows"] if r["server_name"]=="db"]' export.json)" = "['removed']"

# ---- secrets never reach the database (WAL included) or any output.
if grep -a -l CANARY "$DB"* out export.csv export.json events.json 2>/dev/null; then
	fail "no raw secret in the database or exports"
else
	pass "no raw secret in the database or exports"
fi

# ---- a config that stops parsing: its servers are carried, not removed.
echo '{"mcpServers": {"fs": ' >"$H/.cursor/mcp.json"
expect_rc "scan 3 (broken config) exits 0" 0 scan
expect_rc "diff 2 3" 0 "$RUNLAYER" inventory diff --json
check "nothing removed by a parse error" test "$(py 'len(d["removed"]) + len(d["added"]) + len(d["changed"])' out)" = 0
expect_rc "list after a parse error" 0 "$RUNLAYER" inventory list --json
check "cursor servers carried, with the parse error" test \
	"$(py 'sorted(set((s["status"], s["carried"], s["parse_error"] is not None) for s in d["servers"] if s["client"]=="cursor"))' out)" = "[('present', True, True)]"
expect_rc "events after a parse error" 0 "$RUNLAYER" inventory events --json --type mcp_server_removed
check "no removal events for carried servers" test "$(py 'len(d["events"])' out)" = 2

# ---- no side effects: --dry-run, --no-store; --offline says so.
unset RUNLAYER_DB
expect_rc "dry run exits 0" 0 scan --dry-run --db "$PWD/dry.db"
check "dry run creates no database" test ! -e "$PWD/dry.db"
check "dry run creates no inventory in HOME" test ! -e "$HOME/.runlayer/inventory.db"
expect_rc "--no-store exits 0" 0 scan --no-store --db "$PWD/nostore.db"
check "--no-store creates no database" test ! -e "$PWD/nostore.db"
expect_rc "--offline scan exits 0" 0 scan --offline
contains "--offline says nothing was submitted" out "Nothing submitted: --offline"
check "default database under ~/.runlayer" test -f "$HOME/.runlayer/inventory.db"
check "~/.runlayer is 0700" test "$(stat -c %a "$HOME/.runlayer")" = 700
expect_rc "RUNLAYER_HOME relocates the default" 0 env RUNLAYER_HOME="$PWD/rh" "$RUNLAYER" scan \
	--home "$H" --root "$PWD/root" --os linux --device-id $DEV -q
check "database under RUNLAYER_HOME" test -f "$PWD/rh/inventory.db"

# ---- no inventory yet; bad usage; a database from the future.
expect_rc "list without an inventory exits 0" 0 "$RUNLAYER" inventory list --json --db "$PWD/none.db"
contains "…and says so on stderr" err "no inventory at '$PWD/none.db' yet"
check "…with an empty list" test "$(py 'len(d["servers"])' out)" = 0
check "…and creates nothing" test ! -e "$PWD/none.db"
expect_rc "diff with a bad scan number" 64 "$RUNLAYER" inventory diff --db "$DB" abc
contains "usage error names the value" err "not 'abc'"
expect_rc "diff with an unknown scan" 1 "$RUNLAYER" inventory diff --db "$DB" 1 99
contains "unknown scan named" err "no scan 99"
expect_rc "export with a bad format" 64 "$RUNLAYER" inventory export --format xml --db "$DB"
expect_rc "export with a bad date" 64 "$RUNLAYER" inventory export --since yesterday --db "$DB"
expect_rc "show without a name" 64 "$RUNLAYER" inventory show --db "$DB"
expect_rc "unknown verb" 64 "$RUNLAYER" inventory bogus
expect_rc "list with a bad scope" 64 "$RUNLAYER" inventory list --scope galaxy --db "$DB"
expect_rc "inventory --help" 0 "$RUNLAYER" inventory --help
contains "help lists export" out "export"
python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("INSERT INTO schema_version VALUES (99, \"x\")"); c.commit()' "$DB"
expect_rc "a newer database is refused" 1 "$RUNLAYER" inventory list --db "$DB"
contains "…with a clear message" err "newer than this runlayer"
expect_rc "…and a scan into it fails" 1 scan -q --db "$DB"

done_testing
