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

Every request is appended to LOGFILE as mock_common.py describes; a body
that cannot be decompressed is logged as "undecodable: REASON".
"""
import json
import os
import sys

# mock_common.py beside this script, whatever the cwd; no __pycache__ in
# the source tree.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True
from mock_common import DECODE_ERRORS, MockHandler, decompress, main, parse  # noqa: E402

TEXT = "from-codex"


def decode(raw, encoding):
    """The body as logged; "undecodable: ..." when it cannot be decompressed."""
    try:
        return parse(decompress(raw, encoding))
    except DECODE_ERRORS as e:
        return "undecodable: %s" % e


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


class Handler(MockHandler):
    """names: the SERVERs of the command line."""
    seq = 0

    def do_GET(self):
        self.append_log(None, self.headers.get("Content-Encoding"))
        if self.path.split("?")[0].endswith("/models"):
            self.send_json({"object": "list", "data": [
                {"id": "mock-model", "object": "model", "owned_by": "mock"}],
                "models": []})
        else:
            self.send_json({"error": {"message": "not found"}}, 404)

    def do_POST(self):
        raw = self.read_raw()
        if raw is None:
            self.send_json({"error": {"message": "too large"}}, 413)
            return
        encoding = self.headers.get("Content-Encoding")
        req = decode(raw, encoding)
        self.append_log(req, encoding)
        if not self.path.split("?")[0].endswith("/responses") or \
                not isinstance(req, dict):
            self.send_json({"error": {"message": "not found"}}, 404)
            return
        self.stream(self.next_items(req))

    def next_items(self, req):
        done = answered(req)
        have = namespaces(req)
        for name in self.names:
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
        self.send(200, "text/event-stream", data,
                  headers=[("Cache-Control", "no-cache")])


if __name__ == "__main__":
    main(Handler, "mock_codex.py PORTFILE LOGFILE SERVER...", min_names=1,
         usage_status=2)
