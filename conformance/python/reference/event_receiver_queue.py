"""Prints, as JSON, the queue real Celery's EventReceiver declares (what `celery events` and Flower consume), for an
AMQP and a Redis app, so the TypeScript receiver can compare its declaration field for field (no broker needed).

Usage: event_receiver_queue.py <node id>
Output: {"celery": <version>, "amqp": <queue>, "redis": <queue>} (queue as in pidbox_entities.py).
"""
import json
import sys

import celery
from celery import Celery

from pidbox_entities import queue_dict


def receiver_queue(broker, node_id):
    app = Celery("entities", broker=broker, set_as_current=False)
    # No channel: the receiver picks the exchange type from app.connection_for_write(), which does not connect.
    return queue_dict(app.events.Receiver(None, node_id=node_id).queue)


if __name__ == "__main__":
    node_id = sys.argv[1]
    json.dump({
        "celery": celery.__version__,
        "amqp": receiver_queue("amqp://guest@localhost//", node_id),
        "redis": receiver_queue("redis://localhost/0", node_id),
    }, sys.stdout)
