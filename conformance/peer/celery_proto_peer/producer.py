"""The producer role: a small HTTP server (stdlib only) that sends tasks, canvases and control commands
with real Celery, and reads results. JSON in, JSON out; errors are HTTP 400 ``{"error", "message"}``.

Every Celery call runs on one dedicated thread: Celery's result consumers (Redis pub/sub, ``rpc://``
whose replies go to a per-thread ``reply_to``) are not thread-safe, while the HTTP server stays
responsive (``GET /health`` never waits for Celery).
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import json
import os
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, TypeVar

import celery
import kombu
from celery import signature
from celery.exceptions import TimeoutError as CeleryTimeoutError
from celery.result import AsyncResult, GroupResult, ResultBase

from .app import app
from .py_values import from_tagged, to_tagged
from .tasks import jsonable

T = TypeVar("T")

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8787

_celery_thread = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="celery")


def on_celery_thread(fn: Callable[[], T]) -> T:
    return _celery_thread.submit(fn).result()


class BadRequest(Exception):
    """A request the producer refuses (HTTP 400)."""


def _object(field: str, value: Any, default: Any) -> Any:
    if value is None:
        return default
    if not isinstance(value, dict):
        raise BadRequest(f"{field} must be a JSON object")
    return value


def _datetime(value: Any, field: str) -> Any:
    if isinstance(value, str):
        try:
            return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError as exc:
            raise BadRequest(f"{field}: not an ISO 8601 date-time: {value!r}") from exc
    return value


def _send_options(options: dict[str, Any]) -> dict[str, Any]:
    out = dict(options)
    if "eta" in out:
        out["eta"] = _datetime(out["eta"], "options.eta")
    if "expires" in out:
        out["expires"] = _datetime(out["expires"], "options.expires")
    for key in ("link", "link_error"):
        if out.get(key) is not None:
            value = out[key]
            items = value if isinstance(value, list) else [value]
            out[key] = [signature(item, app=app) for item in items]
    return out


def _result_ids(result: ResultBase) -> Any:
    if isinstance(result, GroupResult):
        return {"id": result.id, "children": [_result_ids(r) for r in result.results]}
    return result.id


def health(_: dict[str, Any]) -> dict[str, Any]:
    return {"ok": True, "celery": celery.__version__, "kombu": kombu.__version__}


def send(body: dict[str, Any]) -> dict[str, Any]:
    task = body.get("task")
    if not isinstance(task, str) or not task:
        raise BadRequest('"task" (a task name) is required')
    args = body.get("args") or []
    if not isinstance(args, list):
        raise BadRequest(f"{task}: args must be a JSON array")
    kwargs = _object("kwargs", body.get("kwargs"), {})
    options = _object("options", body.get("options"), {})
    try:
        args, kwargs = from_tagged(args), from_tagged(kwargs)
        opts = _send_options(from_tagged(options))
        # The AsyncResult lives and dies on the Celery thread (its __del__ unsubscribes from the backend).
        task_id = on_celery_thread(lambda: app.send_task(task, args=args, kwargs=kwargs, **opts).id)
    except Exception as exc:  # every /send error names the task
        raise _Named(task, exc) from exc
    return {"id": task_id}


class _Named(Exception):
    def __init__(self, task: str, cause: Exception) -> None:
        super().__init__(f"{task}: {cause}")
        self.type_name = type(cause).__name__


def canvas(body: dict[str, Any]) -> dict[str, Any]:
    sig = body.get("signature")
    if not isinstance(sig, dict):
        raise BadRequest('"signature" (a Celery signature dict) is required')

    def apply() -> dict[str, Any]:
        result = signature(from_tagged(sig), app=app).apply_async()
        parent = getattr(result, "parent", None)
        out: dict[str, Any] = {"id": result.id, "parent_id": parent.id if parent is not None else None}
        if isinstance(result, GroupResult):
            out["children"] = [_result_ids(r) for r in result.results]
        return out

    return on_celery_thread(apply)


def result(body: dict[str, Any]) -> dict[str, Any]:
    task_id = body.get("id")
    if not isinstance(task_id, str) or not task_id:
        raise BadRequest('"id" (a task id) is required')
    timeout = float(body.get("timeout", 10))
    # typed: Python's types kept (py_values.to_tagged), for cases; else plain JSON (jsonable), for catalog checks.
    encode = to_tagged if body.get("typed") is True else jsonable
    deadline = time.monotonic() + timeout
    # The AsyncResult is made, used and dropped on the Celery thread only.
    box: list[AsyncResult] = on_celery_thread(lambda: [AsyncResult(task_id, app=app)])

    def wait(seconds: float) -> None:
        # Celery's result consumers wait in 1 s steps whatever the timeout: /result's precision is ~1 s.
        box[0].get(timeout=seconds, propagate=False)

    def read() -> dict[str, Any]:
        res = box[0]
        out: dict[str, Any] = {"state": res.state, "result": encode(res.result), "traceback": res.traceback}
        if res.children:
            out["children"] = [_result_ids(c) for c in res.children]
        return out

    try:
        # Wait in slices so other requests get the Celery thread in between.
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return {"state": "PENDING", "timeout": True, "last_state": on_celery_thread(lambda: box[0].state)}
            try:
                on_celery_thread(lambda: wait(min(1.0, remaining)))
                break
            except CeleryTimeoutError:
                continue
        return on_celery_thread(read)
    finally:
        on_celery_thread(box.clear)


def control(body: dict[str, Any]) -> dict[str, Any]:
    method = body.get("method")
    if not isinstance(method, str) or not method:
        raise BadRequest('"method" (a remote control command) is required')
    arguments = _object("arguments", body.get("arguments"), {})
    destination = body.get("destination")
    if destination is not None and not isinstance(destination, list):
        raise BadRequest("destination must be a JSON array of node names or null")
    timeout = float(body.get("timeout", 1.0))
    reply = bool(body.get("reply", True))
    replies = on_celery_thread(
        lambda: app.control.broadcast(
            method, arguments=arguments, destination=destination, timeout=timeout, reply=reply
        )
    )
    return {"replies": jsonable(replies or [])}


ROUTES: dict[tuple[str, str], Callable[[dict[str, Any]], dict[str, Any]]] = {
    ("GET", "/health"): health,
    ("POST", "/send"): send,
    ("POST", "/canvas"): canvas,
    ("POST", "/result"): result,
    ("POST", "/control"): control,
}


class Handler(BaseHTTPRequestHandler):
    server_version = "celery-proto-peer"

    def _reply(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _handle(self, method: str) -> None:
        path = self.path.split("?", 1)[0]
        route = ROUTES.get((method, path))
        if route is None:
            known = any(p == path for _, p in ROUTES)
            status = 405 if known else 404
            self._reply(status, {"error": "MethodNotAllowed" if known else "NotFound", "message": f"{method} {path}"})
            return
        try:
            body: Any = {}
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                try:
                    body = json.loads(self.rfile.read(length))
                except ValueError as exc:
                    raise BadRequest(f"request body is not JSON: {exc}") from exc
            if not isinstance(body, dict):
                raise BadRequest("request body must be a JSON object")
            self._reply(200, route(body))
        except _Named as exc:
            self._reply(400, {"error": exc.type_name, "message": str(exc)})
        except Exception as exc:
            self._reply(400, {"error": type(exc).__name__, "message": str(exc)})

    def do_GET(self) -> None:  # noqa: N802
        self._handle("GET")

    def do_POST(self) -> None:  # noqa: N802
        self._handle("POST")

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        if os.environ.get("PEER_LOGLEVEL", "INFO").upper() == "DEBUG":
            sys.stderr.write("producer: " + (format % args) + "\n")


def producer_address() -> tuple[str, int]:
    host = os.environ.get("PEER_PRODUCER_HOST") or DEFAULT_HOST
    port = int(os.environ.get("PEER_PRODUCER_PORT") or DEFAULT_PORT)
    return host, port


def serve() -> int:
    host, port = producer_address()
    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True

    def stop(signum: int, _frame: Any) -> None:
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    bound_host, bound_port = server.server_address[:2]
    print(f"producer ready on http://{bound_host}:{bound_port}", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
        _celery_thread.shutdown(wait=False, cancel_futures=True)
        print("producer stopped", flush=True)
    return 0
