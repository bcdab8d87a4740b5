"""What kombu sends to declare the queues of a Celery app's queue table (``app.amqp.queues``), for
conformance/tests/transport-amqp-bindings-kombu.test.ts.

stdin: ``{"config": {<task_queues ... in the JSON format of router_reference.py>}, "queues": [names],
"url": <amqp url or null>}``. For every named queue (looked up as ``app.amqp.queues[name]``) it records the channel
calls of ``queue(channel).declare()`` on a recording channel -- exchange_declare, queue_declare, queue_bind, with
the arguments kombu's AMQP transports send -- and, with a URL, declares it for real on that broker (py-amqp), so
that the caller can check RabbitMQ accepts both declarations. stdout: ``[{"name", "calls": [...], "error"?}]``.
"""

import json
import os
import sys

from kombu import Connection
from kombu.transport.base import to_rabbitmq_queue_arguments

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from router_reference import settings_from_json  # noqa: E402

from celery import Celery  # noqa: E402


class RecordingChannel:
    """The channel methods kombu's entities call while declaring, recorded instead of sent."""

    def __init__(self):
        self.calls = []

    def prepare_queue_arguments(self, arguments, **kwargs):
        return to_rabbitmq_queue_arguments(arguments, **kwargs)

    def exchange_declare(self, exchange, type, durable, auto_delete, arguments=None, nowait=False, passive=False):
        self.calls.append({"method": "exchange.declare", "exchange": exchange, "type": type, "durable": bool(durable),
                           "auto_delete": bool(auto_delete), "arguments": arguments or {}})

    def queue_declare(self, queue, passive=False, durable=False, exclusive=False, auto_delete=False, arguments=None, nowait=False):
        self.calls.append({"method": "queue.declare", "queue": queue, "durable": bool(durable), "exclusive": bool(exclusive),
                           "auto_delete": bool(auto_delete), "arguments": arguments or {}})
        return (queue, 0, 0)

    def queue_bind(self, queue, exchange="", routing_key="", arguments=None, nowait=False):
        self.calls.append({"method": "queue.bind", "queue": queue, "exchange": exchange, "routing_key": routing_key,
                           "arguments": arguments or {}})


def main():
    req = json.load(sys.stdin)
    app = Celery("queue_declare_calls", broker=req.get("url") or "memory://", set_as_current=False)
    app.conf.update(settings_from_json(req["config"]))
    out = []
    for name in req["queues"]:
        queue = app.amqp.queues[name]
        channel = RecordingChannel()
        queue(channel).declare()
        entry = {"name": queue.name, "calls": channel.calls}
        if req.get("url"):
            try:
                with Connection(req["url"]) as conn:
                    queue(conn.default_channel).declare()
            except Exception as exc:  # the broker's refusal is the test result
                entry["error"] = f"{type(exc).__name__}: {exc}"
        out.append(entry)
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
