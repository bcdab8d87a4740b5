"""Tasks that record each run (who ran it, when, how it was delivered) in the Redis list ``qp:runs`` of
QP_RESULT_BACKEND, so a test can tell when a delayed task ran and that it ran once."""

import json
import socket
import time

import redis

from quorum_project.celery import app

_runs = redis.Redis.from_url(app.conf.result_backend)


def _record(task, tag):
    delivery = task.request.delivery_info or {}
    _runs.rpush("qp:runs", json.dumps({
        "tag": tag,
        "id": task.request.id,
        "at": time.time(),
        "by": "python",
        "host": task.request.hostname or socket.gethostname(),
        "retries": task.request.retries,
        "exchange": delivery.get("exchange"),
        "routing_key": delivery.get("routing_key"),
    }))


@app.task(bind=True, name="quorum_project.tasks.stamp")
def stamp(self, tag):
    """Records the run; returns the tag."""
    _record(self, tag)
    return tag


@app.task(bind=True, name="quorum_project.tasks.retry_thrice", max_retries=5)
def retry_thrice(self, tag):
    """Retries with countdown=1 until its third retry runs; returns the number of retries."""
    _record(self, tag)
    if self.request.retries < 3:
        raise self.retry(countdown=1)
    return self.request.retries
