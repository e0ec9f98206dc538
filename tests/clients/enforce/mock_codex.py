#!/usr/bin/env python3
"""Mock OpenAI Responses API for the Codex enforcement test (clients.md §6.2).

Usage: mock_codex.py PORTFILE LOGFILE SERVER...

Listens on 127.0.0.1 (port 0) and writes the chosen port to PORTFILE.
Serves GET /v1/models and a streaming POST /v1/responses. Each response
asks for one MCP call, `echo {"text": "from-codex"}` on the next SERVER of
the command line (as the function_call {namespace: "mcp__SERVER", name:
"echo"}) that has no function_call_output in the request yet; when every
call has its output, it answers with a text message. A server whose
namespace the client did not advertise is skipped.

Every request is appended to LOGFILE as one JSON line {"method", "path",
"encoding", "body"}: the body decompressed (zstd through /usr/bin/zstd,
since python3 has no zstd module) and parsed as JSON when it is JSON.
"""
import gzip
import os
import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_BODY = 64 << 20
TEXT = "from-codex"


def decode(body, encoding):
    encoding = (encoding or "").strip().lower()
    if encoding == "zstd":
        body = subprocess.run(["zstd", "-d", "-c", "-q"], input=body,
                              stdout=subprocess.PIPE, check=True,
                              timeout=30).stdout
    elif encoding == "gzip":
        body = gzip.decompress(body)
    try:
        return json.loads(body)
    except ValueError:
        return body.decode("utf-8", "replace")


def namespaces(req):
    names = set()
    for tool in req.get("tools") or []:
        if isinstance(tool, dict) and tool.get("type") == "namespace":
            names.add(tool.get("name"))
    return names


def answered(req):
    """call_ids of the function calls that already have an output."""
    ids = set()
    for item in req.get("input") or []:
        if isinstance(item, dict) and item.get("type") == "function_call_output":
            ids.add(item.get("call_id"))
    return ids


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    servers = []
    log = None
    lock = threading.Lock()
    seq = 0

    def log_message(self, fmt, *args):
        pass

    def record(self, body):
        with self.lock:
            with open(self.log, "a", encoding="utf-8") as f:
                f.write(json.dumps({
                    "method": self.command, "path": self.path,
                    "encoding": self.headers.get("Content-Encoding"),
                    "body": body}) + "\n")

    def send_json(self, code, obj):
        data = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self.record(None)
        if self.path.split("?")[0].endswith("/models"):
            self.send_json(200, {"object": "list", "data": [
                {"id": "mock-model", "object": "model", "owned_by": "mock"}],
                "models": []})
        else:
            self.send_json(404, {"error": {"message": "not found"}})

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length < 0 or length > MAX_BODY:
            self.send_json(413, {"error": {"message": "too large"}})
            return
        raw = self.rfile.read(length)
        try:
            req = decode(raw, self.headers.get("Content-Encoding"))
        except (OSError, subprocess.SubprocessError, EOFError) as e:
            req = "undecodable: %s" % e
        self.record(req)
        if not self.path.split("?")[0].endswith("/responses") or \
                not isinstance(req, dict):
            self.send_json(404, {"error": {"message": "not found"}})
            return
        self.stream(self.next_items(req))

    def next_items(self, req):
        done = answered(req)
        have = namespaces(req)
        for name in self.servers:
            call_id = "call_" + name
            if call_id in done or "mcp__" + name not in have:
                continue
            return [{"type": "function_call", "id": "fc_" + name,
                     "call_id": call_id, "namespace": "mcp__" + name,
                     "name": "echo", "status": "completed",
                     "arguments": json.dumps({"text": TEXT})}]
        return [{"type": "message", "id": "msg_done", "role": "assistant",
                 "status": "completed",
                 "content": [{"type": "output_text", "text": "all done",
                              "annotations": []}]}]

    def stream(self, items):
        with self.lock:
            Handler.seq += 1
            rid = "resp_%d" % Handler.seq
        events = [{"type": "response.created",
                   "response": {"id": rid, "status": "in_progress"}}]
        for i, item in enumerate(items):
            events.append({"type": "response.output_item.added",
                           "output_index": i, "item": item})
            events.append({"type": "response.output_item.done",
                           "output_index": i, "item": item})
        events.append({"type": "response.completed", "response": {
            "id": rid, "status": "completed", "output": items,
            "usage": {"input_tokens": 10,
                      "input_tokens_details": {"cached_tokens": 0},
                      "output_tokens": 5,
                      "output_tokens_details": {"reasoning_tokens": 0},
                      "total_tokens": 15}}})
        data = b"".join(("event: %s\ndata: %s\n\n" % (e["type"], json.dumps(e)))
                        .encode() for e in events)
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def main():
    if len(sys.argv) < 4:
        sys.stderr.write("usage: mock_codex.py PORTFILE LOGFILE SERVER...\n")
        sys.exit(2)
    Handler.log = sys.argv[2]
    Handler.servers = sys.argv[3:]
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    tmp = sys.argv[1] + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % httpd.server_address[1])
    os.rename(tmp, sys.argv[1])
    httpd.serve_forever()


if __name__ == "__main__":
    main()
