# The catalog's macOS and Windows paths, scanned on Linux through --os,
# --home and --root on fixture trees (managed files included).
. "$TOP/tests/e2e/lib.sh"

for os in darwin windows; do
	home="$TOP/fixtures/homes/$os"
	root="$TOP/fixtures/homes/$os-root"
	expect_rc "$os dry run exits 0" 0 "$RUNLAYER" scan --dry-run --home "$home" --root "$root" \
		--os "$os" --device-id 11111111-2222-4333-8444-555555555555 --username alice
	sed -e "s#$TOP/fixtures/homes/#<fixtures>/#g" \
	    -e 's/"config_modified_at": "[^"]*"/"config_modified_at": "<mtime>"/' \
	    -e 's/"scan_duration_ms": [0-9]*/"scan_duration_ms": 0/' \
	    -e 's/"hostname": "[^"]*"/"hostname": "<host>"/' \
	    -e 's/"os": "[^"]*"/"os": "<os>"/' \
	    -e 's/"os_version": "[^"]*"/"os_version": "<os_version>"/' out >"$os.json"
	golden "$os payload matches the golden" "$os.json" "$TOP/tests/e2e/data/scan/$os-dry-run.json"
	if grep -qi canary out err; then fail "$os: no canary secret in output"; else pass "$os: no canary secret in output"; fi
done
contains "macOS managed-mcp.json is found under --root" darwin.json '"name": "company-proxy"'
contains "macOS Claude Desktop extension is found" darwin.json '"plugin_identifier": "ant.dir.filesystem"'
contains "Cline inside the Cursor fork is found" darwin.json '"name": "cline-in-cursor"'
contains "Windows %APPDATA% Claude Desktop is found" windows.json '"name": "win-fs"'
contains "Windows %LOCALAPPDATA% crush is found" windows.json '"name": "win-crush"'
contains "Windows ProgramData opencode is managed" windows.json '"name": "managed-oc"'
contains "Windows Program Files managed-mcp.json is found" windows.json '"name": "win-managed"'
lacks "Linux-only paths are not read for Windows" windows.json '"/etc/'

done_testing
