"""What the mock model servers of the enforcement tests share (mock_*.py).

Each mock is run as `mock_<client>.py PORTFILE LOGFILE NAME...`: it listens
on 127.0.0.1 (port 0), writes the port to PORTFILE once ready and appends
every request to LOGFILE as one JSON line {"method", "path", "encoding",
"body"} (body parsed as JSON when it is, else a string). This module holds
the body decoding, the request log, the replies and main(); each mock
subclasses MockHandler with its API. Standard library only.
"""
import json
import os
import subprocess
import sys
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_BODY = 64 << 20


def decompress(data, encoding):
    """data decoded from Content-Encoding encoding: gzip, deflate and zstd
    (zstd through the zstd program, since python3 has no zstd module
    before 3.14). Raises ValueError for another encoding."""
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


# What decompress() raises for a body it cannot decode.
DECODE_ERRORS = (ValueError, OSError, zlib.error, subprocess.SubprocessError)


def parse(data):
    """A body as logged: the JSON value when it is JSON, else the text."""
    try:
        return json.loads(data.decode("utf-8"))
    except ValueError:
        return data.decode("utf-8", "replace")


class MockHandler(BaseHTTPRequestHandler):
    """Logging and replies; a GET or HEAD gets {}. main() sets logfile and
    names (the NAME... words of the command line)."""
    protocol_version = "HTTP/1.1"
    logfile = None
    names = []
    lock = threading.Lock()

    def log_message(self, fmt, *args):
        pass

    def append_log(self, body, encoding):
        line = json.dumps({"method": self.command, "path": self.path,
                           "encoding": encoding, "body": body})
        with self.lock:
            with open(self.logfile, "a", encoding="utf-8") as f:
                f.write(line + "\n")

    def record(self, data, encoding):
        """Logs the (decoded) body data; returns it parsed."""
        body = parse(data)
        self.append_log(body, encoding)
        return body

    def send(self, code, ctype, payload, headers=()):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    def send_json(self, obj, code=200):
        self.send(code, "application/json", json.dumps(obj).encode())

    def read_raw(self):
        """The request body as sent, or None when its length is bad."""
        try:
            n = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            return None
        if n < 0 or n > MAX_BODY:
            return None
        return self.rfile.read(n)

    def read_body(self):
        """The request body decoded, logged and parsed; (False, None) after
        answering reject() when it cannot be read."""
        raw = self.read_raw()
        if raw is None:
            self.reject("bad length")
            return False, None
        encoding = self.headers.get("Content-Encoding", "")
        try:
            return True, self.record(decompress(raw, encoding), encoding)
        except DECODE_ERRORS as e:
            self.record(repr(e).encode(), encoding)
            self.reject(str(e))
            return False, None

    def reject(self, message):
        """A 400 in the API's error shape."""
        self.send_json({"error": {"message": message}}, 400)

    def do_GET(self):
        self.record(b"", "")
        self.send_json({})

    def do_HEAD(self):
        self.do_GET()


def main(handler, usage, min_names=0, usage_status=64):
    """Serves handler as `PROG PORTFILE LOGFILE NAME...` (at least
    min_names NAMEs, else usage on stderr and exit usage_status)."""
    if len(sys.argv) < 3 + min_names:
        sys.stderr.write("usage: %s\n" % usage)
        sys.exit(usage_status)
    handler.logfile = sys.argv[2]
    handler.names = sys.argv[3:]
    srv = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    srv.daemon_threads = True
    tmp = sys.argv[1] + ".tmp"
    with open(tmp, "w", encoding="ascii") as f:
        f.write("%d\n" % srv.server_address[1])
    # Renamed into place so a reader never sees a half-written port.
    os.replace(tmp, sys.argv[1])
    srv.serve_forever()
