"""Resolves settings dicts as this venv's Celery does and prints the values, for the differential test
conformance/tests/config-settings-python.test.ts (the TypeScript twin is sdk/src/config/resolve-celery-settings.ts).

stdin: {"keys": [setting, ...], "cases": [{"id": str, "settings": {...}}, ...]}
stdout: {id: {"values": {key: app.conf[key]}} | {"error": "<ExcType>", "message": str}}

Each case gets a fresh app: ``app.config_from_object(settings)``, then ``app.conf[key]`` (item access: the value
configured or Celery's default, without the environment that the ``broker_url``/``result_backend`` properties read).
timedelta values print as seconds, tuples and sets as lists.
"""
import datetime
import json
import sys

from celery import Celery


def to_json(value):
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    if isinstance(value, (tuple, list, set, frozenset)):
        return [to_json(v) for v in value]
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    return value


def resolve(settings, keys):
    app = Celery("settings-reference", set_as_current=False)
    app.config_from_object(settings)
    try:
        return {"values": {key: to_json(app.conf[key]) for key in keys}}
    except Exception as e:  # ImproperlyConfigured on a mix of old and new names
        return {"error": type(e).__name__, "message": str(e)}


def main():
    request = json.load(sys.stdin)
    json.dump({case["id"]: resolve(case["settings"], request["keys"]) for case in request["cases"]}, sys.stdout)


if __name__ == "__main__":
    main()
