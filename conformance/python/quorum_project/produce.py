"""Publishes from Python (``apply_async``) what a test asks for: reads a JSON list of ``{"task", "args", "countdown"?, "eta_in"?}``
on stdin (``eta_in``: seconds from now, sent as an aware ``eta`` datetime), writes a JSON list of
``{"id", "sent_at", "due_at"}`` (seconds since the epoch, taken right before ``apply_async``)."""

import json
import sys
import time
from datetime import datetime, timedelta, timezone

from quorum_project import tasks  # noqa: F401 -- registers the tasks, so apply_async runs their own options
from quorum_project.celery import app


def main():
    out = []
    for call in json.load(sys.stdin):
        options = {}
        sent_at = time.time()
        if "countdown" in call:
            options["countdown"] = call["countdown"]
            due_at = sent_at + call["countdown"]
        elif "eta_in" in call:
            eta = datetime.fromtimestamp(sent_at, timezone.utc) + timedelta(seconds=call["eta_in"])
            options["eta"] = eta
            due_at = eta.timestamp()
        else:
            due_at = sent_at
        result = app.tasks[call["task"]].apply_async(args=call.get("args", []), **options)
        out.append({"id": result.id, "sent_at": sent_at, "due_at": due_at})
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
