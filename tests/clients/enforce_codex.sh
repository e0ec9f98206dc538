#!/bin/sh
# Enforcement by the real Codex CLI (clients.md §5.2, §6.2): `codex exec`
# runs offline against a mock Responses API on 127.0.0.1 that asks for the
# echo tool of two stub MCP servers, first `shadow`, then `allowed`.
# `allowed` is approved by the baseline (`policy generate --baseline` after a
# scan); `shadow` is added to config.toml afterwards. Without hooks both tools
# run (the control); with `setup hooks --install --yes` in enforce mode only
# `allowed` runs and the model gets our deny message as the tool result; in
# monitor mode (`--no-enforcement`, then the rules' mode) both run and both
# calls are recorded; back in enforce mode by the rules, shadow is blocked
# again.
#
# Environment: RUNLAYER (required, absolute path of the binary; the lean
# runlayer-hook beside it is what setup installs); CLIENTS_NPM_DIR (default
# build/clients-npm, shared with run.sh); KEEP=1 keeps the scratch dir;
# VERBOSE=1 dumps the logs of every run. Exit: 0 pass, 1 failure, 77 skipped.
set -u
: "${RUNLAYER:?RUNLAYER must point at the runlayer binary}"
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
here=$top/tests/clients/enforce
# A fake key on the shadow server's command line: it must never be printed
# or recorded unredacted.
SECRET=sk-proj-Zq7uN3bV9xK2mP5wR8tY1cF4hJ6gL0dS

start=$(date +%s)

need_runlayer -x
[ -x "$(dirname "$RUNLAYER")/runlayer-hook" ] ||
	{ echo "$me: no runlayer-hook beside $RUNLAYER" >&2; exit 1; }
need python3 timeout
need_clients all

# Outside any git work tree: Codex keys projects by the git root.
scratch enforce-codex
H=$work/home
proj=$H/proj
mkdir -p "$H/.codex" "$proj"
if leak=$(leaky_ancestor "$work" .git .codex); then
	echo "$me: $leak would leak into Codex's view" >&2
	exit 1
fi

# The hermetic environment of clients.md §6.1, for Codex and for us.
hermetic_unset="$hermetic_unset CODEX_HOME OPENAI_API_KEY OPENAI_BASE_URL RUNLAYER_API_KEY
	RUNLAYER_MODE RUNLAYER_HOOK_DEADLINE_MS"
rl() { (cd "$proj" && hermetic "$H" "$RUNLAYER" "$@"); }

start_mock codex "$work/port" "$work/mock.log" shadow allowed >"$work/mock.err" 2>&1 ||
	{ cat "$work/mock.err" >&2; echo "Bail out! the mock model did not start"; exit 1; }
port=$(cat "$work/port")

server() {	# name [extra args]
	name=$1; shift
	printf '\n[mcp_servers.%s]\ncommand = "python3"\nargs = ["%s", "%s", "%s"' \
		"$name" "$here/stub_mcp.py" "$name" "$work/tools.log"
	for a in "$@"; do printf ', "%s"' "$a"; done
	printf ']\ndefault_tools_approval_mode = "approve"\n'
}
cat >"$H/.codex/config.toml" <<EOF
model = "mock-model"
model_provider = "mock"
approval_policy = "never"
sandbox_mode = "read-only"

[model_providers.mock]
name = "mock"
base_url = "http://127.0.0.1:$port/v1"
wire_api = "responses"
env_key = "MOCK_KEY"

[projects."$proj"]
trust_level = "trusted"
EOF
server allowed >>"$H/.codex/config.toml"

# What the mock received: "call_id<TAB>output text" for each tool result in
# the last request (the client resends the whole conversation each time).
cat >"$work/outputs.py" <<'EOF'
import json, sys
last = None
for line in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(line)
    if r["method"] == "POST" and r["path"].startswith("/v1/responses"):
        last = r["body"]
if not isinstance(last, dict):
    print("no-request\t%r" % (last,))
    sys.exit(0)
for item in last.get("input") or []:
    if item.get("type") != "function_call_output":
        continue
    out = item.get("output")
    if isinstance(out, list):
        out = " ".join(p.get("text", "") for p in out if isinstance(p, dict))
    print("%s\t%s" % (item.get("call_id"), str(out).replace("\n", " ")))
EOF

# One session's timeline: "server decision verdict enforced mode rule" per
# security decision, "output TOOL" per tool output, "prompt TEXT" and
# "response TEXT", then the session's counts.
cat >"$work/decisions.py" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
for ev in d["timeline"]:
    x = ev.get("details") or {}
    if ev["type"] == "security_decision":
        print(x.get("server"), x.get("decision"), x.get("verdict"),
              str(x.get("enforced")).lower(), x.get("mode"), x.get("rule"))
    elif ev["type"] == "hook.tool_output":
        print("output", x.get("tool"))
    elif ev["type"] in ("hook.prompt", "hook.response"):
        print(ev["type"][5:], x.get("text"))
s = d["session"]
print("counts tool_calls=%s denied=%s" % (s.get("tool_calls"), s.get("denied")))
EOF

# run NAME: one `codex exec` in the project; leaves $work/NAME.{out,err,tools,
# outputs,session} and sets $rc and $sid.
run() {
	: >"$work/tools.log"
	: >"$work/mock.log"
	(cd "$proj" && hermetic "$H" MOCK_KEY=dummy timeout -k 5 120 "$bin/codex" exec \
		--skip-git-repo-check "call the echo tool of every MCP server" \
		</dev/null >"$work/$1.out" 2>"$work/$1.err")
	rc=$?
	cp "$work/tools.log" "$work/$1.tools"
	cp "$work/mock.log" "$work/$1.mock"
	# Codex 0.169.0 does not compress with an API key; if a later one sends
	# zstd, the mock needs the zstd program.
	if grep -q '"body": "undecodable' "$work/mock.log" && ! command -v zstd >/dev/null 2>&1; then
		skip "codex sends zstd request bodies and the zstd program is missing"
	fi
	python3 "$work/outputs.py" "$work/mock.log" >"$work/$1.outputs" 2>&1
	sid=$(sed -n 's/^session id: //p' "$work/$1.err" | head -n 1)
	: >"$work/$1.session"
	if [ -n "$sid" ] && rl sessions show "$sid" --json >"$work/$1.json" 2>/dev/null; then
		python3 "$work/decisions.py" "$work/$1.json" >"$work/$1.session" 2>&1
	fi
	if [ -n "${VERBOSE:-}" ]; then
		for f in err tools outputs session; do
			echo "# --- $1.$f"
			sed 's/^/#   /' "$work/$1.$f"
		done
	fi
}
ran() { grep -qx "$1 echo from-codex" "$work/$2.tools"; }
got() { grep "^call_$1	" "$work/$2.outputs" | cut -f 2-; }
has_line() { grep -qx "$1" "$work/$2.session"; }
show() {	# run name: details after a failure
	sed 's/^/#   /' "$work/$1.tools" "$work/$1.outputs" "$work/$1.session"
	grep -v '^WARNING: proceeding' "$work/$1.err" | tail -n 15 | sed 's/^/#   /'
}

# ---- rules: the baseline approves what is configured, then shadow appears ----
rl scan --offline --no-projects >"$work/scan.out" 2>&1
check "scan records the configured server" grep -q 'Found 1 server' "$work/scan.out"
rl policy generate --baseline >"$work/generate.out" 2>&1
check "policy generate --baseline approves it" grep -q 'Baseline: 1 server' "$work/generate.out"
server shadow --api-key "$SECRET" >>"$H/.codex/config.toml"
rl policy test --client codex --server allowed --json >"$work/t-allowed.json" 2>&1
check "policy test: allowed is allowed by its approval" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["decision"] == "allow" and d["rule"] == "approved", d' "$work/t-allowed.json"
rl policy test --client codex --server shadow --json >"$work/t-shadow.json" 2>&1
trc=$?
hash=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["server"]["config_hash"])' \
	"$work/t-shadow.json" 2>/dev/null)
if [ $trc -eq 1 ] && [ ${#hash} -eq 64 ] && grep -q '"decision": *"deny"' "$work/t-shadow.json"; then
	pass "policy test: shadow is denied (config_hash ${hash%"${hash#????????????}"}…)"
else
	fail "policy test: shadow rc=$trc"; sed 's/^/#   /' "$work/t-shadow.json"
fi

# ---- control: no hooks, both tools run ----
run control
if [ $rc -eq 0 ] && ran shadow control && ran allowed control; then
	pass "control without hooks: codex runs both tools (shadow included)"
else
	fail "control without hooks: rc=$rc"; show control
fi
case $(got shadow control) in
*"shadow says: from-codex"*) pass "control: the model gets shadow's real result" ;;
*) fail "control: shadow's result"; show control ;;
esac
check "control: no hook ran, nothing recorded" [ ! -s "$work/control.session" ]

# ---- enforce: install our hooks ----
rl setup hooks --install --client codex --yes --home "$H" >"$work/install.out" 2>&1
irc=$?
hookbin=$(dirname "$RUNLAYER")/runlayer-hook
if [ $irc -eq 0 ] && grep -q "\"$hookbin hook --client codex\"" "$H/.codex/hooks.json" &&
   ! grep -q 'no-enforcement' "$H/.codex/hooks.json"; then
	pass "setup hooks --install: runlayer-hook in ~/.codex/hooks.json"
else
	fail "setup hooks --install rc=$irc"; sed 's/^/#   /' "$work/install.out"
fi
rl setup hooks --check --client codex --home "$H" >"$work/check.out" 2>&1
check "setup hooks --check: installed and trusted" [ $? -eq 0 ]

run enforce
if [ $rc -eq 0 ] && ! ran shadow enforce && ran allowed enforce; then
	pass "enforce: shadow's tool never runs, allowed's does"
else
	fail "enforce: rc=$rc"; show enforce
fi
out=$(got shadow enforce)
case $out in
"Tool call blocked by PreToolUse hook: "*"server 'shadow'"*"runlayer policy allow $hash"*"Tool: mcp__shadow__echo")
	pass "enforce: the model gets our deny message as shadow's result" ;;
*) fail "enforce: shadow's result: '$out'"; show enforce ;;
esac
case $(got allowed enforce) in
*"allowed says: from-codex"*) pass "enforce: the model gets allowed's real result" ;;
*) fail "enforce: allowed's result"; show enforce ;;
esac
check "enforce: codex finished the turn" grep -qx 'all done' "$work/enforce.out"
if has_line "shadow deny deny true enforce unmanaged" enforce &&
   has_line "allowed allow allow true enforce approved" enforce &&
   has_line "output mcp__allowed__echo" enforce && ! has_line "output mcp__shadow__echo" enforce &&
   has_line "counts tool_calls=2 denied=1" enforce; then
	pass "enforce: the session records deny for shadow, allow for allowed, one output"
else
	fail "enforce: recorded session"; show enforce
fi

# ---- monitor: --no-enforcement at install ----
rl setup hooks --install --client codex --yes --no-enforcement --home "$H" >"$work/install2.out" 2>&1
irc=$?
# Monitor implies all events (contract §1): 6 hooks, every one in monitor mode.
if [ $irc -eq 0 ] && [ "$(grep -c '"command":' "$H/.codex/hooks.json")" -eq 6 ] &&
   [ "$(grep -c "\"$hookbin hook --client codex --no-enforcement\"" "$H/.codex/hooks.json")" -eq 6 ] &&
   rl setup hooks --check --client codex --home "$H" >"$work/check2.out" 2>&1; then
	pass "setup hooks --install --no-enforcement: 6 trusted hooks, all in monitor mode"
else
	fail "install --no-enforcement rc=$irc"; sed 's/^/#   /' "$work/install2.out" "$H/.codex/hooks.json"
fi
run monitor
if [ $rc -eq 0 ] && ran shadow monitor && ran allowed monitor; then
	pass "monitor (--no-enforcement): both tools run"
else
	fail "monitor (--no-enforcement): rc=$rc"; show monitor
fi
case $(got shadow monitor) in
*"shadow says: from-codex"*) pass "monitor: the model gets shadow's real result" ;;
*) fail "monitor: shadow's result"; show monitor ;;
esac
if has_line "shadow allow deny false monitor unmanaged" monitor &&
   has_line "allowed allow allow false monitor approved" monitor &&
   has_line "output mcp__shadow__echo" monitor && has_line "output mcp__allowed__echo" monitor &&
   has_line "counts tool_calls=2 denied=0" monitor; then
	pass "monitor: both calls recorded, shadow's verdict deny not enforced"
else
	fail "monitor: recorded session"; show monitor
fi
if has_line "prompt call the echo tool of every MCP server" monitor &&
   has_line "response all done" monitor; then
	pass "monitor (all events): the prompt and the final answer are recorded"
else
	fail "monitor (all events): prompt or answer not recorded"; show monitor
fi

# ---- the rules' mode: enforcing hooks, rules in monitor, then enforce ----
rl setup hooks --install --client codex --yes --home "$H" >"$work/install3.out" 2>&1
rl policy generate --mode monitor >"$work/gen-monitor.out" 2>&1 &&
	rl policy allow allowed >"$work/allow.out" 2>&1
check "policy generate --mode monitor, then policy allow allowed" [ $? -eq 0 ]
run rules-monitor
if [ $rc -eq 0 ] && ran shadow rules-monitor && ran allowed rules-monitor &&
   has_line "shadow allow deny false monitor unmanaged" rules-monitor &&
   has_line "allowed allow allow false monitor approved" rules-monitor; then
	pass "rules in monitor mode: both tools run, shadow's verdict recorded"
else
	fail "rules in monitor mode: rc=$rc"; show rules-monitor
fi
rl policy generate --mode enforce >"$work/gen-enforce.out" 2>&1
run rules-enforce
if [ $rc -eq 0 ] && ! ran shadow rules-enforce && ran allowed rules-enforce &&
   has_line "shadow deny deny true enforce unmanaged" rules-enforce &&
   has_line "allowed allow allow true enforce approved" rules-enforce; then
	pass "rules back in enforce mode: shadow blocked, allowed (admin approval) runs"
else
	fail "rules in enforce mode: rc=$rc"; show rules-enforce
fi

# ---- uninstall: back to the control ----
rl setup hooks --uninstall --client codex --home "$H" >"$work/uninstall.out" 2>&1
run uninstalled
if [ $rc -eq 0 ] && ran shadow uninstalled && [ ! -s "$work/uninstalled.session" ]; then
	pass "after uninstall: shadow runs again, nothing recorded"
else
	fail "after uninstall: rc=$rc"; show uninstalled
fi

# Codex lets a call through when a hook fails (crash, timeout, bad reply):
# every hook run must have completed or blocked.
failed=$(grep -h '^hook: .* Failed' "$work"/*.err | sort | uniq -c | tr -s ' \n' ' ')
if [ -z "$failed" ] && [ "$(grep -c '^hook: PreToolUse Blocked$' "$work/enforce.err")" -eq 1 ]; then
	pass "no hook run failed in any codex run (Codex would fail open)"
else
	fail "hook runs failed: ${failed:-none}; enforce blocked $(grep -c '^hook: PreToolUse Blocked$' "$work/enforce.err")"
fi

# ---- nothing we print or record holds the secret ----
# The hook's records (which do hold the args, redacted), what the model was
# told, sessions, the queue and the store; then `policy test --json`.
rl inventory events --json >"$work/events.json" 2>&1
leaks=$(grep -l -r -F --exclude-dir=home --exclude=t-shadow.json "$SECRET" "$work" \
	"$H/.runlayer" 2>/dev/null | sed "s|$work/||" | tr '\n' ' ')
if [ -z "$leaks" ] && python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
a = [e["details"]["source"]["args"] for e in d["events"]
     if e["type"] == "security_decision" and e["server_name"] == "shadow"]
assert a and all(x[-2] == "--api-key" and x[-1].startswith("<redacted") for x in a), a
' "$work/events.json" >"$work/redacted.out" 2>&1; then
	pass "the hook records and our output hold the shadow server's key redacted only"
else
	fail "the key leaks in: $leaks, or no redacted args recorded"
	sed 's/^/#   /' "$work/redacted.out"
fi
if grep -q -F "$SECRET" "$work/t-shadow.json"; then
	fail "policy test --json prints the server's args unredacted (cli/cmd_policy.c)"
	grep -F -A 1 -e --api-key "$work/t-shadow.json" | sed "s/$SECRET/<the key>/; s/^/#   /"
else
	pass "policy test --json redacts the server's args"
fi

tap_done " ($(($(date +%s) - start)) s)"
