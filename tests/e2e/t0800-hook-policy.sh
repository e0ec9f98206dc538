# `runlayer policy`: rules from the configuration and the inventory
# (generate, --baseline), approvals and denials by config_hash or name, the
# allowlist, show and test (exit 0 allow, 1 deny), and the hook following
# the generated rules.
. "$TOP/tests/e2e/lib.sh"

H=$HOME
RULES=$H/.runlayer/rules.json
mkdir -p "$H/.runlayer" "$H/proj"
chmod 700 "$H/.runlayer"
printf 'default_host: https://acme.runlayer.example\nhosts:\n  acme.runlayer.example:\n    url: https://acme.runlayer.example\n' \
	>"$H/.runlayer/config.yaml"
chmod 600 "$H/.runlayer/config.yaml"
cat >"$H/.claude.json" <<'EOF'
{"mcpServers": {
  "github": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-github"]},
  "docs": {"type": "http", "url": "https://docs.example.com/mcp"},
  "dup": {"command": "one"}
}}
EOF
mkdir -p "$H/.cursor"
echo '{"mcpServers": {"dup": {"command": "two"}}}' >"$H/.cursor/mcp.json"
UUID=0b6c7a3e-7b1f-4a57-9f3a-2f9d1c3e5a7b

# No rules file yet: the built-in default, with the configured host.
expect_rc "show without a rules file" 0 "$RUNLAYER" policy show
contains "says there are no rules yet" out "none yet"
contains "knows the configured host" out "https://acme.runlayer.example/"
contains "explains the baseline" out "policy generate --baseline"
expect_rc "managed proxy allowed by default" 0 "$RUNLAYER" policy test --url "https://acme.runlayer.example/api/v1/proxy/$UUID/mcp"
contains "by the managed_proxy rule" out "managed_proxy"
expect_rc "runlayer run allowed by default" 0 "$RUNLAYER" policy test --command "uvx runlayer run $UUID"
expect_rc "anything else denied" 1 "$RUNLAYER" policy test --url https://docs.example.com/mcp

# generate writes a private, versioned file.
expect_rc "generate" 0 "$RUNLAYER" policy generate --mode protect
contains "reports the file" out "Rules written to $RULES"
check "rules file is 0600" [ "$(stat -c %a "$RULES")" = 600 ]
check "rules file is JSON with version 1" python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['version']==1 and d['mode']=='protect'" "$RULES"
check "the configured host is managed" python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['managed_hosts']==[{'url':'https://acme.runlayer.example/','source':'config'}]" "$RULES"

# --baseline needs an inventory.
expect_rc "--baseline without an inventory" 66 "$RUNLAYER" policy generate --baseline
contains "says to scan first" err "scan' first"
expect_rc "scan" 0 "$RUNLAYER" scan --offline --no-projects
expect_rc "generate --baseline" 0 "$RUNLAYER" policy generate --baseline
contains "counts the approvals" out "Baseline: 4 servers in the inventory approved"
expect_rc "the baseline approves github" 0 "$RUNLAYER" policy test --client claude_code --server github
contains "by its hash" out "rule:   approved"
expect_rc "a server found nowhere is shadow" 1 "$RUNLAYER" policy test --client claude_code --server ghost
contains "rule shadow" out "rule:   shadow"
expect_rc "test --json" 0 "$RUNLAYER" policy test --client claude_code --server docs --json
check "JSON says allow/approved/found" python3 -c "import json,sys; d=json.load(open('out')); assert d['decision']=='allow' and d['rule']=='approved' and d['server']['found'] and len(d['server']['config_hash'])==64"

# The hook follows the rules: baselined servers pass, others are shadow.
hook() {
	printf '{"session_id":"p1","cwd":"%s/proj","hook_event_name":"PreToolUse","tool_name":"mcp__%s__t","tool_input":{}}' "$H" "$1" |
		"$RUNLAYER" hook --client claude_code >hook.out 2>hook.err
}
hook github
check "hook: baselined github passes silently" [ ! -s hook.out ] && [ ! -s hook.err ]
hook ghost
contains "hook: ghost is denied (protect, from the rules)" hook.out '"permissionDecision":"deny"'

# Deny by name (looked up in the inventory), then forget.
expect_rc "deny github by name" 0 "$RUNLAYER" policy deny github
contains "prints the hash" out "denied (github)"
expect_rc "a denied server is denied" 1 "$RUNLAYER" policy test --client claude_code --server github
contains "by the denied rule" out "rule:   denied"
hook github
contains "hook: denied github is blocked" hook.out "denied by an administrator"
expect_rc "forget it" 0 "$RUNLAYER" policy forget github
expect_rc "now unmanaged" 1 "$RUNLAYER" policy test --client claude_code --server github
expect_rc "allow it by name" 0 "$RUNLAYER" policy allow github
expect_rc "approved again (admin)" 0 "$RUNLAYER" policy test --client claude_code --server github
expect_rc "an ambiguous name" 1 "$RUNLAYER" policy allow dup
contains "lists the candidates" err "matches 2 different server definitions"
expect_rc "an unknown name" 1 "$RUNLAYER" policy allow nosuchserver
expect_rc "a bad hash" 1 "$RUNLAYER" policy deny 1234

# Regenerating without --baseline drops the baseline, keeps admin approvals.
expect_rc "generate without --baseline" 0 "$RUNLAYER" policy generate
contains "warns about dropped baseline approvals" out "baseline approvals dropped"
expect_rc "github still approved (admin)" 0 "$RUNLAYER" policy test --client claude_code --server github
expect_rc "docs no longer approved" 1 "$RUNLAYER" policy test --client claude_code --server docs

# The allowlist.
expect_rc "allowlist add" 0 "$RUNLAYER" policy allowlist add https://Docs.Example.com/mcp/
expect_rc "docs allowed by the allowlist" 0 "$RUNLAYER" policy test --client claude_code --server docs
contains "rule allowlist" out "rule:   allowlist"
expect_rc "add again: unchanged" 0 "$RUNLAYER" policy allowlist add https://docs.example.com:443/mcp
contains "says it is already there" err "already allowlisted"
expect_rc "userinfo does not sneak past the allowlist" 1 "$RUNLAYER" policy test --url "https://docs.example.com@evil.example/mcp"
expect_rc "nor a longer path segment" 1 "$RUNLAYER" policy test --url https://docs.example.com/mcpx
expect_rc "dot segments are resolved first" 1 "$RUNLAYER" policy test --url https://docs.example.com/mcp/../admin
expect_rc "allowlist list" 0 "$RUNLAYER" policy allowlist list
contains "shows the canonical entry" out "https://docs.example.com/mcp"
expect_rc "allowlist list --json" 0 "$RUNLAYER" policy allowlist list --json
check "JSON allowlist" python3 -c "import json; d=json.load(open('out')); assert d['allowlist']==[{'url':'https://docs.example.com/mcp','source':'rules'}]"
expect_rc "a URL with credentials is refused" 64 "$RUNLAYER" policy allowlist add https://u:p@x.example
expect_rc "not a URL" 64 "$RUNLAYER" policy allowlist add docs.example.com
expect_rc "allowlist remove" 0 "$RUNLAYER" policy allowlist remove https://docs.example.com/mcp
expect_rc "docs denied again" 1 "$RUNLAYER" policy test --client claude_code --server docs

# Concurrent edits all land (the rules file is locked while edited).
i=0
while [ $i -lt 10 ]; do
	"$RUNLAYER" policy allowlist add "https://p$i.example" >/dev/null 2>&1 &
	i=$((i + 1))
done
wait
check "10 concurrent allowlist adds, 10 entries" \
	[ "$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['allowlist']))" "$RULES")" -eq 10 ]

# show, and a broken file.
expect_rc "show" 0 "$RUNLAYER" policy show
contains "show lists approvals" out "Approved by config_hash:"
expect_rc "show --json" 0 "$RUNLAYER" policy show --json
check "show --json is the rules" python3 -c "import json; d=json.load(open('out')); assert d['version']==1 and d['exists'] is True"
echo '{"version": 99}' >"$RULES"
expect_rc "a newer rules file is refused" 65 "$RUNLAYER" policy show
contains "names the problem" err "newer than this runlayer supports"
expect_rc "usage: test without a subject" 64 "$RUNLAYER" policy test
expect_rc "usage: unknown verb" 64 "$RUNLAYER" policy frobnicate

# policy test shows a server as the inventory does: secrets redacted.
rm -f "$RULES"
SECRET=sk-proj-Zq7uCanaryCanaryCanary0123456789
mkdir -p "$H/sec"
printf '{"mcpServers": {"keyed": {"command": "npx", "args": ["srv", "--api-key", "%s"]}, "tokurl": {"type": "http", "url": "https://mcp.example.com/mcp?token=%s"}}}' \
	"$SECRET" "$SECRET" >"$H/sec/.mcp.json"
expect_rc "policy test --json of a keyed stdio server" 1 sh -c "cd '$H/sec' && '$RUNLAYER' policy test --client claude_code --server keyed --json >'$PWD/out'"
check "it is found" python3 -c "import json; d=json.load(open('out')); assert d['server']['found'] and d['server']['args'][:2]==['srv','--api-key']"
lacks "its key is redacted" out "$SECRET"
expect_rc "policy test --json of a URL with a token" 1 sh -c "cd '$H/sec' && '$RUNLAYER' policy test --client claude_code --server tokurl --json >'$PWD/out'"
check "it is found" python3 -c "import json; d=json.load(open('out')); assert d['server']['found'] and d['server']['url'].startswith('https://mcp.example.com/mcp?token=')"
lacks "its token is redacted" out "$SECRET"
done_testing
