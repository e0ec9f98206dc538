# Git provenance of project configs: a repository with a committed .mcp.json
# and one with an untracked .mcp.json (built here with the git CLI). The
# dry-run payload, the inventory and its exports tell them apart and show
# the origin without credentials.
. "$TOP/tests/e2e/lib.sh"

if ! command -v git >/dev/null 2>&1; then
	echo "1..0 # SKIP git not installed"
	exit 0
fi
export GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.com \
	GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.com
H=$PWD/home
mkdir -p "$H/src/shared" "$H/src/local" "$H/src/ignored" "$H/src/plain" root
cfg() { echo "{\"mcpServers\": {\"$1\": {\"command\": \"npx\", \"args\": [\"-y\", \"$1\"]}}}"; }

cfg team-tool >"$H/src/shared/.mcp.json"
(cd "$H/src/shared" && git init -q -b main && git add .mcp.json && git commit -q -m init &&
	git remote add origin https://user:s3cr3tT0ken@git.example.com/team/shared.git) || exit 1
(cd "$H/src/local" && git init -q -b feature && echo readme >README && git add README &&
	git commit -q -m init && git remote add origin git@git.example.com:me/local.git) || exit 1
cfg my-tool >"$H/src/local/.mcp.json"
(cd "$H/src/ignored" && git init -q -b main && echo .mcp.json >.gitignore && git add .gitignore &&
	git commit -q -m init) || exit 1
cfg hidden-tool >"$H/src/ignored/.mcp.json"
cfg loose-tool >"$H/src/plain/.mcp.json"
shared_head=$(git -C "$H/src/shared" rev-parse HEAD)
local_head=$(git -C "$H/src/local" rev-parse HEAD)

DEV=11111111-2222-4333-8444-555555555555
scan() { "$RUNLAYER" scan --home "$H" --root "$PWD/root" --os linux --device-id $DEV "$@"; }
py() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($1)" "$2"; }

# The dry-run payload carries a git object per project configuration.
expect_rc "dry run exits 0" 0 scan --dry-run
cp out payload.json
gitof() { py "[c.get(\"git\") for c in d[\"configurations\"] if c[\"project_path\"]==\"$H/src/$1\"][0]" payload.json; }
check "payload: committed config is tracked, remote without credentials" test \
	"$(gitof shared)" = "{'repo_root': '$H/src/shared', 'remote_url': 'https://git.example.com/team/shared.git', 'branch': 'main', 'commit': '$shared_head', 'status': 'tracked'}"
check "payload: untracked config" test \
	"$(gitof local)" = "{'repo_root': '$H/src/local', 'remote_url': 'git@git.example.com:me/local.git', 'branch': 'feature', 'commit': '$local_head', 'status': 'untracked'}"
check "payload: ignored config" test "$(py "[c['git']['status'] for c in d['configurations'] if c['project_path']=='$H/src/ignored'][0]" payload.json)" = ignored
check "payload: no git object outside a repository" test "$(gitof plain)" = None
lacks "payload never carries the token" payload.json s3cr3tT0ken

# The inventory keeps it per config; the export tells them apart.
DB=$PWD/inv.db
expect_rc "scan exits 0" 0 scan --db "$DB"
expect_rc "export json" 0 "$RUNLAYER" inventory export --db "$DB" --format json
cp out export.json
row() { py "[(r[\"git\"] or {}).get(\"$2\") for r in d[\"rows\"] if r[\"server_name\"]==\"$1\"][0]" export.json; }
check "export: team-tool is checked in" test "$(row team-tool status)" = tracked
check "export: my-tool is untracked" test "$(row my-tool status)" = untracked
check "export: hidden-tool is ignored" test "$(row hidden-tool status)" = ignored
check "export: origin without credentials" test "$(row team-tool remote_url)" = https://git.example.com/team/shared.git
check "export: commit" test "$(row team-tool commit)" = "$shared_head"
check "export: branch" test "$(row my-tool branch)" = feature
check "export: no provenance outside a repository" test "$(py '[r["git"] for r in d["rows"] if r["server_name"]=="loose-tool"][0]' export.json)" = None
expect_rc "export csv" 0 "$RUNLAYER" inventory export --db "$DB" --format csv
cp out export.csv
check "csv: git columns per row" python3 -c '
import csv, sys
rows = {r["server_name"]: r for r in csv.DictReader(open("export.csv", newline=""))}
t, u = rows["team-tool"], rows["my-tool"]
ok = (t["git_status"], t["git_remote_url"], u["git_status"], u["git_branch"]) == \
     ("tracked", "https://git.example.com/team/shared.git", "untracked", "feature")
sys.exit(not ok)'
expect_rc "show team-tool" 0 "$RUNLAYER" inventory show --db "$DB" team-tool
contains "show prints the git status" out "git status   tracked"
contains "show prints the remote" out "git remote   https://git.example.com/team/shared.git"
if grep -a -q s3cr3tT0ken "$DB"* export.json export.csv; then
	fail "the remote's token is never stored"
else
	pass "the remote's token is never stored"
fi

# Editing the committed file: modified, and the inventory notices.
cfg team-tool-v2 >"$H/src/shared/.mcp.json"
expect_rc "scan after an edit" 0 scan --db "$DB"
expect_rc "export after the edit" 0 "$RUNLAYER" inventory export --db "$DB" --current
cp out export2.json
check "edited committed config is modified" test \
	"$(py '[r["git"]["status"] for r in d["rows"] if r["server_name"]=="team-tool-v2"][0]' export2.json)" = modified

done_testing
