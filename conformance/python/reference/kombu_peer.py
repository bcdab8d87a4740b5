"""A kombu peer for the Redis transport's conformance tests: kombu itself, driven line by line over stdin/stdout.

Usage: ``python kombu_peer.py <broker url> '<transport_options json>'``. It prints ``{"ready": true, "kombu": ...}``,
then answers each request line ``{"id": n, "op": ..., ...}`` with ``{"id": n, "ok": true, "result": ...}`` or
``{"id": n, "ok": false, "error": "..."}``. Ops (all kombu public API, default Redis transport behaviour):

* ``publish``   {exchange, type, routing_key, body, headers, priority, declare: [queue spec]}: ``Producer.publish``
* ``declare``   {queues: [queue spec]}: ``Queue.declare``
* ``consume``   {queues: [queue spec], count, timeout, ack: ack|reject|requeue|keep, no_ack}: drains until ``count``
  messages arrived or ``timeout`` s passed; returns them in delivery order with the queue each came from
* ``subscribe`` {queues: [queue spec]}: starts no_ack consumers on fanout-bound queues (PSUBSCRIBE happens on the
  first poll, done here); ``drain`` {count, timeout} then collects their messages
* ``restore_visible`` {}: ``channel.qos.restore_visible(num=unacked_restore_limit)``, throttle off
* ``abandon`` {}: exits WITHOUT restoring unacked deliveries (as a crashed worker); ``close`` {}: exits cleanly

A queue spec is ``{"name", "exchange", "type", "routing_key", "expires"}`` (exchange ``null`` = no exchange).
"""
import base64
import json
import os
import socket
import sys

import kombu
from kombu import Connection, Consumer, Exchange, Producer, Queue


def queue_from_spec(spec):
    exchange = spec.get("exchange", spec["name"])
    kwargs = {}
    if spec.get("expires") is not None:
        kwargs["expires"] = spec["expires"]
    if exchange is None:
        return Queue(spec["name"], **kwargs)
    return Queue(
        spec["name"],
        Exchange(exchange, type=spec.get("type", "direct")),
        routing_key=spec.get("routing_key", spec["name"]),
        **kwargs,
    )


def describe(queue_name, message):
    return {
        "queue": queue_name,
        "body_b64": base64.b64encode(message.body if isinstance(message.body, bytes) else message.body.encode()).decode(),
        "headers": message.headers,
        "properties": message.properties,
        "delivery_info": message.delivery_info,
        "delivery_tag": message.delivery_tag,
        "content_type": message.content_type,
        "content_encoding": message.content_encoding,
    }


class Peer:
    def __init__(self, url, transport_options):
        self.conn = Connection(url, transport_options=transport_options)
        self.channel = self.conn.channel()
        self.fanout_got = []
        self.fanout_consumers = []

    def op_publish(self, req):
        producer = Producer(self.channel)
        exchange = req.get("exchange", "")
        declare = [queue_from_spec(q) for q in req.get("declare", [])]
        if exchange:
            # Declared so this process knows its type (kombu treats an undeclared exchange as direct).
            exchange = Exchange(exchange, type=req.get("type", "direct"))
            declare.append(exchange)
        producer.publish(
            req.get("body"),
            exchange=exchange,
            routing_key=req.get("routing_key", ""),
            serializer="json",
            headers=req.get("headers") or {},
            priority=req.get("priority"),
            declare=declare,
        )
        return None

    def op_declare(self, req):
        for spec in req["queues"]:
            queue_from_spec(spec)(self.channel).declare()
        return None

    def _drain(self, got, count, timeout):
        import time

        deadline = time.monotonic() + timeout
        while len(got) < count and time.monotonic() < deadline:
            try:
                self.conn.drain_events(timeout=min(0.2, max(0.01, deadline - time.monotonic())))
            except socket.timeout:
                pass

    def op_consume(self, req):
        got = []
        ack = req.get("ack", "ack")
        consumers = []
        for spec in req["queues"]:
            queue = queue_from_spec(spec)

            def callback(body, message, name=queue.name):
                got.append(describe(name, message))
                if ack == "ack":
                    message.ack()
                elif ack == "reject":
                    message.reject()
                elif ack == "requeue":
                    message.requeue()

            consumer = Consumer(self.channel, [queue], callbacks=[callback], no_ack=req.get("no_ack", False), accept=["json"])
            consumer.consume()
            consumers.append(consumer)
        try:
            self._drain(got, req.get("count", 1), req.get("timeout", 5))
        finally:
            for consumer in consumers:
                consumer.cancel()
        return got

    def op_subscribe(self, req):
        for spec in req["queues"]:
            queue = queue_from_spec(spec)

            def callback(body, message, name=queue.name):
                self.fanout_got.append(describe(name, message))

            consumer = Consumer(self.channel, [queue], callbacks=[callback], no_ack=True, accept=["json"])
            consumer.consume()
            self.fanout_consumers.append(consumer)
        for _ in range(3):  # the first polls send PSUBSCRIBE and read its confirmation
            try:
                self.conn.drain_events(timeout=0.05)
            except socket.timeout:
                pass
        return None

    def op_drain(self, req):
        self._drain(self.fanout_got, req.get("count", 1), req.get("timeout", 5))
        got, self.fanout_got = self.fanout_got, []
        return got

    def op_restore_visible(self, req):
        qos = self.channel.qos
        qos.restore_visible(num=self.channel.unacked_restore_limit, interval=1)
        return None

    def op_abandon(self, req):
        sys.stdout.write(json.dumps({"id": req["id"], "ok": True, "result": None}) + "\n")
        sys.stdout.flush()
        os._exit(0)

    def op_close(self, req):
        self.conn.release()
        sys.stdout.write(json.dumps({"id": req["id"], "ok": True, "result": None}) + "\n")
        sys.stdout.flush()
        sys.exit(0)


def main():
    url = sys.argv[1]
    options = json.loads(sys.argv[2]) if len(sys.argv) > 2 else {}
    peer = Peer(url, options)
    print(json.dumps({"ready": True, "kombu": kombu.__version__}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        try:
            result = getattr(peer, "op_" + req["op"])(req)
            out = {"id": req["id"], "ok": True, "result": result}
        except Exception as exc:  # reported to the test, which fails with it
            out = {"id": req["id"], "ok": False, "error": f"{type(exc).__name__}: {exc}"}
        sys.stdout.write(json.dumps(out) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
