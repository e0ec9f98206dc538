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

Every request is appended to LOGFILE as mock_common.py describes
(gzip, deflate and zstd bodies decompressed first).
"""
import json
import os
import sys
import threading

# mock_common.py beside this script, whatever the cwd; no __pycache__ in
# the source tree.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True
from mock_common import MockHandler, main  # noqa: E402


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


class Handler(MockHandler):
    """names: the TOOLs of the command line."""

    def reject(self, message):
        self.send_json({"type": "error", "error": {
            "type": "invalid_request_error", "message": message}}, 400)

    def do_POST(self):
        ok, body = self.read_body()
        if not ok:
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
            if i < len(self.names):
                name = self.names[i]
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


if __name__ == "__main__":
    main(Handler, "mock_claude.py PORTFILE LOGFILE TOOL...")
