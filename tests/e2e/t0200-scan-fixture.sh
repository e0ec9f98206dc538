# runlayer scan against the Linux fixture home: every client's servers found
# and attributed, golden payload, no canary secret anywhere, errors reported.
. "$TOP/tests/e2e/lib.sh"

H=$PWD/home-linux
cp -R "$TOP/fixtures/homes/linux" "$H"
# Fixture files name their own home as @HOME@ (project keys are absolute).
grep -rl '@HOME@' "$H" | while read -r f; do sed -i "s#@HOME@#$H#g" "$f"; done
mkdir -p root

normalise() {
	sed -e "s#$H#\$HOME#g" \
	    -e 's/"config_modified_at": "[^"]*"/"config_modified_at": "<mtime>"/' \
	    -e 's/"scan_duration_ms": [0-9]*/"scan_duration_ms": 0/' \
	    -e 's/"os_version": "[^"]*"/"os_version": "<os_version>"/' "$1"
}

export RUNLAYER_HOSTNAME=fixture-host
expect_rc "dry run exits 0" 0 "$RUNLAYER" scan --dry-run --home "$H" --root "$PWD/root" \
	--os linux --device-id 11111111-2222-4333-8444-555555555555 --username alice
normalise out >payload.json
golden "dry-run payload matches the golden" payload.json "$TOP/tests/e2e/data/scan/linux-dry-run.json"
check "payload is valid JSON" python3 -c 'import json,sys; json.load(open("payload.json"))'
if grep -qi canary out err; then
	fail "no canary secret in output"; grep -i canary out err | head -n 5 | sed 's/^/#   /'
else
	pass "no canary secret in output"
fi
lacks "node_modules is never crawled" out "should-not-appear"
contains "broken config is reported with line and column" err "$H/.qwen/settings.json:5:1:"
contains "managed placeholder host is used" out '"hostname": "fixture-host"'
contains "an untrusted Gemini workspace is marked" out '"trust": "untrusted"'
contains "a pending .mcp.json server is marked" out '"approval": "pending"'
contains "an approved .mcp.json server is marked" out '"approval": "approved"'
check "a dry run creates no inventory" test ! -e "$HOME/.runlayer"

# The same scan, as a human summary.
expect_rc "summary scan exits 0" 0 "$RUNLAYER" scan --home "$H" --root "$PWD/root" --os linux \
	--device-id 11111111-2222-4333-8444-555555555555 -v
check "summary counts servers and configs" grep -Eq '^Found [0-9]+ servers in [0-9]+ configs \([0-9]+ global, [0-9]+ project\)' out
contains "verbose shows one line per configuration" out "  claude_code [global]: 2 servers"
contains "verbose shows the device id prefix" out "  Device ID: 11111111..."
contains "summary says nothing was submitted" out "Nothing submitted"
contains "the scan is recorded in the local inventory" out "Recorded as scan 1 in $HOME/.runlayer/inventory.db"
if grep -qi canary out err; then fail "no canary secret in the summary"; else pass "no canary secret in the summary"; fi

# A dry run leaves no trace: no ~/.runlayer, no device_id file.
check "dry run writes nothing under the home" test ! -e "$H/.runlayer"

# --no-projects skips the crawl.
expect_rc "no-projects dry run exits 0" 0 "$RUNLAYER" scan --dry-run --no-projects --home "$H" \
	--root "$PWD/root" --os linux --device-id 11111111-2222-4333-8444-555555555555
lacks "--no-projects skips crawled project files" out "proj-vscode"

done_testing
