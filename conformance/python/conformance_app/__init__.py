"""Conformance Celery app package (``PYTHONPATH=conformance/python``; ``celery -A conformance_app ...``)."""

from .celery_app import DEFAULT_REDIS_URL, app, beat_schedule, create_app
from .tasks import TASK_NAMES, observable, register_tasks

celery = app

_tasks = app.conformance_tasks
add = _tasks.add
mul = _tasks.mul
xsum = _tasks.xsum
fail = _tasks.fail
echo = _tasks.echo
echo_request = _tasks.echo_request
sleep = _tasks.sleep
soft_limited = _tasks.soft_limited
retry_once = _tasks.retry_once
record_errback = _tasks.record_errback
noop = _tasks.noop

__all__ = [
    "app", "celery", "create_app", "beat_schedule", "register_tasks", "observable", "TASK_NAMES",
    "DEFAULT_REDIS_URL", "add", "mul", "xsum", "fail", "echo", "echo_request", "sleep",
    "soft_limited", "retry_once", "record_errback", "noop",
]
