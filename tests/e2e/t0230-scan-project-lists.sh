# Projects outside the home are found through the lists clients keep: VS Code
# workspaceStorage, Codex [projects], Claude Code projects (with ancestors'
# .mcp.json), Gemini trusted folders.
. "$TOP/tests/e2e/lib.sh"

H=$PWD/home
W=$PWD/work
mkdir -p "$H/.config/Code/User/workspaceStorage/abc123" "$H/.codex" "$H/.gemini" \
	"$W/proj one/.vscode" "$W/codexproj/.codex" "$W/mono/pkg/app" "$W/gem/.gemini" "$W/multi/.vscode"
cat >"$H/.config/Code/User/workspaceStorage/abc123/workspace.json" <<JSON
{"folder": "file://$W/proj%20one"}
JSON
mkdir -p "$H/.config/Code/User/workspaceStorage/def456"
cat >"$H/.config/Code/User/workspaceStorage/def456/workspace.json" <<JSON
{"workspace": "file://$W/my.code-workspace"}
JSON
echo '{"folders": [{"path": "multi"}]}' >"$W/my.code-workspace"
echo '{"servers": {"ws-folder": {"type": "stdio", "command": "a"}}}' >"$W/proj one/.vscode/mcp.json"
echo '{"servers": {"ws-multi": {"type": "stdio", "command": "b"}}}' >"$W/multi/.vscode/mcp.json"
cat >"$H/.codex/config.toml" <<TOML
[projects."$W/codexproj"]
trust_level = "trusted"
TOML
printf '[mcp_servers.codex-listed]\ncommand = "c"\n' >"$W/codexproj/.codex/config.toml"
cat >"$H/.claude.json" <<JSON
{"projects": {"$W/mono/pkg/app": {"hasTrustDialogAccepted": true}}}
JSON
echo '{"mcpServers": {"mono-root": {"command": "d"}}}' >"$W/mono/.mcp.json"
echo "{\"$W/gem\": \"TRUST_FOLDER\"}" >"$H/.gemini/trustedFolders.json"
echo '{"mcpServers": {"gem-listed": {"command": "e"}}}' >"$W/gem/.gemini/settings.json"

expect_rc "scan exits 0" 0 "$RUNLAYER" scan --dry-run --home "$H" --root "$PWD" --os linux \
	--device-id 11111111-2222-4333-8444-555555555555
contains "a VS Code workspace folder (percent-encoded URI) is scanned" out '"name": "ws-folder"'
contains "its project path is decoded" out "\"project_path\": \"$W/proj one\""
contains "a .code-workspace folder is scanned" out '"name": "ws-multi"'
contains "a Codex-listed project is scanned" out '"name": "codex-listed"'
contains "a Codex-listed project is trusted" out '"trust": "trusted"'
contains "an ancestor .mcp.json of a Claude project is scanned" out '"name": "mono-root"'
contains "the ancestor is its own project path" out "\"project_path\": \"$W/mono\""
contains "a Gemini trusted folder is scanned" out '"name": "gem-listed"'
expect_rc "--no-projects skips listed projects" 0 "$RUNLAYER" scan --dry-run --no-projects \
	--home "$H" --root "$PWD" --os linux --device-id 11111111-2222-4333-8444-555555555555
lacks "no listed project without the crawl" out "ws-folder"

done_testing
