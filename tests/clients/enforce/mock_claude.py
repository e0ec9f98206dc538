#!/usr/bin/env python3
"""Mock Anthropic Messages API for the Claude Code enforcement test.

Usage: mock_claude.py PORTFILE LOGFILE TOOL...

Listens on 127.0.0.1 (port 0) and writes the port to PORTFILE once ready.
POST /v1/messages answers, as an SSE stream when the request asks for one
(else as JSON), a tool_use block for each TOOL in turn (input
{"text": "<TOOL>-probe"}, id "toolu_mock_<i>"): the next TOOL is the one
after the last of our ids that came back as a tool_result, so the client
gets one call per turn whatever happened to the previous one. With every
TOOL answered, or for a request that offers no tools (titles, topic
checks), the reply is text. /v1/messages/count_tokens gives
{"input_tokens": N}; any GET or HEAD gives {}.

Every request is appended to LOGFILE as one JSON line {"method", "path",
"encoding", "body"} (body parsed as JSON when it is, else a string);
gzip, deflate and zstd bodies are decompressed first (zstd through the
zstd program, since python3 has no zstd module before 3.14). Standard
library only.
"""
import json
import os
import subprocess
import sys
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_BODY = 64 << 20

log_lock = threading.Lock()


def decompress(data, encoding):
    encoding = (encoding or "").strip().lower()
    if encoding in ("", "identity"):
        return data
    if encoding in ("gzip", "x-gzip"):
        return zlib.decompress(data, 16 + zlib.MAX_WBITS)
    if encoding == "deflate":
        return zlib.decompress(data)
    if encoding == "zstd":
        try:
            import compression.zstd as zstd  # python 3.14+
            return zstd.decompress(data)
        except ImportError:
            pass
        p = subprocess.run(["zstd", "-dcq"], input=data, capture_output=True,
                           timeout=30, check=True)
        return p.stdout
    raise ValueError("unsupported Content-Encoding %r" % encoding)


def our_results(messages):
    """The indexes i of our tool_use ids toolu_mock_<i> answered so far."""
    done = set()
    for m in messages or []:
        content = m.get("content")
        if m.get("role") != "user" or not isinstance(content, list):
            continue
        for block in content:
            if not isinstance(block, dict) or block.get("type") != "tool_result":
                continue
            tid = str(block.get("tool_use_id", ""))
            if tid.startswith("toolu_mock_") and tid[11:].isdigit():
                done.add(int(tid[11:]))
    return done


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    tools = []
    logfile = None

    def log_message(self, fmt, *args):
        pass

    def record(self, body, encoding):
        try:
            parsed = json.loads(body.decode("utf-8"))
        except ValueError:
            parsed = body.decode("utf-8", "replace")
        line = json.dumps({"method": self.command, "path": self.path,
                           "encoding": encoding, "body": parsed})
        with log_lock:
            with open(self.logfile, "a", encoding="utf-8") as f:
                f.write(line + "\n")
        return parsed

    def send(self, code, ctype, payload):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    def send_json(self, obj, code=200):
        self.send(code, "application/json", json.dumps(obj).encode())

    def do_GET(self):
        self.record(b"", "")
        self.send_json({})

    do_HEAD = do_GET

    def do_POST(self):
        try:
            n = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            n = -1
        if n < 0 or n > MAX_BODY:
            self.send_json({"type": "error", "error": {
                "type": "invalid_request_error", "message": "bad length"}}, 400)
            return
        raw = self.rfile.read(n)
        encoding = self.headers.get("Content-Encoding", "")
        try:
            body = self.record(decompress(raw, encoding), encoding)
        except (ValueError, OSError, zlib.error, subprocess.SubprocessError) as e:
            self.record(repr(e).encode(), encoding)
            self.send_json({"type": "error", "error": {
                "type": "invalid_request_error", "message": str(e)}}, 400)
            return
        path = self.path.split("?", 1)[0]
        if path.endswith("/count_tokens"):
            self.send_json({"input_tokens": 42})
            return
        if not path.endswith("/v1/messages") or not isinstance(body, dict):
            self.send_json({})
            return
        self.answer(body)

    def answer(self, body):
        model = body.get("model", "mock-model")
        blocks = []
        stop = "end_turn"
        if body.get("tools"):
            done = our_results(body.get("messages"))
            i = max(done) + 1 if done else 0
            if i < len(self.tools):
                name = self.tools[i]
                blocks.append({"type": "tool_use", "id": "toolu_mock_%d" % i,
                               "name": name,
                               "input": {"text": "%s-probe" % name}})
                stop = "tool_use"
        if not blocks:
            blocks.append({"type": "text", "text": "done"})
        msg_id = "msg_mock_%d" % threading.get_ident()
        usage = {"input_tokens": 10, "output_tokens": 5,
                 "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0}
        if not body.get("stream"):
            self.send_json({"id": msg_id, "type": "message", "role": "assistant",
                            "model": model, "content": blocks,
                            "stop_reason": stop, "stop_sequence": None,
                            "usage": usage})
            return
        events = [("message_start", {"type": "message_start", "message": {
            "id": msg_id, "type": "message", "role": "assistant", "model": model,
            "content": [], "stop_reason": None, "stop_sequence": None,
            "usage": usage}})]
        for idx, b in enumerate(blocks):
            if b["type"] == "text":
                start = {"type": "text", "text": ""}
                delta = {"type": "text_delta", "text": b["text"]}
            else:
                start = {"type": "tool_use", "id": b["id"], "name": b["name"],
                         "input": {}}
                delta = {"type": "input_json_delta",
                         "partial_json": json.dumps(b["input"])}
            events.append(("content_block_start", {"type": "content_block_start",
                                                   "index": idx,
                                                   "content_block": start}))
            events.append(("content_block_delta", {"type": "content_block_delta",
                                                   "index": idx, "delta": delta}))
            events.append(("content_block_stop", {"type": "content_block_stop",
                                                  "index": idx}))
        events.append(("message_delta", {"type": "message_delta", "delta": {
            "stop_reason": stop, "stop_sequence": None},
            "usage": {"output_tokens": 5}}))
        events.append(("message_stop", {"type": "message_stop"}))
        payload = "".join("event: %s\ndata: %s\n\n" % (e, json.dumps(d))
                          for e, d in events).encode()
        self.send(200, "text/event-stream", payload)


def main():
    if len(sys.argv) < 3:
        sys.stderr.write("usage: mock_claude.py PORTFILE LOGFILE TOOL...\n")
        sys.exit(64)
    Handler.logfile = sys.argv[2]
    Handler.tools = sys.argv[3:]
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    tmp = sys.argv[1] + ".tmp"
    with open(tmp, "w", encoding="ascii") as f:
        f.write("%d\n" % srv.server_address[1])
    # Renamed into place so a reader never sees a half-written port.
    os.replace(tmp, sys.argv[1])
    srv.serve_forever()


if __name__ == "__main__":
    main()
