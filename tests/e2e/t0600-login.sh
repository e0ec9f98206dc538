# runlayer login / logout and config.yaml: the key from stdin or a no-echo
# prompt, verified before saving (GET /api/v1/ai-watch/config), written
# atomically 0600 in a 0700 directory with unknown keys kept; files other
# users can read are refused with the fix.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/server/lib.sh"
command -v openssl >/dev/null && command -v python3 >/dev/null || { echo "1..0 # SKIP no openssl/python3"; exit 0; }
srv_certs || { fail "make test certificates"; done_testing; exit 1; }
scan_home
fast_http
export RUNLAYER_CA_BUNDLE=$PWD/ca/ca.pem
trap srv_cleanup EXIT
srv_start main || { fail "start the test backend"; done_testing; exit 1; }
CFG=$HOME/.runlayer/config.yaml
HK=127.0.0.1:$SRV_PORT

# ---- the key from standard input --------------------------------------------
echo rl_user_good | "$RUNLAYER" login --host "$SRV_URL/" >out 2>err
is_eq "login from stdin exits 0" "$?" 0
contains "login confirms" out "Logged in to $SRV_URL: key verified and saved to $CFG (default host)"
is_eq "verified with GET /api/v1/ai-watch/config" "$(q '[r["method"] + " " + r["path"] for r in reqs]')" '["GET /api/v1/ai-watch/config"]'
is_eq "verification sends the key header" "$(q 'reqs[0]["headers"]["x-runlayer-api-key"]')" rl_user_good
check "config.yaml is 0600" test "$(stat -c %a "$CFG")" = 600
check "~/.runlayer is 0700" test "$(stat -c %a "$HOME/.runlayer")" = 700
cat >want.yaml <<YAML
hosts:
  '$HK':
    url: $SRV_URL
    secret: rl_user_good
default_host: $SRV_URL
YAML
check "config.yaml has the contract's schema" cmp -s want.yaml "$CFG"
lacks "the key is not echoed" out rl_user_good
lacks "the key is not on stderr" err rl_user_good
expect_rc "scan uses the saved key" 0 "$RUNLAYER" scan $SCAN
is_eq "scan sent the saved key" "$(q 'reqs[-2]["headers"]["x-runlayer-api-key"]')" rl_user_good

# ---- refusals: nothing saved ------------------------------------------------------
cp "$CFG" before.yaml
echo rl_wrong | "$RUNLAYER" login --host "$SRV_URL" >out 2>err; rc=$?
is_eq "a key the backend rejects: exit 1" "$rc" 1
contains "401 message" err "rejected the key (HTTP 401): it is wrong, expired or revoked; nothing was saved"
check "config.yaml unchanged" cmp -s before.yaml "$CFG"
printf '' | "$RUNLAYER" login --host "$SRV_URL" >out 2>err; rc=$?
is_eq "no key: exit 1" "$rc" 1
contains "no key message" err "no API key was given"
echo REPLACE_WITH_YOUR_KEY | "$RUNLAYER" login --host "$SRV_URL" >out 2>err
contains "placeholder refused" err "is a placeholder"
echo rl_enroll_good | "$RUNLAYER" login --host "$SRV_URL" >out 2>err
contains "enrollment key refused" err "this is an enrollment key: exchange it for a key with 'runlayer enroll'"
echo "rl_a b" | "$RUNLAYER" login --host "$SRV_URL" >out 2>err
contains "whitespace refused" err "contains a space or a control character"
expect_rc "a key on argv is refused" 64 "$RUNLAYER" login --host "$SRV_URL" rl_user_good
contains "argv refusal says why" err "never from the command line"
srv_plan '{"config": [{"status": 404}]}'
echo rl_user_good | "$RUNLAYER" login --host "$SRV_URL" >out 2>err; rc=$?
is_eq "404 on verification: exit 2" "$rc" 2
contains "404 suggests --no-verify" err "pass --no-verify to save the key without checking it"
srv_plan '{"config": [{"status": 500, "repeat": true}]}'
echo rl_user_good | "$RUNLAYER" login --host "$SRV_URL" >out 2>err; rc=$?
is_eq "500 on verification: exit 3" "$rc" 3
srv_plan '{}'
check "config.yaml still unchanged" cmp -s before.yaml "$CFG"
echo rl_org_norole | "$RUNLAYER" login --host "$SRV_URL" --org-api-key ci >out 2>err; rc=$?
is_eq "403: saved with a warning, exit 0" "$rc" 0
contains "403 warning" err "lacks the Detect Scan role (HTTP 403)"
echo rl_org_good | "$RUNLAYER" login --host "$SRV_URL" >out 2>err
contains "an org key goes under org_api_keys" out "Org API key 'ai_watch_mdm' for $SRV_URL verified"
check "org keys saved beside the secret" grep -q "ai_watch_mdm: rl_org_good" "$CFG"
check "the user secret is kept" grep -q "secret: rl_user_good" "$CFG"
echo rl_offline | "$RUNLAYER" login --host https://offline.example.com --no-verify >out 2>err
contains "--no-verify saves without a request" out "key not verified and saved"
check "second host added" grep -q "offline.example.com:" "$CFG"
check "default_host moved to it" grep -q "^default_host: https://offline.example.com$" "$CFG"

# ---- the no-echo prompt ---------------------------------------------------------------
check "prompt reads the key without echo" python3 - "$RUNLAYER" "$SRV_URL" <<'PY'
import os, pty, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], [sys.argv[1], "login", "--host", sys.argv[2]])
out = b""
while b"API key for" not in out:
    out += os.read(fd, 1024)
time.sleep(0.2)
os.write(fd, b"rl_user_good\n")
try:
    while True:
        chunk = os.read(fd, 1024)
        if not chunk:
            break
        out += chunk
except OSError:
    pass
_, status = os.waitpid(pid, 0)
text = out.decode()
sys.exit(0 if os.WEXITSTATUS(status) == 0 and "rl_user_good" not in text and "Logged in" in text else 1)
PY

# ---- unknown keys survive every write -----------------------------------------------
cat >"$CFG" <<YAML
# a comment (libyaml does not keep comments)
default_host: $SRV_URL
telemetry: {enabled: true, level: 3}
hosts:
  '$HK':
    url: $SRV_URL
    secret: rl_old
    org_api_keys: {team: rl_org_team}
    note: keep me
  other.example.com: {url: 'https://other.example.com', secret: rl_other}
YAML
chmod 600 "$CFG"
echo rl_user_good | "$RUNLAYER" login --host "$SRV_URL" >out 2>err
check "unknown top-level keys kept" grep -q "level: 3" "$CFG"
check "unknown host keys kept" grep -q "note: keep me" "$CFG"
check "other hosts kept" grep -q "secret: rl_other" "$CFG"
check "org keys kept" grep -q "team: rl_org_team" "$CFG"
check "secret replaced" sh -c "grep -q 'secret: rl_user_good' '$CFG' && ! grep -q rl_old '$CFG'"
check "no temporary files left" sh -c "test \"\$(ls -A '$HOME/.runlayer' | grep -v -e '^config.yaml$' -e '^logs$' -e '^.config.yaml.lock$' -e '^inventory.db' -e '^aiwatch-scan.lock$')\" = ''"

# ---- files others could read or replace ------------------------------------------------
chmod 644 "$CFG"
expect_rc "a world-readable config.yaml is refused" 1 "$RUNLAYER" scan $SCAN
contains "refusal names the fix" err "readable or writable by other users (mode 0644), so the keys in it may have been read; fix it with: chmod 600 $CFG"
echo rl_user_good | "$RUNLAYER" login --host "$SRV_URL" >out 2>err; rc=$?
is_eq "login refuses it too (exit 1)" "$rc" 1
check "and leaves the mode alone" test "$(stat -c %a "$CFG")" = 644
chmod 600 "$CFG"
chmod 777 "$HOME/.runlayer"
expect_rc "a world-writable ~/.runlayer is refused" 1 "$RUNLAYER" scan $SCAN
contains "directory refusal names the fix" err "chmod 700 $HOME/.runlayer"
chmod 700 "$HOME/.runlayer"
mv "$CFG" real.yaml; ln -s "$PWD/real.yaml" "$CFG"
expect_rc "a symlinked config.yaml is refused" 1 "$RUNLAYER" scan $SCAN
contains "symlink refusal" err "is a symbolic link; refusing to read credentials through a link"
rm "$CFG"; mv real.yaml "$CFG"
printf 'hosts: [unclosed\n' >"$CFG"; chmod 600 "$CFG"
expect_rc "an unparseable config.yaml warns and counts as empty" 0 "$RUNLAYER" scan $SCAN
contains "warning with a position" err "$CFG:2:1:"
echo rl_user_good | "$RUNLAYER" login --host "$SRV_URL" >out 2>err
check "login keeps the unparseable file as .bak" grep -q unclosed "$CFG.bak"

# ---- logout -------------------------------------------------------------------------------
echo rl_org_good | "$RUNLAYER" login --host "$SRV_URL" >/dev/null 2>&1
expect_rc "logout exits 0" 0 "$RUNLAYER" logout
contains "logout confirms" out "Logged out of $SRV_URL: the saved key removed from $CFG"
contains "org keys are kept" out "Its org API keys are kept"
check "secret gone" sh -c "! grep -q 'secret: rl_user_good' '$CFG'"
check "org key kept" grep -q "ai_watch_mdm: rl_org_good" "$CFG"
expect_rc "logout again: nothing to remove, exit 0" 0 "$RUNLAYER" logout
contains "nothing to remove" out "no saved key to remove"
expect_rc "logout --all" 0 "$RUNLAYER" logout --all --host "$SRV_URL"
check "host entry gone" sh -c "! grep -q '$HK' '$CFG'"
check "default_host gone with it" sh -c "! grep -q default_host '$CFG'"
check "still 0600" test "$(stat -c %a "$CFG")" = 600
expect_rc "logout with no host at all" 0 "$RUNLAYER" logout
contains "not logged in" out "Not logged in: no host is configured."

done_testing
