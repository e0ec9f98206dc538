# Transport faults and TLS: timeouts, dropped connections, DNS, refused
# connections, untrusted or misnamed certificates, and the CA bundle order
# (--ca-bundle, RUNLAYER_CA_BUNDLE, SSL_CERT_FILE, REQUESTS_CA_BUNDLE).
# Every failure exits 3, names the fix and leaves the scan queued.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/server/lib.sh"
command -v openssl >/dev/null && command -v python3 >/dev/null || { echo "1..0 # SKIP no openssl/python3"; exit 0; }
srv_certs || { fail "make test certificates"; done_testing; exit 1; }
scan_home
fast_http
trap srv_cleanup EXIT
srv_start main || { fail "start the test backend"; done_testing; exit 1; }
GOOD=$PWD/ca/ca.pem
OTHER=$PWD/other/ca.pem
unset RUNLAYER_CA_BUNDLE SSL_CERT_FILE REQUESTS_CA_BUNDLE SSL_CERT_DIR

queued() { "$RUNLAYER" sync --list --json | python3 -c 'import json,sys; print(len([e for e in json.load(sys.stdin) if e["state"] == "queued"]))'; }
drain() { RUNLAYER_CA_BUNDLE=$GOOD "$RUNLAYER" sync --host "$SRV_URL" --secret rl_org_good >/dev/null 2>&1; }
scans_for() { q 'len([r for r in reqs if r["path"].endswith("/scan") and r["headers"].get("x-runlayer-idempotency-key") == "'"$1"'"])'; }

# ---- timeouts -------------------------------------------------------------------
# Attempts of T s against stalls of ST s, waiting W s for stalled handlers;
# under valgrind (make valgrind) a TLS handshake alone can take seconds.
T=1 ST=3 ST2=4 W1=2.5 W2=4
[ -n "${RUNLAYER_VALGRIND:-}" ] && T=20 ST=25 ST2=25 W1=25 W2=25
export RUNLAYER_CA_BUNDLE=$GOOD
srv_plan '{"scan": [{"stall": '"$ST"'}]}'
expect_rc "a stalled first attempt is retried: exits 0" 0 env RUNLAYER_HTTP_TIMEOUT=$T "$RUNLAYER" scan $SCAN --host "$SRV_URL" --secret rl_org_good
idem=$(q 'reqs[0]["headers"]["x-runlayer-idempotency-key"]')
is_eq "both attempts carried the same idempotency key" "$(scans_for "$idem")" 2
sleep $W1	# the stalled handler stores its copy when it wakes up
is_eq "the backend stored the scan once" "$(q 'len([r for r in received if r["idempotency_key"] == "'"$idem"'"])')" 1
is_eq "nothing left queued" "$(queued)" 0

srv_plan '{"scan": [{"stall": '"$ST2"', "repeat": true}]}'
expect_rc "a backend that never answers: exits 3" 3 env RUNLAYER_HTTP_TIMEOUT=$T RUNLAYER_HTTP_RETRIES=1 "$RUNLAYER" scan $SCAN --host "$SRV_URL" --secret rl_org_good
contains "timeout message" err "did not answer in time (2 attempts over"
contains "timeout: queued" err "The scan is queued (1 waiting for $SRV_URL)"
is_eq "timeout: one entry queued" "$(queued)" 1
srv_plan '{}'
sleep $W2
drain
is_eq "drained" "$(queued)" 0

# ---- dropped connections ---------------------------------------------------------
n0=$(q 'len(reqs)')
srv_plan '{"scan": [{"drop": true}]}'
expect_rc "a dropped connection is retried: exits 0" 0 "$RUNLAYER" scan $SCAN --host "$SRV_URL" --secret rl_org_good
is_eq "two attempts" "$(q 'len([r for r in reqs['"$n0"':] if r["path"].endswith("/scan")])')" 2
srv_plan '{"scan": [{"drop": true, "repeat": true}]}'
expect_rc "a backend that always drops: exits 3" 3 env RUNLAYER_HTTP_RETRIES=2 "$RUNLAYER" scan $SCAN --host "$SRV_URL" --secret rl_org_good
contains "drop message" err "broke before an answer"
contains "drop: queued" err "The scan is queued"
srv_plan '{}'
drain

# ---- DNS and refused connections -----------------------------------------------
expect_rc "an unknown host name: exits 3" 3 env RUNLAYER_HTTP_RETRIES=1 "$RUNLAYER" scan $SCAN --host https://no-such-host.invalid --secret rl_org_good
contains "DNS message" err "the host name 'no-such-host.invalid' does not resolve (DNS)"
contains "DNS message says what to check" err "check --host or default_host"
free_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
expect_rc "nothing listening: exits 3" 3 env RUNLAYER_HTTP_RETRIES=2 "$RUNLAYER" scan $SCAN --host "https://127.0.0.1:$free_port" --secret rl_org_good
contains "refused message" err "cannot connect to 127.0.0.1:$free_port"
contains "refused: 3 attempts" err "(3 attempts over"
check "each backend keeps its own queue" test "$("$RUNLAYER" sync --list --json | python3 -c 'import json,sys; print(len(set(e["host"] for e in json.load(sys.stdin))))')" -eq 2

# ---- TLS ---------------------------------------------------------------------------
unset RUNLAYER_CA_BUNDLE
n0=$(q 'len(reqs)')
expect_rc "an untrusted certificate: exits 3" 3 "$RUNLAYER" scan $SCAN --host "$SRV_URL" --secret rl_org_good
contains "certificate message" err "the TLS certificate of 127.0.0.1:$SRV_PORT could not be verified"
contains "certificate message names --ca-bundle" err "--ca-bundle PATH"
contains "certificate message names the variables" err "RUNLAYER_CA_BUNDLE (SSL_CERT_FILE and REQUESTS_CA_BUNDLE are read too)"
is_eq "certificate errors are not retried, nothing reached HTTP" "$(q 'len(reqs) - '"$n0")" 0
contains "untrusted: queued" err "The scan is queued"
drain

srv_start wrongname --cert wrongname
expect_rc "a certificate for another name: exits 3" 3 env RUNLAYER_CA_BUNDLE=$GOOD "$RUNLAYER" scan $SCAN --host "$SRV_URL" --secret rl_org_good
contains "name mismatch is a certificate error" err "could not be verified"
srv_stop
srv_start main2

ok_with() { # DESC ENV... : the scan succeeds with exactly these settings
	desc=$1; shift
	expect_rc "$desc" 0 env "$@" "$RUNLAYER" scan $SCAN --host "$SRV_URL" --secret rl_org_good
}
bad_with() {
	desc=$1; shift
	expect_rc "$desc" 3 env "$@" "$RUNLAYER" scan $SCAN --host "$SRV_URL" --secret rl_org_good
}
expect_rc "--ca-bundle trusts the test CA" 0 "$RUNLAYER" scan $SCAN --host "$SRV_URL" --secret rl_org_good --ca-bundle "$GOOD" -v
contains "verbose names the bundle and its source" err "CA bundle: $GOOD (from --ca-bundle), added to the system trust store"
ok_with "RUNLAYER_CA_BUNDLE alone" RUNLAYER_CA_BUNDLE=$GOOD
ok_with "SSL_CERT_FILE alone" SSL_CERT_FILE=$GOOD
ok_with "REQUESTS_CA_BUNDLE alone" REQUESTS_CA_BUNDLE=$GOOD
expect_rc "--ca-bundle beats RUNLAYER_CA_BUNDLE" 3 env RUNLAYER_CA_BUNDLE=$GOOD "$RUNLAYER" scan $SCAN --host "$SRV_URL" --secret rl_org_good --ca-bundle "$OTHER"
bad_with "RUNLAYER_CA_BUNDLE beats SSL_CERT_FILE" RUNLAYER_CA_BUNDLE=$OTHER SSL_CERT_FILE=$GOOD
bad_with "SSL_CERT_FILE beats REQUESTS_CA_BUNDLE" SSL_CERT_FILE=$OTHER REQUESTS_CA_BUNDLE=$GOOD
ok_with "empty values are skipped" RUNLAYER_CA_BUNDLE= SSL_CERT_FILE= REQUESTS_CA_BUNDLE=$GOOD
bad_with "an unreadable bundle only warns" RUNLAYER_CA_BUNDLE=$PWD/missing.pem
contains "unreadable bundle warning" err "cannot read the CA bundle '$PWD/missing.pem' (from RUNLAYER_CA_BUNDLE)"
contains "then the certificate error" err "could not be verified"
echo "not a certificate" >junk.pem
bad_with "a bundle without certificates only warns" REQUESTS_CA_BUNDLE=$PWD/junk.pem
contains "no-PEM warning" err "holds no PEM certificate; using the system trust store only"
ok_with "the queue is delivered once TLS is fixed" RUNLAYER_CA_BUNDLE=$GOOD
is_eq "nothing left queued for this backend" "$("$RUNLAYER" sync --list --json | python3 -c 'import json,sys; print(len([e for e in json.load(sys.stdin) if e["host"] == sys.argv[1]]))' "$SRV_URL")" 0

done_testing
