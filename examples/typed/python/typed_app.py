"""The Python half of the typed-tasks example: a plain Celery app implementing typed.add, typed.mul and
typed.describe_point. Its type hints are what `proto import-python -A typed_app` reads.

Configuration: CELERY_BROKER_URL, CELERY_RESULT_BACKEND (default: a local Redis), TYPED_PY_QUEUE (default "celery").
"""

from __future__ import annotations

import os
from typing import Optional, TypedDict

from celery import Celery

app = Celery(
    "typed",
    broker=os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0"),
    backend=os.environ.get("CELERY_RESULT_BACKEND", "redis://127.0.0.1:6379/0"),
)
app.conf.task_default_queue = os.environ.get("TYPED_PY_QUEUE", "celery")
app.conf.worker_hijack_root_logger = False
app.conf.broker_connection_retry_on_startup = True


class Point(TypedDict):
    """A point in the plane."""

    x: float
    y: float


@app.task(name="typed.add")
def add(x: int, y: int) -> int:
    """Adds two integers (Python)."""
    return x + y


@app.task(name="typed.mul")
def mul(x: int, y: int) -> int:
    """Multiplies two integers (Python)."""
    return x * y


@app.task(name="typed.describe_point")
def describe_point(point: Point, *, label: Optional[str] = None) -> str:
    """Describes a point, optionally with a label (Python)."""
    text = f"({point['x']}, {point['y']})"
    return text if label is None else f"{label} {text}"
