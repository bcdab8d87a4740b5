"""Four simple, deterministic tasks with JSON arguments and results, one per queue."""

from routing_project.celery import app


@app.task
def add(x: int, y: int) -> int:
    """Adds two numbers (default queue)."""
    return x + y


@app.task
def insert(record: dict) -> dict:
    """Pretends to insert a record; returns it with ``inserted`` set (insert_data queue, an exact route)."""
    return {**record, "inserted": True}


@app.task
def push_notify(msg: str) -> str:
    """Pretends to push a notification (push queue, a glob route)."""
    return f"pushed: {msg}"


@app.task
def work(n: int) -> int:
    """Sums 0..n-1 (work queue, a regex route; x-max-priority 9)."""
    return sum(range(n))
