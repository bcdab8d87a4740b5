"""Prints every event real Celery's EventReceiver (what `celery events` and Flower consume) receives, one JSON line
each: type, hostname, uuid, active, processed. Runs until killed.

Usage: event_stream.py (broker from CONFORMANCE_BROKER_URL)
"""
import json
import os
import sys

from celery import Celery

FIELDS = ("type", "hostname", "uuid", "active", "processed")


def on_event(event):
    print(json.dumps({name: event.get(name) for name in FIELDS}), flush=True)


if __name__ == "__main__":
    app = Celery("event_stream", broker=os.environ["CONFORMANCE_BROKER_URL"], set_as_current=False)
    with app.connection_for_read() as connection:
        receiver = app.events.Receiver(connection, handlers={"*": on_event})
        receiver.capture(limit=None, timeout=None, wakeup=False)
    sys.exit(0)
