# `runlayer clients`: the catalog has every contract client id and at least
# 25 clients; JSON output is valid and versioned.
. "$TOP/tests/e2e/lib.sh"

expect_rc "clients exits 0" 0 "$RUNLAYER" clients
for id in cursor claude_desktop claude_code vscode windsurf goose zed opencode codex cline \
	cline_cli gemini_cli antigravity github_copilot_cli hermes roo_code continue kiro amazon_q \
	junie lm_studio amp augment crush kilo qwen_code vscode_insiders cursor_agent; do
	check "catalog has $id" grep -q "^$id " out
done
expect_rc "clients --json exits 0" 0 "$RUNLAYER" clients --json
check "at least 25 clients in JSON" python3 -c '
import json; d = json.load(open("out")); assert d["schema"] == 1; assert len(d["clients"]) >= 25'
expect_rc "clients --paths exits 0" 0 "$RUNLAYER" clients --paths
contains "paths show relocation variables" out "{env:CODEX_HOME|~/.codex}/config.toml"
done_testing
