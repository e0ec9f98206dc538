# runlayer users: import a CSV directory (BOM, CRLF, quoted newline, bad
# rows reported by line), resolve usernames by tier (golden), admin
# mappings, a scan attributed to its user, exports with user_email and
# resolution_tier, other devices' exports attributed offline, unresolved
# usernames per device count, and a SCIM directory replacing the CSV one.
. "$TOP/tests/e2e/lib.sh"

D=$TOP/tests/e2e/data/users
G=$D/golden
export RUNLAYER_DB=$PWD/state/inventory.db
H=$PWD/home
DEV=11111111-2222-4333-8444-555555555555
mkdir -p "$H/.cursor" root
scan() { "$RUNLAYER" scan --home "$H" --root "$PWD/root" --os linux --device-id $DEV "$@"; }
py() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($1)" "$2"; }
printf '{"mcpServers": {"fs": {"command": "npx", "args": ["-y", "fs"]}}}\n' >"$H/.cursor/mcp.json"

# ---- nothing imported yet.
expect_rc "resolve without a directory fails" 1 "$RUNLAYER" users resolve jdoe
contains "…and says how to get one" err "no directory imported yet: run 'runlayer users import FILE'"
expect_rc "list without an inventory is empty" 0 "$RUNLAYER" users list --json
check "…with a null directory" test "$(py '(d["directory"], d["users"])' out)" = "(None, [])"

# ---- import the CSV directory.
cp "$D/directory.csv" .	# relative: goldens must not depend on where the tree is
expect_rc "import CSV" 0 "$RUNLAYER" users import directory.csv
cp out import.out
cp err import.err
golden "import summary" import.out "$G/import.out"
golden "bad rows reported with their lines, skipped" import.err "$G/import.err"
check "database private" test "$(stat -c %a "$RUNLAYER_DB")" = 600
expect_rc "list --json" 0 "$RUNLAYER" users list --json
cp out list.json
check "8 users, 1 inactive" test "$(py '(d["directory"]["users"], d["directory"]["inactive"])' list.json)" = "(8, 1)"
check "quoted newline kept in a name" test "$(py '[u["family_name"] for u in d["users"] if u["email"]=="dave@acme.com"][0]' list.json)" = "$(printf 'Smith\r\nJones')"
check "sha256 of the file recorded" test "$(py 'd["directory"]["sha256"]' list.json)" = "$(sha256sum "$D/directory.csv" | cut -d' ' -f1)"
expect_rc "list (table)" 0 "$RUNLAYER" users list
contains "control characters in names are escaped" out 'Dave Smith\x0d\x0aJones'
contains "inactive status shown" out "inactive (SUSPENDED)"

# ---- resolve.
expect_rc "resolve every kind of username" 0 "$RUNLAYER" users resolve --from "$D/usernames.txt"
cp out resolve.out
golden "resolution per tier (golden)" resolve.out "$G/resolve.out"
expect_rc "resolve --json" 0 "$RUNLAYER" users resolve --json jdoe1 wei root
cp out resolve.json
check "tier and attribute in JSON" test "$(py '[(r["status"], r["tier_number"], r["attribute"], r["user_email"]) for r in d["results"]][0]' resolve.json)" = "('resolved', 2, 'sAMAccountName', 'john.doe@acme.com')"
check "ambiguous lists its candidates" test "$(py '(d["results"][1]["candidates"], d["results"][1]["candidates_total"])' resolve.json)" = "(['wei.chen@acme.com', 'wei.chen2@acme.com'], 2)"
check "system account" test "$(py '(d["results"][2]["status"], d["results"][2]["user_email"])' resolve.json)" = "('system_account', None)"
expect_rc "--exit-code with an unresolved name" 1 "$RUNLAYER" users resolve --exit-code jdoe1 root
expect_rc "--exit-code when all resolve" 0 "$RUNLAYER" users resolve --exit-code jdoe1 jose.nunez
printf 'jdoe1\n\nwchen\r\n' | "$RUNLAYER" users resolve --from - >out 2>err
check "usernames from standard input (blank lines, CR ignored)" test "$(wc -l <out)" = 2
expect_rc "--attribute replaces the identity attributes" 0 "$RUNLAYER" users resolve --attribute employeeNumber jdoe1
contains "…sAMAccountName no longer matches" out "jdoe1 -> no match"
expect_rc "resolve needs a username" 64 "$RUNLAYER" users resolve

# ---- a scan records its user; unresolved and exports.
expect_rc "scan as jdoe" 0 scan --username jdoe
expect_rc "unresolved" 0 "$RUNLAYER" users unresolved --json
cp out unresolved.json
check "jdoe unresolved on 1 device, ambiguous at tier 4" test "$(py '[(u["username"], u["devices"], u["reason"], u["tier"], u["detail"], u["candidates"]) for u in d["unresolved"]]' unresolved.json)" = "[('jdoe', 1, 'ambiguous', 'name_pattern', 'initial+last', ['john.doe@acme.com', 'jane.doe@acme.com'])]"
expect_rc "export csv" 0 "$RUNLAYER" inventory export --format csv
check "csv: empty user_email while unresolved" python3 -c '
import csv, sys
r = list(csv.DictReader(open("out", newline="")))
sys.exit(not (len(r) == 1 and r[0]["username"] == "jdoe" and r[0]["user_email"] == "" and r[0]["resolution_tier"] == ""))'

expect_rc "match jdoe" 0 "$RUNLAYER" users match jdoe jane.doe@acme.com
contains "match says how many devices were re-resolved" out "Mapped 'jdoe' to jane.doe@acme.com; 1 device username re-resolved"
expect_rc "mappings" 0 "$RUNLAYER" users mappings
contains "mapping listed" out "jdoe -> jane.doe@acme.com"
expect_rc "export csv after the match" 0 "$RUNLAYER" inventory export --format csv
cp out export.csv
check "csv: user_email and resolution_tier" python3 -c '
import csv, sys
r = list(csv.DictReader(open("export.csv", newline="")))
sys.exit(not (r[0]["user_email"] == "jane.doe@acme.com" and r[0]["resolution_tier"] == "admin_mapping" and len(r[0]) == 32))'
expect_rc "export ndjson" 0 "$RUNLAYER" inventory export --format ndjson
check "ndjson rows carry the user" test "$(python3 -c 'import json,sys; r=json.loads(open("out").readline()); print(r["user_email"], r["resolution_tier"])')" = "jane.doe@acme.com admin_mapping"
expect_rc "nothing unresolved now" 0 "$RUNLAYER" users unresolved
contains "…says so" err "No unresolved usernames."
expect_rc "a scan as another user" 0 scan --username jose.nunez
expect_rc "export json" 0 "$RUNLAYER" inventory export
check "the export follows the scan's user" test "$(py '[(r["username"], r["user_email"], r["resolution_tier"]) for r in d["rows"]]' out)" = "[('jose.nunez', 'jose.nunez@acme.com', 'email_local_part')]"

expect_rc "match root is refused" 1 "$RUNLAYER" users match root john.doe@acme.com
contains "…as a system account" err "'root' is a system account"
expect_rc "match to an unknown address is refused" 1 "$RUNLAYER" users match jd nobody@acme.com
expect_rc "match to an inactive user is refused" 1 "$RUNLAYER" users match ot old.timer@acme.com
expect_rc "match a name tiers 1-4 already resolve" 0 "$RUNLAYER" users match jdoe1 jane.doe@acme.com
contains "…warns that the mapping will not apply" err "'jdoe1' resolves to john.doe@acme.com by tier 2 (identity_attribute): the mapping applies only while tiers 1-4 do not resolve it"
expect_rc "unmatch" 0 "$RUNLAYER" users unmatch jdoe1
expect_rc "unmatch again fails" 1 "$RUNLAYER" users unmatch jdoe1
contains "…no mapping" err "no mapping for 'jdoe1'"

# ---- other devices' exports, attributed offline.
expect_rc "inventory import" 0 "$RUNLAYER" inventory import --format csv "$D/fleet-b.ndjson" "$D/fleet-c.ndjson"
cp out fleet.csv
cp err fleet.err
contains "a bad line is reported with its line, skipped" fleet.err "fleet-b.ndjson:3:"
contains "summary" fleet.err "Attributed 5 rows from 2 files: 4 device usernames, 3 resolved, 1 not"
check "attributed CSV: every row, user and tier" python3 -c '
import csv, sys
r = [(x["hostname"], x["username"], x["user_email"], x["resolution_tier"]) for x in csv.DictReader(open("fleet.csv", newline=""))]
sys.exit(not (r == [
  ("host-b", "ACME\\wchen", "wei.chen@acme.com", "identity_attribute"),
  ("host-b", "ACME\\wchen", "wei.chen@acme.com", "identity_attribute"),
  ("host-c", "jdoe", "jane.doe@acme.com", "admin_mapping"),
  ("host-d", "root", "", ""),
  ("host-e", "jdoe", "jane.doe@acme.com", "admin_mapping")]))'
contains "formula in an imported row neutralised" fleet.csv ",'=cmd|' /C calc'!A0,"
expect_rc "inventory import (ndjson to a file)" 0 "$RUNLAYER" inventory import --output "$PWD/fleet.ndjson" "$D/fleet-c.ndjson"
check "output file is private" test "$(stat -c %a fleet.ndjson)" = 600
check "ndjson keeps the rows' other fields" test "$(python3 -c 'import json; r=[json.loads(l) for l in open("fleet.ndjson")]; print(r[0]["git"]["branch"], r[0]["user_email"])')" = "main jane.doe@acme.com"
expect_rc "unresolved over the fleet" 0 "$RUNLAYER" users unresolved --json
check "root on host-d is unresolved, a system account" test "$(py '[(u["username"], u["devices"], u["reason"], u["last_seen"]) for u in d["unresolved"]]' out)" = "[('root', 1, 'system_account', '2026-01-02T00:00:00.000Z')]"

# ---- a SCIM directory replaces the CSV one: every device is re-resolved.
expect_rc "unmatch jdoe" 0 "$RUNLAYER" users unmatch jdoe
expect_rc "import SCIM" 0 "$RUNLAYER" users import "$D/scim.json"
contains "SCIM detected" out "Imported 3 users (1 inactive) from $D/scim.json (scim)"
expect_rc "unresolved after the replacement" 0 "$RUNLAYER" users unresolved --json
check "the fleet is re-resolved against the new directory" test "$(py 'sorted((u["username"], u["devices"], u["reason"]) for u in d["unresolved"])' out)" = "[('ACME\\\\wchen', 1, 'no_match'), ('jose.nunez', 1, 'inactive'), ('root', 1, 'system_account')]"
expect_rc "jdoe now resolves by the SCIM userName" 0 "$RUNLAYER" users resolve jdoe
contains "…at tier 2" out "jdoe -> jane.doe@acme.com (tier 2 identity_attribute: userName)"

# ---- a file that would empty or break the directory never replaces it.
printf 'first,last\nA,B\n' >nomail.csv
expect_rc "no email column: refused" 65 "$RUNLAYER" users import nomail.csv
contains "…with the line" err "nomail.csv:1:1: the header row names no email column"
printf 'email\nnot-an-address\n' >nogood.csv
expect_rc "no good user: refused" 65 "$RUNLAYER" users import nogood.csv
contains "…and says the directory stays" err "no users in 'nogood.csv': the directory was not replaced"
expect_rc "--strict with a bad row: refused" 65 "$RUNLAYER" users import --strict "$D/directory.csv"
printf 'email,name\na@x.com,"Ann\n' >unterminated.csv
expect_rc "unterminated quote: refused" 65 "$RUNLAYER" users import unterminated.csv
contains "…at the quote's line and column" err "unterminated.csv:2:9: unterminated quoted field"
expect_rc "--dry-run" 0 "$RUNLAYER" users import --dry-run "$D/directory.csv"
contains "…says what it would do" out "Would import 8 users (1 inactive)"
expect_rc "missing file" 66 "$RUNLAYER" users import "$PWD/nope.csv"
expect_rc "list after the refusals" 0 "$RUNLAYER" users list --json
check "the SCIM directory is still there" test "$(py '(d["directory"]["format"], d["directory"]["users"])' out)" = "('scim', 3)"
printf 'email,first,last\nzed@acme.com,Zed,Zero\n' | "$RUNLAYER" users import - >out 2>err
check "import from standard input" test "$(py 'd["directory"]["users"]' /dev/stdin <<EOF
$("$RUNLAYER" users list --json)
EOF
)" = 1

# ---- help.
expect_rc "users --help" 0 "$RUNLAYER" users --help
contains "verbs listed" out "unresolved"
expect_rc "users resolve --help" 0 "$RUNLAYER" users resolve --help
contains "tiers explained" out "1 exact email, 2 identity attribute"
expect_rc "unknown verb" 64 "$RUNLAYER" users frobnicate
done_testing
