# runlayer scan → the backend: the exact request, the result line, key
# sources, every HTTP status the contract names, the mcp-watch fallback,
# retries with Retry-After, gzip negotiation and the check-in.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/server/lib.sh"
command -v openssl >/dev/null && command -v python3 >/dev/null || { echo "1..0 # SKIP no openssl/python3"; exit 0; }
srv_certs || { fail "make test certificates"; done_testing; exit 1; }
scan_home
scan_home_big
fast_http
export RUNLAYER_CA_BUNDLE=$PWD/ca/ca.pem
srv_start main || { fail "start the test backend"; done_testing; exit 1; }
trap srv_cleanup EXIT

# ---- no host: local only, as before ---------------------------------------
expect_rc "no host: local-only scan exits 0" 0 "$RUNLAYER" scan $SCAN
contains "no host: says nothing was submitted" out "Nothing submitted: no backend host is configured"
is_eq "no host: no request" "$(q 'len(reqs)')" 0

# ---- success: the exact request ---------------------------------------------
"$RUNLAYER" scan --dry-run $SCAN >dry.json 2>/dev/null
expect_rc "scan submits and exits 0" 0 "$RUNLAYER" scan $SCAN --host "$SRV_URL" --secret rl_org_good
contains "submitting line" out "Submitting 2 servers from 1 configs (1 global, 0 project)..."
contains "result line" out "Scan complete: 2 servers, 2 shadow, 0 managed"
is_eq "one scan request, then the check-in" "$(q '[r["method"] + " " + r["path"] for r in reqs]')" \
	'["POST /api/v1/ai-watch/scan", "POST /api/v1/ai-watch/check-in"]'
is_eq "api key header" "$(q 'reqs[0]["headers"]["x-runlayer-api-key"]')" rl_org_good
is_eq "user agent" "$(q 'reqs[0]["headers"]["user-agent"]')" "Runlayer CLI"
is_eq "content type" "$(q 'reqs[0]["headers"]["content-type"]')" "application/json"
check "idempotency key is a UUIDv4" sh -c "q() { python3 '$TOP/tests/server/q.py' '$SRV_DIR' \"\$1\"; };
	q 'reqs[0][\"headers\"][\"x-runlayer-idempotency-key\"]' | grep -Eq '^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$'"
is_eq "no Authorization header on scans" "$(q '"authorization" in reqs[0]["headers"]')" false
is_eq "first submission is not compressed (gzip support unknown)" "$(q 'reqs[0]["gzip"]')" false
check "body is the dry-run payload (but the duration)" python3 -c '
import json, sys
sent = json.loads(sys.argv[1]); dry = json.load(open("dry.json"))
for d in (sent, dry): d.pop("scan_duration_ms")
sys.exit(0 if sent == dry else 1)' "$(q 'reqs[0]["body"]')"
is_eq "env secrets are redacted in the body" "$(q '"ghp_fixture_secret_value" in json.dumps(reqs[0]["body"])')" false
is_eq "check-in: detect ok" "$(q '[checkins[0]["feature"], checkins[0]["status"], checkins[0]["device_id"]]')" \
	'["detect", "ok", "11111111-2222-4333-8444-555555555555"]'
is_eq "check-in carries the key" "$(q 'reqs[1]["headers"]["x-runlayer-api-key"]')" rl_org_good
is_eq "backend stored it once" "$(q 'len(received)')" 1

# ---- gzip: the backend advertised it, so the next big body is compressed --
expect_rc "a small body stays plain" 0 "$RUNLAYER" scan $SCAN --host "$SRV_URL" --secret rl_org_good -v
is_eq "under 1 KiB: not compressed" "$(q '[r["gzip"] for r in reqs if r["path"].endswith("/scan")][-1]')" false
expect_rc "a big body: exits 0" 0 "$RUNLAYER" scan $SCAN_BIG --host "$SRV_URL" --secret rl_org_good -v
is_eq "a big body is gzip-compressed" "$(q '[r["gzip"] for r in reqs if r["path"].endswith("/scan")][-1]')" true
is_eq "the backend decoded the 40 servers" "$(q 'len(received[-1]["body"]["configurations"][0]["servers"])')" 40
check "compressed to less than a third" python3 -c 'import sys; a, b = map(int, sys.argv[1:]); sys.exit(0 if b * 3 < a else 1)' \
	"$(q 'len(json.dumps(received[-1]["body"]))')" "$(q '[r["raw_len"] for r in reqs if r["path"].endswith("/scan")][-1]')"
contains "--verbose shows the request summary" err "> POST $SRV_URL/api/v1/ai-watch/scan"
contains "--verbose says it was compressed" err "sent gzip-compressed as"
contains "--verbose says the key is not shown" err "x-runlayer-api-key set, not shown"
lacks "--verbose never prints the key" err rl_org_good
echo '{"gzip": false}' >"$SRV_DIR/options.json"
n0=$(q 'len(reqs)')
expect_rc "a backend refusing gzip: scan still exits 0" 0 "$RUNLAYER" scan $SCAN_BIG --host "$SRV_URL" --secret rl_org_good
is_eq "refused gzip (415), resent plain" "$(q '[r["gzip"] for r in reqs]['"$n0"':'"$n0"'+2]')" '[true, false]'
n0=$(q 'len(reqs)')
"$RUNLAYER" scan $SCAN_BIG --host "$SRV_URL" --secret rl_org_good >/dev/null 2>&1
is_eq "the refusal is remembered" "$(q '[r["gzip"] for r in reqs]['"$n0"']')" false
rm -f "$SRV_DIR/options.json"

# ---- key sources, in order ----------------------------------------------------
mkdir -p "$HOME/.runlayer"; chmod 700 "$HOME/.runlayer"
host_key=127.0.0.1:$SRV_PORT
cat >"$HOME/.runlayer/config.yaml" <<YAML
default_host: $SRV_URL
hosts:
  '$host_key':
    url: $SRV_URL
    secret: rl_user_good
    org_api_keys: {ci: rl_org_good, ai_watch_mdm: rl_org_good}
YAML
chmod 600 "$HOME/.runlayer/config.yaml"
last_key() { q '[r["headers"].get("x-runlayer-api-key") for r in reqs if r["path"].endswith("/scan")][-1]'; }
expect_rc "config.yaml alone: exits 0" 0 "$RUNLAYER" scan $SCAN
is_eq "scan uses the implicit ai_watch_mdm org key" "$(last_key)" rl_org_good
expect_rc "--org-api-key NAME" 0 "$RUNLAYER" scan $SCAN --org-api-key ci
is_eq "named org key sent" "$(last_key)" rl_org_good
expect_rc "RUNLAYER_API_KEY beats config.yaml" 1 env RUNLAYER_API_KEY=rl_env_wrong "$RUNLAYER" scan $SCAN
is_eq "env key sent" "$(last_key)" rl_env_wrong
contains "401 names the key source" err "The key came from RUNLAYER_API_KEY"
expect_rc "--secret beats RUNLAYER_API_KEY" 0 env RUNLAYER_API_KEY=rl_env_wrong "$RUNLAYER" scan $SCAN --secret rl_user_good
is_eq "flag key sent" "$(last_key)" rl_user_good
expect_rc "placeholder --secret is skipped" 0 "$RUNLAYER" scan $SCAN --secret REPLACE_WITH_KEY
contains "placeholder skip is reported" err "ignoring --secret: it holds a placeholder"
expect_rc "unknown --org-api-key NAME exits 1" 1 "$RUNLAYER" scan $SCAN --org-api-key nope
contains "unknown org key: contract message" err "Error: Org API key 'nope' not found for $SRV_URL. Run 'runlayer org-api-key list' to see available keys."
rm "$HOME/.runlayer/config.yaml"
expect_rc "host but no key exits 1" 1 "$RUNLAYER" scan $SCAN --host "$SRV_URL"
contains "no key: contract message" err "Error: No credentials found. Run 'runlayer login' or provide --secret to authenticate."
contains "errors point at the log" err "See logs for details: $HOME/.runlayer/logs/runlayer-v"

# ---- statuses -------------------------------------------------------------------
n0=$(q 'len(reqs)')
expect_rc "401 exits 1" 1 "$RUNLAYER" scan $SCAN --host "$SRV_URL" --secret rl_wrong_key
contains "401 message" err "rejected the API key (HTTP 401): it is wrong, expired or revoked. The key came from --secret"
is_eq "401 is not retried" "$(q 'len([r for r in reqs['"$n0"':] if r["path"].endswith("/scan")])')" 1
is_eq "after a 401 an error check-in is tried" "$(q '[r["body"]["status"] for r in reqs['"$n0"':] if r["path"].endswith("check-in")]')" '["error"]'
expect_rc "403 exits 1" 1 "$RUNLAYER" scan $SCAN --host "$SRV_URL" --secret rl_org_norole
contains "403 message names the role" err "(HTTP 403): the key lacks the Detect Scan role"
contains "403 message names the key source" err "The key came from --secret"

"$RUNLAYER" sync --host "$SRV_URL" --secret rl_org_good >/dev/null 2>&1
n0=$(q 'len(reqs)')
srv_plan '{"scan": [{"status": 404, "repeat": true}]}'
expect_rc "404 on ai-watch falls back to mcp-watch: exits 0" 0 "$RUNLAYER" scan $SCAN --host "$SRV_URL" --secret rl_org_good
is_eq "fallback request order" "$(q '[r["path"] for r in reqs['"$n0"':]]')" \
	'["/api/v1/ai-watch/scan", "/api/v1/mcp-watch/scan", "/api/v1/ai-watch/check-in"]'
is_eq "fallback resends the same idempotency key" "$(q 'len(set(r["headers"]["x-runlayer-idempotency-key"] for r in reqs['"$n0"':'"$n0"'+2]))')" 1
is_eq "fallback body identical" "$(q 'reqs['"$n0"']["body"] == reqs['"$n0"'+1]["body"]')" true
contains "fallback: result line" out "Scan complete: 2 servers"
srv_plan '{"scan": [{"status": 404, "repeat": true}], "scan-legacy": [{"status": 404, "repeat": true}]}'
expect_rc "404 on both paths exits 2" 2 "$RUNLAYER" scan $SCAN --host "$SRV_URL" --secret rl_org_good
contains "404 both: names both paths" err "HTTP 404 on /api/v1/ai-watch/scan and /api/v1/mcp-watch/scan"
contains "404 both: wrong host or old backend" err "the host is wrong, or the backend is too old"
srv_plan '{}'
"$RUNLAYER" sync --host "$SRV_URL" --secret rl_org_good >/dev/null 2>&1

n0=$(q 'len(reqs)')
srv_plan '{"scan": [{"status": 422, "body": {"detail": [{"msg": "configurations: field required"}]}}]}'
expect_rc "422 exits 3" 3 "$RUNLAYER" scan $SCAN --host "$SRV_URL" --secret rl_org_good
contains "422 shows the server's detail" err "(HTTP 422: configurations: field required)"
contains "422: set aside, never resent" err "will never accept this scan"
is_eq "422 is not retried" "$(q 'len([r for r in reqs['"$n0"':] if r["path"].endswith("/scan")])')" 1

n0=$(q 'len(reqs)')
srv_plan '{"scan": [{"status": 302, "headers": {"Location": "https://elsewhere.example/"}, "body": {}}]}'
expect_rc "302 exits 3" 3 "$RUNLAYER" scan $SCAN --host "$SRV_URL" --secret rl_org_good
contains "302: a redirect is not followed, and says why" err "answered with a redirect (HTTP 302), which is not followed"
lacks "302: not a refusal for good" err "will never accept this scan"
is_eq "302 is not followed" "$(q 'len([r for r in reqs['"$n0"':] if r["path"].endswith("/scan")])')" 1
contains "302: the scan stays queued" err "queued"
srv_plan '{}'
"$RUNLAYER" sync --host "$SRV_URL" --secret rl_org_good >/dev/null 2>&1

n0=$(q 'len(reqs)')
srv_plan '{"scan": [{"status": 503}, {"status": 500}]}'
expect_rc "5xx twice then 200: retried, exits 0" 0 "$RUNLAYER" scan $SCAN --host "$SRV_URL" --secret rl_org_good
is_eq "three attempts, one idempotency key" "$(q 'len(set(r["headers"]["x-runlayer-idempotency-key"] for r in reqs['"$n0"':] if r["path"].endswith("/scan")))'):$(q 'len([r for r in reqs['"$n0"':] if r["path"].endswith("/scan")])')" 1:3
is_eq "stored once" "$(q 'len([r for r in received if r["idempotency_key"] == reqs['"$n0"']["headers"]["x-runlayer-idempotency-key"]])')" 1

n0=$(q 'len(reqs)')
srv_plan '{"scan": [{"status": 429, "headers": {"Retry-After": "1"}}]}'
expect_rc "429 with Retry-After: waits, retries, exits 0" 0 "$RUNLAYER" scan $SCAN --host "$SRV_URL" --secret rl_org_good
check "Retry-After was honoured (>= 1 s between attempts)" python3 -c '
import sys; t = [float(x) for x in sys.argv[1:]]; sys.exit(0 if t[1] - t[0] >= 0.95 else 1)' \
	$(q '" ".join(str(r["time"]) for r in reqs['"$n0"':'"$n0"'+2])')
srv_plan '{"scan": [{"status": 429, "headers": {"Retry-After": "3600"}, "repeat": true}]}'
expect_rc "429 asking for an hour: gives up within the budget, exits 3" 3 "$RUNLAYER" scan $SCAN --host "$SRV_URL" --secret rl_org_good
contains "429 message" err "limiting the request rate (HTTP 429, retry after 3600 s)"
srv_plan '{"scan": [{"status": 500, "repeat": true}]}'
n0=$(q 'len(reqs)')
expect_rc "5xx every time exits 3" 3 env RUNLAYER_HTTP_RETRIES=3 "$RUNLAYER" scan $SCAN --host "$SRV_URL" --secret rl_org_good
contains "5xx message counts the attempts" err "failed (HTTP 500: injected) (4 attempts over"
contains "5xx: the scan is queued" err "The scan is queued"
is_eq "RUNLAYER_HTTP_RETRIES=3 means 4 attempts" "$(q 'len([r for r in reqs['"$n0"':] if r["path"].endswith("/scan")])')" 4
srv_plan '{}'
expect_rc "sync delivers what the failures queued" 0 "$RUNLAYER" sync --host "$SRV_URL" --secret rl_org_good

# ---- plain http only to loopback ----------------------------------------------
srv_start plain --plain
expect_rc "plain http to 127.0.0.1 works" 0 "$RUNLAYER" scan $SCAN --host "$SRV_URL" --secret rl_org_good
is_eq "plain backend got it" "$(q 'len(received)')" 1
srv_stop
expect_rc "plain http to a remote host is refused" 1 "$RUNLAYER" scan $SCAN --host http://runlayer.example.com --secret rl_org_good
contains "plain http refusal says why" err "plain http:// would send the API key unencrypted"

done_testing
