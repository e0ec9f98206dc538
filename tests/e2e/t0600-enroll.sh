# runlayer enroll / aiwatch enroll (contract §1.4, §3.9): the exact
# request, idempotence, exit codes 0/1/2, and the managed EnrollmentKey.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/server/lib.sh"
command -v openssl >/dev/null && command -v python3 >/dev/null || { echo "1..0 # SKIP no openssl/python3"; exit 0; }
srv_certs || { fail "make test certificates"; done_testing; exit 1; }
fast_http
export RUNLAYER_CA_BUNDLE=$PWD/ca/ca.pem RUNLAYER_HOSTNAME=e2e-host USER=alice
trap srv_cleanup EXIT
srv_start main || { fail "start the test backend"; done_testing; exit 1; }
CFG=$HOME/.runlayer/config.yaml
HK=127.0.0.1:$SRV_PORT
ln -s "$RUNLAYER" aiwatch

expect_rc "no host: exit 2" 2 "$RUNLAYER" enroll --enrollment-key - </dev/null
contains "no host: contract message" err "Error: no host configured (pass --host, set RUNLAYER_HOST, or push MDM Host)."
expect_rc "no enrollment key: silent no-op, exit 0" 0 "$RUNLAYER" enroll --host "$SRV_URL"
check "no key: nothing printed" test ! -s err -a ! -s out
is_eq "no key: no request" "$(q 'len(reqs)')" 0

echo rl_enroll_good | "$RUNLAYER" enroll --host "$SRV_URL" --enrollment-key - >out 2>err
is_eq "enroll exits 0" "$?" 0
contains "success message (stderr)" err "Enrollment successful. API key saved to config file for $SRV_URL."
check "nothing on stdout" test ! -s out
is_eq "POST /api/v1/mdm/enroll" "$(q 'reqs[0]["method"] + " " + reqs[0]["path"]')" "POST /api/v1/mdm/enroll"
is_eq "Bearer enrollment key" "$(q 'reqs[0]["headers"]["authorization"]')" "Bearer rl_enroll_good"
is_eq "no x-runlayer-api-key on enrollment" "$(q '"x-runlayer-api-key" in reqs[0]["headers"]')" false
is_eq "body: username and device_name" "$(q 'reqs[0]["body"]')" '{"device_name": "e2e-host", "username": "alice"}'
check "minted key saved as the host's secret" grep -q "secret: rl_user_minted" "$CFG"
check "default_host set" grep -q "^default_host: $SRV_URL$" "$CFG"
check "marker touched, 0644" test "$(stat -c %a "$HOME/.runlayer/.enrolled-$HK")" = 644
lacks "the minted key is never printed" err rl_user_minted
lacks "the enrollment key is never printed" err rl_enroll_good

expect_rc "again: already enrolled, exit 0" 0 env RUNLAYER_ENROLLMENT_API_KEY=rl_enroll_good "$RUNLAYER" enroll --host "$SRV_URL"
contains "already enrolled message" err "Already enrolled for $SRV_URL; pass --force to re-enroll."
is_eq "idempotent: no second request" "$(q 'len(reqs)')" 1

n0=$(q 'len(reqs)')
expect_rc "--force with a bad key: exit 1" 1 env RUNLAYER_ENROLLMENT_API_KEY=rl_enroll_bad "$RUNLAYER" enroll --host "$SRV_URL" --force
contains "401: contract message" err "Error: enrollment failed (HTTP 401): Invalid enrollment key"
check "the saved key is untouched" grep -q "secret: rl_user_minted" "$CFG"
srv_plan '{"enroll": [{"status": 422, "body": {"detail": "username: field required"}}]}'
expect_rc "422: exit 1" 1 env RUNLAYER_ENROLLMENT_API_KEY=rl_enroll_good "$RUNLAYER" enroll --host "$SRV_URL" --force
contains "422 detail" err "enrollment failed (HTTP 422): username: field required"
srv_plan '{"enroll": [{"status": 200, "body": {"nothing": true}}]}'
expect_rc "200 without api_key: exit 1" 1 env RUNLAYER_ENROLLMENT_API_KEY=rl_enroll_good "$RUNLAYER" enroll --host "$SRV_URL" --force
contains "no api_key message" err "enrollment failed (HTTP 200): the answer has no api_key"
srv_plan '{}'
free_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
expect_rc "nothing listening: exit 1" 1 env RUNLAYER_ENROLLMENT_API_KEY=rl_enroll_good RUNLAYER_HTTP_RETRIES=0 "$RUNLAYER" enroll --host "https://127.0.0.1:$free_port"
contains "transport: contract message" err "Error: Failed to connect to https://127.0.0.1:$free_port: "

# Explicit values and the environment, in the contract's order.
n0=$(q 'len(reqs)')
expect_rc "--username/--device-name win" 0 env RUNLAYER_ENROLLMENT_API_KEY=rl_enroll_good ENROLLMENT_USERNAME=env-user ENROLLMENT_DEVICE_NAME=env-dev "$RUNLAYER" enroll --host "$SRV_URL" --force --username flag-user --device-name flag-dev
is_eq "flag values sent" "$(q 'reqs[-1]["body"]')" '{"device_name": "flag-dev", "username": "flag-user"}'
expect_rc "ENROLLMENT_* next" 0 env RUNLAYER_ENROLLMENT_API_KEY=rl_enroll_good ENROLLMENT_USERNAME=env-user ENROLLMENT_DEVICE_NAME=env-dev RUNLAYER_ENROLLMENT_USERNAME=no RUNLAYER_ENROLLMENT_DEVICE_NAME=no "$RUNLAYER" enroll --host "$SRV_URL" --force
is_eq "env values sent" "$(q 'reqs[-1]["body"]')" '{"device_name": "env-dev", "username": "env-user"}'
expect_rc "RUNLAYER_ENROLLMENT_* after them" 0 env RUNLAYER_ENROLLMENT_API_KEY=rl_enroll_good RUNLAYER_ENROLLMENT_USERNAME=rl-user RUNLAYER_ENROLLMENT_DEVICE_NAME=rl-dev "$RUNLAYER" enroll --host "$SRV_URL" --force
is_eq "RUNLAYER_ENROLLMENT_* values sent" "$(q 'reqs[-1]["body"]')" '{"device_name": "rl-dev", "username": "rl-user"}'

# Managed configuration (Linux, under --root): EnrollmentKey, Host, Username.
rm -f "$CFG"
mkdir -p root/etc/runlayer/aiwatch
cat >root/etc/runlayer/aiwatch/config.json <<JSON
{"Host": "$SRV_URL", "EnrollmentKey": "rl_enroll_good", "Username": "mdm-user@example.com",
 "DeviceName": "{DeviceName}"}
JSON
expect_rc "aiwatch enroll from the managed configuration" 0 ./aiwatch enroll --root "$PWD/root" --os linux
contains "managed: success" err "Enrollment successful. API key saved to config file for $SRV_URL."
is_eq "managed Username sent; the placeholder DeviceName skipped" "$(q 'reqs[-1]["body"]')" '{"device_name": "e2e-host", "username": "mdm-user@example.com"}'
expect_rc "aiwatch enroll again: already enrolled" 0 ./aiwatch enroll --root "$PWD/root" --os linux
contains "managed: already enrolled" err "Already enrolled for $SRV_URL"

done_testing
