# Secrets audit: distinct canary secrets planted in every config format
# (JSON, JSONC, TOML, YAML) of several clients, in every position the
# redaction rules cover (env and header values, secret flags and their
# values, NAME=VALUE args, header strings in args, known token shapes
# anywhere, URL userinfo, query values and fragments, DSNs in args) and in
# hook payloads (tool_input, prompts, tool outputs and errors, shell
# commands, replies, Gemini's mcp_context); then scan (verbose, dry run,
# submitted to the loopback backend), inventory list/show/export in every
# format, events, history, sessions, logs, doctor, policy, the hooks
# themselves and sync sending the hook event queue. Everything the tool
# printed, wrote under HOME (the store's bytes and its SQL dump, WAL,
# spools, queue, logs, backups, rules) and sent (every request's headers and
# decoded body) is searched: no canary may appear, not even in part.
#
# Kept by design (contract §3.6 and parsers/redact.h), so holding no canary:
# env values of DEBUG, HOST, LOG_LEVEL, NODE_ENV, PORT and TZ; references
# (${VAR}, ${env:VAR}, {env:VAR}, ${input:x}, $UPPER) alone or after
# Bearer/Basic; the command; args that match no rule (plain words, paths,
# values of short flags such as -p, values of --key-like flags that do not
# look like a credential); URL scheme, host, port and path (but for known
# token shapes in the path); server names and JSON/TOML/YAML keys.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/server/lib.sh"
command -v openssl >/dev/null && command -v python3 >/dev/null && command -v sqlite3 >/dev/null ||
	{ echo "1..0 # SKIP no openssl/python3/sqlite3"; exit 0; }
srv_certs || { fail "make test certificates"; done_testing; exit 1; }
fast_http
export RUNLAYER_CA_BUNDLE=$PWD/ca/ca.pem RUNLAYER_HTTP_RETRIES=1 RUNLAYER_HOSTNAME=audit-host
trap srv_cleanup EXIT
srv_start main || { fail "start the test backend"; done_testing; exit 1; }

# Every canary holds "QZX" (found nowhere else), so a leak of any part of
# one is caught by the final search for QZX as well as by its own name.
H=$HOME
P=$H/work/repo
mkdir -p "$P/.cursor" "$H/.codex" "$H/.cursor" "$H/.gemini" "$H/.config/goose" "$H/.hermes" \
	"$H/.config/zed" "$H/.config/Code/User" "$H/.continue" "$H/.claude"

# ---- JSON: Claude Code (user and project scope) -----------------------------
cat >"$H/.claude.json" <<JSON
{
  "numStartups": 3,
  "mcpServers": {
    "gh": {
      "type": "stdio",
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-github", "--token=QZXcc01tokenflag",
               "--api-key", "QZXcc02apikeynext", "ghp_QZXcc03positional0000000000",
               "OPENAI_API_KEY=QZXcc04envstylearg", "Authorization: Bearer QZXcc05headerarg",
               "--password", "QZXcc06passwordnext", "--key", "QZXcc07keycred12345",
               "--config", "{\"apiKey\": \"QZXcc08jsoninarg\"}", "-p", "8080", "--read-only"],
      "env": {"GITHUB_TOKEN": "QZXcc09envtoken", "WORKSPACE": "QZXcc10plainenvvalue",
              "PORT": "8080", "LOG_LEVEL": "debug", "FROM_ENV": "\${GH_TOKEN}",
              "RETRIES": 3, "STRICT": true}
    },
    "linear": {
      "type": "http",
      "url": "https://bob:QZXcc11userinfo@mcp.linear.example/mcp?api_key=QZXcc12query&region=eu&token=QZXcc13query#QZXcc14frag",
      "headers": {"Authorization": "Bearer QZXcc15bearerhdr", "X-API-Key": "QZXcc16xapikey",
                  "Cookie": "session=QZXcc17cookie", "X-Ref": "Bearer \${LINEAR_TOKEN}"}
    },
    "pathkey": {"type": "sse", "url": "https://hooks.example.com/sk-ant-api03-QZXcc18pathtoken000000/sse"}
  },
  "projects": {
    "$P": {
      "lastSessionFirstPrompt": "deploy with password QZXcc19notaserverfield",
      "mcpServers": {
        "db": {"command": "psql-mcp", "args": ["postgresql://admin:QZXcc20dsnpass@db.internal:5432/app", "--dsn=mysql://root:QZXcc21dsnflag@localhost/x"]}
      }
    }
  }
}
JSON

# ---- JSONC: Cursor (global and project), Zed, VS Code --------------------------
cat >"$H/.cursor/mcp.json" <<'JSONC'
// Cursor global MCP servers
{
  "mcpServers": {
    /* a key in the query and in the headers */
    "search": {"url": "https://search.example.com/mcp?apikey=QZXcu01query&x=1",
               "headers": {"Authorization": "Basic QZXcu02basichdr"},},
    "fs": {"command": "docker", "args": ["run", "-e", "SLACK_BOT_TOKEN=xoxb-QZXcu03slackarg", "-e", "AWS_SECRET_ACCESS_KEY=QZXcu04awssecret", "img"],
           "env": {"AWS_ACCESS_KEY_ID": "AKIAQZXCU05AAAAAAAAA", "NODE_ENV": "production"},},
  },
}
JSONC
cat >"$P/.cursor/mcp.json" <<'JSONC'
{
  // project scope
  "mcpServers": {"proj-api": {"url": "https://api.example.com/mcp", "headers": {"X-Auth-Token": "QZXcu06projhdr"}}},
}
JSONC
cat >"$H/.config/zed/settings.json" <<'JSONC'
// Zed settings
{
  "theme": "One Dark",
  "context_servers": {
    "postgres": {
      "command": {"path": "/usr/local/bin/pg-mcp", "args": ["--conn", "postgres://u:QZXzd01dsn@h/db"], "env": {"PGPASSWORD": "QZXzd02pgpass"}},
    },
  },
}
JSONC
cat >"$H/.config/Code/User/mcp.json" <<'JSONC'
{
  // VS Code user MCP file
  "inputs": [{"type": "promptString", "id": "gh-token", "password": true}],
  "servers": {
    "gh-remote": {"type": "http", "url": "https://api.githubcopilot.com/mcp/", "headers": {"Authorization": "Bearer ${input:gh-token}", "X-Other": "QZXvs01hdr"}},
    "hf": {"type": "stdio", "command": "uvx", "args": ["hf-mcp", "hf_QZXvs02hftoken00000000000000000000"], "env": {"HF_TOKEN": "QZXvs03envtoken"}},
  },
}
JSONC

# ---- JSON: Gemini CLI ------------------------------------------------------------
cat >"$H/.gemini/settings.json" <<'JSON'
{
  "mcpServers": {
    "stream": {"httpUrl": "https://stream.example.com/mcp?access_token=QZXgm01query", "headers": {"Authorization": "Bearer QZXgm02bearer"}},
    "tool": {"command": "node", "args": ["srv.js", "--client-secret", "QZXgm03clientsecret", "AIzaQZXgm04googlekey0000000000000000"], "env": {"GOOGLE_API_KEY": "QZXgm05env"}}
  }
}
JSON

# ---- TOML: Codex ------------------------------------------------------------------
cat >"$H/.codex/config.toml" <<'TOML'
# Codex user config
model = "gpt-5-codex"

[mcp_servers.docs]
command = "uvx"
args = ["mcp-docs", "--api-key=QZXcx01argkey", "--auth-token", "QZXcx02authnext"]
env = { DOCS_TOKEN = "QZXcx03envtoken", PORT = "8080", DEBUG = "1" }

[mcp_servers.remote]
url = "https://mcp.example.org/v1?token=QZXcx04query"
http_headers = { "Authorization" = "Bearer QZXcx05bearer", "X-Api-Key" = "QZXcx06xapikey" }
bearer_token_env_var = "MY_TOKEN"

[mcp_servers.stripe]
command = "npx"
args = ["-y", "@stripe/mcp", "--api-key", "sk_live_QZXcx07stripe000000000000"]
env.STRIPE_SECRET_KEY = "sk_test_QZXcx08stripeenv00000000"
TOML

# ---- YAML: Goose, Hermes, Continue ---------------------------------------------
cat >"$H/.config/goose/config.yaml" <<'YAML'
# Goose
extensions:
  tavily:
    enabled: true
    type: stdio
    name: tavily
    cmd: npx
    args: [-y, tavily-mcp, --tavily-api-key=QZXgs01argkey]
    envs:
      TAVILY_API_KEY: tvly-QZXgs02env
  remote:
    enabled: true
    type: streamable_http
    uri: https://goose.example.com/mcp?key=QZXgs03query
    headers:
      Authorization: Bearer QZXgs04bearer
model: anthropic/claude
YAML
cat >"$H/.hermes/config.yaml" <<'YAML'
model: anthropic/claude
mcp_servers:
  github:
    command: npx
    args: ["-y", "@modelcontextprotocol/server-github"]
    env:
      GITHUB_TOKEN: github_pat_QZXhm01finegrained000000000000
  remote:
    url: https://carol:QZXhm02userinfo@hermes.example.com/mcp
    transport: sse
    headers:
      X-API-Key: QZXhm03xapikey
YAML
cat >"$H/.continue/config.yaml" <<'YAML'
name: my assistant
version: 0.0.1
mcpServers:
  - name: sqlite
    command: uvx
    args: [mcp-server-sqlite, --db-path, /tmp/test.db, --secret=QZXct01secretflag]
    env:
      SQLITE_KEY: QZXct02env
  - name: remote-sse
    type: sse
    url: https://continue.example.com/sse?api_key=QZXct03query
YAML

# ---- broken configs: the parse error names line:col, never the text --------
mkdir -p "$H/.codeium/windsurf"
printf '{"mcpServers": {"x": {"command": "a", "env": {"K": "QZXbr01brokenjson" "L": 1}}}}\n' \
	>"$H/.codeium/windsurf/mcp_config.json"
printf '[mcp_servers.z]\ncommand = "a"\nenv = { K = "QZXbr02brokentoml"\n' >"$H/.codex/work.config.toml"

canaries=$(cat "$H/.claude.json" "$H/.cursor/mcp.json" "$P/.cursor/mcp.json" "$H/.config/zed/settings.json" \
	"$H/.config/Code/User/mcp.json" "$H/.gemini/settings.json" "$H/.codex/config.toml" \
	"$H/.config/goose/config.yaml" "$H/.hermes/config.yaml" "$H/.continue/config.yaml" \
	"$H/.codeium/windsurf/mcp_config.json" "$H/.codex/work.config.toml" |
	grep -o '[A-Za-z0-9_-]*QZX[A-Za-z0-9]*' | sort -u)
n_cfg=$(echo "$canaries" | wc -l)
check "canaries planted in the configs ($n_cfg)" [ "$n_cfg" -ge 50 ]

ALL=$PWD/all-output
: >"$ALL"
run() { # every byte a command prints, kept for the search
	echo "### $*" >>"$ALL"
	"$@" >>"$ALL" 2>&1
	echo "# exit $?: $*" >>commands.log
}

# ---- scans ------------------------------------------------------------------------
SCAN="--root $PWD/root --os linux --device-id 11111111-2222-4333-8444-555555555555 --username alice"
mkdir -p root
"$RUNLAYER" scan --dry-run $SCAN >dry.json 2>dry.err
cat dry.json dry.err >>"$ALL"
check "the dry run is JSON" python3 -c 'import json; json.load(open("dry.json"))'
missing=
for s in gh linear pathkey db search fs proj-api postgres gh-remote hf stream tool docs remote stripe tavily github sqlite remote-sse; do
	grep -q "\"name\": \"$s\"" dry.json || missing="$missing $s"
done
check "the scan found every planted server (missing:${missing:- none})" [ -z "$missing" ]
contains "env values are redacted with their length" dry.json '<redacted:len=15>'
contains "URL query values are redacted" dry.json 'api_key=<redacted>'
contains "URL userinfo is removed" dry.json '"url": "https://mcp.linear.example/mcp?'
contains "kept: an allowlisted env key's value" dry.json '"LOG_LEVEL": "debug"'
contains "kept: a reference" dry.json '"FROM_ENV": "${GH_TOKEN}"'
contains "the broken JSON is reported by line:col" dry.err "$H/.codeium/windsurf/mcp_config.json:1:"
contains "the broken TOML is reported by line:col" dry.err "$H/.codex/work.config.toml:3:"
run "$RUNLAYER" scan -v $SCAN
run env LOG_LEVEL=debug "$RUNLAYER" scan -v $SCAN --host "$SRV_URL" --secret rl_org_good
run "$RUNLAYER" scan --json $SCAN --host "$SRV_URL" --secret rl_org_good
check "the backend received the scans" [ "$(q 'len(received)')" -ge 2 ]
check "the scan body carries redaction markers" sh -c "grep -q 'redacted:len=' '$SRV_DIR/requests.jsonl'"

# ---- hooks (every event registered) ------------------------------------------------
# setup hooks edits some of the configs above and backs them up: keep the
# planted bytes to compare.
fixtures="$H/.claude.json $H/.cursor/mcp.json $P/.cursor/mcp.json $H/.config/zed/settings.json
	$H/.config/Code/User/mcp.json $H/.gemini/settings.json $H/.codex/config.toml
	$H/.config/goose/config.yaml $H/.hermes/config.yaml $H/.continue/config.yaml
	$H/.codeium/windsurf/mcp_config.json $H/.codex/work.config.toml"
mkdir -p orig
i=0
for f in $fixtures; do
	i=$((i + 1))
	cp -p "$f" orig/$i
	grep -o '[A-Za-z0-9_-]*QZX[A-Za-z0-9]*' "$f" | sort -u >orig/$i.canaries
	[ -s orig/$i.canaries ] || fail "canaries planted in $f"
done
pass "canaries planted in each of the $i configs (JSON, JSONC, TOML, YAML)"
run "$RUNLAYER" setup hooks --install --all-events --client claude_code --client codex --client cursor --client gemini_cli --yes
HB=$(dirname "$RUNLAYER")/runlayer-hook
[ -x "$HB" ] || HB=$RUNLAYER
hk() { # CLIENT MODE < payload: one hook run, its output kept
	echo "### hook $1 $2" >>"$ALL"
	(cd "$P" && "$HB" hook --client "$1" --mode "$2") >>"$ALL" 2>&1
	echo "# exit $?: hook $1 $2" >>commands.log
}
cat >hooks.txt <<EOF
claude_code protect {"session_id":"s-audit","cwd":"$P","hook_event_name":"SessionStart","source":"startup"}
claude_code protect {"session_id":"s-audit","cwd":"$P","hook_event_name":"UserPromptSubmit","prompt":"deploy with --password=QZXhk01promptflag and sk-ant-api03-QZXhk02promptkey000000 then GITHUB_TOKEN=QZXhk03promptenv"}
claude_code protect {"session_id":"s-audit","cwd":"$P","hook_event_name":"PreToolUse","tool_name":"mcp__gh__search_code","tool_input":{"query":"token ghp_QZXhk04toolinput000000000000","api_key":"QZXhk25toolobjectkey","auth":"Bearer QZXhk05toolbearer","url":"https://api.example.com/x?api_key=QZXhk06toolquery","args":["--token","QZXhk07toolargnext"]},"tool_use_id":"toolu_a1"}
claude_code protect {"session_id":"s-audit","cwd":"$P","hook_event_name":"PostToolUse","tool_name":"mcp__gh__search_code","tool_input":{"query":"x"},"tool_response":[{"type":"text","text":"found AKIAQZXHK08AAAAAAAAA and Authorization: Bearer QZXhk09outputbearer"}],"tool_use_id":"toolu_a1"}
claude_code enforce {"session_id":"s-audit","cwd":"$P","hook_event_name":"PreToolUse","tool_name":"mcp__ghost__run","tool_input":{"cmd":"--api-key=QZXhk10shadowinput"},"tool_use_id":"toolu_a2"}
claude_code protect {"session_id":"s-audit","cwd":"$P","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"curl -H 'Authorization: Bearer QZXhk11shellbearer' https://api.example.com/?token=QZXhk12shellquery"},"tool_use_id":"toolu_a3"}
claude_code protect {"session_id":"s-audit","cwd":"$P","hook_event_name":"PostToolUseFailure","tool_name":"Bash","error":"401 for key sk-proj-QZXhk13errorkey00000000000","tool_use_id":"toolu_a3"}
claude_code protect {"session_id":"s-audit","cwd":"$P","hook_event_name":"Stop","last_assistant_message":"use PASSWORD=QZXhk14replyenv and xoxp-QZXhk15replyslack"}
claude_code protect {"session_id":"s-audit","cwd":"$P","hook_event_name":"SessionEnd","reason":"exit"}
codex protect {"session_id":"s-codex","turn_id":"t-1","cwd":"$P","hook_event_name":"PreToolUse","model":"m","tool_name":"mcp__docs__fetch","tool_input":{"url":"https://dave:QZXhk16codexuser@docs.example.com/a"},"tool_use_id":"call_1"}
codex protect {"session_id":"s-codex","turn_id":"t-1","cwd":"$P","hook_event_name":"UserPromptSubmit","model":"m","prompt":"my token is glpat-QZXhk17codexprompt0000"}
cursor enforce {"conversation_id":"s-cursor","generation_id":"g-1","hook_event_name":"beforeShellExecution","cursor_version":"1.7.2","workspace_roots":["$P"],"command":"export API_TOKEN=QZXhk18cursorshell && run","cwd":"$P"}
cursor protect {"conversation_id":"s-cursor","generation_id":"g-2","hook_event_name":"beforeMCPExecution","cursor_version":"1.7.2","workspace_roots":["$P"],"tool_name":"query","tool_input":"{\\"password\\": \\"QZXhk19cursorjson\\"}","url":"https://search.example.com/mcp?apikey=QZXhk20cursorurl","mcp_server_name":"search"}
cursor protect {"conversation_id":"s-cursor","hook_event_name":"afterAgentResponse","cursor_version":"1.7.2","text":"here: npm_QZXhk21cursorreply0000000000000000"}
gemini_cli protect {"session_id":"s-gemini","cwd":"$P","hook_event_name":"BeforeTool","tool_name":"mcp_tool_run","tool_input":{"q":"Bearer QZXhk22geminiinput"},"mcp_context":{"server_name":"tool","tool_name":"run","command":"node","args":["srv.js","--client-secret","QZXhk23geminictx"]}}
gemini_cli protect {"session_id":"s-gemini","cwd":"$P","hook_event_name":"AfterTool","tool_name":"mcp_tool_run","tool_input":{},"tool_response":{"llmContent":"token=QZXhk24geminiout"}}
EOF
while read -r c m json; do printf '%s' "$json" | hk "$c" "$m"; done <hooks.txt
hook_canaries=$(grep -o '[A-Za-z0-9_-]*QZX[A-Za-z0-9]*' hooks.txt | sort -u)
check "canaries planted in the hook payloads ($(echo "$hook_canaries" | wc -l))" [ "$(echo "$hook_canaries" | wc -l)" -ge 24 ]
check "every hook answered (exit 0 or 2)" sh -c "! grep '^# exit' commands.log | grep hook | grep -Evq '^# exit (0|2):'"
contains "the shadow call was denied" "$ALL" '"permissionDecision":"deny"'

# ---- every reader ------------------------------------------------------------------
run "$RUNLAYER" inventory list
run "$RUNLAYER" inventory list --json
run "$RUNLAYER" inventory list -v
for s in gh linear pathkey db search fs postgres hf stream tool docs remote stripe tavily github sqlite; do
	run "$RUNLAYER" inventory show "$s"
	run "$RUNLAYER" inventory show "$s" --json
done
for f in json ndjson csv; do
	run "$RUNLAYER" inventory export --format $f
	run "$RUNLAYER" inventory export --format $f --output "$PWD/export.$f"
	cat "export.$f" >>"$ALL"
done
run "$RUNLAYER" inventory history
run "$RUNLAYER" inventory history --json
run "$RUNLAYER" inventory diff
run "$RUNLAYER" inventory events
run "$RUNLAYER" inventory events --json
run "$RUNLAYER" sessions list
run "$RUNLAYER" sessions list --json
for s in s-audit s-codex s-cursor s-gemini; do
	run "$RUNLAYER" sessions show "$s"
	run "$RUNLAYER" sessions show "$s" --json
done
run "$RUNLAYER" logs
run "$RUNLAYER" logs --json
run "$RUNLAYER" doctor
run "$RUNLAYER" doctor --json
run "$RUNLAYER" policy generate --baseline
run "$RUNLAYER" policy show
run "$RUNLAYER" policy show --json
run "$RUNLAYER" policy test --client claude_code --server linear
run "$RUNLAYER" sync --list
run env LOG_LEVEL=debug "$RUNLAYER" sync -v --host "$SRV_URL" --secret rl_org_good
run "$RUNLAYER" logs --level debug
check "the commands ran ($(grep -c '^# exit' commands.log))" [ "$(grep -c '^# exit' commands.log)" -ge 60 ]
check "every command but the hooks exited 0" sh -c "! grep -v ': hook ' commands.log | grep -vq '^# exit 0:'"
grep -v ': hook ' commands.log | grep -v '^# exit 0:' | head -n 5 | sed 's/^/#   /'
contains "the timeline shows redacted text" "$ALL" '<redacted'
contains "the export shows redacted env values" export.csv '<redacted:len='
check "the sessions were recorded" grep -q 's-audit' "$ALL"

# ---- what was sent -------------------------------------------------------------
# requests.jsonl holds every request's headers and decoded (gunzipped) body.
sent=$SRV_DIR/requests.jsonl
check "the backend saw requests" test -s "$sent"
check "sync sent the hook events" [ "$(q 'len([r for r in reqs if r["path"] == "/api/v1/hooks/events"])')" -gt 0 ]
check "the sent hook events carry redaction markers" python3 -c '
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
ev = [r for r in ev if r["path"] == "/api/v1/hooks/events"]
sys.exit(0 if "<redacted" in json.dumps([r["body"] for r in ev]) else 1)' "$sent"
check "the queue was drained" [ "$(ls "$H/.runlayer/queue/hook-events" 2>/dev/null | grep -c json)" -eq 0 ]

# ---- the search ---------------------------------------------------------------
# Every file under HOME (and the fallback log directory) but the fixtures
# and setup hooks' backups of them; the store as bytes (strings, with its
# WAL) and as SQL; what the backend received.
sqlite3 "$H/.runlayer/inventory.db" .dump >db.sql
{ find "$H" -type f; find "${TMPDIR:-/tmp}/runlayer-logs" -type f 2>/dev/null; } >written.list
i=0 changed=0 bad_backup=0
for f in $fixtures; do
	i=$((i + 1))
	grep -vxF "$f" written.list >w.tmp; mv w.tmp written.list
	# An edited config holds the canaries planted in it, no others.
	grep -o '[A-Za-z0-9_-]*QZX[A-Za-z0-9]*' "$f" | sort -u | cmp -s - orig/$i.canaries || changed=$((changed + 1))
	for b in "${f%.*}".backup_*; do
		[ -e "$b" ] || continue
		grep -vxF "$b" written.list >w.tmp; mv w.tmp written.list
		{ cmp -s "$b" orig/$i && [ "$(stat -c %a "$b")" = "$(stat -c %a orig/$i)" ]; } ||
			bad_backup=$((bad_backup + 1))
	done
done
check "edited configs keep exactly the canaries planted in them" [ $changed -eq 0 ]
check "backups are the planted bytes, with the original's mode" [ $bad_backup -eq 0 ]
check "files written under HOME to search ($(wc -l <written.list))" [ "$(wc -l <written.list)" -ge 5 ]
: >hits
while read -r f; do
	if grep -a -q 'QZX' "$f" 2>/dev/null; then echo "$f" >>hits; fi
done <written.list
check "no canary in any file the tool wrote under HOME" [ ! -s hits ]
while read -r f; do
	grep -a -o '[A-Za-z0-9_:=-]*QZX[A-Za-z0-9]*' "$f" | sort -u | head -n 5 | sed "s|^|#   leak in $f: |"
done <hits
check "no canary in the store's bytes" sh -c "! strings -a '$H'/.runlayer/inventory.db* | grep -q QZX"
check "no canary in the store's SQL dump" sh -c "! grep -q QZX db.sql"
check "no canary in any output (stdout and stderr of every command)" sh -c "! grep -a -q QZX '$ALL'"
grep -a -o '[A-Za-z0-9_:=-]*QZX[A-Za-z0-9]*' "$ALL" | sort | uniq -c | sort -rn | head -n 20 | sed 's/^/#   in output: /'
check "no canary in any request the backend received (or its log)" sh -c "! grep -a -r -q QZX '$SRV_DIR'"
grep -a -r -h -o '[A-Za-z0-9_:=-]*QZX[A-Za-z0-9]*' "$SRV_DIR" | sort -u | head -n 20 | sed 's/^/#   sent: /'
for k in $canaries $hook_canaries; do
	if grep -a -q -F -- "$k" "$ALL" "$sent" db.sql $(cat written.list) 2>/dev/null; then
		fail "canary $k leaked"
	fi
done
pass "each canary checked by name ($(echo $canaries $hook_canaries | wc -w))"

done_testing
