"""Writes a task catalog (schemas/json/task-catalog.schema.json) for a Celery app's registered tasks, from their
signatures and type hints. Run by `proto import-python -A <app>`: argv[1] is the app as `celery -A` takes it
(`module`, `module:attr` or `module.attr`); prints the catalog as JSON on stdout."""

import dataclasses
import enum
import importlib
import inspect
import json
import os
import re
import sys
import types
import typing

sys.path.insert(0, os.getcwd())

try:
    from typing import get_args, get_origin, is_typeddict
except ImportError:  # Python < 3.10
    from typing import get_args, get_origin

    def is_typeddict(tp):
        return isinstance(tp, type) and issubclass(tp, dict) and hasattr(tp, "__total__")

from celery import Celery

NONE_TYPE = type(None)


def find_app(spec):
    module_name, _, attr = spec.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError:
        if attr or "." not in module_name:
            raise
        module_name, _, attr = module_name.rpartition(".")
        module = importlib.import_module(module_name)
    if attr:
        app = getattr(module, attr)
        return app() if callable(app) and not isinstance(app, Celery) else app
    for name in ("app", "celery"):
        candidate = getattr(module, name, None)
        if isinstance(candidate, Celery):
            return candidate
    for candidate in vars(module).values():
        if isinstance(candidate, Celery):
            return candidate
    raise SystemExit(f"{spec}: no Celery app found (name it app or celery, or pass module:attr)")


class Schemas:
    def __init__(self):
        self.defs = {}

    def of(self, tp):
        if tp is inspect.Parameter.empty or tp is typing.Any or tp is object:
            return True
        if tp is None or tp is NONE_TYPE:
            return {"type": "null"}
        if tp is bool:
            return {"type": "boolean"}
        if tp is int:
            return {"type": "integer"}
        if tp is float:
            return {"type": "number"}
        if tp is str:
            return {"type": "string"}
        origin = get_origin(tp)
        args = get_args(tp)
        if origin is typing.Union or (hasattr(types, "UnionType") and isinstance(tp, types.UnionType)):
            return self.union([self.of(arg) for arg in args])
        if origin is typing.Literal:
            return {"enum": list(args)}
        if origin is typing.Annotated:
            return self.of(args[0])
        if origin in (list, set, frozenset) or tp in (list, set, frozenset) or origin in _abc("Sequence", "Iterable", "Collection", "Set"):
            return {"type": "array", "items": self.of(args[0]) if args else True}
        if origin is tuple or tp is tuple:
            if not args or (len(args) == 2 and args[1] is Ellipsis):
                return {"type": "array", "items": self.of(args[0]) if args else True}
            return {"type": "array", "prefixItems": [self.of(a) for a in args], "items": False, "minItems": len(args)}
        if origin in (dict,) or tp is dict or origin in _abc("Mapping", "MutableMapping"):
            return {"type": "object", "additionalProperties": self.of(args[1]) if len(args) == 2 else True}
        if isinstance(tp, type) and issubclass(tp, enum.Enum):
            return self.define(tp, lambda: {"enum": [member.value for member in tp]})
        if is_typeddict(tp):
            return self.define(tp, lambda: self.typed_dict(tp))
        if dataclasses.is_dataclass(tp) and isinstance(tp, type):
            return self.define(tp, lambda: self.dataclass(tp))
        if isinstance(tp, type) and hasattr(tp, "model_json_schema"):  # pydantic v2
            return self.pydantic(tp)
        return True

    def union(self, branches):
        if any(branch is True for branch in branches):
            return True
        simple = [b for b in branches if isinstance(b, dict) and set(b) == {"type"} and isinstance(b["type"], str)]
        if len(simple) == len(branches):
            return {"type": [b["type"] for b in simple]}
        return {"anyOf": branches}

    def define(self, tp, build):
        name = re.sub(r"[^A-Za-z0-9_]", "_", tp.__name__)
        if name not in self.defs:
            self.defs[name] = True  # placeholder for recursive types
            schema = build()
            own = tp.__dict__.get("__doc__")  # not an inherited docstring (Enum's, dict's)
            doc = inspect.cleandoc(own) if isinstance(own, str) else None
            if doc and isinstance(schema, dict) and not _is_default_doc(tp, doc):
                schema = {"description": doc.split("\n\n")[0].replace("\n", " "), **schema}
            self.defs[name] = schema
        return {"$ref": f"#/$defs/{name}"}

    def typed_dict(self, tp):
        hints = typing.get_type_hints(tp)
        required = getattr(tp, "__required_keys__", set(hints))
        return {
            "type": "object",
            "properties": {key: self.of(value) for key, value in hints.items()},
            "required": [key for key in hints if key in required],
            "additionalProperties": False,
        }

    def dataclass(self, tp):
        hints = typing.get_type_hints(tp)
        fields = dataclasses.fields(tp)
        return {
            "type": "object",
            "properties": {f.name: self.of(hints.get(f.name, inspect.Parameter.empty)) for f in fields},
            "required": [f.name for f in fields if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING],
            "additionalProperties": False,
        }

    def pydantic(self, tp):
        schema = tp.model_json_schema(ref_template="#/$defs/{model}")
        for name, sub in schema.pop("$defs", {}).items():
            self.defs.setdefault(name, sub)
        self.defs.setdefault(tp.__name__, schema)
        return {"$ref": f"#/$defs/{tp.__name__}"}


def _abc(*names):
    import collections.abc

    return tuple(getattr(collections.abc, name) for name in names)


def _is_default_doc(tp, doc):
    return doc.startswith(tp.__name__ + "(") or doc == inspect.getdoc(dict)


def camel(text):
    parts = [p for p in re.split(r"[^A-Za-z0-9]+", text) if p]
    if not parts:
        return "task"
    name = parts[0] + "".join(p[:1].upper() + p[1:] for p in parts[1:])
    return "_" + name if name[0].isdigit() else name


def describe_task(task, schemas):
    run = getattr(task, "run", task)
    func = inspect.unwrap(getattr(run, "__func__", run))
    signature = inspect.signature(run)
    try:
        hints = typing.get_type_hints(func)
    except Exception:  # unresolvable annotations: fall back to none
        hints = {}
    entry = {}
    doc = inspect.getdoc(func)
    if doc:
        entry["description"] = doc.split("\n\n")[0].replace("\n", " ")
    args, kwargs = [], []
    for param in signature.parameters.values():
        schema = schemas.of(hints.get(param.name, inspect.Parameter.empty))
        item = {"name": param.name, "schema": schema}
        if param.default is not inspect.Parameter.empty:
            item["required"] = False
        if param.kind in (param.POSITIONAL_ONLY, param.POSITIONAL_OR_KEYWORD):
            args.append(item)
        elif param.kind == param.KEYWORD_ONLY:
            kwargs.append(item)
        elif param.kind == param.VAR_POSITIONAL:
            entry["varargs"] = schema
        elif param.kind == param.VAR_KEYWORD:
            entry["varkwargs"] = schema
    if args:
        entry["args"] = args
    if kwargs:
        entry["kwargs"] = kwargs
    entry["result"] = schemas.of(hints.get("return", inspect.Parameter.empty))
    options = {}
    for attr, key in (("queue", "queue"), ("priority", "priority"), ("time_limit", "timeLimit"), ("soft_time_limit", "softTimeLimit"), ("expires", "expires")):
        value = getattr(task, attr, None)
        if value is not None and not (isinstance(value, (int, float)) and not isinstance(value, bool) and attr != "priority" and value <= 0):
            options[key] = value
    if getattr(task, "ignore_result", False) is True:
        options["ignoreResult"] = True
    retry = {}
    for attr, key, default in (("max_retries", "maxRetries", 3), ("default_retry_delay", "defaultRetryDelay", 180),
                               ("retry_backoff", "retryBackoff", False), ("retry_backoff_max", "retryBackoffMax", 600),
                               ("retry_jitter", "retryJitter", True)):
        value = getattr(task, attr, default)
        if value != default:
            retry[key] = value
    autoretry_for = getattr(task, "autoretry_for", ()) or ()
    if autoretry_for:
        retry["autoretryFor"] = [exc.__name__ for exc in autoretry_for]
    if retry:
        options["retry"] = retry
    if options:
        entry["options"] = options
    return entry


def main():
    app = find_app(sys.argv[1])
    prefix = sys.argv[2] if len(sys.argv) > 2 else ""
    app.loader.import_default_modules()
    names = sorted(name for name in app.tasks.keys() if not name.startswith("celery.") and name.startswith(prefix))
    schemas = Schemas()
    tasks = {name: describe_task(app.tasks[name], schemas) for name in names}
    last = {}
    for name in names:
        last.setdefault(camel(name.rsplit(".", 1)[-1]), []).append(name)
    for export, owners in last.items():
        if len(owners) > 1:
            for name in owners:
                tasks[name] = {"export": camel(name), **tasks[name]}
    catalog = {"description": f"Tasks of the Celery app {sys.argv[1]} (proto import-python).", "tasks": tasks}
    if schemas.defs:
        catalog["$defs"] = dict(sorted(schemas.defs.items()))
    json.dump(catalog, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
