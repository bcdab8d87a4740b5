"""A JSON configuration in the format of sdk/src/config/celery-settings.ts (what ``proto import-python --config-out``
writes) turned back into Celery settings: kombu ``Queue``/``Exchange``/``binding`` objects rebuilt and ``"re:<pattern>"``
route keys compiled by router_reference.py's ``settings_from_json`` (shared with the router differential test), beat
entries' schedules rebuilt here (``timedelta``/``schedule``/``crontab``/``solar``).

Library: ``settings_from_json(doc)`` (a dict for ``app.conf.update``), ``app_from_json(doc)`` (a fresh app).

Command (the round-trip check of conformance/tests/import-python-config.test.ts)::

    python reference/config_from_json.py <config.json> <original app> <task name>...

imports the original app (as ``celery -A`` does), builds a fresh app from the JSON, and prints both apps'
``app.amqp.queues``, ``app.amqp.router.route({}, task)`` for every task, beat entries and the other settings'
values, as ``{"original": ..., "from_json": ...}``, so that the caller can compare them.
"""

import datetime
import importlib
import json
import os
import re
import sys

from celery import Celery
from celery.schedules import crontab, maybe_schedule, schedule, solar
from kombu import Exchange, Queue
from router_reference import settings_from_json as routing_settings_from_json

#: Settings whose values hold objects that are rebuilt here; every other setting's JSON value is Celery's value.
REBUILT = ("task_queues", "task_routes", "beat_schedule")
#: Read through `app.conf`'s properties, which resolve them as Celery does.
PROPERTIES = ("broker_url", "result_backend", "timezone", "task_default_exchange", "task_default_routing_key")


def schedule_from_json(value):
    if "every" in value:
        delta = datetime.timedelta(seconds=value["every"])
        return schedule(delta, relative=True) if value.get("relative") else delta
    if "crontab" in value:
        return crontab(**{field: str(v) if isinstance(v, int) else (",".join(map(str, v)) if isinstance(v, list) else v)
                          for field, v in value["crontab"].items()})
    if "cron" in value:
        minute, hour, day_of_month, month_of_year, day_of_week = value["cron"].split()
        return crontab(minute=minute, hour=hour, day_of_month=day_of_month, month_of_year=month_of_year, day_of_week=day_of_week)
    if "solar" in value:
        return solar(value["solar"], value["lat"], value["lon"])
    raise ValueError(f"unknown beat schedule {value!r}")


def beat_schedule_from_json(value):
    if value is None:
        return None
    return {name: {**entry, "schedule": schedule_from_json(entry["schedule"])} for name, entry in value.items()}


def settings_from_json(doc):
    """Celery settings from the JSON document: queues and routes as router_reference.py rebuilds them, beat entries'
    schedules as schedule objects."""
    settings = routing_settings_from_json(doc)
    if "beat_schedule" in doc:
        settings["beat_schedule"] = beat_schedule_from_json(doc["beat_schedule"])
    return settings


def app_from_json(doc, main="from_json"):
    app = Celery(main, set_as_current=False)
    app.conf.update(settings_from_json(doc))
    return app


# -- the round-trip description --------------------------------------------------------------------------------------


def plain(value):
    """Kombu objects, schedules, tuples and sets as comparable JSON."""
    if isinstance(value, Exchange):
        return {attr: plain(getattr(value, attr, None)) for attr, _ in Exchange.attrs}
    if isinstance(value, Queue):
        out = {attr: plain(getattr(value, attr, None)) for attr, _ in Queue.attrs}
        out["bindings"] = sorted(([plain(b.exchange), b.routing_key, plain(b.arguments)] for b in value.bindings or ()), key=json.dumps)
        return out
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    if isinstance(value, dict):
        return {str(k if not isinstance(k, re.Pattern) else "re:" + k.pattern): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((plain(v) for v in value), key=json.dumps)
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return repr(value)


def describe_schedule(value):
    value = maybe_schedule(value)
    if type(value) is crontab:
        return {"crontab": [sorted(value.minute), sorted(value.hour), sorted(value.day_of_week), sorted(value.day_of_month),
                            sorted(value.month_of_year)]}
    if type(value) is schedule:
        return {"every": value.run_every.total_seconds(), "relative": value.relative}
    if type(value) is solar:
        return {"solar": value.event, "lat": value.lat, "lon": value.lon}
    return repr(value)


def describe_app(app, tasks, keys):
    conf = app.conf
    beat = conf.beat_schedule or {}
    return {
        "queues": [plain(queue) for queue in app.amqp.queues.values()],
        "routes": {task: plain(app.amqp.router.route({}, task)) for task in tasks},
        "beat": {name: {**plain({k: v for k, v in entry.items() if k != "schedule"}), "schedule": describe_schedule(entry["schedule"])}
                 for name, entry in beat.items()},
        "settings": {key: plain(getattr(conf, key) if key in PROPERTIES else conf.get(key))
                     for key in keys},
    }


def load_app(spec):
    module_name, _, attr = spec.partition(":")
    module = importlib.import_module(module_name)
    app = getattr(module, attr or "app")
    app.loader.import_default_modules()
    return app


def main():
    path, spec, *tasks = sys.argv[1:]
    sys.path.insert(0, os.getcwd())
    with open(path, encoding="utf8") as f:
        doc = json.load(f)
    keys = sorted(key for key in doc if key not in REBUILT)
    original = describe_app(load_app(spec), tasks, keys)
    rebuilt = describe_app(app_from_json(doc), tasks, keys)
    json.dump({"original": original, "from_json": rebuilt}, sys.stdout, indent=2, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
