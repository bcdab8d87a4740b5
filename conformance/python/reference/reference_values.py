"""Prints how this venv's kombu and Celery serialize a fixed set of values, for the TS codec's differential tests.

Each case id here has a twin in conformance/tests/python-reference.test.ts that builds the same value in JS.
Output: one JSON object {case_id: {"kombu_json": str, "saferepr": str, "saferepr_args": str}}.
"""
import datetime
import decimal
import json
import sys
import uuid

from celery.utils.saferepr import saferepr
from kombu.utils.json import dumps

UTC = datetime.timezone.utc

CASES = {
    "int": 2,
    "negative-int": -17,
    "big-int": 2**70,
    "float": 1.5,
    "float-integral": 1.0,
    "float-large": 1e16,
    "float-small": 1e-05,
    "negative-zero": -0.0,
    "none": None,
    "bools": [True, False],
    "string": "hello",
    "string-quotes": "it's \"quoted\"",
    "string-unicode": "caf\u00e9 \u2603 \U0001F600",
    "string-control": "line1\nline2\ttab\x7f",
    "list-nested": [1, [2, [3, [4, [5]]]]],
    "dict": {"b": 1, "a": [1, 2], "c": {"d": None}},
    "datetime-aware": datetime.datetime(2025, 1, 31, 12, 0, 5, 123456, tzinfo=UTC),
    "datetime-aware-no-micros": datetime.datetime(2025, 1, 31, 12, 0, 5, tzinfo=UTC),
    "datetime-aware-no-seconds": datetime.datetime(2025, 1, 31, 12, 0, tzinfo=UTC),
    "date": datetime.date(2025, 1, 31),
    "time": datetime.time(12, 30, 5),
    "decimal": decimal.Decimal("3.14159"),
    "uuid": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    "bytes-utf8": b"hello bytes",
    "bytes-binary": b"\xff\x00\x01",
    "long-string": "word " * 300,
    "long-list": list(range(400)),
    "long-dict": {f"key{i}": "v" * 50 for i in range(40)},
    "long-nested": [[["x" * 100] * 5] * 5] * 3,
    "deep-nesting": {"a": [{"b": [{"c": [1]}]}]},
    "mixed": {"when": datetime.datetime(2025, 1, 31, 12, 0, 5, 123000, tzinfo=UTC), "amount": decimal.Decimal("10.50"), "tags": ["a", "b"], "n": 3},
}


def main():
    out = {}
    for case_id, value in CASES.items():
        entry = {"saferepr": saferepr(value, 1024), "saferepr_args": saferepr((value,), 1024)}
        try:
            entry["kombu_json"] = dumps(value)
        except TypeError as exc:
            entry["kombu_json_error"] = type(exc).__name__
        out[case_id] = entry
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
