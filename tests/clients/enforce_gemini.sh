#!/bin/sh
# Enforcement by the real Gemini CLI (clients.md §5.3, §6.2): gemini -p runs
# offline against a mock model (enforce/mock_gemini.py) that asks, one turn
# each, for the echo tool of two stub MCP servers (enforce/stub_mcp.py):
# "allowed", approved by the baseline (`runlayer scan`, then `policy
# generate --baseline`), and "shadow", added to the settings afterwards and
# never approved. Cases, each in a fresh home:
#   control   no hooks: both tools run (so the other cases can fail)
#   enforce   `setup hooks --install`: allowed runs, shadow is denied; the
#             model gets our agent message as the tool error, the user our
#             systemMessage, and both decisions are recorded
#   approve   `policy allow HASH` with the hash the denial named: both run
#   monitor   `--no-enforcement` at install: both run, the shadow call is
#             recorded as allowed with verdict deny
#   rules     mode monitor in rules.json, default install: the same
#
# Environment: RUNLAYER (required, absolute path of the binary; setup hooks
# installs the lean runlayer-hook beside it when it is there);
# CLIENTS_NPM_DIR (default build/clients-npm, shared with run.sh); KEEP=1
# keeps the scratch dir; VERBOSE=1 dumps each run's logs.
# Exit: 0 pass, 1 failure, 77 skipped (no client, no python3).
set -u
: "${RUNLAYER:?RUNLAYER must point at the runlayer binary}"
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
here=$top/tests/clients/enforce

start=$(date +%s)
need_runlayer -x
need python3 timeout
# The same install as run.sh and hooks_accept.sh, so the shared npm dir
# keeps all three clients.
need_clients gemini

# Outside any git work tree; the mock is killed whatever happens.
scratch enforce-gemini

# A token the redaction knows (GitHub shape) in the shadow server's args
# and env: nothing we print, record or queue may contain it.
secret=ghp_R7x2Kq9Lm4Np6Vb8Zc1Wd3Fg5Hj7Kl9Mn0Pq

# Everything our binaries and the client could pick up from the caller.
# The hook inherits the client's environment.
hermetic_unset="$hermetic_unset RUNLAYER_API_KEY RUNLAYER_HOOK_DEADLINE_MS
	RUNLAYER_DEVICE_ID RUNLAYER_USERNAME GEMINI_API_KEY GOOGLE_API_KEY GEMINI_CLI_HOME
	GEMINI_CLI_SYSTEM_SETTINGS_PATH GEMINI_CLI_SYSTEM_DEFAULTS_PATH
	GEMINI_CLI_TRUST_WORKSPACE GEMINI_CLI_TRUSTED_FOLDERS_PATH GEMINI_RESTRICTED_MODE
	GOOGLE_GENAI_USE_VERTEXAI GOOGLE_CLOUD_PROJECT GOOGLE_APPLICATION_CREDENTIALS"
rl() {	# home, runlayer args...
	_rlhome=$1; shift
	hermetic "$_rlhome" "$RUNLAYER" "$@"
}

# settings.json with the given servers; tool calls log to <home>/tools.log.
settings() {	# case, server...
	python3 - "$work/$1" "$here/stub_mcp.py" "$work/$1/tools.log" "$secret" "$@" <<'EOF'
import json, sys
home, stub, log, secret, _case = sys.argv[1:6]
servers = {}
for name in sys.argv[6:]:
    s = {"command": "python3", "args": [stub, name, log]}
    if name == "shadow":
        s["args"].append("--api-key=" + secret)
        s["env"] = {"SHADOW_TOKEN": secret}
    servers[name] = s
d = {"security": {"auth": {"selectedType": "gemini-api-key"}},
     "privacy": {"usageStatisticsEnabled": False},
     "general": {"enableAutoUpdate": False, "enableAutoUpdateNotification": False},
     "mcpServers": servers}
with open(home + "/.gemini/settings.json", "w") as f:
    json.dump(d, f, indent=2)
    f.write("\n")
EOF
}

# A home whose baseline approves "allowed" (rules mode $2); "shadow" is
# configured after the baseline, as a server someone adds later would be.
mkhome() {	# case, mode
	h=$work/$1
	mkdir -p "$h/.gemini" "$h/proj"
	printf '{"%s": "TRUST_FOLDER"}\n' "$h/proj" >"$h/.gemini/trustedFolders.json"
	settings "$1" allowed
	rl "$h" scan --offline --home "$h" >"$work/$1.scan" 2>&1 &&
	rl "$h" policy generate --baseline --mode "$2" >>"$work/$1.scan" 2>&1 &&
	settings "$1" allowed shadow
}

# One gemini -p run against a fresh mock; leaves $work/<label>.{rc,out,err,
# mock,tools} (the tool calls the stubs logged).
times=
run_gemini() {	# case, label
	h=$work/$1
	rm -f "$h/tools.log"
	: >"$work/$2.mock"
	if ! start_mock gemini "$work/$2.port" "$work/$2.mock" \
		mcp_allowed_echo mcp_shadow_echo 2>"$work/$2.mock.err"; then
		stop_mock
		echo 999 >"$work/$2.rc"
		: >"$work/$2.out"; : >"$work/$2.err"; : >"$work/$2.mock"
		return
	fi
	port=$(cat "$work/$2.port")
	t0=$(date +%s)
	(cd "$h/proj" && hermetic "$h" GEMINI_CLI_NO_RELAUNCH=true GEMINI_API_KEY=dummy \
		GOOGLE_GEMINI_BASE_URL="http://127.0.0.1:$port" \
		timeout -k 5 120 "$bin/gemini" -p "call the echo tools" --yolo -o json \
		>"$work/$2.out" 2>"$work/$2.err" </dev/null)
	echo $? >"$work/$2.rc"
	stop_mock
	if [ -f "$h/tools.log" ]; then mv "$h/tools.log" "$work/$2.tools"; else : >"$work/$2.tools"; fi
	times="$times $2=$(($(date +%s) - t0))s"
	if [ -n "${VERBOSE:-}" ]; then
		echo "# ---- $2: rc $(cat "$work/$2.rc"), tool calls:"
		sed 's/^/#   /' "$work/$2.tools"
		echo "# ---- $2: stderr"
		sed 's/^/#   /' "$work/$2.err"
		echo "# ---- $2: what the model got back, what we recorded"
		facts "$2" "$h" | sed 's/^/#   /'
	fi
}

# Facts about one run, one per line, for grep:
#   rc N | session ID | stats TOOL success=N fail=N
#   result TOOL output|error TEXT (the last functionResponse the mock got;
#   newlines as \n) | event TYPE server=S decision=D verdict=V enforced=E
#   rule=R mode=M hash=H (our records for the run's session)
facts() {	# label [home]
	echo "rc $(cat "$work/$1.rc")"
	python3 - "$work/$1.out" "$work/$1.mock" <<'EOF'
import json, sys
try:
    out = json.load(open(sys.argv[1]))
except ValueError:
    out = {}
print("session %s" % out.get("session_id", "-"))
for name, t in sorted(((out.get("stats") or {}).get("tools") or {}).get("byName", {}).items()):
    print("stats %s success=%s fail=%s" % (name, t.get("success"), t.get("fail")))
results = {}
for line in open(sys.argv[2]):
    body = json.loads(line).get("body")
    if not isinstance(body, dict):
        continue
    for c in body.get("contents") or []:
        for p in c.get("parts") or []:
            fr = p.get("functionResponse") if isinstance(p, dict) else None
            if isinstance(fr, dict):
                for k, v in (fr.get("response") or {}).items():
                    results[fr.get("name")] = "%s %s" % (k, str(v).replace("\n", "\\n"))
for name in sorted(results):
    print("result %s %s" % (name, results[name]))
EOF
	[ $# -gt 1 ] || return 0
	sid=$(python3 -c '
import json, sys
try:
    print(json.load(open(sys.argv[1])).get("session_id", "-"))
except ValueError:
    print("-")
' "$work/$1.out")
	rl "$2" inventory events --json | python3 -c '
import json, sys
sid = sys.argv[1]
for e in json.load(sys.stdin)["events"]:
    d = e.get("details") or {}
    if d.get("session_id") != sid:
        continue
    print("event %s server=%s tool=%s decision=%s verdict=%s enforced=%s rule=%s mode=%s hash=%s" % (
        e["type"], d.get("server"), d.get("tool"), d.get("decision"), d.get("verdict"),
        str(d.get("enforced")).lower(), d.get("rule"), d.get("mode"), e.get("config_hash")))
' "$sid"
}

has() { grep -q -- "$2" "$work/$1.facts"; }	# label, regex (grep -e)
lacks() { ! grep -q -- "$2" "$work/$1.facts"; }

both_ran() {	# label
	grep -qx 'allowed echo mcp_allowed_echo-probe' "$work/$1.tools" &&
	grep -qx 'shadow echo mcp_shadow_echo-probe' "$work/$1.tools"
}
allowed_only() {
	grep -qx 'allowed echo mcp_allowed_echo-probe' "$work/$1.tools" &&
	! grep -q '^shadow ' "$work/$1.tools"
}

# Checks common to every run: it finished, and the model got the allowed
# server's real output.
ran_ok() {	# label
	if has "$1" '^rc 0$' && has "$1" '^session [0-9a-f-]\{36\}$' &&
	   has "$1" '^result mcp_allowed_echo output .*allowed says: mcp_allowed_echo-probe'; then
		pass "$1: gemini finished and the model got the allowed tool's output"
	else
		fail "$1: gemini run"; dump "$work/$1.facts" "$work/$1.mock.err"
		tail -n 20 "$work/$1.err" | dump
	fi
}
no_secret() {	# label, files...: the secret in none of them
	l=$1; shift
	if grep -l -r -F -- "$secret" "$@" >"$work/$l.leaks" 2>/dev/null; then
		fail "$l: the shadow server's secret leaked"; dump "$work/$l.leaks"
	else
		pass "$l: the shadow server's secret is in no record, reply or queued event"
	fi
}
hook_cmd() { python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
for g in d.get("hooks", {}).get(sys.argv[2], []):
    for h in g.get("hooks", []):
        print(g.get("matcher"), h.get("command"))
' "$work/$1/.gemini/settings.json" "$2"; }
hook_bin=$(dirname "$RUNLAYER")/runlayer-hook
[ -x "$hook_bin" ] || hook_bin=$RUNLAYER

# ---- control: the rules would deny, but nothing asks them ----
mkhome control enforce || { fail "control: home setup"; dump "$work/control.scan"; }
run_gemini control control
facts control "$work/control" >"$work/control.facts"
ran_ok control
if both_ran control && has control '^result mcp_shadow_echo output .*shadow says: mcp_shadow_echo-probe'; then
	pass "control: without hooks the shadow tool runs and the model gets its output"
else
	fail "control: the shadow tool did not run without hooks"; dump "$work/control.tools" "$work/control.facts"
fi
check "control: nothing recorded without hooks" lacks control '^event '

# ---- enforce: the default install ----
mkhome enforce enforce || { fail "enforce: home setup"; dump "$work/enforce.scan"; }
if rl "$work/enforce" setup hooks --install --client gemini-cli --yes --home "$work/enforce" \
	>"$work/enforce.install" 2>&1 &&
   [ "$(hook_cmd enforce BeforeTool)" = "mcp_.* $hook_bin hook --client gemini-cli" ]; then
	pass "enforce: setup hooks installs BeforeTool mcp_.* -> $(basename "$hook_bin")"
else
	fail "enforce: install"; dump "$work/enforce.install"; hook_cmd enforce BeforeTool | dump
fi
if rl "$work/enforce" setup hooks --check --client gemini-cli --home "$work/enforce" \
	>"$work/enforce.check" 2>&1; then
	pass "enforce: setup hooks --check is clean"
else
	fail "enforce: setup hooks --check"; dump "$work/enforce.check"
fi
run_gemini enforce enforce
facts enforce "$work/enforce" >"$work/enforce.facts"
ran_ok enforce
if allowed_only enforce; then
	pass "enforce: the allowed tool ran, the shadow tool did not"
else
	fail "enforce: tool calls"; dump "$work/enforce.tools"
fi
# The model sees "Tool execution blocked: " + our agent message (§7.8).
msg=$(sed -n 's/^result mcp_shadow_echo error Tool execution blocked: //p' "$work/enforce.facts")
# shellcheck disable=SC2016 # the backquotes are the message's
hash=$(printf '%s\n' "$msg" | sed -n 's/.*`runlayer policy allow \([0-9a-f]\{64\}\)`.*/\1/p')
case $msg in
"# Security Violation Detected"*"**Tool:** mcp_shadow_echo"*"**MCP Server:** shadow"*"config_hash not approved"*)
	if [ -n "$hash" ]; then
		pass "enforce: the model got our agent message as the tool error (policy allow $(echo "$hash" | cut -c1-12)…)"
	else
		fail "enforce: no 'runlayer policy allow HASH' in the agent message: $msg"
	fi ;;
*) fail "enforce: the model did not get our denial"; grep '^result' "$work/enforce.facts" | dump ;;
esac
check "enforce: the client counts the shadow call as failed, the allowed one as a success" \
	sh -c "grep -qx 'stats mcp_shadow_echo success=0 fail=1' '$work/enforce.facts' &&
	       grep -qx 'stats mcp_allowed_echo success=1 fail=0' '$work/enforce.facts'"
if grep -q "^Hook system message: MCP execution blocked by organization policy: server 'shadow' is not managed by Runlayer" "$work/enforce.err"; then
	pass "enforce: the user sees our systemMessage"
else
	fail "enforce: no systemMessage on stderr"; tail -n 20 "$work/enforce.err" | dump
fi
check "enforce: gemini reports no invalid configuration" \
	sh -c "! grep -qi 'invalid configuration\|discarding invalid' '$work/enforce.err'"
if has enforce '^event security_decision server=allowed tool=mcp_allowed_echo decision=allow verdict=allow enforced=true rule=approved mode=enforce ' &&
   has enforce "^event security_decision server=shadow tool=mcp_shadow_echo decision=deny verdict=deny enforced=true rule=unmanaged mode=enforce hash=${hash:-none}\$" &&
   [ "$(grep -c '^event security_decision ' "$work/enforce.facts")" -eq 2 ]; then
	pass "enforce: both decisions recorded under gemini's session id, the denial with the hash it names"
else
	fail "enforce: records"; grep '^event' "$work/enforce.facts" | dump
fi
sid=$(sed -n 's/^session //p' "$work/enforce.facts")
rl "$work/enforce" sessions show "$sid" --json >"$work/enforce.session" 2>&1
if python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))["session"]
sys.exit(not (s["client"] == "gemini_cli" and s["tool_calls"] == 2 and s["denied"] == 1))
' "$work/enforce.session" 2>/dev/null; then
	pass "enforce: sessions show: 2 tool calls, 1 denied"
else
	fail "enforce: sessions show"; dump "$work/enforce.session"
fi
rl "$work/enforce" inventory events --json >"$work/enforce.events" 2>&1
rl "$work/enforce" sessions show "$sid" >"$work/enforce.session.txt" 2>&1
grep '^result' "$work/enforce.facts" >"$work/enforce.results"
no_secret enforce "$work/enforce.events" "$work/enforce.session" "$work/enforce.session.txt" \
	"$work/enforce.results" "$work/enforce.err" "$work/enforce/.runlayer/queue"

# ---- approve: the remedy the denial names ----
: >"$work/approve.allow"
if [ -n "$hash" ] && rl "$work/enforce" policy allow "$hash" >"$work/approve.allow" 2>&1; then
	pass "approve: runlayer policy allow <hash from the denial>"
else
	fail "approve: policy allow '$hash'"; dump "$work/approve.allow"
fi
run_gemini enforce approve
facts approve "$work/enforce" >"$work/approve.facts"
ran_ok approve
if both_ran approve && has approve '^result mcp_shadow_echo output .*shadow says: mcp_shadow_echo-probe' &&
   has approve "^event security_decision server=shadow tool=mcp_shadow_echo decision=allow verdict=allow enforced=true rule=approved mode=enforce hash=${hash:-none}\$"; then
	pass "approve: the approved shadow server now runs, by rule approved"
else
	fail "approve: shadow still blocked"; dump "$work/approve.tools" "$work/approve.facts"
fi

# ---- monitor: --no-enforcement at install, rules in enforce mode ----
monitor_case() {	# case, what
	c=$1
	run_gemini "$c" "$c"
	facts "$c" "$work/$c" >"$work/$c.facts"
	ran_ok "$c"
	if both_ran "$c" && has "$c" '^result mcp_shadow_echo output .*shadow says: mcp_shadow_echo-probe' &&
	   lacks "$c" 'Tool execution blocked' &&
	   grep -qx 'stats mcp_shadow_echo success=1 fail=0' "$work/$c.facts"; then
		pass "$c: $2: both tools run, the model gets both outputs"
	else
		fail "$c: $2 blocked something"; dump "$work/$c.tools" "$work/$c.facts"
	fi
	if has "$c" '^event security_decision server=allowed tool=mcp_allowed_echo decision=allow verdict=allow enforced=false rule=approved mode=monitor ' &&
	   has "$c" '^event security_decision server=shadow tool=mcp_shadow_echo decision=allow verdict=deny enforced=false rule=unmanaged mode=monitor ' &&
	   has "$c" '^event hook.tool_output server=None tool=mcp_allowed_echo ' &&
	   has "$c" '^event hook.tool_output server=None tool=mcp_shadow_echo '; then
		pass "$c: both calls and outputs recorded; the shadow one allowed with verdict deny"
	else
		fail "$c: records"; grep '^event' "$work/$c.facts" | dump
	fi
	if grep -q 'Hook system message' "$work/$c.err"; then
		fail "$c: a hook message reached the user in monitor mode"; grep 'Hook' "$work/$c.err" | dump
	else
		pass "$c: the user sees no hook message"
	fi
}
mkhome monitor enforce || { fail "monitor: home setup"; dump "$work/monitor.scan"; }
if rl "$work/monitor" setup hooks --install --client gemini-cli --yes --no-enforcement \
	--home "$work/monitor" >"$work/monitor.install" 2>&1 &&
   [ "$(hook_cmd monitor BeforeTool)" = "mcp_.* $hook_bin hook --client gemini-cli --no-enforcement" ]; then
	pass "monitor: setup hooks --no-enforcement installs the monitor hook"
else
	fail "monitor: install"; dump "$work/monitor.install"; hook_cmd monitor BeforeTool | dump
fi
monitor_case monitor "--no-enforcement"
# --no-enforcement implies the session and prompt events (contract §7.10).
rl "$work/monitor" sessions show "$(sed -n 's/^session //p' "$work/monitor.facts")" --json \
	>"$work/monitor.session" 2>&1
if has monitor '^event hook.session_start ' && has monitor '^event hook.prompt ' &&
   has monitor '^event hook.session_end ' && python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))["session"]
sys.exit(not (s["prompts"] == 1 and s["tool_calls"] == 2 and s["denied"] == 0))
' "$work/monitor.session" 2>/dev/null; then
	pass "monitor: the session, its prompt and both calls are recorded, none denied"
else
	fail "monitor: session records"; dump "$work/monitor.session"
fi

# ---- monitor from the rules file, default install ----
mkhome rules monitor || { fail "rules: home setup"; dump "$work/rules.scan"; }
if rl "$work/rules" setup hooks --install --client gemini-cli --yes --home "$work/rules" \
	>"$work/rules.install" 2>&1 &&
   [ "$(hook_cmd rules BeforeTool)" = "mcp_.* $hook_bin hook --client gemini-cli" ]; then
	pass "rules: default install with rules.json in mode monitor"
else
	fail "rules: install"; dump "$work/rules.install"
fi
monitor_case rules "rules.json mode monitor"

tap_done " in $(($(date +%s) - start))s (gemini runs:$times)"
