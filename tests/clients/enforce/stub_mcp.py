#!/usr/bin/env python3
"""Stub stdio MCP server for the real-client enforcement test.

Usage: stub_mcp.py NAME LOGFILE

Speaks newline-delimited JSON-RPC 2.0 (MCP stdio transport): answers
initialize, tools/list (one tool, `echo {text}`) and tools/call. Every
tools/call appends one line "NAME echo TEXT" to LOGFILE, so "did the tool
run?" is a file check. Notifications get no reply; unknown methods get
error -32601.
"""
import json
import sys


def reply(msg_id, result=None, error=None):
    msg = {"jsonrpc": "2.0", "id": msg_id}
    if error is not None:
        msg["error"] = error
    else:
        msg["result"] = result
    sys.stdout.write(json.dumps(msg) + "\n")
    sys.stdout.flush()


def main():
    name, log = sys.argv[1], sys.argv[2]
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            msg = json.loads(line)
        except ValueError:
            continue
        method = msg.get("method")
        if "id" not in msg:
            continue  # notification
        mid = msg["id"]
        if method == "initialize":
            version = msg.get("params", {}).get("protocolVersion", "2025-06-18")
            reply(mid, {
                "protocolVersion": version,
                "capabilities": {"tools": {"listChanged": False}},
                "serverInfo": {"name": name, "version": "1.0.0"},
            })
        elif method == "tools/list":
            reply(mid, {"tools": [{
                "name": "echo",
                "description": "Echo the given text back.",
                "inputSchema": {
                    "type": "object",
                    "properties": {"text": {"type": "string"}},
                    "required": ["text"],
                },
            }]})
        elif method == "tools/call":
            params = msg.get("params", {})
            text = str(params.get("arguments", {}).get("text", ""))
            with open(log, "a", encoding="utf-8") as f:
                f.write("%s %s %s\n" % (name, params.get("name", ""), text))
            reply(mid, {"content": [{"type": "text",
                                     "text": "%s says: %s" % (name, text)}]})
        elif method == "ping":
            reply(mid, {})
        elif method in ("resources/list", "prompts/list"):
            reply(mid, {method.split("/")[0]: []})
        else:
            reply(mid, error={"code": -32601, "message": "method not found"})


if __name__ == "__main__":
    main()
