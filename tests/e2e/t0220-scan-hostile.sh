# Hostile homes: FIFOs, symlink loops, huge, deep and binary files, symlinked
# configs, unreadable directories. The scan never hangs or crashes, reports
# each bad file and still finds the good ones.
. "$TOP/tests/e2e/lib.sh"

H=$PWD/hostile
mkdir -p "$H/.cursor" "$H/.codeium/windsurf" "$H/.kiro/settings" "$H/proj/a/.cursor" \
	"$H/loop" "$H/dotfiles" "$H/deep" "$H/locked/.vscode" "$H/.lmstudio"
mkfifo "$H/.cursor/mcp.json"
ln -s "$H/loop" "$H/loop/again"
ln -s .. "$H/loop/up"
truncate -s 20M "$H/.codeium/windsurf/mcp_config.json"
python3 -c 'print("{\"mcpServers\":" + "[" * 100000 + "]" * 100000 + "}")' >"$H/.kiro/settings/mcp.json"
head -c 4096 /dev/urandom >"$H/.lmstudio/mcp.json"
echo '{"mcpServers": {"good": {"command": "ok-mcp"}}}' >"$H/dotfiles/claude.json"
ln -s "$H/dotfiles/claude.json" "$H/.claude.json"
echo '{"mcpServers": {"project-good": {"url": "https://p.example.com/mcp"}}}' >"$H/proj/a/.cursor/mcp.json"
echo '{"servers": {"locked-server": {"command": "x"}}}' >"$H/locked/.vscode/mcp.json"
chmod 000 "$H/locked"
d="$H/deep"; i=0
while [ $i -lt 30 ]; do d="$d/d$i"; i=$((i + 1)); done
mkdir -p "$d/.cursor" && echo '{"mcpServers": {"too-deep": {"command": "x"}}}' >"$d/.cursor/mcp.json"

start=$(date +%s)
expect_rc "scan of a hostile home exits 0" 0 timeout 60 "$RUNLAYER" scan --dry-run --home "$H" \
	--root "$PWD" --os linux --device-id 11111111-2222-4333-8444-555555555555 -v
end=$(date +%s)
check "scan of a hostile home finishes quickly" test $((end - start)) -lt 30
check "payload is valid JSON" python3 -c 'import json; json.load(open("out"))'
contains "a symlinked global config is read" out '"name": "good"'
contains "a project config is found" out '"name": "project-good"'
lacks "files below the depth limit are not read" out "too-deep"
contains "a FIFO config is reported, not read" err "$H/.cursor/mcp.json: not a regular file"
contains "a huge config is refused with its size" err "$H/.codeium/windsurf/mcp_config.json: file too large"
contains "a deeply nested config fails with a clear error" err "$H/.kiro/settings/mcp.json:1:"
contains "the nesting error names the limit" err "nesting too deep"
contains "a binary config is a parse error with a position" err "$H/.lmstudio/mcp.json:"
if [ "$(id -u)" -ne 0 ]; then
	lacks "an unreadable directory is not read" out "locked-server"
	contains "an unreadable directory is reported in verbose mode" err "$H/locked"
else
	pass "# SKIP unreadable directories (running as root)"
	pass "# SKIP unreadable directories (running as root)"
fi
chmod 700 "$H/locked"

# A directory symlinked out of the home is never followed.
mkdir -p outside/.cursor && echo '{"mcpServers": {"outside": {"command": "x"}}}' >outside/.cursor/mcp.json
ln -s "$PWD/outside" "$H/link-out"
expect_rc "scan with an outward symlink exits 0" 0 "$RUNLAYER" scan --dry-run --home "$H" \
	--root "$PWD" --os linux --device-id 11111111-2222-4333-8444-555555555555
lacks "a symlinked directory is not followed" out '"name": "outside"'

done_testing
