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

Every request is appended to LOGFILE as mock_common.py describes
(gzip, deflate and zstd bodies decompressed first).
"""
import json
import os
import sys

# mock_common.py beside this script, whatever the cwd; no __pycache__ in
# the source tree.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True
from mock_common import MockHandler, main  # noqa: E402


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


class Handler(MockHandler):
    """names: the TOOLs of the command line."""

    def reject(self, message):
        self.send_json({"error": {"code": 400, "message": message,
                                  "status": "INVALID_ARGUMENT"}}, 400)

    def do_POST(self):
        ok, body = self.read_body()
        if not ok:
            return
        path = self.path.split("?", 1)[0]
        if not isinstance(body, dict):
            self.reject("body is not a JSON object")
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
            done = answered(body.get("contents"), self.names)
            i = max(done) + 1 if done else 0
            if i < len(self.names):
                name = self.names[i]
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


if __name__ == "__main__":
    main(Handler, "mock_gemini.py PORTFILE LOGFILE TOOL...")
