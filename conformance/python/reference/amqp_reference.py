"""The Python side of the AMQP transport's differential tests (conformance/tests/transport-amqp-*.test.ts).

Usage: python amqp_reference.py <command>   with a JSON request on stdin; prints one JSON reply on stdout.

Commands
  urls       {"urls": [...]}                      -> kombu's resolution of each URL's failover alternates
  declare    {"url", "scenarios": [{"kind", "name", "conf"?}], "declare"?} -> builds the entity Celery itself builds
             for each scenario (with optional app.conf overrides), reports exactly what kombu sends for it and
             (unless "declare": false) declares it with kombu `Queue.declare()`; per scenario
             {"ok": true, ...description} or {"ok": false, "error": "..."}
  read       {"url", "queue", "count", "timeout"}   -> py-amqp `basic_get` of up to `count` messages, values typed
  compare    {"url", "queue", "expected": [{"file", "index"}]} -> reads one message per expected vector message and
             compares properties and headers with the vector, Python type for Python type
  publish    {"url", "queue", "kind"}                -> publishes with py-amqp / Celery (kinds below)

Typed values: ["int", 5], ["float", "1.0" (repr)], ["str", "x"], ["bool", true], ["NoneType", null],
["bytes", "<hex>"], ["Decimal", "1.25"], ["datetime", "<isoformat>"], ["list", [...]], ["dict", {k: typed}].
"""
import datetime
import decimal
import json
import os
import sys
import time

import amqp
from kombu import Connection

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
PROPERTY_NAMES = ("content_type", "content_encoding", "correlation_id", "reply_to", "delivery_mode", "priority",
                  "expiration", "message_id", "timestamp", "type", "user_id", "app_id")


def typed(value):
    if value is None:
        return ["NoneType", None]
    if isinstance(value, bool):
        return ["bool", value]
    if isinstance(value, int):
        return ["int", str(value) if abs(value) > 2**53 else value]
    if isinstance(value, float):
        return ["float", repr(value)]
    if isinstance(value, str):
        return ["str", value]
    if isinstance(value, (bytes, bytearray, memoryview)):
        return ["bytes", bytes(value).hex()]
    if isinstance(value, decimal.Decimal):
        return ["Decimal", str(value)]
    if isinstance(value, datetime.datetime):
        return ["datetime", value.isoformat()]
    if isinstance(value, (list, tuple)):
        return ["list", [typed(v) for v in value]]
    if isinstance(value, dict):
        return ["dict", {str(k): typed(v) for k, v in value.items()}]
    return [type(value).__name__, repr(value)]


def differences(expected, got, path=""):
    """Where two values differ in type or value (bool is not int, int is not float)."""
    if type(expected) is not type(got):
        return [{"path": path or "/", "expected": typed(expected), "got": typed(got)}]
    if isinstance(expected, dict):
        out = []
        for key in sorted(set(expected) | set(got)):
            if key not in got or key not in expected:
                out.append({"path": f"{path}/{key}", "expected": typed(expected.get(key, "<missing>")),
                            "got": typed(got.get(key, "<missing>"))})
            else:
                out.extend(differences(expected[key], got[key], f"{path}/{key}"))
        return out
    if isinstance(expected, list):
        if len(expected) != len(got):
            return [{"path": path, "expected": typed(expected), "got": typed(got)}]
        out = []
        for i, (a, b) in enumerate(zip(expected, got)):
            out.extend(differences(a, b, f"{path}/{i}"))
        return out
    if expected != got:
        return [{"path": path or "/", "expected": typed(expected), "got": typed(got)}]
    return []


def amqp_channel(url):
    conn = Connection(url)
    conn.connect()
    return conn, conn.default_channel


def get_messages(url, queue, count, timeout):
    conn = Connection(url)
    conn.connect()
    try:
        # A raw py-amqp channel with auto_decode off: the bytes and the table exactly as py-amqp read them.
        channel = amqp.Channel(conn.connection, auto_decode=False)
        channel.open()
        out = []
        deadline = time.monotonic() + timeout
        while len(out) < count and time.monotonic() < deadline:
            msg = channel.basic_get(queue, no_ack=True)
            if msg is None:
                time.sleep(0.02)
                continue
            out.append(msg)
        channel.close()
        return out
    finally:
        conn.release()


def cmd_urls(req):
    out = []
    for url in req["urls"]:
        conn = Connection(url)
        alternates = conn.alt or [url]
        entries = []
        for i, alt in enumerate(alternates):
            if i > 0:
                conn.switch(alt)
            info = dict(conn.info())
            entries.append({"protocol": "amqps" if info["ssl"] else "amqp", "hostname": info["hostname"],
                            "port": info["port"], "username": info["userid"], "password": info["password"],
                            "vhost": info["virtual_host"]})
        out.append(entries)
    return out


def build_entity(url, scenario):
    """The entity Celery itself builds for a scenario (no hand-written flags on the Python side)."""
    from celery import Celery
    from celery.events.receiver import EventReceiver
    from kombu import Exchange, Queue
    kind, name = scenario["kind"], scenario["name"]
    app = Celery("amqp-reference", broker=url)  # fresh per scenario: app.amqp.queues reads the config once
    app.conf.update(scenario.get("conf") or {})
    if kind == "priority-queue":  # the brief's literal kombu form
        return Queue(name, Exchange(name, "direct"), name, max_priority=10)
    if kind == "celery-task-queue":  # task_create_missing_queues with task_queue_max_priority
        app.conf.task_queue_max_priority = 10
        return app.amqp.queues[name]
    if kind == "quorum-queue":  # task_default_queue_type='quorum' (Celery 5.5+)
        app.conf.task_default_queue = name
        app.conf.task_default_queue_type = "quorum"
        return app.amqp.queues[name]
    if kind == "pidbox-queue":  # the worker's pidbox queue: <nodename>.celery.pidbox
        return app.control.mailbox.get_queue(name)
    if kind == "pidbox-reply-queue":  # the client's reply queue: <oid>.reply.celery.pidbox, key <oid>
        mailbox = app.control.mailbox
        # oid is derived from id(mailbox); pin it so both sides name the same queue.
        mailbox.__class__ = type("PinnedOidMailbox", (type(mailbox),), {"oid": name})
        return mailbox.get_reply_queue()
    if kind == "event-queue":  # `celery events` / Flower: celeryev.<id>, topic exchange celeryev, key #
        with app.connection_for_read() as conn:
            return EventReceiver(conn, handlers={}, app=app, node_id=name.split(".", 1)[1]).queue
    raise ValueError(f"unknown scenario kind {kind}")


def describe_entity(entity, channel):
    """What kombu sends for the entity: queue.declare flags and arguments (typed), exchange.declare, queue.bind."""
    arguments = channel.prepare_queue_arguments(
        entity.queue_arguments or {}, expires=entity.expires, message_ttl=entity.message_ttl,
        max_length=entity.max_length, max_length_bytes=entity.max_length_bytes, max_priority=entity.max_priority)
    exchange = entity.exchange
    return {"queue": entity.name, "durable": entity.durable, "exclusive": entity.exclusive,
            "auto_delete": entity.auto_delete, "arguments": {k: typed(v) for k, v in arguments.items()},
            "routing_key": entity.routing_key,
            "exchange": None if not exchange.name else {
                "name": exchange.name, "type": exchange.type, "durable": exchange.durable,
                "auto_delete": exchange.auto_delete, "arguments": typed(exchange.arguments or {}),
                "delivery_mode": exchange.delivery_mode}}


def cmd_declare(req):
    out = []
    with Connection(req["url"]) as conn:
        for scenario in req["scenarios"]:
            entity = build_entity(req["url"], scenario)
            channel = conn.channel()
            try:
                described = describe_entity(entity, channel)
                if req.get("declare", True):
                    entity(channel).declare()
                out.append({"ok": True, **described})
            except Exception as exc:  # the broker's refusal is the test result
                out.append({"ok": False, "error": f"{type(exc).__name__}: {exc}"})
            finally:
                try:
                    channel.close()
                except Exception:
                    pass
    return out


def cmd_read(req):
    msgs = get_messages(req["url"], req["queue"], req["count"], req.get("timeout", 5))
    out = []
    for msg in msgs:
        props = dict(msg.properties)
        headers = props.pop("application_headers", None)
        out.append({"properties": {k: typed(v) for k, v in props.items()},
                    "headers": None if headers is None else typed(headers),
                    "body": bytes(msg.body).hex(),
                    "delivery_info": {"exchange": msg.delivery_info["exchange"],
                                      "routing_key": msg.delivery_info["routing_key"]}})
    return out


def cmd_compare(req):
    expected = req["expected"]
    msgs = get_messages(req["url"], req["queue"], len(expected), req.get("timeout", 10))
    report = []
    for i, exp in enumerate(expected):
        with open(os.path.join(ROOT, "conformance", "vectors", exp["file"])) as f:
            vector = json.load(f)["messages"][exp["index"]]
        if i >= len(msgs):
            report.append({"file": exp["file"], "index": exp["index"], "missing": True})
            continue
        msg = msgs[i]
        props = dict(msg.properties)
        headers = props.pop("application_headers", None)
        want = dict(vector["properties"])
        want_headers = want.pop("headers", None)
        got = {k: v for k, v in props.items() if k in PROPERTY_NAMES}
        diffs = differences(want, got, "/properties") + differences(want_headers, headers, "/headers")
        if bytes(msg.body) != __import__("base64").b64decode(vector["body"]):
            diffs.append({"path": "/body", "expected": None, "got": None})
        report.append({"file": exp["file"], "index": exp["index"], "differences": diffs})
    return report


def cmd_publish(req):
    url, queue, kind = req["url"], req["queue"], req["kind"]
    if kind == "typed-headers":
        # Every table type py-amqp writes (A:amqp/serialization.py _write_item), incl. 'L' for big ints.
        headers = {
            "int32": 2**31 - 1, "int64": 2**40, "neg64": -(2**62), "max64": 2**63 - 1, "small": -5,
            "float": 1.5, "float_integral": 2.0, "str": "caf\u00e9", "bytes_utf8": b"abc",
            "bytes_binary": b"\xff\x00", "none": None, "true": True, "decimal": decimal.Decimal("-1.25"),
            "datetime": datetime.datetime(2025, 1, 31, 12, 0, 5), "list": [1, "a", None, [2**40]],
            "dict": {"nested": {"x": 1}}, "tuple": (1, 2),
        }
        conn, channel = amqp_channel(url)
        try:
            channel.basic_publish(amqp.Message(b"typed", application_headers=headers, content_type="text/plain",
                                               message_id="m-1", app_id="py", type="t", timestamp=1700000000,
                                               delivery_mode=2, priority=3, expiration="60000",
                                               correlation_id="c-1", reply_to="r-1"),
                                  exchange="", routing_key=queue)
        finally:
            conn.release()
        return {"ok": True}
    if kind == "celery-task":
        # A real Celery producer (kombu): custom headers with a 64-bit int, which py-amqp writes as 'L'.
        from celery import Celery
        app = Celery("amqp-reference", broker=url)
        # ignore_result is explicit: send_task() without it writes the header as None, which the codec's schema
        # refuses (a codec matter, not the transport's).
        result = app.send_task("tasks.add", args=(2, 3), queue=queue, ignore_result=False,
                               headers={"sent_at_ms": 1700000000123, "ratio": 0.5})
        return {"ok": True, "id": result.id}
    raise ValueError(f"unknown publish kind {kind}")


COMMANDS = {"urls": cmd_urls, "declare": cmd_declare, "read": cmd_read, "compare": cmd_compare,
            "publish": cmd_publish}

if __name__ == "__main__":
    request = json.load(sys.stdin)
    json.dump(COMMANDS[sys.argv[1]](request), sys.stdout)
