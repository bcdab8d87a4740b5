"""Drives the routing project (conformance/python/routing_project) for conformance/tests/routing-project.test.ts.

``publish``: reads JSON cases ``[{"task", "args", "options"}]`` on stdin and calls ``apply_async`` for each (declaring
the queues as the app does), printing the task ids as a JSON list.
``canvas``: applies a chain and a chord whose steps are routed to different queues, waits for their results (through
the result backend) and prints them as JSON.
Configure it with the project's RP_* environment variables.
"""

import json
import sys

from celery import chain, chord

from routing_project.celery import app
from routing_project.tasks import add, push_notify, work


def publish():
    cases = json.load(sys.stdin)
    ids = [app.tasks[case["task"]].apply_async(case["args"], **case.get("options", {})).id for case in cases]
    print(json.dumps(ids))


def canvas():
    # add runs where the default queue is consumed, work where the work queue is, push_notify where push is.
    forward = chain(add.s(1, 2), work.s()).apply_async()
    backward = chain(work.s(4), add.s(10)).apply_async()
    joined = chord([add.s(i, i) for i in range(1, 4)], push_notify.s()).apply_async()
    print(json.dumps({
        "forward": forward.get(timeout=60),
        "backward": backward.get(timeout=60),
        "chord": joined.get(timeout=60),
    }))


if __name__ == "__main__":
    {"publish": publish, "canvas": canvas}[sys.argv[1]]()
