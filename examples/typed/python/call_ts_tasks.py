"""Python calling the tasks the TypeScript worker implements (typed.shout, typed.stats), by name.

Prints one JSON line per call: {"task", "state", "result"} or {"task", "state", "exc_type", "error"}. The third call
sends a wrongly typed argument on purpose: the TypeScript worker refuses it with a validation error naming it. The
last one passes positional parameters by keyword, as Python allows.
"""

from __future__ import annotations

import json
import os
import sys

from typed_app import app

QUEUE = os.environ.get("TYPED_TS_QUEUE", "typed-ts")
CALLS = [
    ("typed.shout", ["hello", 2], {}),
    ("typed.stats", [[1, 2, 3, 4]], {}),
    ("typed.shout", [42], {}),
    ("typed.shout", [], {"text": "by keyword", "times": 2}),
]

for name, args, kwargs in CALLS:
    result = app.send_task(name, args=args, kwargs=kwargs, queue=QUEUE)
    try:
        value = result.get(timeout=60)
        print(json.dumps({"task": name, "state": result.state, "result": value}))
    except Exception as exc:  # the task's failure, re-raised by get()
        print(json.dumps({"task": name, "state": result.state, "exc_type": type(exc).__name__, "error": str(exc)}))
    sys.stdout.flush()
