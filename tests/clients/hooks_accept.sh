#!/bin/sh
# Acceptance of `runlayer setup hooks` by the real clients (clients.md §5.9,
# §6.1): after our install, Claude Code still loads the settings file (the
# enableAllProjectMcpServers sentinel), Codex lists our hooks as trusted and
# keeps the user's trusted hooks trusted (app-server hooks/list), Gemini CLI
# reports no invalid configuration. Each oracle is first shown to fail on a
# deliberately broken file, so a pass means something.
#
# Environment: RUNLAYER (required, absolute path of the binary);
# CLIENTS_NPM_DIR (default build/clients-npm, shared with run.sh); KEEP=1
# keeps the scratch dir. Exit: 0 pass, 1 failure, 77 skipped (no clients).
# shellcheck disable=SC2119 # lib.sh functions with optional arguments
set -u
: "${RUNLAYER:?RUNLAYER must point at the runlayer binary}"
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

need_runlayer
need python3
need_clients all

# Outside any git work tree and below no .mcp.json (Claude reads ancestors).
scratch hooks-accept

# A fixture home with @HOME@ substituted, and a project dir inside it.
mkhome() {
	rm -rf "${work:?}/$2"
	cp -R "$top/fixtures/hooks/$1" "$work/$2"
	find "$work/$2" -type f -exec sed -i "s|@HOME@|$work/$2|g" {} +
	mkdir -p "$work/$2/work/app"
}

# Claude: add the sentinel to the settings under test; a project .mcp.json
# with one /bin/true server. "Failed to connect" = the file was loaded.
claude_sentinel() {	# home → prints the probe's status line
	(cd "$1/work/app" && env -u ANTHROPIC_API_KEY -u CLAUDE_CONFIG_DIR HOME="$1" \
		CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1 DISABLE_TELEMETRY=1 \
		DISABLE_AUTOUPDATER=1 DISABLE_ERROR_REPORTING=1 \
		timeout 120 "$bin/claude" mcp list 2>&1) | grep '^probe:'
}
claude_prepare() {
	python3 - "$1/.claude/settings.json" <<'EOF'
import json, sys
p = sys.argv[1]
d = json.load(open(p))
d["enableAllProjectMcpServers"] = True
json.dump(d, open(p, "w"), indent=2)
open(p, "a").write("\n")
EOF
	printf '{"mcpServers":{"probe":{"command":"/bin/true"}}}\n' >"$1/work/app/.mcp.json"
}

# Codex: hooks/list over app-server stdio; prints "command<TAB>event<TAB>
# trustStatus" lines, then "warnings=N errors=M".
cat >"$work/hooks_list.py" <<'EOF'
import json, subprocess, sys
codex, cwd = sys.argv[1], sys.argv[2]
p = subprocess.Popen([codex, "app-server", "--listen", "stdio://"], stdin=subprocess.PIPE,
                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
def send(o):
    p.stdin.write(json.dumps(o) + "\n"); p.stdin.flush()
def recv(i):
    for line in p.stdout:
        m = json.loads(line)
        if m.get("id") == i:
            return m
send({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
    "clientInfo": {"name": "hooks-accept", "version": "1"}, "capabilities": {"experimentalApi": True}}})
recv(1)
send({"jsonrpc": "2.0", "method": "initialized"})
send({"jsonrpc": "2.0", "id": 2, "method": "hooks/list", "params": {"cwds": [cwd]}})
r = recv(2)
p.terminate()
warn = err = 0
for d in r["result"]["data"]:
    for h in d["hooks"]:
        print("%s\t%s\t%s" % (h["command"], h["eventName"], h["trustStatus"]))
    warn += len(d.get("warnings", []))
    err += len(d.get("errors", []))
print("warnings=%d errors=%d" % (warn, err))
EOF
codex_hooks() {	# home
	(cd "$1/work/app" && env -u CODEX_HOME -u OPENAI_API_KEY HOME="$1" timeout 120 \
		python3 "$work/hooks_list.py" "$bin/codex" "$1/work/app")
}

gemini_list() {	# home → stderr+stdout of gemini mcp list
	(cd "$1/work/app" && env -u GEMINI_API_KEY -u GOOGLE_API_KEY -u GEMINI_CLI_HOME \
		-u GEMINI_CLI_SYSTEM_SETTINGS_PATH -u GEMINI_CLI_TRUST_WORKSPACE HOME="$1" \
		GEMINI_CLI_NO_RELAUNCH=true timeout 120 "$bin/gemini" mcp list 2>&1)
}

install() {	# home, extra args
	h=$1; shift
	env HOME="$h" "$RUNLAYER" setup hooks --install --yes --home "$h" "$@" >"$work/install.out" 2>&1
}

# ---- Claude Code ----
mkhome basic claude
claude_prepare "$work/claude"
line=$(claude_sentinel "$work/claude")
case $line in
*"Failed to connect"*) pass "claude: sentinel loads before install ($line)" ;;
*) fail "claude: sentinel before install: '$line'" ;;
esac
# The oracle sees a dropped file: one bad handler discards the whole file.
mkhome basic claude-bad
claude_prepare "$work/claude-bad"
python3 - "$work/claude-bad/.claude/settings.json" <<'EOF'
import json, sys
p = sys.argv[1]; d = json.load(open(p))
d["hooks"]["PostToolUse"] = [{"matcher": "", "hooks": [{"type": "bogus"}]}]
json.dump(d, open(p, "w"), indent=2)
EOF
line=$(claude_sentinel "$work/claude-bad")
case $line in
*"Pending approval"*) pass "claude: a bad handler drops the file (oracle works)" ;;
*) fail "claude: control with a bad handler: '$line'" ;;
esac
for mode in "" --all-events --no-enforcement; do
	if install "$work/claude" --client claude_code $mode; then
		pass "claude: install $mode"
	else
		fail "claude: install $mode"; sed 's/^/#   /' "$work/install.out"
	fi
	line=$(claude_sentinel "$work/claude")
	case $line in
	*"Failed to connect"*) pass "claude: settings still load after install $mode" ;;
	*) fail "claude: settings dropped after install $mode: '$line'" ;;
	esac
done

# ---- Codex ----
for fx in basic odd stale; do
	mkhome $fx codex-$fx
	codex_hooks "$work/codex-$fx" >"$work/codex-$fx.before"
	if install "$work/codex-$fx" --client codex; then
		pass "codex $fx: install"
	else
		fail "codex $fx: install"; sed 's/^/#   /' "$work/install.out"
	fi
	codex_hooks "$work/codex-$fx" >"$work/codex-$fx.after"
	ours=$(grep -c ' hook --client codex' "$work/codex-$fx.after")
	trusted=$(grep ' hook --client codex' "$work/codex-$fx.after" | grep -c '	trusted$')
	if [ "$ours" -eq 3 ] && [ "$trusted" -eq 3 ]; then
		pass "codex $fx: our 3 hooks are listed and trusted"
	else
		fail "codex $fx: ours=$ours trusted=$trusted"; sed 's/^/#   /' "$work/codex-$fx.after"
	fi
	# The user's hooks keep their trust status, even when our edit moved them.
	grep -v ' hook --client codex' "$work/codex-$fx.before" | grep -v '^warnings' | sort >"$work/u.before"
	grep -v ' hook --client codex' "$work/codex-$fx.after" | grep -v '^warnings' | sort >"$work/u.after"
	if [ -s "$work/u.before" ] && cmp -s "$work/u.before" "$work/u.after"; then
		pass "codex $fx: the user's hooks keep their trust ($(grep -c trusted "$work/u.after") trusted)"
	else
		fail "codex $fx: user hooks changed"; diff "$work/u.before" "$work/u.after" | sed 's/^/#   /'
	fi
	if grep -q '^warnings=0 errors=0$' "$work/codex-$fx.after"; then
		pass "codex $fx: no warnings or errors"
	else
		fail "codex $fx: $(tail -n 1 "$work/codex-$fx.after")"
	fi
done
# All events: six hooks, SessionStart's matcher and matcher-less events
# hashed as Codex does.
mkhome basic codex-all
install "$work/codex-all" --client codex --all-events
codex_hooks "$work/codex-all" >"$work/codex-all.after"
if [ "$(grep ' hook --client codex' "$work/codex-all.after" | grep -c '	trusted$')" -eq 6 ]; then
	pass "codex: --all-events installs 6 trusted hooks"
else
	fail "codex: --all-events"; sed 's/^/#   /' "$work/codex-all.after"
fi
# Without consent the hooks are installed but Codex does not trust them.
mkhome basic codex-noyes
env HOME="$work/codex-noyes" "$RUNLAYER" setup hooks --install --home "$work/codex-noyes" \
	--client codex </dev/null >/dev/null 2>&1
codex_hooks "$work/codex-noyes" >"$work/codex-noyes.after"
if [ "$(grep ' hook --client codex' "$work/codex-noyes.after" | grep -c '	untrusted$')" -eq 3 ]; then
	pass "codex: without --yes our hooks are listed untrusted (as check reports)"
else
	fail "codex: without --yes"; sed 's/^/#   /' "$work/codex-noyes.after"
fi

# ---- Gemini CLI ----
mkhome basic gemini-bad
python3 - "$work/gemini-bad/.gemini/settings.json" <<'EOF'
import sys
p = sys.argv[1]; t = open(p).read()
open(p, "w").write(t.replace('"ui": {', '"hooksConfig": 5, "ui": {', 1))
EOF
if gemini_list "$work/gemini-bad" | grep -q 'Invalid configuration'; then
	pass "gemini: a structural error is reported (oracle works)"
else
	fail "gemini: control with hooksConfig=5 not reported"
fi
for mode in "" --all-events --no-enforcement; do
	mkhome basic gemini
	if install "$work/gemini" --client gemini-cli $mode; then
		pass "gemini: install $mode"
	else
		fail "gemini: install $mode"; sed 's/^/#   /' "$work/install.out"
	fi
	out=$(gemini_list "$work/gemini")
	if printf '%s\n' "$out" | grep -qi 'invalid configuration\|discarding invalid'; then
		fail "gemini: invalid configuration after install $mode"
		printf '%s\n' "$out" | sed 's/^/#   /'
	else
		pass "gemini: no invalid configuration after install $mode"
	fi
done

# ---- managed (system) locations, for real: /etc under a private mount ----
if [ "$(id -u)" -eq 0 ] && unshare -m true 2>/dev/null; then
	mkhome basic mdm
	mkdir -p "$work/etc"
	cat >"$work/mdm.sh" <<EOF
mount -t tmpfs tmpfs "$work/etc" && cp -a /etc/. "$work/etc/" && mount --bind "$work/etc" /etc || exit 99
cd "$work/mdm/work/app"
mkdir -p /etc/claude-code
printf '{\\n  "enableAllProjectMcpServers": true\\n}\\n' >/etc/claude-code/managed-settings.json
printf '{"mcpServers":{"probe":{"command":"/bin/true"}}}\\n' >.mcp.json
claude() { env -u ANTHROPIC_API_KEY -u CLAUDE_CONFIG_DIR HOME="$work/mdm" \\
	CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1 DISABLE_TELEMETRY=1 DISABLE_AUTOUPDATER=1 \\
	DISABLE_ERROR_REPORTING=1 timeout 120 "$bin/claude" mcp list 2>&1 | grep '^probe:'; }
echo "claude-before: \$(claude)"
HOME="$work/mdm" "$RUNLAYER" setup hooks --install --mdm >"$work/mdm.install" 2>&1
echo "install-rc: \$?"
echo "claude-after: \$(claude)"
env -u CODEX_HOME -u OPENAI_API_KEY HOME="$work/mdm" timeout 120 \\
	python3 "$work/hooks_list.py" "$bin/codex" "$work/mdm/work/app" | sed 's/^/codex: /'
env -u GEMINI_API_KEY -u GEMINI_CLI_SYSTEM_SETTINGS_PATH HOME="$work/mdm" GEMINI_CLI_NO_RELAUNCH=true \\
	timeout 120 "$bin/gemini" mcp list 2>&1 | sed 's/^/gemini: /'
HOME="$work/mdm" "$RUNLAYER" setup hooks --uninstall --mdm >/dev/null 2>&1
echo "left: \$(ls /etc/codex/hooks.json /etc/cursor/hooks.json /etc/gemini-cli/settings.json /etc/windsurf/hooks.json 2>/dev/null | wc -l)"
echo "claude-managed: \$(tr -d ' \\n' </etc/claude-code/managed-settings.json)"
EOF
	unshare -m sh "$work/mdm.sh" >"$work/mdm.out" 2>&1
	if grep -q '^claude-before: .*Failed to connect' "$work/mdm.out" &&
	   grep -q '^install-rc: 0$' "$work/mdm.out" &&
	   grep -q '^claude-after: .*Failed to connect' "$work/mdm.out"; then
		pass "managed /etc: Claude Code still loads managed-settings.json with our hooks"
	else
		fail "managed /etc: Claude"; sed 's/^/#   /' "$work/mdm.out" "$work/mdm.install"
	fi
	if [ "$(grep '^codex: .* hook --client codex' "$work/mdm.out" | grep -c '	managed$')" -eq 3 ] &&
	   grep -q '^codex: warnings=0 errors=0' "$work/mdm.out"; then
		pass "managed /etc: Codex lists our 3 hooks from /etc/codex/hooks.json as managed"
	else
		fail "managed /etc: Codex"; grep '^codex' "$work/mdm.out" | sed 's/^/#   /'
	fi
	if grep '^gemini:' "$work/mdm.out" | grep -qi 'invalid'; then
		fail "managed /etc: Gemini reports invalid configuration"
	else
		pass "managed /etc: Gemini CLI accepts /etc/gemini-cli/settings.json"
	fi
	if grep -q '^left: 0$' "$work/mdm.out" &&
	   grep -q '^claude-managed: {"enableAllProjectMcpServers":true}$' "$work/mdm.out"; then
		pass "managed /etc: uninstall removes our files and entries"
	else
		fail "managed /etc: uninstall"; sed 's/^/#   /' "$work/mdm.out"
	fi
else
	echo "# skipping managed /etc checks: need root and unshare -m"
fi

tap_done
