#!/usr/bin/env python3
"""Mock Gemini API (generativelanguage v1beta) for the Gemini CLI enforcement test.

Usage: mock_gemini.py PORTFILE LOGFILE TOOL...

Listens on 127.0.0.1 (port 0) and writes the port to PORTFILE once ready.
POST .../models/<model>:streamGenerateContent answers, as an SSE stream
(`data:` lines), a functionCall for each TOOL in turn (args
{"text": "<TOOL>-probe"}): the next TOOL is the one after the last TOOL
that came back as a functionResponse in `contents`, so the client gets one
call per turn whatever happened to the previous one (result or denial).
With every TOOL answered, or for a request that offers no tools, the reply
is text. :generateContent (non-streaming) is a utility call: with a JSON
response type it gets an object filled from the request's schema (the
next-speaker check gets next_speaker "user", the model router a score),
else text. :countTokens gives {"totalTokens": N}; any GET or HEAD gives {}.

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


def answered(contents, tools):
    """The indexes in tools of the functionResponses found in contents."""
    done = set()
    for c in contents or []:
        if not isinstance(c, dict):
            continue
        for part in c.get("parts") or []:
            if not isinstance(part, dict):
                continue
            fr = part.get("functionResponse")
            if isinstance(fr, dict) and fr.get("name") in tools:
                done.add(tools.index(fr.get("name")))
    return done


def offers_tools(body):
    for t in body.get("tools") or []:
        if isinstance(t, dict) and t.get("functionDeclarations"):
            return True
    return False


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

    def send_error_json(self, code, message):
        self.send_json({"error": {"code": code, "message": message,
                                  "status": "INVALID_ARGUMENT"}}, code)

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
            self.send_error_json(400, "bad length")
            return
        raw = self.rfile.read(n)
        encoding = self.headers.get("Content-Encoding", "")
        try:
            body = self.record(decompress(raw, encoding), encoding)
        except (ValueError, OSError, zlib.error, subprocess.SubprocessError) as e:
            self.record(repr(e).encode(), encoding)
            self.send_error_json(400, str(e))
            return
        path = self.path.split("?", 1)[0]
        if not isinstance(body, dict):
            self.send_error_json(400, "body is not a JSON object")
        elif path.endswith(":countTokens"):
            self.send_json({"totalTokens": 42})
        elif path.endswith(":streamGenerateContent"):
            self.stream(self.answer(body))
        elif path.endswith(":generateContent"):
            self.send_json(self.oneshot(body))
        else:
            self.send_json({})

    def answer(self, body):
        """The candidate for a streamed turn: the next tool call, or text."""
        part = None
        if offers_tools(body):
            done = answered(body.get("contents"), self.tools)
            i = max(done) + 1 if done else 0
            if i < len(self.tools):
                name = self.tools[i]
                part = {"functionCall": {"name": name,
                                         "args": {"text": "%s-probe" % name}}}
        if part is None:
            part = {"text": "done"}
        return {"content": {"role": "model", "parts": [part]},
                "finishReason": "STOP", "index": 0}

    def oneshot(self, body):
        cfg = body.get("generationConfig") or {}
        if cfg.get("responseMimeType") == "application/json":
            schema = cfg.get("responseJsonSchema") or cfg.get("responseSchema")
            text = json.dumps(fill(schema))
        else:
            text = "done"
        return {"candidates": [{"content": {"role": "model",
                                            "parts": [{"text": text}]},
                                "finishReason": "STOP", "index": 0}],
                "usageMetadata": usage(), "modelVersion": "mock-model"}

    def stream(self, candidate):
        chunk = {"candidates": [candidate], "usageMetadata": usage(),
                 "modelVersion": "mock-model"}
        payload = ("data: %s\r\n\r\n" % json.dumps(chunk)).encode()
        self.send(200, "text/event-stream", payload)


def fill(schema):
    """An object for a utility call's JSON schema: the next-speaker check
    gets next_speaker "user", the router a low complexity score; other
    properties get a placeholder of their type."""
    obj = {"reasoning": "mock", "next_speaker": "user"}
    props = schema.get("properties") if isinstance(schema, dict) else None
    for name, prop in (props or {}).items():
        kind = str((prop or {}).get("type", "")).lower()
        if name in obj:
            continue
        if kind in ("integer", "number"):
            obj[name] = 10
        elif kind == "boolean":
            obj[name] = False
        elif kind == "array":
            obj[name] = []
        elif kind == "object":
            obj[name] = {}
        else:
            enum = (prop or {}).get("enum")
            obj[name] = enum[0] if enum else "mock"
    return obj


def usage():
    return {"promptTokenCount": 10, "candidatesTokenCount": 5,
            "totalTokenCount": 15}


def main():
    if len(sys.argv) < 3:
        sys.stderr.write("usage: mock_gemini.py PORTFILE LOGFILE TOOL...\n")
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
