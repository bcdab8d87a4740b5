"""Python Celery as the producer and result reader for the TypeScript worker's conformance tests.

Usage: ``worker_core_client.py send|get|call`` with a JSON command on stdin; prints one JSON document.

Command fields:
  ``broker``, ``backend``, ``queue``          where to send / read (the conformance app, Celery's defaults otherwise)
  ``transport_options``                        ``broker_transport_options`` (e.g. a Redis ``global_keyprefix``)
  ``calls``: [{``task``, ``args``, ``kwargs``, ``options``}]   (send, call) -- ``args``/``kwargs`` are kombu JSON text, so
      datetimes, Decimals and bytes arrive as those Python types; ``options`` go to ``apply_async`` (``countdown``,
      ``expires`` as numbers; ``eta`` as an ISO string)
  ``ids``                                      (get) task ids to wait for
  ``timeout``                                  seconds each ``AsyncResult.get()`` may wait (default 20)

``send`` prints ``[{"id", "sent_at"}]``; ``get``/``call`` print one entry per task: ``{"id", "state", "ok": true,
"value": observable(value), "done_at"}`` or ``{"id", "state", "ok": false, "exc_type", "exc_module", "exc_str", "exc_repr",
"traceback"}`` --
what Python's own ``AsyncResult.get()`` returned or raised for what the TypeScript worker stored.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time

from kombu.utils.json import loads as kombu_loads

from conformance_app import create_app, observable


def build_app(cmd):
    extra = {}
    if cmd.get("transport_options"):
        extra["broker_transport_options"] = cmd["transport_options"]
    return create_app(
        "wcore-producer",
        broker_url=cmd["broker"],
        result_backend=cmd["backend"],
        queue=cmd.get("queue") or "celery",
        set_as_current=True,
        **extra,
    )


def send(app, cmd):
    out = []
    for call in cmd["calls"]:
        args = kombu_loads(call.get("args") or "[]")
        kwargs = kombu_loads(call.get("kwargs") or "{}")
        options = dict(call.get("options") or {})
        if isinstance(options.get("eta"), str):
            options["eta"] = dt.datetime.fromisoformat(options["eta"])
        options.setdefault("queue", cmd.get("queue") or "celery")
        sent_at = time.time()
        result = app.signature(call["task"], args=args, kwargs=kwargs).apply_async(**options)
        out.append({"id": result.id, "sent_at": sent_at})
    return out


def get(app, ids, timeout):
    out = []
    for task_id in ids:
        result = app.AsyncResult(task_id)
        try:
            value = result.get(timeout=timeout, propagate=True, disable_sync_subtasks=False)
            out.append({"id": task_id, "state": result.state, "ok": True, "value": observable(value), "done_at": time.time()})
        except Exception as exc:  # noqa: BLE001 -- the test asserts on the class Python raised
            out.append({
                "id": task_id, "state": result.state, "ok": False,
                "exc_type": type(exc).__name__, "exc_module": type(exc).__module__, "exc_str": str(exc),
                "exc_repr": repr(exc), "traceback": result.traceback,
            })
    return out


def main():
    mode = sys.argv[1]
    cmd = json.load(sys.stdin)
    app = build_app(cmd)
    timeout = float(cmd.get("timeout", 20))
    if mode == "send":
        result = send(app, cmd)
    elif mode == "get":
        result = get(app, cmd["ids"], timeout)
    elif mode == "call":
        sent = send(app, cmd)
        result = get(app, [s["id"] for s in sent], timeout)
        for entry, s in zip(result, sent):
            entry["sent_at"] = s["sent_at"]
    else:
        raise SystemExit(f"unknown mode {mode!r}")
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
