# Helpers for end-to-end tests that talk to the loopback test backend
# (sourced after tests/e2e/lib.sh). Certificates are made here with openssl.
#
#   srv_certs            make ca/ (trusted test CA + 127.0.0.1 server cert),
#                        other/ (an unrelated CA) and wrongname/ (a cert from
#                        the test CA for another host name)
#   srv_start NAME [--plain] [--cert DIR]   start a backend in srv-NAME/;
#                        sets SRV_DIR, SRV_URL, SRV_PID
#   srv_stop / srv_kill  stop it (TERM / KILL)
#   srv_cleanup          stop every backend started (trap srv_cleanup EXIT)
#   srv_plan JSON        replace the fault plan
#   q EXPR               query what it saw (tests/server/q.py)

SRV_PY="$TOP/tests/server/server.py"

srv_certs() {
	[ -f ca/ca.pem ] && return 0
	mkdir -p ca other wrongname
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=runlayer test CA" \
		-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign" \
		-keyout ca/ca.key -out ca/ca.pem 2>/dev/null || return 1
	openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
		-keyout ca/server.key -out ca/server.csr 2>/dev/null || return 1
	printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' >ca/ext
	openssl x509 -req -in ca/server.csr -CA ca/ca.pem -CAkey ca/ca.key -CAcreateserial \
		-days 2 -extfile ca/ext -out ca/server.pem 2>/dev/null || return 1
	openssl req -newkey rsa:2048 -nodes -subj "/CN=other.example" \
		-keyout wrongname/server.key -out wrongname/server.csr 2>/dev/null || return 1
	printf 'subjectAltName=DNS:other.example\nextendedKeyUsage=serverAuth\n' >wrongname/ext
	openssl x509 -req -in wrongname/server.csr -CA ca/ca.pem -CAkey ca/ca.key \
		-CAcreateserial -days 2 -extfile wrongname/ext -out wrongname/server.pem 2>/dev/null ||
		return 1
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=unrelated CA" \
		-keyout other/ca.key -out other/ca.pem 2>/dev/null || return 1
}

srv_start() {
	name=$1; shift
	plain=""; certdir=ca; port=0
	while [ $# -gt 0 ]; do
		case $1 in
		--plain) plain=1 ;;
		--cert) certdir=$2; shift ;;
		--port) port=$2; shift ;;
		esac
		shift
	done
	SRV_DIR=$PWD/srv-$name
	mkdir -p "$SRV_DIR"
	rm -f "$SRV_DIR/port"
	if [ -n "$plain" ]; then
		python3 "$SRV_PY" --dir "$SRV_DIR" --plain --port "$port" \
			</dev/null >>"$SRV_DIR/server.log" 2>&1 &
		scheme=http
	else
		python3 "$SRV_PY" --dir "$SRV_DIR" --cert "$certdir/server.pem" \
			--key "$certdir/server.key" --port "$port" </dev/null >>"$SRV_DIR/server.log" 2>&1 &
		scheme=https
	fi
	SRV_PID=$!
	SRV_ALL="${SRV_ALL:-} $SRV_PID"
	i=0
	while [ ! -s "$SRV_DIR/port" ]; do
		i=$((i + 1))
		if [ $i -gt 200 ] || ! kill -0 "$SRV_PID" 2>/dev/null; then
			echo "# test backend did not start:"; sed 's/^/#   /' "$SRV_DIR/server.log"
			return 1
		fi
		sleep 0.05
	done
	SRV_PORT=$(cat "$SRV_DIR/port")
	SRV_URL="$scheme://127.0.0.1:$SRV_PORT"
}

srv_stop() {
	[ -n "${SRV_PID:-}" ] || return 0
	kill "$SRV_PID" 2>/dev/null
	wait "$SRV_PID" 2>/dev/null
	SRV_PID=""
}

srv_kill() {
	[ -n "${SRV_PID:-}" ] || return 0
	kill -9 "$SRV_PID" 2>/dev/null
	wait "$SRV_PID" 2>/dev/null
	SRV_PID=""
}

# Stop every backend this test started (trap it on EXIT).
srv_cleanup() {
	for p in ${SRV_ALL:-}; do kill -9 "$p" 2>/dev/null; done
	wait 2>/dev/null
	SRV_ALL=""
}

srv_plan() {
	printf '%s\n' "$1" >"$SRV_DIR/plan.json.tmp" && mv "$SRV_DIR/plan.json.tmp" "$SRV_DIR/plan.json"
}

q() {
	python3 "$TOP/tests/server/q.py" "$SRV_DIR" "$1"
}

# is_eq DESC GOT WANT
is_eq() {
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1 (got '$2', want '$3')"; fi
}

# A small home to scan: two servers in Cursor's global config, one with a
# secret in env (redacted before it leaves). Sets SCAN (the scan arguments).
scan_home() {
	mkdir -p h/.cursor root
	cat >h/.cursor/mcp.json <<'JSON'
{"mcpServers": {
  "github": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-github"],
             "env": {"GITHUB_TOKEN": "ghp_fixture_secret_value"}},
  "docs": {"url": "https://docs.example.com/mcp"}
}}
JSON
	SCAN="--home $PWD/h --root $PWD/root --os linux --no-projects --no-store
		--device-id 11111111-2222-4333-8444-555555555555 --username alice"
	export RUNLAYER_HOSTNAME=e2e-host
}

# Fast retries for tests: short attempts, short waits, a small budget.
fast_http() {
	export RUNLAYER_HTTP_TIMEOUT=2 RUNLAYER_HTTP_BACKOFF=0.05 RUNLAYER_HTTP_BUDGET=15
	# Under valgrind (make valgrind) a TLS handshake alone can take seconds.
	[ -z "${RUNLAYER_VALGRIND:-}" ] || export RUNLAYER_HTTP_TIMEOUT=30 RUNLAYER_HTTP_BUDGET=120 \
		RUNLAYER_HTTP_CONNECT_TIMEOUT=30
}

# A home with 40 servers (a body over the 1 KiB compression threshold).
# Sets SCAN_BIG.
scan_home_big() {
	mkdir -p hb/.cursor
	python3 -c '
import json
print(json.dumps({"mcpServers": {"srv%02d" % i: {"command": "npx", "args": ["-y", "@example/server-%d" % i]} for i in range(40)}}))' >hb/.cursor/mcp.json
	SCAN_BIG="--home $PWD/hb --root $PWD/root --os linux --no-projects --no-store
		--device-id 11111111-2222-4333-8444-555555555555 --username alice"
}
