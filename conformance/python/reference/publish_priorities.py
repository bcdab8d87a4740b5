"""Publishes conformance.echo_request(i) with the given priorities, in order, with Python Celery's apply_async path,
to a priority queue (x-max-priority 10 on AMQP). Usage: publish_priorities.py <broker_url> <queue> '<json list>'"""
import json
import os
import sys

os.environ["CONFORMANCE_BROKER_URL"] = sys.argv[1]
os.environ["CONFORMANCE_PRIORITY_QUEUE"] = sys.argv[2]
os.environ.setdefault("CONFORMANCE_RESULT_BACKEND", "cache+memory://")

from conformance_app import app  # noqa: E402

for index, priority in enumerate(json.loads(sys.argv[3])):
    app.send_task("conformance.echo_request", args=(index, priority), queue=sys.argv[2], priority=priority)
