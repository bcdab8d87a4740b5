"""Builds the canvases of canvas_cases.json with this venv's Celery and prints what Celery does with them.

The TypeScript twin is conformance/tests/canvas-python-differential.test.ts, which builds the same cases with
sdk/src/canvas and compares. Nothing is published: ``app.send_task`` (which every Task.apply_async and canvas
ends in) and the backend's chord hooks are replaced by recorders, so the output is exactly the sequence of
``send_task(name, args, kwargs, **options)`` and ``backend.set_chord_size(gid, n)`` calls Celery makes.

Usage: python canvas_reference.py <canvas_cases.json> [case ids...]
Output: JSON {case_id: {"dict": <sig.__json__() before applying>, "calls": [{"op": "send", "id": <the id the
message gets: options task_id, else a new one>, "name", "args", "kwargs", "options"} | {"op": "set_chord_size",
"group_id", "size"} | {"op": "save_group", "group_id", "tuple"} (Redis apply_chord with a group in the header)], "result": <result tree>,
"frozen": {"result": ..., "dict": ...} (cases with "freeze")}}, or {"error": "<ExcType>: msg"} per case.

Spec grammar (shared with the TS test):
  {"s": [name, args?, kwargs?, options?]}  signature      {"si": [...]} immutable signature
  {"chain": [spec...]}  {"group": [spec...]}  {"chord": [[spec...], spec]}
  {"chunks": [spec, items, n]}  {"map": [spec, items]}  {"starmap": [spec, items]}
  {"dict": <signature dict>}   Signature.from_dict
  modifiers on any node, applied in this order: "set" (options), "link" [spec...], "link_error" [spec...],
  "immutable" (bool, set_immutable)
A case may carry "conf" (Celery settings for the app, e.g. task_allow_error_cb_on_chord_header).
"""
import itertools
import json
import sys

from celery import Celery
from celery import canvas as canvas_module
from celery.canvas import Signature, chain, chord, chunks, group, maybe_signature, signature, xmap, xstarmap
from celery.result import GroupResult
from kombu.utils.json import dumps

NOT_WIRE = {"producer", "publisher", "connection", "router", "result_cls", "task_type", "add_to_parent", "route_name"}
# Execution defaults Task.apply_async adds for registered (built-in) tasks; a TS client applies its own defaults.
TASK_DEFAULTS = {"ignore_result": False, "serializer": "json"}


def make_app():
    app = Celery("canvas-reference", broker="memory://", backend="cache+memory://", set_as_current=True)
    app.conf.task_allow_error_cb_on_chord_header = False
    return app


def build(app, spec):
    if "s" in spec or "si" in spec:
        name, *rest = spec.get("s") or spec.get("si")
        args, kwargs, options = (rest + [[], {}, {}][len(rest):])[:3]
        sig = app.signature(name, args=tuple(args), kwargs=dict(kwargs), options=dict(options))
        if "si" in spec:
            sig.set(immutable=True)
    elif "chain" in spec:
        sig = chain(*[build(app, s) for s in spec["chain"]])
    elif "group" in spec:
        sig = group([build(app, s) for s in spec["group"]])
    elif "chord" in spec:
        header, body = spec["chord"]
        sig = chord([build(app, s) for s in header], build(app, body) if body is not None else None)
    elif "chunks" in spec:
        task, items, n = spec["chunks"]
        sig = chunks(build(app, task), [tuple(i) for i in items], n)
    elif "map" in spec:
        task, items = spec["map"]
        sig = xmap(build(app, task), items)
    elif "starmap" in spec:
        task, items = spec["starmap"]
        sig = xstarmap(build(app, task), [tuple(i) for i in items])
    elif "dict" in spec:
        sig = signature(json.loads(json.dumps(spec["dict"])), app=app)
    else:
        raise ValueError(f"unknown spec {spec!r}")
    if "set" in spec:
        sig.set(**spec["set"])
    for cb in spec.get("link", []):
        sig.link(build(app, cb))
    for eb in spec.get("link_error", []):
        sig.link_error(build(app, eb))
    if "immutable" in spec:
        sig.set_immutable(spec["immutable"])
    return sig


def plain(value):
    """kombu JSON round trip: signatures become dicts, tuples lists."""
    return json.loads(dumps(value))


def result_tree(res, seen=None):
    if res is None:
        return None
    if isinstance(res, GroupResult):
        return {"id": res.id, "results": [result_tree(r) for r in res.results], "parent": result_tree(res.parent)}
    return {"id": res.id, "parent": result_tree(res.parent)}


def run_case(case):
    app = make_app()
    app.conf.update(case.get("conf", {}))
    calls = []

    def send_task(name, args=None, kwargs=None, **options):
        options = {k: v for k, v in options.items()
                   if k not in NOT_WIRE and v is not None and not (k in TASK_DEFAULTS and TASK_DEFAULTS[k] == v)}
        for key in ("link", "link_error"):
            if key in options:
                options[key] = list(options[key]) if isinstance(options[key], (list, tuple)) else [options[key]]
        task_id = options.get("task_id") or f"00000000-0000-4000-9000-{next(sent):012d}"
        calls.append({"op": "send", "id": task_id, "name": name, "args": list(args or ()),
                      "kwargs": dict(kwargs or {}), "options": options})
        return app.AsyncResult(task_id)

    app.send_task = send_task
    backend = app.backend
    backend.set_chord_size = lambda gid, size: calls.append({"op": "set_chord_size", "group_id": gid, "size": size})
    backend.add_pending_result = lambda *a, **k: None

    def apply_chord(header_result_args, body, **kwargs):
        # What the Redis backend does: save the header GroupResult only when a member is itself a group.
        header_result = GroupResult(*header_result_args, app=app)
        if any(isinstance(r, GroupResult) for r in header_result.results):
            calls.append({"op": "save_group", "group_id": header_result.id, "tuple": header_result.as_tuple()})

    backend.apply_chord = apply_chord
    counter = itertools.count(1)
    sent = itertools.count(1)
    canvas_module.uuid = lambda: f"00000000-0000-4000-8000-{next(counter):012d}"

    sig = build(app, case["canvas"])
    out = {"dict": plain(sig)}
    if "freeze" in case:
        res = sig.freeze(**case["freeze"])
        out["frozen"] = {"result": result_tree(res), "dict": plain(sig)}
        return out
    apply = case.get("apply", {})
    res = sig.apply_async(tuple(apply.get("args", ())), dict(apply.get("kwargs", {})), **apply.get("options", {}))
    out["calls"] = plain(calls)
    out["result"] = result_tree(res)
    return out


def main():
    with open(sys.argv[1]) as fh:
        cases = json.load(fh)["cases"]
    wanted = sys.argv[2:] or list(cases)
    out = {}
    for case_id in wanted:
        try:
            out[case_id] = run_case(cases[case_id])
        except Exception as exc:  # reported, compared by the TS side
            out[case_id] = {"error": f"{type(exc).__name__}: {exc}"}
    json.dump(out, sys.stdout, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
