"""The ``conformance.*`` tasks, registered on a given app by :func:`register_tasks`.

Tasks are registered per app with ``shared=False`` (not with ``shared_task``) so that the recorder can build several
differently configured apps (RPC backend, protocol 1, ...) in one process, each with its own tasks.
"""

from __future__ import annotations

import base64
import datetime as _dt
import decimal
import time
import uuid
from types import SimpleNamespace
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded

__all__ = ["register_tasks", "observable", "TASK_NAMES"]

TASK_NAMES = (
    "add", "mul", "xsum", "fail", "echo", "echo_request", "sleep", "soft_limited",
    "retry_once", "record_errback", "noop",
)

# Integers beyond this magnitude lose precision in a JavaScript number.
_JS_SAFE_INT = 2 ** 53 - 1

# Request attributes reported by echo_request. Attributes differ between Celery lines
# (e.g. time_limit/soft_time_limit are Context attributes only in newer versions), so every
# one is read with getattr and a default, and absent ones are reported as absent.
REQUEST_FIELDS = (
    "id", "task", "shadow", "root_id", "parent_id", "group", "group_index", "retries",
    "eta", "expires", "timelimit", "time_limit", "soft_time_limit", "headers", "delivery_info",
    "reply_to", "correlation_id", "ignore_result", "origin", "hostname", "callbacks", "errbacks",
    "chain", "chord", "stamps", "stamped_headers", "replaced_task_nesting", "argsrepr",
    "kwargsrepr", "properties", "is_eager", "called_directly", "utc", "lang",
)

_MISSING = object()


def observable(value):
    """Return a JSON-able structure describing ``value`` so that rich Python types stay visible.

    Scalars that JSON (and a JavaScript JSON.parse) keep exactly are returned unchanged: str, bool,
    None and ints within the JS safe range. Everything else becomes
    ``{"py_type": <type name>, "repr": repr(value), ...}`` with a type-specific plain value
    (``iso`` for date/time types, ``str`` for Decimal/UUID/int/float, ``base64`` + ``utf8`` for bytes).
    Lists, tuples and dicts are converted recursively (a tuple is reported as
    ``{"py_type": "tuple", "items": [...]}``, a list stays a list).
    """
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        if -_JS_SAFE_INT <= value <= _JS_SAFE_INT:
            return value
        return {"py_type": type(value).__name__, "repr": repr(value), "str": str(value)}
    if isinstance(value, float):
        return {"py_type": "float", "repr": repr(value), "str": repr(value)}
    if isinstance(value, _dt.datetime):
        out = {"py_type": "datetime", "repr": repr(value), "iso": value.isoformat()}
        out["tzinfo"] = None if value.tzinfo is None else str(value.tzinfo)
        out["utcoffset_s"] = None if value.utcoffset() is None else value.utcoffset().total_seconds()
        return out
    if isinstance(value, _dt.date):
        return {"py_type": "date", "repr": repr(value), "iso": value.isoformat()}
    if isinstance(value, _dt.time):
        return {"py_type": "time", "repr": repr(value), "iso": value.isoformat()}
    if isinstance(value, _dt.timedelta):
        return {"py_type": "timedelta", "repr": repr(value), "str": str(value.total_seconds())}
    if isinstance(value, decimal.Decimal):
        return {"py_type": "Decimal", "repr": repr(value), "str": str(value)}
    if isinstance(value, uuid.UUID):
        return {"py_type": "UUID", "repr": repr(value), "str": str(value)}
    if isinstance(value, (bytes, bytearray, memoryview)):
        raw = bytes(value)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = None
        return {"py_type": type(value).__name__, "repr": repr(value),
                "base64": base64.b64encode(raw).decode("ascii"), "utf8": text}
    if isinstance(value, tuple):
        return {"py_type": "tuple", "items": [observable(v) for v in value]}
    if isinstance(value, list):
        return [observable(v) for v in value]
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            out[key if isinstance(key, str) else repr(key)] = observable(item)
        if any(not isinstance(k, str) for k in value):
            return {"py_type": type(value).__name__, "repr_keys": True, "items": out}
        return out
    if isinstance(value, (set, frozenset)):
        return {"py_type": type(value).__name__, "repr": repr(value),
                "items": sorted((observable(v) for v in value), key=repr)}
    # Anything else (Signature dicts are plain dicts already): expose type and repr only.
    return {"py_type": type(value).__name__, "repr": repr(value)}


def register_tasks(app) -> SimpleNamespace:
    """Register the conformance tasks on ``app``; returns them as attributes (``ns.add`` ...).

    The type hints only describe the tasks (``proto import-python`` reads them); Python does not enforce them.
    """

    @app.task(name="conformance.add", shared=False)
    def add(x: int, y: int) -> int:
        return x + y

    @app.task(name="conformance.mul", shared=False)
    def mul(x: int, y: int) -> int:
        return x * y

    @app.task(name="conformance.xsum", shared=False)
    def xsum(numbers: list[float]) -> float:
        return sum(numbers)

    @app.task(name="conformance.fail", shared=False)
    def fail(message: str = "boom") -> None:
        raise ValueError(message)

    @app.task(name="conformance.echo", shared=False)
    def echo(*args: Any, **kwargs: Any) -> dict[str, Any]:
        return {"args": list(args), "kwargs": kwargs}

    @app.task(name="conformance.echo_request", shared=False, bind=True)
    def echo_request(self, *args, **kwargs):
        request = self.request
        fields = {}
        for field in REQUEST_FIELDS:
            value = getattr(request, field, _MISSING)
            if value is _MISSING:
                continue
            fields[field] = observable(value)
        return {
            "task_name": self.name,
            "args": observable(list(args)),
            "kwargs": observable(kwargs),
            "request": fields,
            "absent_request_fields": [f for f in REQUEST_FIELDS if not hasattr(request, f)],
            "utc_now": _dt.datetime.now(_dt.timezone.utc).isoformat(),
        }

    @app.task(name="conformance.sleep", shared=False)
    def sleep(seconds: float) -> float:
        time.sleep(seconds)
        return seconds

    @app.task(name="conformance.soft_limited", shared=False)
    def soft_limited(seconds: float) -> str:
        try:
            time.sleep(seconds)
        except SoftTimeLimitExceeded:
            return "soft"
        return "slept"

    @app.task(name="conformance.retry_once", shared=False, bind=True, max_retries=3)
    def retry_once(self, *args, retry_queue=None, **kwargs):
        # First run: retry once with countdown=1 (RETRY state, re-published message); second run: "retried".
        # retry_queue sends the retry message to another queue (the recorder uses it to capture that
        # message raw from a queue the worker does not consume).
        if self.request.retries == 0:
            options = {"queue": retry_queue} if retry_queue else {}
            raise self.retry(countdown=1, exc=RuntimeError("retry once"), **options)
        return "retried"

    @app.task(name="conformance.record_errback", shared=False)
    def record_errback(failed_task_id: str) -> list[str]:
        # Used as link_error. Exactly one parameter keeps it an "old-style" errback: Celery publishes it with the
        # failed task id as its argument. A task taking *args or 2+ parameters counts as "new-style"
        # (request, exc, traceback) and is called inline in the failing worker, so its result is never stored.
        return [failed_task_id]

    @app.task(name="conformance.noop", shared=False)
    def noop() -> None:
        return None

    return SimpleNamespace(
        add=add, mul=mul, xsum=xsum, fail=fail, echo=echo, echo_request=echo_request, sleep=sleep,
        soft_limited=soft_limited, retry_once=retry_once, record_errback=record_errback, noop=noop,
    )
