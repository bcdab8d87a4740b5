"""The built-in case tasks. Names and behaviour are part of the conformance interface: do not change."""

from __future__ import annotations

import base64
import datetime as dt
import time
from typing import Any

from celery import Celery, Task
from celery.exceptions import SoftTimeLimitExceeded


def jsonable(value: Any) -> Any:
    """A JSON-safe copy of a task argument, result or request field."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, BaseException):
        return {"type": type(value).__name__, "message": str(value)}
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in value]
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray)):
        try:
            return bytes(value).decode("utf-8")
        except UnicodeDecodeError:
            return {"base64": base64.b64encode(bytes(value)).decode("ascii")}
    return repr(value)


def register_tasks(app: Celery) -> None:
    @app.task(name="peer.add")
    def add(x: Any, y: Any) -> Any:
        return x + y

    @app.task(name="peer.mul")
    def mul(x: Any, y: Any) -> Any:
        return x * y

    @app.task(name="peer.xsum")
    def xsum(numbers: list[Any]) -> Any:
        return sum(numbers)

    @app.task(name="peer.echo")
    def echo(*args: Any, **kwargs: Any) -> dict[str, Any]:
        return {"args": list(args), "kwargs": kwargs}

    @app.task(name="peer.fail")
    def fail(message: str = "boom") -> None:
        raise ValueError(message)

    @app.task(name="peer.retry_once", bind=True, max_retries=3)
    def retry_once(self: Task, *args: Any) -> str:
        if self.request.retries == 0:
            raise self.retry(countdown=1)
        return "retried"

    @app.task(name="peer.sleep")
    def sleep(seconds: float) -> float:
        time.sleep(seconds)
        return seconds

    @app.task(name="peer.request", bind=True)
    def request(self: Task, *args: Any, **kwargs: Any) -> dict[str, Any]:
        r = self.request
        di = r.delivery_info or {}
        return jsonable(
            {
                "id": r.id,
                "root_id": r.root_id,
                "parent_id": r.parent_id,
                "group": r.group,
                "retries": r.retries,
                "hostname": r.hostname,
                "delivery_info": {
                    "exchange": di.get("exchange"),
                    "routing_key": di.get("routing_key"),
                    "priority": di.get("priority"),
                    "redelivered": di.get("redelivered"),
                },
                "eta": r.eta,
                "expires": r.expires,
                "args": list(r.args or []),
                "kwargs": dict(r.kwargs or {}),
                # [hard, soft] as the message had them; the name the task was sent under; the message's
                # headers that are not Celery's (None when there are none); the stamps by name.
                "timelimit": r.timelimit,
                "shadow": r.get("shadow"),
                "headers": r.headers,
                "stamps": r.get("stamps"),
            }
        )

    @app.task(name="peer.noop")
    def noop() -> None:
        return None

    @app.task(name="peer.types")
    def types(*args: Any, **kwargs: Any) -> dict[str, Any]:
        return {"args": [type(a).__name__ for a in args], "kwargs": {k: type(v).__name__ for k, v in kwargs.items()}}

    @app.task(name="peer.now")
    def now() -> float:
        return time.time()

    @app.task(name="peer.soft_limited")
    def soft_limited(seconds: float) -> str:
        try:
            time.sleep(seconds)
        except SoftTimeLimitExceeded:
            return "soft"
        return "slept"
