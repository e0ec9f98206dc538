#!/usr/bin/env python3
"""Query what the test backend saw: q.py DIR EXPR evaluates a Python
expression with `reqs` (requests.jsonl), `received` (received.jsonl) and
`checkins` (checkins.jsonl) and `events` (events.jsonl) as lists, and prints the result (strings bare,
everything else as JSON)."""
import json
import os
import sys


def load(d, name):
    out = []
    try:
        with open(os.path.join(d, name)) as f:
            for line in f:
                out.append(json.loads(line))
    except OSError:
        pass
    return out


d, expr = sys.argv[1], sys.argv[2]
env = {"reqs": load(d, "requests.jsonl"), "received": load(d, "received.jsonl"),
       "checkins": load(d, "checkins.jsonl"), "events": load(d, "events.jsonl"),
       "json": json}
try:
    v = eval(expr, env)
except Exception as exc:  # a failed query prints an error marker, never passes
    print("<error: %s>" % exc)
    sys.exit(1)
print(v if isinstance(v, str) else json.dumps(v, sort_keys=True))
