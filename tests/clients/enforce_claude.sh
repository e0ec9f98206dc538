#!/bin/sh
# Enforcement by the real Claude Code (clients.md §6.2): `claude -p` runs
# offline against a mock Messages API on 127.0.0.1 that asks for one MCP
# tool call per turn on three stub servers (tests/clients/enforce/):
#   team.allowed  in ~/.claude.json, approved by `runlayer policy generate
#                 --baseline` (tool mcp__team_allowed__echo: sanitised name);
#   shadow        added to the project's .mcp.json after the baseline
#                 (configured, not approved: rule unmanaged);
#   ghost         given only with --mcp-config (in no config file the
#                 client reads: rule shadow).
# Runs: (1) control without our hooks: all three tools run; (2) enforce
# (`setup hooks --install`): only team.allowed runs, the others are denied
# with our agent-facing message, listed in permission_denials and recorded;
# (3) the same with --dangerously-skip-permissions; (4) monitor by
# `--no-enforcement`: all run, all recorded with the verdict; (5) monitor by
# the rules' mode; (6) enforce again after `runlayer policy allow HASH`
# with the hash from the deny message: shadow runs, ghost is still denied.
#
# Environment: RUNLAYER (required, absolute path; the lean runlayer-hook
# beside it is what setup hooks installs); CLIENTS_NPM_DIR (default
# build/clients-npm); KEEP=1 keeps the scratch dir; VERBOSE=1 dumps the
# logs of every run. Exit: 0 pass, 1 failure, 77 skipped (no client).
set -u
: "${RUNLAYER:?RUNLAYER must point at the runlayer binary}"
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
here=$top/tests/clients/enforce
CLIENT_TIMEOUT=${CLIENT_TIMEOUT:-120}

# is DESC GOT WANT: exact comparison, both shown on failure.
is() {
	if [ "$2" = "$3" ]; then
		pass "$1"
	else
		fail "$1"
		printf '%s\n' "$2" | sed 's/^/#   got:  /'
		printf '%s\n' "$3" | sed 's/^/#   want: /'
	fi
}
contains() { if grep -qF -- "$3" "$2"; then pass "$1"; else fail "$1 ('$3' not in $(basename "$2"))"; fi; }
lacks() { if grep -qF -- "$3" "$2"; then fail "$1 ('$3' in $(basename "$2"))"; else pass "$1"; fi; }

need_runlayer -x
need python3 timeout
need_clients claude

start=$(date +%s)
# Outside any git work tree and below no .mcp.json (Claude reads ancestors).
scratch enforce-claude
if leak=$(leaky_ancestor "$work" .mcp.json .git); then
	echo "not ok 1 - scratch ancestor ${leak%/*} has .mcp.json or .git"
	echo "1..1"
	exit 1
fi

# Hermetic: the scratch home for Claude and for runlayer (and its hook).
H=$work/home
proj=$H/work/app
mkdir -p "$proj" "$H/.claude"
hermetic_unset="$hermetic_unset CLAUDE_CONFIG_DIR ANTHROPIC_API_KEY ANTHROPIC_AUTH_TOKEN
	ANTHROPIC_BASE_URL ANTHROPIC_MODEL"
be_hermetic "$H"
hookbin=$(dirname "$RUNLAYER")/runlayer-hook
calls=$work/calls.log	# one line per tools/call, from every stub server
stub=$here/stub_mcp.py
T_ALLOWED=mcp__team_allowed__echo
T_SHADOW=mcp__shadow__echo
T_GHOST=mcp__ghost__echo
# A secret in the shadow server's definition: it must show up nowhere.
SECRET=ghp_Zq8v4Rk2Lm7Nw1Ty6Ux3Pb9Hc5Jd0Fs2Ga4E

cat >"$H/.claude.json" <<EOF
{"mcpServers": {"team.allowed": {"command": "python3",
  "args": ["$stub", "team.allowed", "$calls"]}}}
EOF
cat >"$work/ghost.json" <<EOF
{"mcpServers": {"ghost": {"command": "python3", "args": ["$stub", "ghost", "$calls"]}}}
EOF

# Queries on the JSON the runs leave behind, for the shell to compare.
cat >"$work/q.py" <<'EOF'
import json, sys
cmd, args = sys.argv[1], sys.argv[2:]
def fail(kind, value, tb):
    print("q.py %s: %s: %s" % (cmd, kind.__name__, value))
    sys.exit(1)
sys.excepthook = fail
def load_lines(p):
    with open(p) as f:
        return [json.loads(l) for l in f if l.strip()]
if cmd == "result":	# REQLOG TOOL_USE_ID: how the call came back to the model
    last = None
    for r in load_lines(args[0]):
        b = r["body"]
        for m in (b.get("messages") or []) if isinstance(b, dict) else []:
            if m.get("role") != "user" or not isinstance(m.get("content"), list):
                continue
            for c in m["content"]:
                if isinstance(c, dict) and c.get("type") == "tool_result" \
                        and c.get("tool_use_id") == args[1]:
                    last = c
    if last is None:
        print("none"); sys.exit(0)
    t = last.get("content")
    if isinstance(t, list):
        t = "".join(x.get("text", "") for x in t if isinstance(x, dict))
    print("error" if last.get("is_error") else "ok")
    print(t)
elif cmd == "denials":	# OUT.json: permission_denials, sorted
    d = json.load(open(args[0]))
    print(" ".join(sorted(x["tool_name"] for x in d["permission_denials"])) or "-")
elif cmd == "field":	# OUT.json KEY
    print(json.load(open(args[0])).get(args[1]))
elif cmd == "decisions":	# EVENTS.json SESSION: security_decision rows
    for e in json.load(open(args[0]))["events"]:
        d = e["details"]
        if e["type"] != "security_decision" or d.get("session_id") != args[1]:
            continue
        print("%s %s/%s %s %s %s shadow=%s" % (e["server_name"], d["decision"],
              d["verdict"], "enforced" if d["enforced"] else "not-enforced",
              d["rule"], d["mode"], str(d["shadow"]).lower()))
elif cmd == "count":	# EVENTS.json TYPE [SESSION]
    print(sum(1 for e in json.load(open(args[0]))["events"] if e["type"] == args[1]
              and (len(args) < 3 or e["details"].get("session_id") == args[2])))
elif cmd == "session":	# SHOW.json: counters, then the tool outputs seen
    d = json.load(open(args[0]))
    s = d["session"]
    print("prompts=%d tool_calls=%d denied=%d" % (s["prompts"], s["tool_calls"], s["denied"]))
    for e in d["timeline"]:
        if e["type"] == "hook.tool_output":
            print("output %s" % e["details"]["tool"])
elif cmd == "hash":	# POLICY-TEST.json
    print(json.load(open(args[0]))["server"]["config_hash"])
EOF
q() { python3 "$work/q.py" "$@"; }

rl() { "$RUNLAYER" "$@"; }

# run_claude NAME ARGS...: one `claude -p` against a fresh mock asking for
# shadow, team.allowed, ghost in that order. Leaves NAME.out (result JSON),
# NAME.err, NAME.req (requests the mock got), NAME.calls (tool calls run),
# NAME.events (the audit log afterwards) and sets $sid.
run_claude() {
	name=$1; shift
	: >"$calls"
	if ! start_mock claude "$work/port" "$work/$name.req" \
		"$T_SHADOW" "$T_ALLOWED" "$T_GHOST" 2>"$work/$name.mock.err"; then
		fail "$name: the mock model server did not start"
		dump "$work/$name.mock.err"
		stop_mock
		return 1
	fi
	t0=$(date +%s)
	# shellcheck disable=SC2086 # $run_env: NAME=VALUE words
	# MCP_CONNECTION_NONBLOCKING=false: -p waits for the MCP servers, else
	# under load a server connected after the first turn began has its tool
	# listed to the model but "No such tool available" when called.
	(cd "$proj" && env ${run_env:-} CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1 DISABLE_TELEMETRY=1 \
		DISABLE_AUTOUPDATER=1 DISABLE_ERROR_REPORTING=1 MCP_CONNECTION_NONBLOCKING=false \
		ANTHROPIC_BASE_URL="http://127.0.0.1:$(cat "$work/port")" \
		ANTHROPIC_API_KEY=sk-ant-api03-dummy \
		timeout -k 5 "$CLIENT_TIMEOUT" "$bin/claude" -p "call the echo tools" \
		--output-format json --mcp-config "$work/ghost.json" \
		--debug-file "$work/$name.debug" "$@" \
		>"$work/$name.out" 2>"$work/$name.err")
	rc=$?
	stop_mock
	cp "$calls" "$work/$name.calls"
	rl inventory events --json >"$work/$name.events" 2>>"$work/$name.err"
	echo "# $name: claude ran $(($(date +%s) - t0))s"
	sid=
	if [ $rc -eq 0 ] && sid=$(q field "$work/$name.out" session_id 2>/dev/null); then
		pass "$name: claude -p exits 0 with a result"
	else
		fail "$name: claude -p (exit $rc$([ $rc -eq 124 ] && echo ', timed out'))"
		sed 's/^/#   /' "$work/$name.err" "$work/$name.out" | head -n 30
	fi
	if [ -n "${VERBOSE:-}" ]; then
		for f in out err calls mock.err; do
			echo "# --- $name.$f"
			sed 's/^/#   /' "$work/$name.$f"
		done
		echo "# --- $name.req (last request's messages)"
		tail -n 1 "$work/$name.req" | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)["body"].get("messages", [])[-2:], indent=1))' |
			sed 's/^/#   /'
	fi
}

# ran NAME: the servers whose tool ran, sorted, as one line.
ran() { cut -d' ' -f1 "$work/$1.calls" | sort | tr '\n' ' ' | sed 's/ $//'; }

# result NAME ID: "ok|error|none" then the text the model got for that call.
result() { q result "$work/$1.req" "$2" >"$work/$1.$2"; head -n 1 "$work/$1.$2"; }

# ---- baseline: team.allowed is configured, scanned and approved ----
rl scan --offline >"$work/scan.out" 2>&1 || { fail "runlayer scan"; sed 's/^/#   /' "$work/scan.out"; }
if rl policy generate --baseline >"$work/baseline.out" 2>&1 &&
   grep -q 'Baseline: 1 servers' "$work/baseline.out"; then
	pass "policy generate --baseline approves the one configured server"
else
	fail "policy generate --baseline"; sed 's/^/#   /' "$work/baseline.out"
fi
# Later, a project server appears (with a secret in its definition).
cat >"$proj/.mcp.json" <<EOF
{"mcpServers": {"shadow": {"command": "python3",
  "args": ["$stub", "shadow", "$calls", "--token", "$SECRET"],
  "env": {"SHADOW_TOKEN": "$SECRET"}}}}
EOF
(cd "$proj" && rl policy test --client claude_code --server shadow --json) >"$work/shadow.test" 2>&1
shadow_hash=$(q hash "$work/shadow.test" 2>/dev/null)
lacks "policy test --json does not print the secret in the server's args" "$work/shadow.test" "$SECRET"
is "policy test: the project server is unmanaged in enforce mode" \
	"$(grep -o '"decision": *"[a-z]*"\|"rule": *"[a-z_]*"\|"mode": *"[a-z]*"' "$work/shadow.test" | tr -d ' ' | tr '\n' ' ')" \
	'"decision":"deny" "rule":"unmanaged" "mode":"enforce" '

# ---- 1. control: no hooks, every tool runs ----
if [ -e "$H/.claude/settings.json" ]; then fail "control: no hooks yet"; else pass "control: no hooks yet"; fi
run_claude control --allowedTools "$T_SHADOW" "$T_ALLOWED" "$T_GHOST"
is "control: all three tools run without our hooks" "$(ran control)" "ghost shadow team.allowed"
is "control: no permission_denials" "$(q denials "$work/control.out" 2>&1)" "-"
is "control: the model gets shadow's output" "$(result control toolu_mock_0)" "ok"
contains "control: ... its text" "$work/control.toolu_mock_0" "shadow says: $T_SHADOW-probe"
is "control: nothing recorded by a hook" "$(q count "$work/control.events" security_decision 2>&1)" 0

# ---- 2. enforce ----
if rl setup hooks --install --client claude_code --yes >"$work/install.out" 2>&1; then
	pass "enforce: setup hooks --install"
else
	fail "enforce: setup hooks --install"; sed 's/^/#   /' "$work/install.out"
fi
contains "enforce: installs the lean runlayer-hook beside RUNLAYER" "$H/.claude/settings.json" \
	"\"command\": \"$hookbin hook --client claude_code\""
run_claude enforce --allowedTools "$T_SHADOW" "$T_ALLOWED" "$T_GHOST"
is "enforce: only the approved server's tool runs" "$(ran enforce)" "team.allowed"
is "enforce: permission_denials lists shadow and ghost" "$(q denials "$work/enforce.out" 2>&1)" \
	"$T_GHOST $T_SHADOW"
is "enforce: the model gets an error for shadow" "$(result enforce toolu_mock_0)" "error"
contains "enforce: ... our deny message" "$work/enforce.toolu_mock_0" "# Security Violation Detected"
contains "enforce: ... naming the server" "$work/enforce.toolu_mock_0" "**MCP Server:** shadow"
contains "enforce: ... and how to approve it by its config_hash" "$work/enforce.toolu_mock_0" \
	"runlayer policy allow ${shadow_hash:-NO-HASH}"
is "enforce: the model gets team.allowed's output" "$(result enforce toolu_mock_1)" "ok"
contains "enforce: ... its text" "$work/enforce.toolu_mock_1" "team.allowed says: $T_ALLOWED-probe"
is "enforce: the model gets an error for ghost" "$(result enforce toolu_mock_2)" "error"
contains "enforce: ... saying no config defines it" "$work/enforce.toolu_mock_2" \
	"not defined in any configuration the client reads"
is "enforce: the three decisions are recorded for the session" \
	"$(q decisions "$work/enforce.events" "$sid" 2>&1)" \
"shadow deny/deny enforced unmanaged enforce shadow=false
team.allowed allow/allow enforced approved enforce shadow=false
ghost deny/deny enforced shadow enforce shadow=true"
is "enforce: ghost is reported as a shadow server" \
	"$(q count "$work/enforce.events" shadow_mcp_detected "$sid" 2>&1)" 1
rl sessions list --json >"$work/enforce.sessions" 2>&1
contains "enforce: sessions list shows the session" "$work/enforce.sessions" "\"session_id\": \"$sid\""

# ---- 3. enforce, permission checks bypassed (IS_SANDBOX: we run as root) ----
run_env=IS_SANDBOX=1
run_claude bypass --dangerously-skip-permissions
run_env=
is "bypass: hooks still block shadow and ghost" "$(ran bypass)" "team.allowed"
is "bypass: permission_denials lists shadow and ghost" "$(q denials "$work/bypass.out" 2>&1)" \
	"$T_GHOST $T_SHADOW"

# ---- 4. monitor: --no-enforcement at install ----
if rl setup hooks --install --client claude_code --yes --no-enforcement >"$work/install.out" 2>&1; then
	pass "monitor: setup hooks --install --no-enforcement"
else
	fail "monitor: setup hooks --install --no-enforcement"; sed 's/^/#   /' "$work/install.out"
fi
# The rules file still says enforce, but these hooks never block.
lacks "monitor: the install summary does not say servers are blocked" "$work/install.out" \
	"shadow server and is blocked"
run_claude monitor --allowedTools "$T_SHADOW" "$T_ALLOWED" "$T_GHOST"
is "monitor: all three tools run" "$(ran monitor)" "ghost shadow team.allowed"
is "monitor: no permission_denials" "$(q denials "$work/monitor.out" 2>&1)" "-"
is "monitor: the model gets shadow's output" "$(result monitor toolu_mock_0)" "ok"
is "monitor: the model gets ghost's output" "$(result monitor toolu_mock_2)" "ok"
is "monitor: the calls are recorded with the rules' verdict" \
	"$(q decisions "$work/monitor.events" "$sid" 2>&1)" \
"shadow allow/deny not-enforced unmanaged monitor shadow=false
team.allowed allow/allow not-enforced approved monitor shadow=false
ghost allow/deny not-enforced shadow monitor shadow=true"
rl sessions show "$sid" --json >"$work/monitor.show" 2>&1
is "monitor: sessions show has the prompt, the 3 calls and their outputs" \
	"$(q session "$work/monitor.show" 2>&1)" \
"prompts=1 tool_calls=3 denied=0
output $T_SHADOW
output $T_ALLOWED
output $T_GHOST"

# ---- 5. monitor: the rules' mode, with the default hooks ----
rl setup hooks --install --client claude_code --yes >"$work/install.out" 2>&1 &&
rl policy generate --baseline --mode monitor >"$work/rules.out" 2>&1
lacks "rules-monitor: the hooks are the enforcing ones again" "$H/.claude/settings.json" "--no-enforcement"
run_claude rules-monitor --allowedTools "$T_SHADOW" "$T_ALLOWED" "$T_GHOST"
is "rules-monitor: all three tools run" "$(ran rules-monitor)" "ghost shadow team.allowed"
is "rules-monitor: no permission_denials" "$(q denials "$work/rules-monitor.out" 2>&1)" "-"
is "rules-monitor: recorded in monitor mode" \
	"$(q decisions "$work/rules-monitor.events" "$sid" 2>&1)" \
"shadow allow/deny not-enforced unmanaged monitor shadow=false
team.allowed allow/allow not-enforced approved monitor shadow=false
ghost allow/deny not-enforced shadow monitor shadow=true"

# ---- 6. enforce, shadow approved with the hash from the deny message ----
hash=$(sed -n 's/.*runlayer policy allow \([0-9a-f]\{64\}\).*/\1/p' "$work/enforce.toolu_mock_0" | head -n 1)
if rl policy generate --baseline --mode enforce >"$work/rules.out" 2>&1 &&
   rl policy allow "${hash:-none}" >>"$work/rules.out" 2>&1; then
	pass "approve: policy allow <hash from the deny message>"
else
	fail "approve: policy allow '$hash'"; sed 's/^/#   /' "$work/rules.out"
fi
run_claude approve --allowedTools "$T_SHADOW" "$T_ALLOWED" "$T_GHOST"
is "approve: shadow now runs, ghost still does not" "$(ran approve)" "shadow team.allowed"
is "approve: permission_denials lists ghost only" "$(q denials "$work/approve.out" 2>&1)" "$T_GHOST"
is "approve: shadow allowed by the admin approval" \
	"$(q decisions "$work/approve.events" "$sid" 2>&1 | head -n 1)" \
	"shadow allow/allow enforced approved enforce shadow=false"

# ---- nothing printed or recorded leaks the secret ----
leaks=$(cd "$work" && grep -lF -- "$SECRET" ./*.out ./*.err ./*.req ./*.events ./*.show \
	./*.sessions ./*.toolu_mock_* 2>/dev/null; grep -rlF -- "$SECRET" "$H/.runlayer" 2>/dev/null)
is "no output, request, record or queued event holds the secret" "$leaks" ""

tap_done " ($(($(date +%s) - start))s)"
