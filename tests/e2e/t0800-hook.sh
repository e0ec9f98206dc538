# `runlayer hook` against a fixture home holding every client's configs:
# the exact reply bytes (stdout, stderr) and exit status per client, scenario
# and mode (goldens in data/hook/<client>.golden), the audit records, Cursor
# running Claude Code's hooks, the local file policy, and the timeline.
. "$TOP/tests/e2e/lib.sh"

DATA=$TOP/tests/e2e/data/hook
T=$PWD
H=$PWD/home
rm -rf "$H"
cp -R "$DATA/home" "$H"
find "$H" -type f -exec sed -i "s|@HOME@|$H|g" {} +
export HOME=$H
P=$H/proj
UUID=0b6c7a3e-7b1f-4a57-9f3a-2f9d1c3e5a7b
DB=$H/.runlayer/inventory.db

# The URL (or command) each fixture server launches with, as Cursor and
# Gemini CLI put it in their payloads.
url_of() {
	case $1 in
	managed) echo "https://acme.runlayer.example/api/v1/proxy/$UUID/mcp" ;;
	allowed) echo "https://mcp.allowed.example/mcp/v1" ;;
	remote) echo "https://mcp.other.example/mcp" ;;
	ghost) echo "https://ghost.example/mcp" ;;
	docs) echo "https://mcp.allowed.example/mcp/docs" ;;
	esac
}

# payload CLIENT SERVER: a pre-call event for SERVER's tool "echo", in the
# shape each client sends (clients.md §5, samples in shared/samples).
payload() {
	c=$1 s=$2 u=$(url_of "$2")
	case $c in
	claude_code)
		t=mcp__${s}__echo
		[ "$s" = docs ] && t=mcp__plugin_acme_docs__echo
		printf '{"session_id":"s-claude","transcript_path":"/tmp/t.jsonl","cwd":"%s","permission_mode":"default","hook_event_name":"PreToolUse","tool_name":"%s","tool_input":{"text":"hi"},"tool_use_id":"toolu_01"}' "$P" "$t" ;;
	codex)
		printf '{"session_id":"s-codex","turn_id":"t-1","transcript_path":null,"cwd":"%s","hook_event_name":"PreToolUse","model":"mock-model","permission_mode":"default","tool_name":"mcp__%s__echo","tool_input":{"text":"hi"},"tool_use_id":"call_1"}' "$P" "$s" ;;
	gemini_cli)
		if [ "$s" = local ]; then
			ctx='"command":"python3","args":["/opt/local/server.py"]'
		else
			ctx="\"url\":\"$u\""
		fi
		printf '{"session_id":"s-gemini","transcript_path":"/tmp/g.jsonl","cwd":"%s","hook_event_name":"BeforeTool","timestamp":"2026-11-22T02:05:56.975Z","tool_name":"mcp_%s_echo","tool_input":{"text":"hi"},"mcp_context":{"server_name":"%s","tool_name":"echo",%s}}' "$P" "$s" "$s" "$ctx" ;;
	cursor)
		if [ "$s" = local ]; then
			src='"command":"python3 /opt/local/server.py"'
		else
			src="\"url\":\"$u\""
		fi
		printf '{"conversation_id":"s-cursor","generation_id":"g-1","model":"default","hook_event_name":"beforeMCPExecution","cursor_version":"1.7.2","workspace_roots":["%s"],"user_email":null,"transcript_path":null,"tool_name":"echo","tool_input":"{\\"text\\":\\"hi\\"}",%s,"mcp_server_name":"%s"}' "$P" "$src" "$s" ;;
	hermes)
		printf '{"hook_event_name":"pre_tool_call","tool_name":"mcp_%s_echo","tool_input":{"text":"hi"},"session_id":"s-hermes","cwd":"%s","profile":"default","extra":{"task_id":"k","tool_call_id":"c-1","turn_id":"t","api_request_id":"a"}}' "$s" "$P" ;;
	github_copilot_cli)
		printf '{"timestamp":1704614600000,"cwd":"%s","toolName":"%s-echo","toolArgs":"{\\"text\\":\\"hi\\"}"}' "$P" "$s" ;;
	windsurf)
		printf '{"agent_action_name":"pre_mcp_tool_use","trajectory_id":"s-windsurf","execution_id":"e-1","timestamp":"2026-11-22T02:05:56Z","tool_info":{"mcp_server_name":"%s","mcp_tool_name":"echo","mcp_tool_arguments":{"text":"hi"}}}' "$s" ;;
	esac
}

# run_case GOLDFILE LABEL MODE CLIENT [hook args] < input: one invocation,
# its exit status, stdout and stderr appended to the golden text.
run_case() {
	g=$1 label=$2 mode=$3 client=$4
	shift 4
	(cd "$P" && "$RUNLAYER" hook --client "$client" --mode "$mode" "$@") >o.out 2>o.err
	rc=$?
	{
		echo "== $label $mode exit=$rc"
		cat o.out
		[ -s o.err ] && { echo "-- stderr"; cat o.err; }
	} >>"$g"
}

clients="claude_code codex cursor gemini_cli hermes github_copilot_cli windsurf"
scenarios="managed allowed remote local ghost docs"
big=big.json
head -c 5000000 /dev/zero | tr '\0' ' ' >pad
{ printf '{"hook_event_name":"PreToolUse","pad":"'; cat pad; printf '"}'; } >$big

for c in $clients; do
	g=$c.golden
	: >"$g"
	for s in $scenarios; do
		case "$c:$s" in
		hermes:docs|github_copilot_cli:docs|windsurf:docs) continue ;;	# no plugins
		esac
		payload "$c" "$s" >p.json
		for m in monitor protect enforce; do
			run_case "$g" "$s" $m "$c" <p.json
		done
	done
	for m in monitor protect enforce; do
		printf '{"hook_event_name":"PreToolUse", "tool_name":' >bad.json
		run_case "$g" malformed $m "$c" <bad.json
		run_case "$g" empty $m "$c" </dev/null
		run_case "$g" oversized $m "$c" <$big
	done
	sed -i "s|$H|@HOME@|g" "$g"
	golden "$c: replies per scenario and mode" "$g" "$DATA/$c.golden"
done

# Decisions: every MCP pre-call above was recorded once, shadows twice.
n_calls=$(( (6 * 4 + 5 * 3) * 3 ))
q() { sqlite3 "$DB" "$1"; }
check "one security_decision per MCP call ($n_calls)" \
	[ "$(q "select count(*) from events where type='security_decision'")" -eq $n_calls ]
check "ghost calls are shadow_mcp_detected (7 clients x 3 modes)" \
	[ "$(q "select count(*) from events where type='shadow_mcp_detected' and server_name='ghost'")" -eq 21 ]
check "monitor never denies" \
	[ "$(q "select count(*) from events where type='security_decision' and json_extract(details,'\$.mode')='monitor' and json_extract(details,'\$.decision')='deny'")" -eq 0 ]
check "monitor still records the verdict" \
	[ "$(q "select count(*) from events where type='security_decision' and json_extract(details,'\$.mode')='monitor' and json_extract(details,'\$.verdict')='deny'")" -gt 0 ]
check "the plugin server resolves to its plugin (Claude Code)" \
	[ "$(q "select json_extract(details,'\$.source.plugin') from events where type='security_decision' and client='claude_code' and server_name='plugin:acme:docs' limit 1")" = "acme@mkt" ]
check "errors are recorded as hook.error" \
	[ "$(q "select count(*) from events where type='hook.error'")" -eq 63 ]
check "no security_decision lacks a rule" \
	[ "$(q "select count(*) from events where type='security_decision' and json_extract(details,'\$.rule') is null")" -eq 0 ]
check "decisions were queued for the backend" [ "$(ls "$H/.runlayer/queue/hook-events" | wc -l)" -eq $(( n_calls )) ]
check "the event queue is private" [ "$(stat -c %a "$H/.runlayer/queue/hook-events")" = 700 ]

# The mode comes from the rules file (protect) when no flag is given.
payload claude_code remote >p.json
(cd "$P" && "$RUNLAYER" hook --client claude_code <"$T/p.json") >o.out 2>o.err
contains "rules-file mode protect denies an unmanaged server" o.out '"permissionDecision":"deny"'
(cd "$P" && "$RUNLAYER" hook --client claude_code --no-enforcement <"$T/p.json") >o.out 2>o.err
check "--no-enforcement lets it through silently" [ ! -s o.out ] && [ ! -s o.err ]

# A broken rules file is an internal error: enforce by default.
cp "$H/.runlayer/rules.json" rules.bak
printf '{"version": 1, "mode": "protect", "allowlist": [' >"$H/.runlayer/rules.json"
payload claude_code allowed >p.json
(cd "$P" && "$RUNLAYER" hook --client claude_code <"$T/p.json") >o.out 2>o.err
contains "broken rules: enforce denies" o.out '"permissionDecision":"deny"'
contains "broken rules: the reason says why" o.out 'rules file'
(cd "$P" && "$RUNLAYER" hook --client claude_code --mode protect <"$T/p.json") >o.out 2>o.err
check "broken rules: protect lets it through" [ ! -s o.out ]
cp rules.bak "$H/.runlayer/rules.json"

# Cursor also runs Claude Code's hooks: decide once, on beforeMCPExecution.
before=$(q "select count(*) from events where type='security_decision'")
printf '{"conversation_id":"s-cursor","generation_id":"g-2","hook_event_name":"PreToolUse","cursor_version":"1.7.2","workspace_roots":["%s"],"tool_name":"mcp__remote__echo","tool_input":{"text":"hi"}}' "$P" >p.json
(cd "$P" && "$RUNLAYER" hook --client claude_code --mode enforce <"$T/p.json") >o.out 2>o.err
printf '{"permission":"allow"}\n' >want
check "a Claude hook run by Cursor answers in Cursor's protocol and lets it through" cmp -s want o.out
check "and records no second decision" \
	[ "$(q "select count(*) from events where type='security_decision'")" -eq "$before" ]

# Local file policy (enforce only).
printf '{"session_id":"s-files","cwd":"%s","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"cd app && cat \\"./.env.production\\" | head"},"tool_use_id":"toolu_02"}' "$P" >p.json
(cd "$P" && "$RUNLAYER" hook --client claude_code --mode enforce <"$T/p.json") >o.out 2>o.err
contains "enforce: a shell read of .env.production is blocked" o.out 'access to environment files is restricted'
(cd "$P" && "$RUNLAYER" hook --client claude_code --mode protect <"$T/p.json") >o.out 2>o.err
check "protect: the same command passes" [ ! -s o.out ]
printf '{"conversation_id":"s-files","hook_event_name":"beforeReadFile","cursor_version":"1.7.2","file_path":"%s/.cursor/mcp.json","content":""}' "$H" >p.json
(cd "$P" && "$RUNLAYER" hook --client cursor --mode enforce <"$T/p.json") >o.out 2>o.err
contains "enforce: Cursor reading mcp.json is denied" o.out '"permission":"deny"'
contains "with the MCP configuration message" o.out 'access to MCP configuration files is restricted'
printf '{"agent_action_name":"pre_read_code","trajectory_id":"s-files","tool_info":{"file_path":"%s/.claude/settings.json"}}' "$H" >p.json
(cd "$P" && "$RUNLAYER" hook --client windsurf --mode enforce <"$T/p.json") >o.out 2>o.err
check "enforce: Windsurf reading Claude settings exits 2" [ $? -eq 2 ]
contains "with the message on stderr" o.err 'access to Claude Code settings is restricted'
printf '{"session_id":"s-files","cwd":"%s","hook_event_name":"PreToolUse","tool_name":"Read","tool_input":{"file_path":"%s/README.md"}}' "$P" "$P" >p.json
(cd "$P" && "$RUNLAYER" hook --client claude_code --mode enforce <"$T/p.json") >o.out 2>o.err
check "enforce: other reads pass silently" [ ! -s o.out ] && [ ! -s o.err ]

# A session timeline, secrets redacted.
SECRET=sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789
ev() { (cd "$P" && "$RUNLAYER" hook --client claude_code --mode protect) >o.out 2>o.err; }
printf '{"session_id":"s-tl","cwd":"%s","hook_event_name":"SessionStart","source":"startup"}' "$P" | ev
printf '{"session_id":"s-tl","cwd":"%s","hook_event_name":"UserPromptSubmit","prompt":"use key %s and call echo"}' "$P" "$SECRET" | ev
printf '{"session_id":"s-tl","cwd":"%s","hook_event_name":"PreToolUse","tool_name":"mcp__allowed__echo","tool_input":{"text":"hi"},"tool_use_id":"toolu_10"}' "$P" | ev
printf '{"session_id":"s-tl","cwd":"%s","hook_event_name":"PostToolUse","tool_name":"mcp__allowed__echo","tool_input":{"text":"hi"},"tool_response":[{"type":"text","text":"ECHO:hi"}],"tool_use_id":"toolu_10"}' "$P" | ev
printf '{"session_id":"s-tl","cwd":"%s","hook_event_name":"PreToolUse","tool_name":"mcp__ghost__echo","tool_input":{},"tool_use_id":"toolu_11"}' "$P" | ev
printf '{"session_id":"s-tl","cwd":"%s","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"ls -la"},"tool_use_id":"toolu_12"}' "$P" | ev
printf '{"session_id":"s-tl","cwd":"%s","hook_event_name":"PostToolUseFailure","tool_name":"Bash","error":"exit status 2","tool_use_id":"toolu_12"}' "$P" | ev
printf '{"session_id":"s-tl","cwd":"%s","hook_event_name":"Stop","last_assistant_message":"done"}' "$P" | ev
printf '{"session_id":"s-tl","cwd":"%s","hook_event_name":"SessionEnd","reason":"exit"}' "$P" | ev
expect_rc "sessions list" 0 "$RUNLAYER" sessions list
contains "lists the session" out "s-tl"
expect_rc "sessions show" 0 "$RUNLAYER" sessions show s-tl
sed "s|$H|@HOME@|g; s/^[0-9T:-]*Z  //" out >timeline.out
golden "the timeline of a session" timeline.out "$DATA/timeline.golden"
lacks "the secret never reaches the timeline" out "$SECRET"
expect_rc "sessions show --json" 0 "$RUNLAYER" sessions show s-tl --json
lacks "nor its JSON" out "$SECRET"
check "nor the database" [ "$(q "select count(*) from events where details like '%AbCdEfGhIjKl%'")" -eq 0 ]
check "nor the queue" sh -c "! grep -rq AbCdEfGhIjKl '$H/.runlayer/queue'"
contains "the JSON timeline carries the decision" out '"rule": "shadow"'
expect_rc "unknown session" 1 "$RUNLAYER" sessions show nope-nope

# Help and the silence rule.
expect_rc "hook --help" 0 "$RUNLAYER" hook --help
contains "hook --help names the modes" out "enforce"
(cd "$P" && "$RUNLAYER" hook --client nonsense --bogus-option x --mode protect </dev/null) >o.out 2>o.err
check "unknown options never make the hook print" [ ! -s o.out ] && [ ! -s o.err ]
printf '{"session_id":"x"}' | (cd "$P" && "$RUNLAYER" hook --client claude_code --mode enforce) >o.out 2>o.err
check "no event name: nothing to do, exit 0, silent" [ $? -eq 0 ] && [ ! -s o.out ] && [ ! -s o.err ]

done_testing
