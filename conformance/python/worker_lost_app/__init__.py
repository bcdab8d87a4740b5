"""The conformance app plus tasks whose pool process dies under them, for the worker-lost tests.

``celery -A worker_lost_app worker -P prefork`` is the reference: what real Celery stores, sends and does with the
message when a prefork child is killed while running a task (``WorkerLostError``, ``reject_on_worker_lost``).
``conformance/ts-tasks/worker-lost-tasks.ts`` is the TypeScript twin, run by ``proto worker -P process``.
"""

from __future__ import annotations

import os
import signal

from conformance_app import create_app

__all__ = ["app"]

app = create_app("worker-lost")


@app.task(name="workerlost.die", shared=False, acks_late=True)
def die() -> None:
    """acks_late without reject_on_worker_lost: the message is acked and FAILURE WorkerLostError stored."""
    os.kill(os.getpid(), signal.SIGKILL)


@app.task(name="workerlost.die_no_ack", shared=False, acks_late=True, acks_on_failure=False)
def die_no_ack() -> None:
    """acks_on_failure=False: the message is rejected without requeue, FAILURE WorkerLostError stored all the same."""
    os.kill(os.getpid(), signal.SIGKILL)


@app.task(name="workerlost.die_once", shared=False, acks_late=True, reject_on_worker_lost=True)
def die_once(marker: str) -> dict:
    """Dies the first time (when ``marker`` does not exist yet); the requeued message then runs to the end."""
    if not os.path.exists(marker):
        with open(marker, "w", encoding="utf-8") as f:
            f.write(str(os.getpid()))
        os.kill(os.getpid(), signal.SIGKILL)
    return {"pid": os.getpid()}


@app.task(name="workerlost.die_always", shared=False, acks_late=True, reject_on_worker_lost=True)
def die_always(marker: str) -> None:
    """Dies every time, appending its pid to ``marker``: how often a redelivered message is requeued again."""
    with open(marker, "a", encoding="utf-8") as f:
        f.write(f"{os.getpid()}\n")
    os.kill(os.getpid(), signal.SIGKILL)


@app.task(
    name="workerlost.die_retry",
    shared=False,
    acks_late=True,
    reject_on_worker_lost=True,
    retry_on_worker_lost=True,
    max_retries=1,
    default_retry_delay=0,
)
def die_retry() -> None:
    """retry_on_worker_lost over reject_on_worker_lost: sent again (RETRY) while retries are left, then FAILURE."""
    os.kill(os.getpid(), signal.SIGKILL)


@app.task(name="workerlost.pid", shared=False)
def pid() -> int:
    """The pid of the pool process that ran it."""
    return os.getpid()
