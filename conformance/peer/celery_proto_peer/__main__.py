"""``python -m celery_proto_peer worker|beat|producer|healthcheck [role]``."""

from __future__ import annotations

import json
import os
import shlex
import sys
import tempfile
import urllib.request
from pathlib import Path
from typing import Any

ROLES = ("worker", "beat", "producer", "healthcheck")
USAGE = "usage: python -m celery_proto_peer worker|beat|producer|healthcheck [worker|producer|beat]"


def _record_role(role: str) -> None:
    """In a container (PEER_RUN_DIR set), remember the role so `healthcheck` knows what to check."""
    run_dir = os.environ.get("PEER_RUN_DIR")
    if run_dir:
        Path(run_dir).mkdir(parents=True, exist_ok=True)
        (Path(run_dir) / "role").write_text(role, encoding="utf-8")


def _recorded_role() -> str | None:
    run_dir = os.environ.get("PEER_RUN_DIR")
    if run_dir:
        file = Path(run_dir) / "role"
        if file.is_file():
            return file.read_text(encoding="utf-8").strip() or None
    return None


def worker(extra: list[str]) -> int:
    from .app import app, peer_node_name, peer_queues

    argv = [
        "worker",
        "-Q",
        ",".join(peer_queues()),
        "-n",
        peer_node_name(),
        "-l",
        os.environ.get("PEER_LOGLEVEL", "INFO"),
        "-P",
        os.environ.get("PEER_POOL", "prefork"),
        "-c",
        os.environ.get("PEER_CONCURRENCY", "2"),
        *shlex.split(os.environ.get("PEER_WORKER_ARGS", "")),
        *extra,
    ]
    app.worker_main(argv)
    return 0


def _beat_schedule(raw: str) -> dict[str, Any]:
    try:
        entries = json.loads(raw)
    except ValueError as exc:
        raise SystemExit(f"PEER_BEAT_SCHEDULE is not JSON: {exc}") from exc
    if not isinstance(entries, dict):
        raise SystemExit("PEER_BEAT_SCHEDULE must be a JSON object {name: {task, schedule, args, kwargs, options}}")
    schedule: dict[str, Any] = {}
    for name, entry in entries.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("task"), str):
            raise SystemExit(f"PEER_BEAT_SCHEDULE[{name!r}]: an object with a task name is expected")
        if not isinstance(entry.get("schedule"), (int, float)) or entry["schedule"] <= 0:
            raise SystemExit(f"PEER_BEAT_SCHEDULE[{name!r}]: schedule must be a positive number of seconds")
        schedule[name] = {
            "task": entry["task"],
            "schedule": float(entry["schedule"]),
            "args": tuple(entry.get("args") or ()),
            "kwargs": dict(entry.get("kwargs") or {}),
            "options": dict(entry.get("options") or {}),
        }
    return schedule


DEFAULT_BEAT_QUEUE = "celery-proto-ts"
DEFAULT_BEAT_ENTRY = "celery-proto-beat-echo"


def default_beat_schedule(queue: str) -> dict[str, Any]:
    """Without PEER_BEAT_SCHEDULE (nor a beat_schedule in PEER_CONFIG): ``peer.echo("from-celery-beat")`` every 2 s to ``queue`` (the runner's --ts-queue),
    for the celery-beat-to-ts cases. Each send expires after 10 s, so no backlog builds up while no worker consumes."""
    return {
        DEFAULT_BEAT_ENTRY: {
            "task": "peer.echo",
            "schedule": 2.0,
            "args": ("from-celery-beat",),
            "kwargs": {},
            "options": {"queue": queue, "expires": 10},
        }
    }


def beat(extra: list[str]) -> int:
    from .app import app

    raw = os.environ.get("PEER_BEAT_SCHEDULE")
    if raw:
        app.conf.beat_schedule = _beat_schedule(raw)
    elif not app.conf.beat_schedule:
        app.conf.beat_schedule = default_beat_schedule(os.environ.get("PEER_BEAT_QUEUE") or DEFAULT_BEAT_QUEUE)
    with tempfile.TemporaryDirectory(prefix="celery-proto-peer-beat-") as state_dir:
        argv = [
            "beat",
            "-s",
            os.path.join(state_dir, "celerybeat-schedule"),
            "-l",
            os.environ.get("PEER_LOGLEVEL", "INFO"),
            *extra,
        ]
        app.start(argv)
    return 0


def producer(_: list[str]) -> int:
    from .producer import serve

    return serve()


def healthcheck(args: list[str]) -> int:
    role = (args[0] if args else None) or os.environ.get("PEER_ROLE") or _recorded_role() or "worker"
    timeout = float(os.environ.get("PEER_HEALTHCHECK_TIMEOUT", "2.0"))
    if role == "producer":
        from .producer import producer_address

        host, port = producer_address()
        if host in ("0.0.0.0", "::", ""):
            host = "127.0.0.1"
        try:
            with urllib.request.urlopen(f"http://{host}:{port}/health", timeout=timeout) as response:
                ok = json.loads(response.read()).get("ok") is True
        except OSError as exc:
            print(f"unhealthy: producer on {host}:{port}: {exc}", file=sys.stderr)
            return 1
        print("healthy: producer" if ok else "unhealthy: producer /health not ok")
        return 0 if ok else 1
    from .app import app, resolved_node_name

    if role == "beat":
        try:
            with app.connection_for_write() as conn:
                conn.ensure_connection(max_retries=1, timeout=timeout)
        except Exception as exc:
            print(f"unhealthy: beat cannot reach the broker: {exc}", file=sys.stderr)
            return 1
        print("healthy: beat (broker reachable)")
        return 0
    if role != "worker":
        print(USAGE, file=sys.stderr)
        return 2
    node = resolved_node_name()
    replies = app.control.inspect(destination=[node], timeout=timeout).ping() or {}
    if node in replies:
        print(f"healthy: {node} {replies[node]}")
        return 0
    print(f"unhealthy: no ping reply from {node}", file=sys.stderr)
    return 1


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ROLES:
        print(USAGE, file=sys.stderr)
        return 2
    role, rest = argv[0], argv[1:]
    if role != "healthcheck":
        _record_role(role)
    return {"worker": worker, "beat": beat, "producer": producer, "healthcheck": healthcheck}[role](rest)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
