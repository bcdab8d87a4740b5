"""A Celery app whose task hints cover what `proto import-python` maps (tested by typed-tasks-import-python)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Literal, Optional, TypedDict

from celery import Celery

app = Celery("fixture")


class Color(enum.Enum):
    RED = "red"
    BLUE = "blue"


@dataclass
class Job:
    name: str
    size: int = 1
    tags: list[str] = field(default_factory=list)


class Summary(TypedDict):
    jobs: int
    color: Color


@app.task(name="fixture.run", autoretry_for=(ValueError,), max_retries=5, retry_backoff=True, queue="jobs", time_limit=60)
def run(job: Job, mode: Literal["fast", "slow"], pair: tuple[int, str], *, limits: Optional[dict[str, float]] = None, color: Color = Color.RED) -> Summary:
    """Runs a job.

    Only the first paragraph is the description."""
    return {"jobs": 1, "color": color}


@app.task(name="fixture.untyped")
def untyped(a, b=2, *rest, **options):
    return None
