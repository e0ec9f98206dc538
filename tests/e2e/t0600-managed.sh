# The managed (MDM) configuration as a source of host and key (contract
# §2.3, §2.5), read under --root: Linux credentials + config.json, macOS
# plists (XML and binary); placeholders and unsafe files ignored; aiwatch
# treats the managed values as its environment. Plus `runlayer check-in`.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/server/lib.sh"
command -v openssl >/dev/null && command -v python3 >/dev/null || { echo "1..0 # SKIP no openssl/python3"; exit 0; }
srv_certs || { fail "make test certificates"; done_testing; exit 1; }
scan_home
fast_http
export RUNLAYER_CA_BUNDLE=$PWD/ca/ca.pem
trap srv_cleanup EXIT
srv_start other || { fail "start the second backend"; done_testing; exit 1; }
OTHER_URL=$SRV_URL OTHER_DIR=$SRV_DIR
srv_start main || { fail "start the test backend"; done_testing; exit 1; }
ln -s "$RUNLAYER" aiwatch
M=root/etc/runlayer/aiwatch
mkdir -p $M
last_key() { q '[r["headers"].get("x-runlayer-api-key") for r in reqs if r["path"].endswith("/scan")][-1]'; }

# ---- Linux: root-only credentials + config.json ------------------------------
printf 'RUNLAYER_API_KEY=rl_org_good\nRUNLAYER_HOST="%s"\n' "$SRV_URL" >$M/credentials
chmod 600 $M/credentials
echo '{"Mode": "monitor"}' >$M/config.json
expect_rc "scan with only the managed credentials exits 0" 0 "$RUNLAYER" scan $SCAN -v
contains "host from the credentials file" err "Backend: $SRV_URL (from managed Host in $PWD/$M/credentials)"
contains "key from the credentials file" err "API key: from managed OrgApiKey in $PWD/$M/credentials"
is_eq "managed key sent" "$(last_key)" rl_org_good
chmod 644 $M/credentials
expect_rc "world-readable credentials are ignored: no host, local only" 0 "$RUNLAYER" scan $SCAN
contains "with a warning naming the fix" err "ignoring managed credentials '$PWD/$M/credentials': readable or writable by other users (mode 0644); fix it with: chmod 600"
contains "local only" out "Nothing submitted: no backend host is configured"
chmod 600 $M/credentials
printf '{"Host": "%s", "OrgApiKey": "REPLACE_WITH_ORG_KEY"}\n' "$SRV_URL" >$M/config.json
printf 'RUNLAYER_API_KEY=ORG_KEY_OR_LEAVE_BLANK\n' >$M/credentials
expect_rc "placeholder keys are ignored: no credentials, exit 1" 1 "$RUNLAYER" scan $SCAN
contains "no credentials message" err "Error: No credentials found."
printf '{"Host": "%s", "OrgApiKey": "rl_org_good"}\n' "$SRV_URL" >$M/config.json
rm $M/credentials
expect_rc "config.json alone" 0 "$RUNLAYER" scan $SCAN
is_eq "config.json key sent" "$(last_key)" rl_org_good

# The managed key only goes to the managed host.
mkdir -p "$HOME/.runlayer"; chmod 700 "$HOME/.runlayer"
printf 'default_host: %s\n' "$OTHER_URL" >"$HOME/.runlayer/config.yaml"
chmod 600 "$HOME/.runlayer/config.yaml"
expect_rc "default_host wins over managed Host, and the managed key is not sent there" 1 "$RUNLAYER" scan $SCAN
contains "no key for that host" err "No credentials found"
is_eq "the other backend got nothing" "$(SRV_DIR=$OTHER_DIR q 'len(reqs)')" 0
n0=$(q 'len(reqs)')
expect_rc "aiwatch: managed Host and OrgApiKey act as RUNLAYER_HOST/RUNLAYER_API_KEY" 0 ./aiwatch scan $SCAN
is_eq "aiwatch sent to the managed host" "$(($(q 'len(reqs)') - n0))" 2
expect_rc "RUNLAYER_HOST still beats the managed Host for aiwatch" 0 env RUNLAYER_HOST=$OTHER_URL ./aiwatch scan $SCAN
is_eq "aiwatch sent there with the exported managed key" "$(SRV_DIR=$OTHER_DIR q '[r["headers"]["x-runlayer-api-key"] for r in reqs][:1]')" '["rl_org_good"]'
rm "$HOME/.runlayer/config.yaml"

# ---- macOS: managed preferences, XML then binary -----------------------------------
rm -f $M/config.json
SCAN_MAC=$(echo "$SCAN" | sed 's/--os linux/--os darwin/')
mkdir -p "root/Library/Managed Preferences" root/Library/Preferences
cat >"root/Library/Managed Preferences/com.runlayer.aiwatch.plist" <<PLIST
<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0"><dict>
  <key>Host</key><string>$SRV_URL</string>
  <key>OrgApiKey</key><string>rl_org_good</string>
</dict></plist>
PLIST
expect_rc "macOS managed preferences (XML)" 0 "$RUNLAYER" scan $SCAN_MAC -v
contains "source named" err "managed Host in $PWD/root/Library/Managed Preferences/com.runlayer.aiwatch.plist"
python3 -c '
import plistlib, sys
plistlib.dump({"Host": sys.argv[1], "OrgApiKey": "rl_org_norole"}, open(sys.argv[2], "wb"), fmt=plistlib.FMT_BINARY)' \
	"$SRV_URL" root/Library/Preferences/com.runlayer.cli.plist
expect_rc "com.runlayer.cli (binary plist) comes first for runlayer: 403, exit 1" 1 "$RUNLAYER" scan $SCAN_MAC
is_eq "the cli domain's key was sent" "$(last_key)" rl_org_norole
expect_rc "aiwatch reads only com.runlayer.aiwatch" 0 ./aiwatch scan $SCAN_MAC
is_eq "the aiwatch domain's key was sent" "$(last_key)" rl_org_good
printf 'garbage' >root/Library/Preferences/com.runlayer.cli.plist
expect_rc "a broken plist warns and is skipped" 0 "$RUNLAYER" scan $SCAN_MAC
contains "broken plist warning" err "ignoring managed preferences $PWD/root/Library/Preferences/com.runlayer.cli.plist"
rm -f root/Library/Preferences/com.runlayer.cli.plist

# ---- runlayer check-in ----------------------------------------------------------------
n0=$(q 'len(checkins)')
expect_rc "check-in exits 0" 0 "$RUNLAYER" check-in --root "$PWD/root" --os darwin --feature enforce --status error --error-message "hooks missing" --device-id 11111111-2222-4333-8444-555555555555 --username alice
contains "check-in confirms" out "Check-in recorded by $SRV_URL (enforce: error)"
is_eq "check-in body" "$(q 'checkins[-1]')" "$(printf '{"agent_version": "%s", "device_id": "11111111-2222-4333-8444-555555555555", "error_message": "hooks missing", "feature": "enforce", "hostname": "e2e-host", "org_device_id": null, "os": "darwin", "os_version": "%s", "serial_number": null, "status": "error", "tools": [], "username": "alice"}' "$(cat "$TOP/VERSION")" "$(uname -r)")"
srv_plan '{"check-in": [{"status": 404}]}'
expect_rc "check-in on an older backend (404) exits 0" 0 "$RUNLAYER" check-in --root "$PWD/root" --os darwin
contains "404 is not an error" out "does not take check-ins (HTTP 404, an older backend)"
srv_plan '{"check-in": [{"status": 500}]}'
n0=$(q 'len(reqs)')
expect_rc "check-in 500 exits 3" 3 "$RUNLAYER" check-in --root "$PWD/root" --os darwin
is_eq "HTTP errors are not retried" "$(($(q 'len(reqs)') - n0))" 1
srv_plan '{"check-in": [{"drop": true}, {"drop": true}]}'
n0=$(q 'len(reqs)')
expect_rc "check-in: transport faults retried twice, the third attempt lands" 0 "$RUNLAYER" check-in --root "$PWD/root" --os darwin
is_eq "three attempts" "$(($(q 'len(reqs)') - n0))" 3
expect_rc "check-in with a rejected key exits 1" 1 "$RUNLAYER" check-in --host "$SRV_URL" --secret rl_wrong

done_testing
