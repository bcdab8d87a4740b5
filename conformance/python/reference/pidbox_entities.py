"""Prints, as JSON, the broker entities real Celery/kombu declare for remote control and events, so the TypeScript
side can compare its declarations field for field (no broker needed).

Usage: pidbox_entities.py <hostname> <oid>
Output: {"celery": <version>, "node": <queue>, "reply": <queue>, "event_exchange": {"amqp": <exchange>, "redis": ...}}
where a queue is {name, durable, exclusive, auto_delete, arguments (as sent to RabbitMQ), routing_key, exchange}.
"""
import json
import sys

import celery
from celery import Celery
from celery.events.event import get_exchange
from kombu import Connection
from kombu.transport.base import to_rabbitmq_queue_arguments


def exchange_dict(exchange):
    return {
        "name": exchange.name,
        "type": exchange.type,
        "durable": exchange.durable,
        "auto_delete": exchange.auto_delete,
        "delivery_mode": exchange.delivery_mode,
    }


def queue_dict(queue):
    return {
        "name": queue.name,
        "durable": queue.durable,
        "exclusive": queue.exclusive,
        "auto_delete": queue.auto_delete,
        "arguments": to_rabbitmq_queue_arguments(
            queue.queue_arguments or {}, expires=queue.expires, message_ttl=queue.message_ttl,
            max_length=queue.max_length, max_length_bytes=queue.max_length_bytes, max_priority=queue.max_priority),
        "routing_key": queue.routing_key,
        "exchange": exchange_dict(queue.exchange),
    }


def main(hostname, oid):
    app = Celery("entities", broker="amqp://guest@localhost//", set_as_current=False)
    mailbox = app.control.mailbox
    reply = mailbox.get_reply_queue()
    reply.name = f"{oid}.{mailbox.reply_exchange.name}"
    reply.routing_key = oid
    out = {
        "celery": celery.__version__,
        "node": queue_dict(mailbox.get_queue(hostname)),
        "reply": queue_dict(reply),
        "event_exchange": {
            "amqp": exchange_dict(get_exchange(Connection("amqp://guest@localhost//"))),
            "redis": exchange_dict(get_exchange(Connection("redis://localhost/0"))),
        },
    }
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
