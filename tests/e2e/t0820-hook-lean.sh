# runlayer-hook, the hook runtime linked without libcurl and libgit2: the
# same replies as `runlayer hook`, and what `setup hooks` installs when it is
# beside the main binary.
. "$TOP/tests/e2e/lib.sh"

HB=$(dirname "$RUNLAYER")/runlayer-hook
check "runlayer-hook is built beside runlayer" test -x "$HB"
if ldd "$HB" | grep -Eq 'libcurl|libgit2'; then
	fail "runlayer-hook links neither libcurl nor libgit2"
else
	pass "runlayer-hook links neither libcurl nor libgit2"
fi
mkdir -p "$HOME/.claude" proj
echo '{"mcpServers": {"known": {"command": "x"}}}' >proj/.mcp.json
for tool in mcp__known__t mcp__shadow__t; do
	p="{\"session_id\":\"s\",\"cwd\":\"$PWD/proj\",\"hook_event_name\":\"PreToolUse\",\"tool_name\":\"$tool\",\"tool_input\":{},\"tool_use_id\":\"toolu_1\"}"
	printf '%s' "$p" | "$RUNLAYER" hook --client claude_code --mode enforce >main.out 2>main.err
	rc1=$?
	printf '%s' "$p" | "$HB" hook --client claude_code --mode enforce >lean.out 2>lean.err
	rc2=$?
	check "$tool: same exit code ($rc1)" test "$rc1" = "$rc2"
	check "$tool: same reply bytes" cmp -s main.out lean.out
done
contains "the shadow server is denied" lean.out '"permissionDecision":"deny"'
expect_rc "setup hooks installs" 0 "$RUNLAYER" setup hooks --install --client claude_code --yes
contains "install says which rules are in force" out "Rules: none yet"
contains "install says how to baseline" out "runlayer policy generate --baseline"
contains "the installed command is runlayer-hook" "$HOME/.claude/settings.json" "$HB hook --client claude_code"
expect_rc "check is compliant" 0 "$RUNLAYER" setup hooks --check --client claude_code
done_testing
