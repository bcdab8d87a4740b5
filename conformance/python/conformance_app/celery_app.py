"""The conformance Celery app: the real-Celery peer of the TypeScript implementation.

Configuration comes from the environment so that the recorder, the live tests and a
``celery -A conformance_app worker|beat`` subprocess all build the same app:

=============================== =================================================================
``CONFORMANCE_BROKER_URL``      broker URL; default ``$CELERY_PROTO_REDIS_URL/<CONFORMANCE_REDIS_DB>``
``CONFORMANCE_RESULT_BACKEND``  result backend URL; default ``$CELERY_PROTO_REDIS_URL/<db>`` where
                                db = ``CONFORMANCE_RESULT_DB`` or ``CONFORMANCE_REDIS_DB`` or 0
                                (``rpc://`` selects the RPC backend)
``CONFORMANCE_REDIS_DB``        Redis db number used by the defaults above (default 0)
``CONFORMANCE_QUEUE``           default queue name (default ``celery``)
``CONFORMANCE_PRIORITY_QUEUE``  name of the priority queue (``x-max-priority`` 10; default ``priority``)
``CONFORMANCE_RESULT_EXTENDED`` ``result_extended`` (default on; ``0``/``false``/``no``/``off`` = off)
``CONFORMANCE_TASK_PROTOCOL``   ``task_protocol`` (default 2)
``CONFORMANCE_BEAT_SCHEDULE``   when truthy, installs the beat schedule of ``beat_schedule()``
``CONFORMANCE_BEAT_CRONTAB``    when truthy too, adds a crontab entry (every minute) to that schedule
``CONFORMANCE_TRACK_STARTED``   ``task_track_started`` (default off, Celery's default; truthy = on)
``CONFORMANCE_AUTH``            when truthy, message signing: ``task_serializer='auth'``,
                                ``accept_content=['auth']`` with the TEST-ONLY key and certificates of
                                ``conformance/fixtures/security-test-only`` (``app.setup_security()``)
=============================== =================================================================

Everything else is left at Celery's / kombu's defaults on purpose (in particular kombu's default
Redis transport options: priority steps 0/3/6/9 and the ``\\x06\\x16`` separator), because the
TypeScript side must interoperate with default deployments.
"""

from __future__ import annotations

import os

from celery import Celery
from celery.schedules import crontab
from kombu import Exchange, Queue

from .tasks import register_tasks

__all__ = ["create_app", "app", "beat_schedule", "DEFAULT_REDIS_URL"]

DEFAULT_REDIS_URL = os.environ.get("CELERY_PROTO_REDIS_URL", "redis://127.0.0.1:6391").rstrip("/")

SERIALIZERS = ["json", "msgpack", "yaml"]

_FALSE = {"0", "false", "no", "off", ""}


def _env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() not in _FALSE


def _redis_url(db: int | str) -> str:
    return f"{DEFAULT_REDIS_URL}/{db}"


def default_broker_url() -> str:
    return os.environ.get("CONFORMANCE_BROKER_URL") or _redis_url(os.environ.get("CONFORMANCE_REDIS_DB", "0"))


def default_result_backend() -> str:
    if os.environ.get("CONFORMANCE_RESULT_BACKEND"):
        return os.environ["CONFORMANCE_RESULT_BACKEND"]
    db = os.environ.get("CONFORMANCE_RESULT_DB") or os.environ.get("CONFORMANCE_REDIS_DB") or "0"
    return _redis_url(db)


def beat_schedule(queue: str, priority_queue: str) -> dict:
    """Interval entries only: a crontab entry would not fire within a short recording window."""
    return {
        "conformance-add-every-1s": {
            "task": "conformance.add",
            "schedule": 1.0,
            "args": (1, 2),
        },
        "conformance-echo-options-every-1s": {
            "task": "conformance.echo",
            "schedule": 1.0,
            "args": ("beat",),
            "kwargs": {"k": "v"},
            "options": {
                "queue": priority_queue,
                "priority": 5,
                "expires": 30,
                "headers": {"x-beat": "yes"},
            },
        },
    }


def create_app(
    main: str = "conformance",
    *,
    broker_url: str | None = None,
    result_backend: str | None = None,
    queue: str | None = None,
    priority_queue: str | None = None,
    result_extended: bool | None = None,
    task_protocol: int | None = None,
    with_beat_schedule: bool | None = None,
    set_as_current: bool = True,
    **extra_conf,
) -> Celery:
    """Build a configured conformance app with all ``conformance.*`` tasks registered.

    Arguments default to the environment (see the module docstring); ``extra_conf`` is applied last.
    """
    queue = queue or os.environ.get("CONFORMANCE_QUEUE") or "celery"
    priority_queue = priority_queue or os.environ.get("CONFORMANCE_PRIORITY_QUEUE") or "priority"
    if result_extended is None:
        result_extended = _env_flag("CONFORMANCE_RESULT_EXTENDED", True)
    if task_protocol is None:
        task_protocol = int(os.environ.get("CONFORMANCE_TASK_PROTOCOL", "2"))
    if with_beat_schedule is None:
        with_beat_schedule = _env_flag("CONFORMANCE_BEAT_SCHEDULE", False)

    celery_app = Celery(main, set_as_current=set_as_current)
    conf = {
        "broker_url": broker_url or default_broker_url(),
        "result_backend": result_backend or default_result_backend(),
        "task_default_queue": queue,
        # Both queues use a direct exchange named after the queue: exactly Celery's default topology for
        # `celery`, plus a second queue declared with x-max-priority 10 (only that one is a priority queue;
        # the global `task_queue_max_priority` would apply to every queue, so it is not used).
        "task_queues": (
            Queue(queue, Exchange(queue, type="direct"), routing_key=queue),
            Queue(priority_queue, Exchange(priority_queue, type="direct"), routing_key=priority_queue,
                  max_priority=10),
        ),
        "accept_content": list(SERIALIZERS),
        "result_accept_content": list(SERIALIZERS),
        "result_extended": result_extended,
        "task_protocol": task_protocol,
        "worker_hijack_root_logger": False,
        "broker_connection_retry_on_startup": True,
    }
    if with_beat_schedule:
        conf["beat_schedule"] = beat_schedule(queue, priority_queue)
        if _env_flag("CONFORMANCE_BEAT_CRONTAB", False):
            conf["beat_schedule"]["conformance-echo-crontab"] = {
                "task": "conformance.echo",
                "schedule": crontab(),
                "args": ("cron",),
            }
    if _env_flag("CONFORMANCE_TRACK_STARTED", False):
        conf["task_track_started"] = True
    auth = _env_flag("CONFORMANCE_AUTH", False)
    if auth:
        conf.update(auth_settings())
    conf.update(extra_conf)
    celery_app.conf.update(conf)
    celery_app.conformance_tasks = register_tasks(celery_app)
    if auth:
        celery_app.setup_security(digest=celery_app.conf.security_digest)
    return celery_app


SECURITY_FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "security-test-only")


def auth_settings() -> dict:
    """Message signing with the test-only key/certificates (never use them outside tests)."""
    return {
        "task_serializer": "auth",
        "accept_content": ["auth"],
        "security_key": os.path.join(SECURITY_FIXTURES, "signer-key.pem"),
        "security_certificate": os.path.join(SECURITY_FIXTURES, "signer-cert.pem"),
        "security_cert_store": os.path.join(SECURITY_FIXTURES, "store"),
    }


app = create_app()
