"""A Python Celery producer with ``task_send_sent_event`` on: what Flower and celery-exporter see from a Python client.

Usage: ``sent_event_producer.py`` with a JSON command on stdin: ``broker``, ``backend``, ``queue`` and ``calls``:
[{``task``, ``args`` (list), ``kwargs`` (dict), ``options`` (``apply_async`` options; ``expires``/``countdown`` as
numbers)}]. Prints ``{"nodename": <the task-sent events' hostname>, "ids": [...]}``.
"""

from __future__ import annotations

import json
import sys

from celery.utils.nodenames import anon_nodename

from conformance_app import create_app


def main():
    cmd = json.load(sys.stdin)
    app = create_app(
        "sent-event-producer",
        broker_url=cmd["broker"],
        result_backend=cmd["backend"],
        queue=cmd["queue"],
        task_send_sent_event=True,
    )
    ids = []
    with app.producer_or_acquire() as producer:
        for call in cmd["calls"]:
            options = dict(call.get("options") or {})
            options.setdefault("queue", cmd["queue"])
            result = app.signature(call["task"], args=call.get("args") or [], kwargs=call.get("kwargs") or {}).apply_async(
                producer=producer, **options
            )
            ids.append(result.id)
    # EventDispatcher's default hostname for task-sent (celery/events/dispatcher.py): this process's anon nodename.
    print(json.dumps({"nodename": anon_nodename(), "ids": ids}))


if __name__ == "__main__":
    main()
