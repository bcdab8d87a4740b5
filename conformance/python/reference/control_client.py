"""Sends remote-control requests with Celery's own client (app.control) and prints the replies as JSON.

Usage: control_client.py <destination node> <timeout seconds> <calls as JSON>
calls: [{"kind": "inspect" | "control", "method": "<name>", "args": {...}}, ...]
Output: one JSON list, one entry per call: `inspect` → the flattened {node: reply} (Inspect._request),
`control` → the list of {node: reply} (app.control.broadcast(..., reply=True)).
Broker from the conformance app's environment (CONFORMANCE_BROKER_URL).
"""
import json
import sys

from kombu.utils.json import dumps

from conformance_app import app

node = sys.argv[1]
timeout = float(sys.argv[2])
out = []
for call in json.loads(sys.argv[3]):
    if call["kind"] == "inspect":
        reply = app.control.inspect(destination=[node], timeout=timeout)._request(call["method"], **call.get("args", {}))
    else:
        reply = app.control.broadcast(call["method"], arguments=call.get("args", {}), destination=[node], reply=True, timeout=timeout)
    out.append(reply)
sys.stdout.write(dumps(out))
