#!/usr/bin/env python3
"""Loopback test backend for runlayer's end-to-end tests.

Implements the endpoints of the Runlayer contract the CLI speaks
(docs/api.md): scan (ai-watch and the legacy mcp-watch twin), check-in,
config and MDM enrollment. It checks the key headers, stores what it
accepts, and can be told to misbehave.

    server.py --dir DIR [--cert CERT --key KEY | --plain]

Files in DIR (the tests read and write them):
  port, pid          written once listening on 127.0.0.1
  keys.json          optional: {"keys": {KEY: ROLE}, "enroll": {KEY: MINTED}}
                     ROLE "detect" may scan; "none" gets 403; unknown keys 401
  options.json       optional: {"gzip": true|false, "advertise_gzip": bool}
  plan.json          per-route queues of actions, consumed in order:
                     {"scan": [{"status": 500}, {"stall": 3}, {"drop": true}, ...]}
                     routes: scan, scan-legacy, check-in, config, enroll, hook-events
                     actions: {"status": N, "headers": {...}, "body": {...}}
                              {"stall": SECONDS} (then answer normally, or
                                with "status" when given)
                              {"drop": true}    read the request, close without answer
                              {"kill": true}    read, log, exit at once (no answer)
                              {"kill": true, "store": true}  same, after storing the scan
                              "repeat": true    keeps the action at the head of the queue
  requests.jsonl     every request: method, path, headers, decoded body, gzip flag,
                     and the action taken
  received.jsonl     accepted submissions (deduplicated by x-runlayer-idempotency-key)
  checkins.jsonl     accepted check-ins
  events.jsonl       accepted hook events (POST /api/v1/hooks/events; an event needs
                     "client", "event_name", an object "payload" and a "device")
"""
import argparse
import gzip
import http.server
import json
import os
import socket
import ssl
import sys
import threading
import time
import uuid

LOCK = threading.Lock()
DIR = None
DEFAULT_KEYS = {
    "keys": {"rl_org_good": "detect", "rl_user_good": "detect", "rl_org_norole": "none"},
    "enroll": {"rl_enroll_good": "rl_user_minted"},
}
ROUTES = {
    ("POST", "/api/v1/ai-watch/scan"): "scan",
    ("POST", "/api/v1/mcp-watch/scan"): "scan-legacy",
    ("POST", "/api/v1/ai-watch/check-in"): "check-in",
    ("GET", "/api/v1/ai-watch/config"): "config",
    ("POST", "/api/v1/mdm/enroll"): "enroll",
    ("POST", "/api/v1/hooks/events"): "hook-events",
}


def path_of(name):
    return os.path.join(DIR, name)


def read_json(name, default):
    try:
        with open(path_of(name)) as f:
            return json.load(f)
    except (OSError, ValueError):
        return default


def write_json_atomic(name, obj):
    tmp = path_of(name + ".tmp")
    with open(tmp, "w") as f:
        json.dump(obj, f)
    os.replace(tmp, path_of(name))


def append_line(name, obj):
    with open(path_of(name), "a") as f:
        f.write(json.dumps(obj) + "\n")
        f.flush()
        os.fsync(f.fileno())


def next_action(route):
    with LOCK:
        plan = read_json("plan.json", {})
        queue = plan.get(route) or []
        if not queue:
            return None
        action = queue[0]
        if not action.get("repeat"):
            queue.pop(0)
            plan[route] = queue
            write_json_atomic("plan.json", plan)
        return action


def received():
    out = []
    try:
        with open(path_of("received.jsonl")) as f:
            for line in f:
                out.append(json.loads(line))
    except OSError:
        pass
    return out


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "runlayer-test-backend"
    sys_version = ""

    def log_message(self, fmt, *args):
        sys.stderr.write("%s\n" % (fmt % args))

    def do_GET(self):
        self.handle_any("GET")

    def do_POST(self):
        self.handle_any("POST")

    def reply(self, status, body=None, headers=None):
        data = json.dumps(body if body is not None else {}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        opts = read_json("options.json", {})
        if opts.get("advertise_gzip", True) and opts.get("gzip", True):
            self.send_header("Accept-Encoding", "gzip")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()
        return status

    def handle_any(self, method):
        path = self.path.split("?", 1)[0]
        route = ROUTES.get((method, path))
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        encoding = (self.headers.get("Content-Encoding") or "").lower()
        body, body_error = None, None
        data = raw
        if encoding == "gzip":
            try:
                data = gzip.decompress(raw)
            except (OSError, EOFError) as exc:
                body_error = "bad gzip: %s" % exc
        if raw and body_error is None:
            try:
                body = json.loads(data)
            except ValueError as exc:
                body_error = "bad JSON: %s" % exc
        record = {
            "method": method,
            "path": self.path,
            "headers": {k.lower(): v for k, v in self.headers.items()},
            "body": body,
            "raw_len": len(raw),
            "gzip": encoding == "gzip",
            "time": time.time(),
        }
        action = next_action(route) if route else None
        record["action"] = action
        with LOCK:
            append_line("requests.jsonl", record)
        if action:
            if action.get("stall"):
                time.sleep(float(action["stall"]))
            if action.get("kill"):
                if action.get("store") and route in ("scan", "scan-legacy"):
                    with LOCK:
                        append_line("received.jsonl", {
                            "idempotency_key": record["headers"].get("x-runlayer-idempotency-key"),
                            "path": path, "body": body})
                os._exit(3)
            if action.get("drop"):
                self.close_connection = True
                try:
                    self.connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                return
            if "status" in action:
                self.reply(int(action["status"]), action.get("body", {"detail": "injected"}),
                           action.get("headers"))
                return
        if route is None:
            self.reply(404, {"detail": "Not Found"})
            return
        opts = read_json("options.json", {})
        if encoding == "gzip" and not opts.get("gzip", True):
            self.reply(415, {"detail": "Unsupported Content-Encoding"},
                       {"Accept-Encoding": "identity"})
            return
        keys = read_json("keys.json", DEFAULT_KEYS)
        if route == "enroll":
            auth = self.headers.get("Authorization") or ""
            token = auth[7:] if auth.startswith("Bearer ") else None
            minted = keys.get("enroll", {}).get(token)
            if minted is None:
                self.reply(401, {"detail": "Invalid enrollment key"})
                return
            if not isinstance(body, dict) or "username" not in body or "device_name" not in body:
                self.reply(422, {"detail": "username and device_name are required"})
                return
            self.reply(200, {"api_key": minted})
            return
        key = self.headers.get("x-runlayer-api-key")
        role = keys.get("keys", {}).get(key)
        if role is None:
            self.reply(401, {"detail": "Invalid API key"})
            return
        if role != "detect":
            self.reply(403, {"detail": "API key lacks the Detect Scan role"})
            return
        if body_error:
            self.reply(422, {"detail": body_error})
            return
        if route == "config":
            self.reply(200, {"mode": "monitor"})
            return
        if route == "hook-events":
            if (not isinstance(body, dict) or not isinstance(body.get("payload"), dict)
                    or not isinstance(body.get("client"), str)
                    or not isinstance(body.get("event_name"), str)
                    or not isinstance(body.get("device"), dict)):
                self.reply(422, {"detail": "client, event_name, payload, device: required"})
                return
            with LOCK:
                append_line("events.jsonl", body)
            self.reply(200, {"ok": True})
            return
        if route == "check-in":
            with LOCK:
                append_line("checkins.jsonl", body)
            self.reply(200, {"ok": True})
            return
        if not isinstance(body, dict) or not isinstance(body.get("configurations"), list):
            self.reply(422, {"detail": "configurations: field required"})
            return
        idem = record["headers"].get("x-runlayer-idempotency-key")
        servers = sum(len(c.get("servers") or []) for c in body["configurations"])
        response = {"servers_processed": servers, "shadow_servers_found": servers,
                    "managed_servers_matched": 0, "scan_id": str(uuid.uuid4())}
        with LOCK:
            seen = [r for r in received() if idem and r.get("idempotency_key") == idem]
            if not seen:
                append_line("received.jsonl", {"idempotency_key": idem, "path": path, "body": body})
        self.reply(200, response)


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    ssl_context = None

    def finish_request(self, request, client_address):
        # The TLS handshake runs in the handler thread, so a client that
        # never completes it cannot block the server.
        if self.ssl_context is not None:
            try:
                request.settimeout(10)
                request = self.ssl_context.wrap_socket(request, server_side=True)
                request.settimeout(None)
            except (OSError, ssl.SSLError) as exc:
                sys.stderr.write("handshake failed: %s\n" % exc)
                return
        self.RequestHandlerClass(request, client_address, self)

    def handle_error(self, request, client_address):
        sys.stderr.write("connection error from %s: %s\n" % (client_address, sys.exc_info()[1]))


def main():
    global DIR
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--plain", action="store_true")
    ap.add_argument("--port", type=int, default=0)
    a = ap.parse_args()
    DIR = a.dir
    srv = Server(("127.0.0.1", a.port), Handler)
    if not a.plain:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(a.cert, a.key)
        srv.ssl_context = ctx
    with open(path_of("pid"), "w") as f:
        f.write("%d\n" % os.getpid())
    tmp = path_of("port.tmp")
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.replace(tmp, path_of("port"))
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
