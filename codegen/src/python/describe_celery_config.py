"""Writes a Celery app's effective configuration (what ``app.conf`` resolves to) as JSON in the format of
sdk/src/config/celery-settings.ts: Celery's lowercase setting names (old uppercase names are read through the new
ones, as ``app.conf`` maps them), seconds as numbers, kombu queues and exchanges as objects, compiled regular
expressions in ``task_routes`` as ``"re:<pattern>"`` keys, ``beat_schedule`` entries in the format of
schemas/json/beat-schedule.schema.json. Run by ``proto import-python -A <app> --config-out <file>``: argv[1] is the
app as ``celery -A`` takes it. Prints ``{"settings": {...}, "warnings": [{"path", "message"}]}`` on stdout.

Which settings: every Celery setting the project set (in any source ``app.conf`` reads), every one whose value
differs from Celery's default, and always the resolved ``broker_url``, ``result_backend`` and the routing settings
(``task_default_*``, ``task_queues`` as ``app.amqp.queues`` holds them, ``task_routes``). Names that are not Celery
settings (a config module's imports and helpers) are not written. A value a JSON file cannot hold (a router
function or path, a callable, a class, an annotation object, a custom schedule or scheduler) is left out and named
in ``warnings``; nothing is dropped silently. Secrets (the broker password) are written as they are."""

import datetime
import enum
import inspect
import json
import os
import re
import sys

sys.path.insert(0, os.getcwd())

from celery.app.defaults import _TO_NEW_KEY, DEFAULTS, SETTING_KEYS  # noqa: E402
from celery.schedules import crontab, schedule, solar  # noqa: E402
from kombu import Exchange, Queue  # noqa: E402
from describe_celery_app import find_app  # noqa: E402

OMIT = object()

#: Read through ``app.conf``'s properties, which resolve them as Celery does (environment, fallbacks).
RESOLVED = ("broker_url", "result_backend", "task_default_exchange", "task_default_routing_key", "timezone")
ALWAYS = ("broker_url", "result_backend", "task_default_queue", "task_default_exchange", "task_default_exchange_type",
          "task_default_routing_key", "task_queues", "task_routes")
#: apply_async options a beat entry of beat-schedule.schema.json may carry.
BEAT_OPTIONS = ("queue", "exchange", "routing_key", "priority", "expires", "headers", "countdown", "time_limit",
                "soft_time_limit", "ignore_result", "serializer")
CRON_FIELDS = ("minute", "hour", "day_of_week", "day_of_month", "month_of_year")
RE_FLAGS = ((re.IGNORECASE, "i"), (re.MULTILINE, "m"), (re.DOTALL, "s"), (re.VERBOSE, "x"), (re.ASCII, "a"))
QUEUE_DEFAULTS = {"durable": True, "exclusive": False, "auto_delete": False, "no_declare": None, "alias": None}
QUEUE_OPTIONAL = ("queue_arguments", "binding_arguments", "consumer_arguments", "expires", "message_ttl",
                  "max_length", "max_length_bytes", "max_priority")
EXCHANGE_DEFAULTS = {"durable": True, "auto_delete": False, "delivery_mode": None, "arguments": None,
                     "no_declare": False}


class Describer:
    def __init__(self):
        self.warnings = []

    def warn(self, path, message):
        self.warnings.append({"path": path, "message": f"{message} cannot be written to a configuration file; it is left out"})
        return OMIT

    def value(self, value, path, what=None):
        """Any setting value as JSON, or OMIT (warned about)."""
        if value is None or isinstance(value, (bool, str)):
            return value
        if isinstance(value, bytes):
            # security_key_password is Celery's one bytes setting; JSON holds it as text.
            try:
                return value.decode("utf-8")
            except UnicodeDecodeError:
                return self.warn(path, "bytes that are not UTF-8 (left out)")
        if isinstance(value, enum.Enum):
            return self.value(value.value, path)
        if isinstance(value, (int, float)):
            return value
        if isinstance(value, datetime.timedelta):
            return seconds(value)
        if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
            return value.isoformat()
        if isinstance(value, Exchange):
            return self.exchange(value, path)
        if isinstance(value, Queue):
            return self.queue(value, path)
        if isinstance(value, re.Pattern):
            return "re:" + pattern(value)
        if isinstance(value, dict):
            return self.mapping(value, path, sort=True)
        if isinstance(value, (list, tuple)):
            return self.sequence(value, path)
        if isinstance(value, (set, frozenset)):
            items = self.sequence(list(value), path)
            try:
                return sorted(items)
            except TypeError:
                return items
        return self.warn(path, describe(value, what))

    def mapping(self, value, path, sort):
        out = {}
        keys = list(value)
        if sort:
            keys.sort(key=str)
        for key in keys:
            sub = f"{path}[{key!r}]"
            if isinstance(key, re.Pattern):
                name = "re:" + pattern(key)
            elif isinstance(key, (str, int, float, bool)):
                name = str(key)
            else:
                self.warn(sub, f"a key that is not a string ({describe(key)})")
                continue
            item = self.value(value[key], sub)
            if item is not OMIT:
                out[name] = item
        return out

    def sequence(self, value, path):
        items = (self.value(item, f"{path}[{index}]") for index, item in enumerate(value))
        return [item for item in items if item is not OMIT]

    def exchange(self, exchange, path):
        out = {"name": exchange.name, "type": exchange.type}
        for attr, default in EXCHANGE_DEFAULTS.items():
            value = getattr(exchange, attr, default)
            if value != default:
                item = self.value(value, f"{path}.{attr}")
                if item is not OMIT:
                    out[attr] = item
        return dict(sorted(out.items()))

    def queue(self, queue, path):
        out = {"name": queue.name, "routing_key": queue.routing_key}
        if queue.exchange is not None:
            out["exchange"] = self.exchange(queue.exchange, f"{path}.exchange")
        for attr, default in QUEUE_DEFAULTS.items():
            value = getattr(queue, attr, default)
            if value != default:
                out[attr] = value
        for attr in QUEUE_OPTIONAL:
            value = getattr(queue, attr, None)
            if value is not None and value != {}:
                item = self.value(value, f"{path}.{attr}")
                if item is not OMIT:
                    out[attr] = item
        bindings = []
        for index, binding in enumerate(sorted(queue.bindings or (), key=lambda b: (exchange_name(b.exchange), b.routing_key or ""))):
            sub = f"{path}.bindings[{index}]"
            entry = {"exchange": self.exchange(binding.exchange, f"{sub}.exchange") if isinstance(binding.exchange, Exchange) else binding.exchange}
            if binding.routing_key is not None:
                entry["routing_key"] = binding.routing_key
            if binding.arguments:
                entry["arguments"] = self.value(binding.arguments, f"{sub}.arguments")
            bindings.append(entry)
        if bindings:
            out["bindings"] = bindings
        return dict(sorted(out.items()))

    def routes(self, routes, path):
        """task_routes: one map or a list of them, keeping each map's order (MapRoute tries patterns in order)."""
        if routes is None:
            return None
        if isinstance(routes, (list, tuple)):
            out = []
            for index, item in enumerate(routes):
                route = self.route_map(item, f"{path}[{index}]")
                if route is not OMIT:
                    out.append(route)
            return out
        return self.route_map(routes, path)

    def route_map(self, item, path):
        if isinstance(item, dict):
            return self.mapping(item, path, sort=False)
        if isinstance(item, (list, tuple)) and all(isinstance(pair, (list, tuple)) and len(pair) == 2 for pair in item):
            return self.mapping(dict(item), path, sort=False)  # MapRoute's list of (pattern, route) pairs
        if isinstance(item, str):
            return self.warn(path, f"a router path ({item}, imported by Celery)")
        if callable(item):
            return self.warn(path, f"a router {'class' if inspect.isclass(item) else 'function'} ({qualified(item)})")
        return self.warn(path, describe(item, "router"))

    def annotations(self, annotations, path):
        if annotations is None:
            return None
        if isinstance(annotations, (list, tuple)):
            items = (self.annotation(item, f"{path}[{index}]") for index, item in enumerate(annotations))
            return [item for item in items if item is not OMIT]
        return self.annotation(annotations, path)

    def annotation(self, item, path):
        if isinstance(item, dict):
            return self.mapping(item, path, sort=True)
        if isinstance(item, str):
            return self.warn(path, f"an annotation path ({item}, imported by Celery)")
        return self.warn(path, describe(item, "annotation"))

    def beat_schedule(self, entries, path):
        if not isinstance(entries, dict):
            return self.value(entries, path)
        out = {}
        for name in sorted(entries, key=str):
            entry = self.beat_entry(entries[name], f"{path}[{name!r}]")
            if entry is not OMIT:
                out[str(name)] = entry
        return out

    def beat_entry(self, entry, path):
        if not isinstance(entry, dict):
            return self.warn(path, describe(entry, "beat entry"))
        if not isinstance(entry.get("task"), str):
            return self.warn(path, "a beat entry without a task name")
        when = self.beat_when(entry.get("schedule"), bool(entry.get("relative")), f"{path}['schedule']")
        if when is OMIT:
            return self.warn(path, "a beat entry without a schedule this project runs")
        out = {"task": entry["task"], "schedule": when}
        for key in ("args", "kwargs"):
            if entry.get(key):
                value = self.value(entry[key], f"{path}[{key!r}]")
                if value is not OMIT:
                    out[key] = value
        options = {}
        for key, value in sorted((entry.get("options") or {}).items()):
            sub = f"{path}['options'][{key!r}]"
            if key not in BEAT_OPTIONS:
                self.warn(sub, f"the beat option {key} (not one of {', '.join(BEAT_OPTIONS)})")
                continue
            if isinstance(value, (Exchange, Queue)):
                value = value.name
            value = self.value(value, sub)
            if value is not OMIT:
                options[key] = value
        if options:
            out["options"] = options
        for key in sorted(set(entry) - {"task", "schedule", "args", "kwargs", "options", "relative"}):
            self.warn(f"{path}[{key!r}]", f"the beat entry key {key}")
        return dict(sorted(out.items()))

    def beat_when(self, when, relative, path):
        if isinstance(when, (int, float)) and not isinstance(when, bool):
            return interval(when, relative)
        if isinstance(when, datetime.timedelta):
            return interval(seconds(when), relative)
        if type(when) is schedule:
            return interval(seconds(when.run_every), relative or bool(getattr(when, "relative", False)))
        if type(when) is crontab:
            return {"crontab": {field: cron_field(getattr(when, "_orig_" + field)) for field in CRON_FIELDS}}
        if type(when) is solar:
            return {"solar": when.event, "lat": when.lat, "lon": when.lon}
        return self.warn(path, describe(when, "schedule"))


def interval(every, relative):
    return {"every": every, "relative": True} if relative else {"every": every}


def seconds(delta):
    total = delta.total_seconds()
    return int(total) if total == int(total) else total


def pattern(regex):
    """A compiled regex's pattern, its flags (but the implicit re.UNICODE) as Python's inline ``(?ims)`` prefix."""
    flags = "".join(letter for flag, letter in RE_FLAGS if regex.flags & flag)
    text = regex.pattern if isinstance(regex.pattern, str) else regex.pattern.decode()
    return f"(?{flags}){text}" if flags else text


def cron_field(value):
    if value is None:
        return "*"
    if isinstance(value, str):
        return value.replace(" ", "")
    if isinstance(value, int):
        return str(value)
    return ",".join(str(v) for v in sorted(value))


def exchange_name(exchange):
    return exchange.name if isinstance(exchange, Exchange) else str(exchange or "")


def qualified(obj):
    module = getattr(obj, "__module__", None)
    name = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None) or type(obj).__qualname__
    return f"{module}.{name}" if module else name


def describe(value, what=None):
    if inspect.isclass(value):
        kind = f"class ({qualified(value)})"
    elif callable(value):
        kind = f"function ({qualified(value)})"
    else:
        kind = f"object ({qualified(type(value))}: {value!r:.80})"
    words = f"{what} {kind}" if what else kind
    return ("an " if words[0] in "aeiou" else "a ") + words


def set_by_project(conf):
    """The Celery settings some source of ``app.conf`` holds (not its defaults), by their new names."""
    keys = set()
    for key in conf.without_defaults().keys():
        if not isinstance(key, str):
            continue
        new = _TO_NEW_KEY.get(key, key)
        if new in SETTING_KEYS:
            keys.add(new)
    return keys


def differs(value, default):
    try:
        return bool(value != default)
    except Exception:  # an object with a strange __eq__
        return True


def main():
    app = find_app(sys.argv[1])
    app.loader.import_default_modules()
    conf = app.conf
    conf.finalize()
    names = set(ALWAYS) | set_by_project(conf)
    for key in SETTING_KEYS:
        value = getattr(conf, key) if key in RESOLVED else conf.get(key)
        if differs(value, DEFAULTS[key]):
            names.add(key)
    describer = Describer()
    settings = {}
    for key in sorted(names):
        if key == "task_queues":
            value = [describer.queue(queue, f"task_queues[{name!r}]") for name, queue in app.amqp.queues.items()]
        elif key == "task_routes":
            value = describer.routes(conf.get(key), key)
        elif key == "task_annotations":
            value = describer.annotations(conf.get(key), key)
        elif key == "beat_schedule":
            value = describer.beat_schedule(conf.get(key), key)
        elif key == "beat_scheduler" and differs(conf.get(key), DEFAULTS[key]):
            value = describer.warn(key, f"a custom beat scheduler ({describe_path(conf.get(key))})")
        else:
            raw = getattr(conf, key) if key in RESOLVED else conf.get(key)
            value = describer.value(raw, key)
        if value is not OMIT:
            settings[key] = value
    json.dump({"settings": settings, "warnings": describer.warnings}, sys.stdout, indent=2)
    sys.stdout.write("\n")


def describe_path(value):
    return value if isinstance(value, str) else qualified(value)


if __name__ == "__main__":
    main()
