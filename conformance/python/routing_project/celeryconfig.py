"""Old-style (Celery 3) uppercase settings, loaded with ``app.config_from_object``; ``app.conf`` maps every name to
its new lowercase one (``CELERY_ROUTES`` → ``task_routes``, ...)."""

import os
import re
from datetime import timedelta

from celery.schedules import crontab
from kombu import Exchange, Queue

from routing_project.routers import route_task

P = os.environ.get("RP_QUEUE_PREFIX", "")

BROKER_URL = os.environ.get("RP_BROKER_URL", "redis://127.0.0.1:6391/5")
CELERY_RESULT_BACKEND = os.environ.get("RP_RESULT_BACKEND", "redis://127.0.0.1:6391/5")

CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Europe/Berlin"

CELERY_DEFAULT_QUEUE = P + "default"
CELERY_DEFAULT_EXCHANGE = P + "default"
CELERY_DEFAULT_ROUTING_KEY = P + "default"

CELERY_QUEUES = (
    Queue(P + "default", Exchange(P + "default"), routing_key=P + "default"),
    Queue(P + "insert_data", Exchange(P + "default"), routing_key=P + "insert_data"),
    Queue(P + "push", Exchange(P + "default"), routing_key=P + "push"),
    Queue(P + "work", Exchange(P + "default"), routing_key=P + "work", queue_arguments={"x-max-priority": 9}),
)

CELERY_ROUTES = (
    {
        "routing_project.tasks.insert": {"queue": P + "insert_data"},
        "routing_project.tasks.push_*": {"queue": P + "push", "exchange": P + "default", "routing_key": P + "push"},
        re.compile(r"routing_project\.tasks\.(work|heavy_.*)$"): {"queue": P + "work", "routing_key": P + "work"},
    },
    route_task,
)

CELERY_ANNOTATIONS = {"routing_project.tasks.work": {"rate_limit": "10/s"}}

CELERYBEAT_SCHEDULE = {
    "add-every-30-seconds": {
        "task": "routing_project.tasks.add",
        "schedule": timedelta(seconds=30),
        "args": (16, 16),
    },
    "insert-weekday-mornings": {
        "task": "routing_project.tasks.insert",
        "schedule": crontab(minute=30, hour="7", day_of_week="mon-fri"),
        "args": ({"id": 1, "source": "beat"},),
        "options": {"queue": P + "insert_data"},
    },
}
