"""Python values JSON cannot carry, as tagged JSON objects ``{"$py": <type>, ...}`` (the producer's ``/send`` and
``/canvas`` build them from the request; ``/result`` with ``"typed": true`` writes results with them):

- ``{"$py": "datetime" | "date" | "time", "value": <isoformat>}``
- ``{"$py": "decimal", "value": <str(d)>}``, ``{"$py": "uuid", "value": <str(u)>}``
- ``{"$py": "bytes", "value": <UTF-8 text>}`` or ``{"$py": "bytes", "base64": ...}`` (not UTF-8)
- ``{"$py": "float", "value": "nan" | "inf" | "-inf"}``, ``{"$py": "int", "value": <digits>}`` (beyond 2^53)
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import math
import uuid
from typing import Any

SAFE_INT = 2**53 - 1


class BadTag(ValueError):
    """A ``$py`` tag the producer cannot build."""


def from_tagged(value: Any) -> Any:
    """``value`` with every ``$py`` tag replaced by the Python value it names."""
    if isinstance(value, list):
        return [from_tagged(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "$py" not in value:
        return {k: from_tagged(v) for k, v in value.items()}
    kind = value["$py"]
    text = value.get("value")
    try:
        if kind == "bytes" and "base64" in value:
            return base64.b64decode(value["base64"])
        if not isinstance(text, str):
            raise BadTag(f'{{"$py": {kind!r}}} needs "value" as a string')
        if kind == "datetime":
            return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        if kind == "date":
            return dt.date.fromisoformat(text)
        if kind == "time":
            return dt.time.fromisoformat(text)
        if kind == "decimal":
            return decimal.Decimal(text)
        if kind == "uuid":
            return uuid.UUID(text)
        if kind == "bytes":
            return text.encode("utf-8")
        if kind == "float":
            return float(text)
        if kind == "int":
            return int(text)
    except (ValueError, decimal.InvalidOperation) as exc:
        raise BadTag(f'{{"$py": {kind!r}, "value": {text!r}}}: {exc}') from exc
    raise BadTag(f'unknown "$py" type {kind!r} (datetime, date, time, decimal, uuid, bytes, float, int)')


def to_tagged(value: Any) -> Any:
    """A JSON-safe copy of a result that keeps Python's types: tags where JSON has no exact form; an exception is
    ``{"type", "module", "message"}``."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value if -SAFE_INT <= value <= SAFE_INT else {"$py": "int", "value": str(value)}
    if isinstance(value, float):
        return value if math.isfinite(value) else {"$py": "float", "value": repr(value)}
    if isinstance(value, BaseException):
        return {"type": type(value).__name__, "module": type(value).__module__, "message": str(value)}
    if isinstance(value, dict):
        return {str(k): to_tagged(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_tagged(v) for v in value]
    if isinstance(value, dt.datetime):
        return {"$py": "datetime", "value": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$py": "date", "value": value.isoformat()}
    if isinstance(value, dt.time):
        return {"$py": "time", "value": value.isoformat()}
    if isinstance(value, decimal.Decimal):
        return {"$py": "decimal", "value": str(value)}
    if isinstance(value, uuid.UUID):
        return {"$py": "uuid", "value": str(value)}
    if isinstance(value, (bytes, bytearray)):
        try:
            return {"$py": "bytes", "value": bytes(value).decode("utf-8")}
        except UnicodeDecodeError:
            return {"$py": "bytes", "base64": base64.b64encode(bytes(value)).decode("ascii")}
    return repr(value)
