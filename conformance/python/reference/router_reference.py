"""Where Celery 5.7's ``app.send_task`` publishes, for the router differential test
(conformance/tests/router-differential.test.ts).

Reads JSON lines on stdin, one case each: ``{"id", "config": {<routing settings by Celery's names, in the JSON format
of sdk/src/config/celery-settings.ts>}, "calls": [{"name", "options": {...}}]}``. For each case it builds a fresh app
(``memory://`` broker) from the configuration, calls ``app.send_task(name, args=[], kwargs={}, **options)`` for every
call, and captures what ``kombu.Producer.publish`` receives -- exchange, routing key, priority, the delivery mode kombu
would set, and the queues to declare -- or the exception raised. Nothing is published. Writes one JSON line per case:
``{"id", "results": [...]}``.

Native delayed delivery (``send_task``'s quorum-queue branch): a case may name a ``broker`` (``amqp://...`` makes the
transport's ``driver_type`` "amqp"; nothing connects -- producers are lazy and a socket connect would be recorded as
an error) and a fixed ``now`` (ISO, patched over ``app.now``); calls may then carry ``countdown`` and ``eta`` (a string,
or with ``"eta_datetime": true`` an aware datetime). Such a case (one with ``now``) also records the ``eta`` header, the
warnings Celery logs, and, with ``"message": true``, the message as kombu encodes it (body text, headers,
properties). An exception raised by ``send_task`` itself (the branch's ``options["exchange_type"]`` lookups) is
recorded as ``{"error": "KeyError", "key", "raised_in": "send_task"}``.

JSON → kombu: a ``task_queues`` list holds kombu ``Queue(...)`` arguments (``exchange`` a name, typed by
``exchange_type``, or an object of ``Exchange(...)`` arguments; ``binding_key`` stands for a missing ``routing_key``;
``bindings`` are ``binding(...)``s); a ``task_queues`` object is Celery's old dict form and is handed to Celery as is
(``Queues.add_compat`` → ``Queue.from_dict``), an exchange object flattened to its name; ``task_routes`` keys
``"re:<pattern>"`` become ``re.compile(pattern)``.
"""

import json
import logging
import re
import socket
import sys
import traceback
from copy import copy

from dateutil.parser import isoparse

from celery import Celery
from kombu import Exchange, Queue, binding
from kombu.messaging import Producer
from kombu.transport.base import to_rabbitmq_queue_arguments


def exchange_from_json(value, default_type="direct"):
    if value is None or isinstance(value, str):
        return None if value is None else Exchange(value, type=default_type)
    options = {k: v for k, v in value.items() if k not in ("name", "type")}
    return Exchange(value["name"], type=value.get("type") or default_type, **options)


def queue_from_json(value):
    options = dict(value)
    name = options.pop("name")
    exchange_type = options.pop("exchange_type", None) or "direct"
    if "binding_key" in options:
        options.setdefault("routing_key", options.pop("binding_key"))
    exchange = options.pop("exchange", None)
    if exchange is not None:
        options["exchange"] = exchange_from_json(exchange, exchange_type)
    if options.get("bindings"):
        options["bindings"] = [
            binding(exchange_from_json(b["exchange"]), routing_key=b.get("routing_key") or "", arguments=b.get("arguments"))
            for b in options["bindings"]
        ]
    return Queue(name, **options)


def queue_dict_from_json(name, value):
    options = dict(value)
    if isinstance(options.get("exchange"), dict):
        options["exchange"] = options["exchange"]["name"]
    if options.get("bindings"):
        options["bindings"] = [
            binding(exchange_from_json(b["exchange"]), routing_key=b.get("routing_key") or "", arguments=b.get("arguments"))
            for b in options["bindings"]
        ]
    return options


def settings_from_json(config):
    settings = dict(config)
    queues = config.get("task_queues")
    if isinstance(queues, list):
        settings["task_queues"] = [queue_from_json(q) for q in queues]
    elif isinstance(queues, dict):
        settings["task_queues"] = {name: queue_dict_from_json(name, q) for name, q in queues.items()}
    routes = config.get("task_routes")
    as_map = lambda m: {(re.compile(k[3:]) if k.startswith("re:") else k): v for k, v in m.items()}  # noqa: E731
    if isinstance(routes, list):
        settings["task_routes"] = [as_map(m) for m in routes]
    elif isinstance(routes, dict):
        settings["task_routes"] = as_map(routes)
    return settings


def describe_exchange(exchange):
    if exchange is None:
        return None
    return {
        "name": exchange.name,
        "type": exchange.type,
        "durable": bool(exchange.durable),
        "auto_delete": bool(exchange.auto_delete),
        "delivery_mode": exchange.delivery_mode,
        "arguments": exchange.arguments or None,
    }


def describe_queue(queue):
    # What kombu declares: maybe_declare binds a copy, Queue(**as_dict()), which drops the main exchange of a queue
    # with bindings (Celery's table gave it the default exchange).
    queue = copy(queue)
    return {
        "name": queue.name,
        "durable": bool(queue.durable),
        "exclusive": bool(queue.exclusive),
        "auto_delete": bool(queue.auto_delete),
        "no_declare": bool(queue.no_declare),
        # what queue_declare sends (kombu's AMQP transports)
        "arguments": to_rabbitmq_queue_arguments(
            queue.queue_arguments or {},
            expires=queue.expires,
            message_ttl=queue.message_ttl,
            max_length=queue.max_length,
            max_length_bytes=queue.max_length_bytes,
            max_priority=queue.max_priority,
        ),
        "exchange": describe_exchange(queue.exchange),
        "routing_key": queue.routing_key,
        "binding_arguments": queue.binding_arguments or None,
        "bindings": sorted(
            ({"exchange": describe_exchange(b.exchange), "routing_key": b.routing_key, "arguments": b.arguments or None} for b in queue.bindings),
            key=lambda b: json.dumps(b, sort_keys=True),
        ),
    }


captured = []
warnings = []
detail = {"eta": False, "message": False}


class WarningRecorder(logging.Handler):
    def emit(self, record):
        warnings.append(record.getMessage())


def capture_publish(self, body, routing_key=None, delivery_mode=None, exchange=None, declare=None, **kwargs):
    exchange_name, mode = self._delivery_details(exchange or self.exchange, delivery_mode)
    out = {
        "exchange": exchange_name,
        "routing_key": self.routing_key if routing_key is None else routing_key,
        "priority": kwargs.get("priority"),
        "delivery_mode": mode,
        # every entity kombu would declare first (a Queue, or an Exchange such as celery_delayed_27's)
        "declare": [describe_queue(q) if isinstance(q, Queue) else {"exchange": describe_exchange(q)} for q in (declare or [])],
    }
    if detail["eta"]:
        out["eta"] = kwargs["headers"]["eta"]
        out["warnings"] = list(warnings)
    if detail["message"]:
        headers = dict(kwargs["headers"])
        text, content_type, content_encoding = self._prepare(
            body, kwargs.get("serializer"), None, None, kwargs.get("compression"), headers,
        )
        skip = {"retry", "retry_policy", "headers", "serializer", "compression", "timeout", "confirm_timeout", "priority"}
        properties = {k: v for k, v in kwargs.items() if k not in skip}
        properties.update(content_type=content_type, content_encoding=content_encoding, delivery_mode=mode,
                          priority=kwargs.get("priority") or 0)
        if properties.get("expiration") is not None:
            properties["expiration"] = str(int(properties["expiration"] * 1000))
        out["message"] = {"body": text if isinstance(text, str) else text.decode(), "headers": headers, "properties": properties}
    captured.append(out)


def call_options(call):
    options = dict(call.get("options", {}))
    if options.pop("eta_datetime", False):
        options["eta"] = isoparse(options["eta"])
    return options


def run_case(case):
    app = Celery("router_reference", broker=case.get("broker", "memory://"), set_as_current=False)
    app.conf.update(settings_from_json(case["config"]))
    if case.get("now"):
        now = isoparse(case["now"])
        app.now = lambda: now
    detail["eta"] = bool(case.get("now"))
    detail["message"] = bool(case.get("message"))
    results = []
    for call in case["calls"]:
        captured.clear()
        warnings.clear()
        try:
            app.send_task(call["name"], args=tuple(call.get("args", [])), kwargs=call.get("kwargs", {}), **call_options(call))
            results.append(captured[0] if captured else {"error": "NotPublished", "message": ""})
        except KeyError as e:  # QueueNotFound is a KeyError; amqp.default_queue raises a bare KeyError
            if traceback.extract_tb(e.__traceback__)[-1].name == "send_task":
                results.append({"error": "KeyError", "key": e.args[0], "raised_in": "send_task"})
            else:
                results.append({"error": type(e).__name__, "queue": queue_of(e), "message": str(e)})
        except Exception as e:  # noqa: BLE001 -- recorded for the comparison
            results.append({"error": type(e).__name__, "message": str(e)})
    return results


def queue_of(error):
    found = re.match(r"""^["']?Queue '(.*)' missing from task_queues""", str(error))
    return found.group(1) if found else error.args[0]


def refuse_connect(*_args, **_kwargs):
    raise ConnectionRefusedError("router_reference: nothing may connect")


def main():
    Producer.publish = capture_publish
    socket.socket.connect = refuse_connect
    logging.getLogger("celery.app.base").addHandler(WarningRecorder())
    for line in sys.stdin:
        if not line.strip():
            continue
        case = json.loads(line)
        try:
            out = {"id": case["id"], "results": run_case(case)}
        except Exception as e:  # noqa: BLE001 -- the configuration itself was refused
            out = {"id": case["id"], "error": type(e).__name__, "message": str(e)}
        sys.stdout.write(json.dumps(out, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
