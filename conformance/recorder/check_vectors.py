#!/usr/bin/env python
"""Validate recorded vectors against the file-format contract (conformance/vectors/README.md).

    python3 conformance/recorder/check_vectors.py [conformance/vectors]

Checks, for every ``<version>/<broker>/*.json``: valid JSON, the exact top-level key order, field
types, a known ``kind``, at least one message, well-formed message entries (and that every base64
body / Redis envelope decodes). Also checks that all (version, broker) directories hold the same set
of vector files. Exits non-zero on any problem. Standard library only.
"""

from __future__ import annotations

import base64
import binascii
import json
import sys
from pathlib import Path

TOP_KEYS = ["scenario", "kind", "celery", "kombu", "broker", "description", "call", "input", "recorded_at",
            "messages"]
KINDS = {"task", "event", "control-request", "control-reply", "result", "rpc-reply", "group-meta",
         "chord-state"}
REDIS_COMMANDS = {"LPUSH", "PUBLISH", "SET", "ZADD"}


def check_message(msg, where: str, problems: list[str]):
    if not isinstance(msg, dict):
        problems.append(f"{where}: message is not an object")
        return
    transport = msg.get("transport")
    if transport == "redis":
        for key in ("command", "key", "raw"):
            if not isinstance(msg.get(key), str):
                problems.append(f"{where}: redis message without string {key!r}")
                return
        if msg["command"] not in REDIS_COMMANDS:
            problems.append(f"{where}: unknown redis command {msg['command']!r}")
        if msg["command"] == "ZADD" and not isinstance(msg.get("score"), (int, float)):
            problems.append(f"{where}: ZADD entry without a numeric score")
        if msg["command"] in ("LPUSH", "PUBLISH"):
            try:
                env = json.loads(msg["raw"])
                if env.get("properties", {}).get("body_encoding") == "base64":
                    base64.b64decode(env["body"], validate=True)
            except (ValueError, KeyError, AttributeError, binascii.Error) as exc:
                problems.append(f"{where}: redis envelope does not decode: {exc}")
    elif transport == "amqp":
        info = msg.get("delivery_info")
        if not (isinstance(info, dict) and set(info) == {"exchange", "routing_key"}):
            problems.append(f"{where}: amqp delivery_info must be {{exchange, routing_key}}")
        if not isinstance(msg.get("properties"), dict):
            problems.append(f"{where}: amqp message without properties")
        try:
            base64.b64decode(msg.get("body", ""), validate=True)
        except (ValueError, binascii.Error) as exc:
            problems.append(f"{where}: amqp body is not base64: {exc}")
    else:
        problems.append(f"{where}: unknown transport {transport!r}")


def check_file(path: Path, version: str, broker: str, problems: list[str]):
    try:
        vector = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        problems.append(f"{path}: invalid JSON: {exc}")
        return
    if list(vector) != TOP_KEYS:
        problems.append(f"{path}: top-level keys {list(vector)} != {TOP_KEYS}")
        return
    if vector["scenario"] != path.stem:
        problems.append(f"{path}: scenario {vector['scenario']!r} does not match the file name")
    if vector["kind"] not in KINDS:
        problems.append(f"{path}: unknown kind {vector['kind']!r}")
    if vector["celery"] != version:
        problems.append(f"{path}: celery {vector['celery']!r} != directory {version!r}")
    if vector["broker"] != broker:
        problems.append(f"{path}: broker {vector['broker']!r} != directory {broker!r}")
    for key in ("kombu", "description", "call", "recorded_at"):
        if not isinstance(vector[key], str) or not vector[key]:
            problems.append(f"{path}: {key} must be a non-empty string")
    inp = vector["input"]
    if inp is not None and not (isinstance(inp, dict) and list(inp) == ["task", "args", "kwargs", "options"]):
        problems.append(f"{path}: input must be null or {{task, args, kwargs, options}}")
    messages = vector["messages"]
    if not isinstance(messages, list) or not messages:
        problems.append(f"{path}: no messages")
        return
    for i, msg in enumerate(messages):
        check_message(msg, f"{path}#{i}", problems)


def main(root: Path) -> int:
    problems: list[str] = []
    sets: dict[str, set[str]] = {}
    count = 0
    for version_dir in sorted(p for p in root.iterdir() if p.is_dir()):
        for broker_dir in sorted(p for p in version_dir.iterdir() if p.is_dir()):
            names = set()
            for path in sorted(broker_dir.glob("*.json")):
                check_file(path, version_dir.name, broker_dir.name, problems)
                names.add(path.stem)
                count += 1
            sets[f"{version_dir.name}/{broker_dir.name}"] = names
    if not sets:
        problems.append(f"{root}: no <version>/<broker> directories")
    union = set().union(*sets.values()) if sets else set()
    for where, names in sets.items():
        missing = union - names
        if missing:
            problems.append(f"{where}: missing {', '.join(sorted(missing))}")
    for p in problems:
        print(f"PROBLEM {p}")
    summary = ", ".join(f"{k}={len(v)}" for k, v in sets.items())
    print(f"checked {count} vector file(s) [{summary}]: {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "conformance/vectors")))
