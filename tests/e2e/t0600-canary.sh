# Canary: API keys, enrollment keys and minted keys never appear in any
# output, --verbose trace, error message, log file or the inventory/spool
# database, whatever the key source and whatever the backend answers (even
# a backend that echoes the key back in its error detail).
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/server/lib.sh"
command -v openssl >/dev/null && command -v python3 >/dev/null && command -v sqlite3 >/dev/null ||
	{ echo "1..0 # SKIP no openssl/python3/sqlite3"; exit 0; }
srv_certs || { fail "make test certificates"; done_testing; exit 1; }
scan_home
scan_home_big
fast_http
export RUNLAYER_CA_BUNDLE=$PWD/ca/ca.pem RUNLAYER_HTTP_RETRIES=1
trap srv_cleanup EXIT
srv_start main || { fail "start the test backend"; done_testing; exit 1; }
GOOD=rl_org_CANARYgood7f3a9c1e
WRONG=rl_CANARYwrong5b2d8e44
NOROLE=rl_org_CANARYnorole91c3
ENROLL=rl_enroll_CANARYenroll2af6
MINTED=rl_CANARYminted0c9d1b
printf '{"keys": {"%s": "detect", "%s": "none"}, "enroll": {"%s": "%s"}}\n' \
	"$GOOD" "$NOROLE" "$ENROLL" "$MINTED" >"$SRV_DIR/keys.json"
ALL=$PWD/all-output
: >"$ALL"
run() { # record every byte a command prints
	"$@" >>"$ALL" 2>&1
	echo "# exit $?: $*" | sed "s/$GOOD\|$WRONG\|$NOROLE\|$ENROLL\|$MINTED/<k>/g" >>commands.log
}
M=root/etc/runlayer/aiwatch

# Every key source, success and failure, always --verbose.
run "$RUNLAYER" scan $SCAN -v --host "$SRV_URL" --secret "$GOOD"
run "$RUNLAYER" scan $SCAN_BIG -v --host "$SRV_URL" --secret "$GOOD"
run env RUNLAYER_API_KEY="$WRONG" "$RUNLAYER" scan $SCAN -v --host "$SRV_URL"
run "$RUNLAYER" scan $SCAN -v --host "$SRV_URL" --secret "$NOROLE"
srv_plan '{"scan": [{"status": 422, "body": {"detail": "unknown key '"$GOOD"' in request"}}]}'
run "$RUNLAYER" scan $SCAN -v --host "$SRV_URL" --secret "$GOOD"
srv_plan '{"scan": [{"status": 500, "body": {"detail": "crash with '"$GOOD"'"}, "repeat": true}]}'
run "$RUNLAYER" scan $SCAN -v --host "$SRV_URL" --secret "$GOOD"
srv_plan '{"scan": [{"status": 404, "repeat": true}], "scan-legacy": [{"status": 404, "repeat": true}]}'
run "$RUNLAYER" scan $SCAN -v --host "$SRV_URL" --secret "$GOOD"
srv_plan '{"scan": [{"status": 429, "headers": {"Retry-After": "3600"}}]}'
run "$RUNLAYER" scan $SCAN -v --host "$SRV_URL" --secret "$GOOD"
srv_plan '{"scan": [{"stall": 3}, {"stall": 3}]}'
run env RUNLAYER_HTTP_TIMEOUT=1 "$RUNLAYER" scan $SCAN -v --host "$SRV_URL" --secret "$GOOD"
srv_plan '{}'
run env -u RUNLAYER_CA_BUNDLE "$RUNLAYER" scan $SCAN -v --host "$SRV_URL" --secret "$GOOD"
run "$RUNLAYER" scan $SCAN -v --host https://no-such-host.invalid --secret "$GOOD"
run "$RUNLAYER" sync -v --host "$SRV_URL" --secret "$WRONG"
run "$RUNLAYER" sync --list
run "$RUNLAYER" sync --list --json
run "$RUNLAYER" sync -v --host "$SRV_URL" --secret "$GOOD"
echo "$WRONG" | run "$RUNLAYER" login -v --host "$SRV_URL"
echo "$GOOD" | run "$RUNLAYER" login -v --host "$SRV_URL"
echo "$NOROLE" | run "$RUNLAYER" login -v --host "$SRV_URL" --org-api-key ci
run "$RUNLAYER" scan $SCAN -v
run "$RUNLAYER" scan $SCAN -v --org-api-key ci
run "$RUNLAYER" check-in -v
run "$RUNLAYER" check-in -v --org-api-key ci
run "$RUNLAYER" logout -v
run env RUNLAYER_ENROLLMENT_API_KEY=rl_enroll_CANARYbad "$RUNLAYER" enroll -v --host "$SRV_URL"
run env RUNLAYER_ENROLLMENT_API_KEY="$ENROLL" "$RUNLAYER" enroll -v --host "$SRV_URL"
echo "$ENROLL" | run "$RUNLAYER" enroll -v --host "$SRV_URL" --force --enrollment-key -
run "$RUNLAYER" scan $SCAN -v
mkdir -p $M
printf 'RUNLAYER_API_KEY=%s\nRUNLAYER_HOST=%s\n' "$WRONG" "$SRV_URL" >$M/credentials
chmod 600 $M/credentials
rm "$HOME/.runlayer/config.yaml"
run "$RUNLAYER" scan $SCAN -v
chmod 644 $M/credentials
run "$RUNLAYER" scan $SCAN -v
cat "$HOME"/.runlayer/logs/* >logs.txt 2>/dev/null
sqlite3 "$HOME/.runlayer/inventory.db" .dump >db.txt

check "the commands ran (and failed as planned)" grep -q "exit 1" commands.log
check "every command had output to check" test -s "$ALL"
check "the backend did receive the keys (the test is real)" grep -q "$GOOD" "$SRV_DIR/requests.jsonl"
check "the backend echoed a key back" grep -q "unknown key <redacted> in request" "$ALL"
check "logs were written" test -s logs.txt
check "the spool was used" grep -q "INSERT INTO spool" db.txt
for k in "$GOOD" "$WRONG" "$NOROLE" "$ENROLL" "$MINTED" rl_enroll_CANARYbad; do
	lacks "no $k in any output" "$ALL" "$k"
	lacks "no $k in the logs" logs.txt "$k"
	lacks "no $k in the inventory or spool" db.txt "$k"
	check "no $k in the database file bytes" sh -c "! grep -a -q '$k' '$HOME/.runlayer/inventory.db'*"
done
check "config.yaml holds the saved key, by design (and is 0600)" test "$(stat -c %a "$HOME/.runlayer")" = 700

done_testing
