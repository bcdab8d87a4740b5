"""A REAL Celery client with message signing (``CONFORMANCE_AUTH=1``), for security-auth-python.test.ts.

Reads a JSON command on stdin: ``{"queue", "timeout", "signed": [[x, y], ...], "unsigned": [[x, y], ...]}``.
Sends ``conformance.add`` signed (``task_serializer='auth'``) for each ``signed`` pair and as plain json for each
``unsigned`` pair, then waits for the signed results. Prints ``{"signed": [{"id", "value"}], "unsigned": [id]}``.
"""

import json
import os
import sys

os.environ["CONFORMANCE_AUTH"] = "1"

from conformance_app import create_app  # noqa: E402


def main() -> None:
    command = json.load(sys.stdin)
    app = create_app(queue=command["queue"])
    add = app.conformance_tasks.add
    signed = [add.apply_async(args=pair) for pair in command["signed"]]
    unsigned = [add.apply_async(args=pair, serializer="json").id for pair in command["unsigned"]]
    out = {
        "signed": [{"id": r.id, "value": r.get(timeout=command["timeout"])} for r in signed],
        "unsigned": unsigned,
    }
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
