"""What kombu 5.7's native delayed delivery sends, for conformance/tests/native-delayed-delivery-kombu.test.ts.

stdin: ``{"queue_types": [...], "prefixes": [...], "routing_keys": [[countdown, key], ...], "bindings": [...]}``.
It runs ``declare_native_delayed_delivery_exchanges_and_queues`` and ``bind_queue_to_native_delayed_delivery_exchange``
on a recording channel (exchange.declare, queue.declare, queue.bind, exchange.bind, as kombu calls them) and
``calculate_routing_key``; stdout: the recorded calls and keys as JSON. With ``"url"`` and ``"declare_prefix"``, it
also declares the topology for real on that broker (py-amqp), so the caller can check RabbitMQ takes kombu's
declarations over its own.
"""

import json
import sys

from kombu import Connection, Exchange, Queue
from kombu.transport.base import to_rabbitmq_queue_arguments
from kombu.transport.native_delayed_delivery import (
    bind_queue_to_native_delayed_delivery_exchange,
    calculate_routing_key,
    declare_native_delayed_delivery_exchanges_and_queues,
)


class RecordingChannel:
    """The channel methods kombu's entities call, recorded instead of sent."""

    def __init__(self):
        self.calls = []

    def prepare_queue_arguments(self, arguments, **kwargs):
        return to_rabbitmq_queue_arguments(arguments, **kwargs)

    def exchange_declare(self, exchange, type, durable, auto_delete, arguments=None, nowait=False, passive=False):
        self.calls.append({"kind": "exchange", "name": exchange, "type": type, "durable": bool(durable), "auto_delete": bool(auto_delete)})

    def queue_declare(self, queue, passive=False, durable=False, exclusive=False, auto_delete=False, arguments=None, nowait=False):
        self.calls.append({"kind": "queue", "name": queue, "durable": bool(durable), "arguments": arguments or {}})
        return (queue, 0, 0)

    def queue_bind(self, queue, exchange="", routing_key="", arguments=None, nowait=False):
        self.calls.append({"kind": "queue-binding", "queue": queue, "exchange": exchange, "routing_key": routing_key})

    def exchange_bind(self, destination, source="", routing_key="", nowait=False, arguments=None):
        self.calls.append({"kind": "exchange-binding", "destination": destination, "source": source, "routing_key": routing_key})


class RecordingConnection:
    def __init__(self):
        self.recording = RecordingChannel()

    def channel(self):
        return self.recording


def main():
    req = json.load(sys.stdin)
    out = {"topologies": [], "routing_keys": [], "bindings": []}
    for queue_type in req["queue_types"]:
        for prefix in req["prefixes"]:
            conn = RecordingConnection()
            declare_native_delayed_delivery_exchanges_and_queues(conn, queue_type, prefix)
            out["topologies"].append({"queue_type": queue_type, "prefix": prefix, "calls": conn.recording.calls})
    for countdown, key in req["routing_keys"]:
        out["routing_keys"].append(calculate_routing_key(countdown, key))
    for b in req["bindings"]:
        conn = RecordingConnection()
        queue = Queue(b["queue"], Exchange(b["exchange"], type=b["exchange_type"]), routing_key=b["routing_key"])
        bind_queue_to_native_delayed_delivery_exchange(conn, queue, b.get("prefix"))
        out["bindings"].append(conn.recording.calls)
    if req.get("url"):
        with Connection(req["url"]) as conn:
            declare_native_delayed_delivery_exchanges_and_queues(conn, req.get("declare_queue_type", "quorum"), req["declare_prefix"])
        out["declared"] = True
    print(json.dumps(out))


if __name__ == "__main__":
    main()
