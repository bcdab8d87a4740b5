#!/usr/bin/env python
"""Record golden wire vectors from REAL Celery.

Usage (from the repository root; brokers from scripts/setup/brokers.sh must be running):

    .venv/bin/python     conformance/recorder/record_vectors.py --broker all --out conformance/vectors
    .venv-5.3/bin/python conformance/recorder/record_vectors.py --broker all --out conformance/vectors

Each scenario makes the installed Celery/kombu publish something (a task, a control broadcast, a
worker's events, results, beat messages, ...) and captures the bytes RAW from the broker, without
Celery/kombu consumers:

* Redis: LRANGE of the queue lists (then the db is flushed), PSUBSCRIBE ``/<db>.*`` for fanout
  traffic (pidbox, events), GET/ZRANGE of result-backend keys.
* AMQP: py-amqp ``basic_get(no_ack=True)`` on the task queues, or on private exclusive capture
  queues bound to ``celery.pidbox`` (fanout), ``celeryev`` (topic, ``#``) and
  ``reply.celery.pidbox`` (direct, key = the client's reply oid).

Vectors go to ``<out>/<celery version>/<broker>/<scenario>.json`` (format: conformance/vectors/README.md).
The recorder exits non-zero if any scenario fails or captures zero messages; documented skips are
reported, never silent.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import datetime as dt
import decimal
import gc
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.parse
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
APP_PATH = ROOT / "conformance" / "python"
sys.path.insert(0, str(APP_PATH))

import amqp  # noqa: E402
import celery  # noqa: E402
import celery.exceptions  # noqa: E402
import kombu  # noqa: E402
import kombu.pidbox  # noqa: E402
import redis  # noqa: E402
from celery import chord, group  # noqa: E402
from kombu.utils.json import dumps as kombu_dumps  # noqa: E402

from conformance_app import create_app  # noqa: E402

try:  # Celery 5.3+
    from celery.canvas import StampingVisitor  # noqa: E402
except ImportError:  # pragma: no cover - older Celery
    StampingVisitor = None

CELERY_VERSION = celery.__version__
KOMBU_VERSION = kombu.__version__
REDIS_URL = os.environ.get("CELERY_PROTO_REDIS_URL", "redis://127.0.0.1:6391").rstrip("/")
AMQP_URL = os.environ.get("CELERY_PROTO_AMQP_URL", "amqp://guest:guest@127.0.0.1:5683/celery-proto")
SEP = "\x06\x16"  # kombu's default Redis priority/binding separator
PRIORITY_STEPS = (0, 3, 6, 9)  # kombu's default Redis priority steps

# Redis db numbers, one per (Celery line, broker) so that runs never share keys:
#   redis broker runs:  db 10 (Celery >= 5.4) / db 11 (older)  -- broker and result backend
#   amqp broker runs:   db 12 (Celery >= 5.4) / db 13 (older)  -- result backend only
_NEW_LINE = tuple(int(p) for p in CELERY_VERSION.split(".")[:2]) >= (5, 4)
DEFAULT_DB = {"redis": 10 if _NEW_LINE else 11, "amqp": 12 if _NEW_LINE else 13}

WORKER_START_TIMEOUT = 30.0
CAPTURE_TIMEOUT = 10.0


class RecorderError(Exception):
    """A scenario did not produce what it must: fails the run."""


class Skip(Exception):
    """A documented, deliberate skip (reason in the message)."""


def log(msg: str) -> None:
    print(f"[record {CELERY_VERSION}] {msg}", flush=True)


def now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat()


def kombu_json(value):
    """kombu.utils.json.dumps, then loaded as plain JSON (rich types stay {"__type__","__value__"})."""
    return json.loads(kombu_dumps(value))


def call_input(task: str | None, args=(), kwargs=None, options=None):
    return kombu_json({"task": task, "args": list(args), "kwargs": kwargs or {}, "options": options or {}})


def sig_input(sig):
    """A canvas/signature as an input object: its dict's task/args/kwargs/options."""
    d = kombu_json(sig)
    return {"task": d.get("task"), "args": d.get("args", []), "kwargs": d.get("kwargs", {}),
            "options": d.get("options", {})}


def plain_json(value):
    """Header/property values from py-amqp as JSON values; unknown types fail loudly."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [plain_json(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain_json(v) for k, v in value.items()}
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8")
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    raise RecorderError(f"unexpected AMQP value type {type(value).__name__}: {value!r}")


# ---------------------------------------------------------------------------------------------
# Raw captures
# ---------------------------------------------------------------------------------------------

def redis_entry(command: str, key, raw, **extra) -> dict:
    def text(v):
        if isinstance(v, bytes):
            return v.decode("utf-8")  # strict: a non-UTF-8 value must fail loudly
        return str(v)

    entry = {"transport": "redis", "command": command, "key": text(key), "raw": text(raw)}
    entry.update(extra)
    return entry


PROPERTY_ORDER = ("content_type", "content_encoding", "correlation_id", "reply_to", "delivery_mode",
                  "priority", "expiration")


def amqp_entry(msg) -> dict:
    props = dict(msg.properties)
    headers = props.pop("application_headers", None)
    out_props = {}
    for name in PROPERTY_ORDER:
        if name in props:
            out_props[name] = plain_json(props.pop(name))
    if headers is not None:
        out_props["headers"] = plain_json(headers)
    for name in sorted(props):
        out_props[name] = plain_json(props[name])
    body = msg.body
    if isinstance(body, str):  # py-amqp 5 returns bytes; never re-encode silently
        raise RecorderError("py-amqp returned a str body; raw bytes unavailable")
    return {
        "transport": "amqp",
        "delivery_info": {"exchange": msg.delivery_info["exchange"],
                          "routing_key": msg.delivery_info["routing_key"]},
        "properties": out_props,
        "body": base64.b64encode(bytes(body)).decode("ascii"),
    }


class RedisSide:
    """Raw Redis access on one db (broker lists for redis runs; result keys for both)."""

    def __init__(self, db: int):
        self.db = db
        self.client = redis.Redis.from_url(f"{REDIS_URL}/{db}", socket_timeout=10)
        self.client.ping()

    def flush(self):
        self.client.flushdb()

    def list_keys(self):
        keys = []
        for key in self.client.scan_iter(count=1000):
            if self.client.type(key) == b"list":
                keys.append(key)
        return keys

    def lrange_entries(self, key) -> list[dict]:
        # LPUSH puts the newest on the left: reverse to get publish order.
        return [redis_entry("LPUSH", key, raw) for raw in reversed(self.client.lrange(key, 0, -1))]

    def collect_lists(self, queue_order: list[str], expect: int, timeout=CAPTURE_TIMEOUT) -> list[dict]:
        """All list entries, queues ordered by queue_order then priority step."""
        deadline = time.monotonic() + timeout
        while True:
            keys = [k.decode("utf-8") for k in self.list_keys()]
            total = sum(self.client.llen(k) for k in keys)
            if total >= expect or time.monotonic() > deadline:
                break
            time.sleep(0.05)

        def order(key: str):
            base, _, step = key.partition(SEP)
            rank = queue_order.index(base) if base in queue_order else len(queue_order)
            return (rank, base, int(step) if step.isdigit() else 0, key)

        entries = []
        for key in sorted(keys, key=order):
            entries.extend(self.lrange_entries(key))
        return entries

    def get_entry(self, key: str) -> dict | None:
        raw = self.client.get(key)
        return None if raw is None else redis_entry("SET", key, raw)

    def close(self):
        self.client.close()


class RedisFanoutCapture:
    """PSUBSCRIBE to the kombu fanout channels of one db and keep raw messages."""

    def __init__(self, side: RedisSide, patterns: list[str] | None = None):
        self.db = side.db
        self.client = redis.Redis.from_url(f"{REDIS_URL}/{side.db}", socket_timeout=10)
        self.pubsub = self.client.pubsub()
        # `/{db}.` is kombu's fanout prefix; the literal `/{db}.` form is what kombu < 5.4 used in some
        # configurations (kombu 5.7 documents a `sentinel_fanout_compat` option for it): watch both.
        self.patterns = patterns or [f"/{self.db}.*", "/{db}.*"]
        self.pubsub.psubscribe(*self.patterns)
        confirmed = 0
        deadline = time.monotonic() + 5
        while confirmed < len(self.patterns):
            if time.monotonic() > deadline:
                raise RecorderError("redis psubscribe not confirmed")
            msg = self.pubsub.get_message(timeout=0.5)
            if msg and msg["type"] == "psubscribe":
                confirmed += 1
        self.messages: list[dict] = []

    def drain(self, until=None, timeout=CAPTURE_TIMEOUT, settle=0.3) -> list[dict]:
        """Read messages until `until(messages)` is true (or, without a predicate, until quiet)."""
        deadline = time.monotonic() + timeout
        quiet_since = time.monotonic()
        while time.monotonic() < deadline:
            msg = self.pubsub.get_message(timeout=0.05)
            if msg and msg["type"] == "pmessage":
                self.messages.append(redis_entry("PUBLISH", msg["channel"], msg["data"]))
                quiet_since = time.monotonic()
                continue
            if until is not None:
                if until(self.messages):
                    break
            elif time.monotonic() - quiet_since >= settle:
                break
        return self.messages

    def close(self):
        with contextlib.suppress(Exception):
            self.pubsub.close()
        self.client.close()


class AmqpSide:
    """A raw py-amqp connection to the shared vhost, for purging and basic_get captures."""

    def __init__(self, url: str):
        parts = urllib.parse.urlparse(url)
        vhost = urllib.parse.unquote(parts.path[1:]) if parts.path and parts.path != "/" else "/"
        self.conn = amqp.Connection(
            host=f"{parts.hostname}:{parts.port or 5672}",
            userid=urllib.parse.unquote(parts.username or "guest"),
            password=urllib.parse.unquote(parts.password or "guest"),
            virtual_host=vhost, connect_timeout=10,
        )
        self.conn.connect()
        self.channel = self._raw_channel()

    def _raw_channel(self):
        # auto_decode=False: py-amqp must hand over the body bytes undecoded.
        channel = amqp.Channel(self.conn, auto_decode=False)
        channel.open()
        return channel

    def _reopen(self):
        with contextlib.suppress(Exception):
            self.channel.close()
        self.channel = self._raw_channel()

    def purge(self, *queues: str):
        for queue in queues:
            try:
                self.channel.queue_purge(queue)
            except amqp.exceptions.NotFound:
                self._reopen()

    def capture_queue(self, exchange: str, exchange_type: str, routing_key: str, *,
                      durable: bool, auto_delete: bool = False) -> str:
        """Declare `exchange` exactly as kombu does and bind a private exclusive queue to it."""
        name = f"conformance.capture.{uuid.uuid4()}"
        self.channel.exchange_declare(exchange, exchange_type, durable=durable, auto_delete=auto_delete)
        self.channel.queue_declare(name, durable=False, exclusive=True, auto_delete=True)
        self.channel.queue_bind(name, exchange, routing_key)
        return name

    def bind(self, queue: str, exchange: str, exchange_type: str, routing_key: str, *, durable: bool):
        self.channel.exchange_declare(exchange, exchange_type, durable=durable, auto_delete=False)
        self.channel.queue_bind(queue, exchange, routing_key)

    def delete_queue(self, name: str):
        try:
            self.channel.queue_delete(name)
        except amqp.exceptions.AMQPError:
            self._reopen()

    def get_all(self, queues: list[str], expect: int = 0, timeout=CAPTURE_TIMEOUT,
                settle=0.2, until=None) -> list[dict]:
        """basic_get(no_ack=True) from the queues until `expect` messages (or `until`), then settle."""
        entries: list[dict] = []
        deadline = time.monotonic() + timeout
        quiet_since = time.monotonic()
        while True:
            got = False
            for queue in queues:
                try:
                    msg = self.channel.basic_get(queue, no_ack=True)
                except amqp.exceptions.NotFound:
                    self._reopen()
                    msg = None
                if msg is not None:
                    entries.append(amqp_entry(msg))
                    got = True
                    quiet_since = time.monotonic()
            if got:
                continue
            done = (until(entries) if until is not None else len(entries) >= expect)
            if done and time.monotonic() - quiet_since >= settle:
                break
            if time.monotonic() > deadline:
                break
            time.sleep(0.02)
        return entries

    def close(self):
        with contextlib.suppress(Exception):
            self.conn.close()


# ---------------------------------------------------------------------------------------------
# Pidbox reply capture: the client's reply oid is only known inside Mailbox._publish (kombu derives
# it from id() of a per-call copy of the mailbox), so the recorder wraps _publish to learn the oid and
# bind a twin capture queue BEFORE the original _publish runs. The original code runs unchanged.
# ---------------------------------------------------------------------------------------------

_reply_hook = threading.local()
_original_mailbox_publish = kombu.pidbox.Mailbox._publish


def _hooked_mailbox_publish(self, type, arguments, destination=None, reply_ticket=None, *args, **kwargs):
    hook = getattr(_reply_hook, "fn", None)
    if hook is not None and reply_ticket:
        hook(self.oid, f"{self.oid}.{self.reply_exchange.name}")
    return _original_mailbox_publish(self, type, arguments, destination, reply_ticket, *args, **kwargs)


kombu.pidbox.Mailbox._publish = _hooked_mailbox_publish


# ---------------------------------------------------------------------------------------------
# Worker / beat subprocesses
# ---------------------------------------------------------------------------------------------

class Proc:
    def __init__(self, argv, env, log_path: Path, node: str | None = None):
        self.node = node
        self.log_path = log_path
        self._log = open(log_path, "wb")
        self.popen = subprocess.Popen(argv, env=env, cwd=str(ROOT), stdout=self._log,
                                      stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                      start_new_session=True)

    def alive(self) -> bool:
        return self.popen.poll() is None

    def log_tail(self, n=40) -> str:
        with contextlib.suppress(Exception):
            self._log.flush()
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        return ""

    def stop(self, grace: float = 10.0, sig=signal.SIGTERM):
        """Warm shutdown (SIGTERM) then SIGKILL of the process group this recorder started."""
        try:
            if self.alive():
                self.popen.send_signal(sig)
                try:
                    self.popen.wait(timeout=grace)
                except subprocess.TimeoutExpired:
                    pass
        finally:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.popen.pid, signal.SIGKILL)
            with contextlib.suppress(Exception):
                self.popen.wait(timeout=5)
            self._log.close()


class Run:
    """One (Celery version, broker) recording session."""

    def __init__(self, broker: str, out: Path, db: int | None, queue: str, priority_queue: str,
                 tmp: Path):
        self.broker = broker
        self.db = DEFAULT_DB[broker] if db is None else db
        self.queue = queue
        self.priority_queue = priority_queue
        self.out_dir = out / CELERY_VERSION / broker
        self.tmp = tmp
        self.redis = RedisSide(self.db)
        self.result_url = f"{REDIS_URL}/{self.db}"
        if broker == "redis":
            self.broker_url = f"{REDIS_URL}/{self.db}"
            self.amqp = None
        else:
            self.broker_url = AMQP_URL
            self.amqp = AmqpSide(AMQP_URL)
        self.apps = []
        self.app = self.make_app()
        self.app.set_current()
        self.app.set_default()
        self.t = self.app.conformance_tasks
        self.worker_seq = 0

    # -- apps --------------------------------------------------------------------------------
    def app_env(self, **extra) -> dict:
        env = dict(os.environ)
        env.update({
            "PYTHONPATH": os.pathsep.join([str(APP_PATH), env.get("PYTHONPATH", "")]).rstrip(os.pathsep),
            "CONFORMANCE_BROKER_URL": self.broker_url,
            "CONFORMANCE_RESULT_BACKEND": self.result_url,
            "CONFORMANCE_QUEUE": self.queue,
            "CONFORMANCE_PRIORITY_QUEUE": self.priority_queue,
            "CONFORMANCE_RESULT_EXTENDED": "1",
            "PYTHONUNBUFFERED": "1",
        })
        env.update({k: str(v) for k, v in extra.items()})
        return env

    def make_app(self, main="conformance", **kw):
        kw.setdefault("broker_url", self.broker_url)
        kw.setdefault("result_backend", self.result_url)
        app = create_app(main, queue=self.queue, priority_queue=self.priority_queue,
                         set_as_current=False, **kw)
        self.apps.append(app)
        return app

    # -- housekeeping --------------------------------------------------------------------------
    def reset(self):
        self.redis.flush()
        if self.amqp:
            self.amqp.purge(self.queue, self.priority_queue)

    def close(self):
        for app in self.apps:
            with contextlib.suppress(Exception):
                app.close()
        self.redis.close()
        if self.amqp:
            self.amqp.close()

    # -- capture helpers ---------------------------------------------------------------------------
    def queued_count(self) -> int:
        if self.broker == "redis":
            return sum(self.redis.client.llen(k) for k in self.redis.list_keys())
        total = 0
        for queue in (self.queue, self.priority_queue):
            try:
                total += self.amqp.channel.queue_declare(queue, passive=True).message_count
            except amqp.exceptions.NotFound:
                self.amqp._reopen()
        return total

    def collect_tasks(self, expect: int, timeout=CAPTURE_TIMEOUT, extra_queues=()) -> list[dict]:
        if self.broker == "redis":
            entries = self.redis.collect_lists([self.queue, self.priority_queue, *extra_queues],
                                               expect, timeout)
        else:
            entries = self.amqp.get_all([self.queue, self.priority_queue, *extra_queues], expect, timeout)
        if len(entries) < expect:
            raise RecorderError(f"expected {expect} task message(s), captured {len(entries)}")
        return entries

    @contextlib.contextmanager
    def fanout_capture(self, what: str):
        """what = 'pidbox' | 'events': yields a callable drain(until=None, timeout=...)."""
        if self.broker == "redis":
            cap = RedisFanoutCapture(self.redis)
            prefixes = {"pidbox": ("celery.pidbox",), "events": ("celeryev",)}[what]

            def drain(until=None, timeout=CAPTURE_TIMEOUT, settle=0.3):
                msgs = cap.drain(until=(lambda m: until(_filter(m))) if until else None,
                                 timeout=timeout, settle=settle)
                return _filter(msgs)

            def _filter(msgs):
                out = []
                for m in msgs:
                    channel = m["key"]
                    ex = channel.split(".", 1)[1] if channel.startswith("/") else channel
                    if ex.split("/", 1)[0] in prefixes:
                        out.append(m)
                return out
            try:
                yield drain
            finally:
                cap.close()
        else:
            if what == "pidbox":
                qname = self.amqp.capture_queue("celery.pidbox", "fanout", "", durable=False)
            else:
                qname = self.amqp.capture_queue("celeryev", "topic", "#", durable=True)

            collected: list[dict] = []

            def drain(until=None, timeout=CAPTURE_TIMEOUT, settle=0.3):
                if until is None:
                    new = self.amqp.get_all([qname], 0, timeout=max(timeout, settle + 0.2), settle=settle)
                else:
                    new = self.amqp.get_all([qname], timeout=timeout, settle=0.05,
                                            until=lambda entries: until(collected + entries))
                collected.extend(new)
                return list(collected)

            try:
                yield drain
            finally:
                self.amqp.delete_queue(qname)

    @contextlib.contextmanager
    def reply_capture(self):
        """Twin-capture of pidbox replies; yields collect(expect, timeout) -> entries."""
        state = {"oid": None, "reply_queue": None}
        if self.broker == "redis":
            twin = f"conformance.capture.reply.{uuid.uuid4()}"

            def hook(oid, reply_queue):
                state.update(oid=oid, reply_queue=reply_queue)
                # Same member format as kombu's _queue_bind: routing_key SEP pattern SEP queue.
                self.redis.client.sadd("_kombu.binding.reply.celery.pidbox", SEP.join([oid, "", twin]))

            def collect(expect, timeout=CAPTURE_TIMEOUT):
                deadline = time.monotonic() + timeout
                while self.redis.client.llen(twin) < expect and time.monotonic() < deadline:
                    time.sleep(0.02)
                raws = list(reversed(self.redis.client.lrange(twin, 0, -1)))
                # Recorded under the key the worker pushed the client's copy to (same bytes: kombu
                # serializes the one message dict once per bound queue with the same delivery tag).
                return [redis_entry("LPUSH", state["reply_queue"], raw) for raw in raws]
        else:
            twin = f"conformance.capture.reply.{uuid.uuid4()}"
            self.amqp.channel.queue_declare(twin, durable=False, exclusive=True, auto_delete=True)

            def hook(oid, reply_queue):
                state.update(oid=oid, reply_queue=reply_queue)
                self.amqp.bind(twin, "reply.celery.pidbox", "direct", oid, durable=False)

            def collect(expect, timeout=CAPTURE_TIMEOUT):
                return self.amqp.get_all([twin], expect, timeout=timeout)

        _reply_hook.fn = hook
        try:
            yield collect
        finally:
            _reply_hook.fn = None
            if self.broker == "redis":
                with contextlib.suppress(Exception):
                    if state["oid"]:
                        self.redis.client.srem("_kombu.binding.reply.celery.pidbox",
                                               SEP.join([state["oid"], "", twin]))
                    self.redis.client.delete(twin)
            else:
                self.amqp.delete_queue(twin)

    # -- subprocesses ----------------------------------------------------------------------------
    @contextlib.contextmanager
    def worker(self, scenario: str, *, pool="solo", concurrency=1, events=True, env=None,
               queues=None, ready=True, stop_grace=10.0):
        self.worker_seq += 1
        node = f"conf-{CELERY_VERSION.replace('.', '')}-{self.broker}-{scenario}-{os.getpid()}-{self.worker_seq}"
        argv = [sys.executable, "-m", "celery", "-A", "conformance_app", "worker",
                "-P", pool, "-c", str(concurrency), "--without-mingle", "--without-gossip",
                "-l", "warning", "-n", f"{node}@%h",
                "-Q", ",".join(queues or [self.queue, self.priority_queue])]
        if events:
            argv.append("-E")
        proc = Proc(argv, self.app_env(**(env or {})), self.tmp / f"{node}.log")
        proc.node = f"{node}@{os.uname().nodename}"
        try:
            if ready:
                self.wait_ready(proc)
            yield proc
        finally:
            proc.stop(grace=stop_grace)

    def wait_ready(self, proc: Proc, timeout=WORKER_START_TIMEOUT):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not proc.alive():
                raise RecorderError(f"worker {proc.node} exited early:\n{proc.log_tail()}")
            replies = self.app.control.ping(destination=[proc.node], timeout=0.5)
            if any(proc.node in r for r in replies or []):
                return
        raise RecorderError(f"worker {proc.node} not ready after {timeout}s:\n{proc.log_tail()}")

    def wait_result(self, result, proc: Proc | None, timeout=20.0, propagate=False):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc is not None and not proc.alive():
                raise RecorderError(f"worker died:\n{proc.log_tail()}")
            try:
                return result.get(timeout=0.5, propagate=propagate, disable_sync_subtasks=False)
            except celery.exceptions.TimeoutError:
                continue
        raise RecorderError(f"no result for {result.id} within {timeout}s:\n"
                            f"{proc.log_tail() if proc else ''}")


# ---------------------------------------------------------------------------------------------
# Vector files
# ---------------------------------------------------------------------------------------------

KINDS = {"task", "event", "control-request", "control-reply", "result", "rpc-reply", "group-meta",
         "chord-state"}


def make_vector(run: Run, scenario: str, kind: str, description: str, call: str, input_, recorded_at,
                messages) -> dict:
    assert kind in KINDS, kind
    if not messages:
        raise RecorderError(f"{scenario}: captured zero messages")
    return {
        "scenario": scenario,
        "kind": kind,
        "celery": CELERY_VERSION,
        "kombu": KOMBU_VERSION,
        "broker": run.broker,
        "description": description,
        "call": call,
        "input": input_,
        "recorded_at": recorded_at,
        "messages": messages,
    }


def write_vector(run: Run, vector: dict) -> Path:
    run.out_dir.mkdir(parents=True, exist_ok=True)
    path = run.out_dir / f"{vector['scenario']}.json"
    text = json.dumps(vector, indent=2, ensure_ascii=True) + "\n"
    json.loads(text)  # round-trip check
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------------------------------------
# Scenario registry
# ---------------------------------------------------------------------------------------------

SCENARIOS: list[tuple[str, object]] = []


def scenario(sid: str):
    def deco(fn):
        SCENARIOS.append((sid, fn))
        return fn
    return deco


def publish_vector(run: Run, sid: str, description: str, call: str, input_, fn, expect: int,
                   extra_queues=()) -> list[dict]:
    """Publish-only task scenario: no worker; capture the queue(s) raw."""
    run.reset()
    recorded_at = now_iso()
    fn()
    messages = run.collect_tasks(expect, extra_queues=extra_queues)
    return [make_vector(run, sid, "task", description, call, input_, recorded_at, messages)]


UTC = dt.timezone.utc
PLUS2 = dt.timezone(dt.timedelta(hours=2))
FIXED_UUID = uuid.UUID("12345678-1234-5678-1234-567812345678")
RICH_ARGS = (
    dt.datetime(2024, 1, 2, 3, 4, 5, 678901, tzinfo=UTC),       # aware UTC
    dt.datetime(2024, 1, 2, 3, 4, 5, 678901, tzinfo=PLUS2),     # aware, +02:00
    dt.datetime(2024, 1, 2, 3, 4, 5),                           # naive, whole seconds
    dt.date(2024, 1, 2),
    dt.time(3, 4, 5, 678901),
    decimal.Decimal("12345.678901234567890123"),
    FIXED_UUID,
    "utf8 bytes \u2713".encode(),                               # valid UTF-8 bytes
    b"\x00\xff\xfe\x80binary",                                  # not UTF-8
    {"nested": [1, [2, {"x": None, "y": [True, False]}]], "empty": {}, "list": []},
    "\u00fcn\u00efc\u00f8d\u00e9 \u2603 \U0001F600 \u2028 \"quoted\" \\ back\tslash\n",
    2 ** 70,
    1.0,
    1e16,
    -0.0,
    0.1,
    None,
    True,
)
RICH_KWARGS = {
    "when": dt.datetime(2024, 6, 30, 23, 59, 59, tzinfo=UTC),   # aware, whole seconds
    "amount": decimal.Decimal("-0.001"),
    "ident": FIXED_UUID,
    "blob": b"\x01\x02",
    "big_negative": -(2 ** 64),
    "tuple_value": (1, "two"),
}
RICH_CALL = ("echo.apply_async(args=RICH_ARGS, kwargs=RICH_KWARGS)  # RICH_* as in "
             "conformance/recorder/record_vectors.py")


@scenario("simple-call")
def sc_simple_call(run: Run):
    t = run.t
    return publish_vector(run, "simple-call", "Task.delay with two positional ints, default options",
                          "add.delay(2, 2)", call_input("conformance.add", (2, 2)),
                          lambda: t.add.delay(2, 2), 1)


@scenario("kwargs-only")
def sc_kwargs_only(run: Run):
    t = run.t
    return publish_vector(run, "kwargs-only", "Task.delay with keyword arguments only",
                          "add.delay(x=2, y=3)", call_input("conformance.add", (), {"x": 2, "y": 3}),
                          lambda: t.add.delay(x=2, y=3), 1)


@scenario("countdown")
def sc_countdown(run: Run):
    t = run.t
    return publish_vector(run, "countdown", "countdown=10 becomes an absolute eta header",
                          "add.apply_async((2, 2), countdown=10)",
                          call_input("conformance.add", (2, 2), {}, {"countdown": 10}),
                          lambda: t.add.apply_async((2, 2), countdown=10), 1)


@scenario("eta-expires")
def sc_eta_expires(run: Run):
    t = run.t
    now = dt.datetime.now(UTC)
    eta = now + dt.timedelta(seconds=60)
    expires = now + dt.timedelta(seconds=3600)
    return publish_vector(run, "eta-expires", "absolute aware-UTC eta and expires datetimes",
                          "add.apply_async((2, 2), eta=now + timedelta(seconds=60), "
                          "expires=now + timedelta(seconds=3600))  # now = datetime.now(timezone.utc)",
                          call_input("conformance.add", (2, 2), {}, {"eta": eta, "expires": expires}),
                          lambda: t.add.apply_async((2, 2), eta=eta, expires=expires), 1)


@scenario("expires-seconds")
def sc_expires_seconds(run: Run):
    t = run.t
    return publish_vector(run, "expires-seconds", "relative expires in seconds (expires header + expiration)",
                          "add.apply_async((2, 2), expires=60)",
                          call_input("conformance.add", (2, 2), {}, {"expires": 60}),
                          lambda: t.add.apply_async((2, 2), expires=60), 1)


@scenario("priority")
def sc_priority(run: Run):
    t = run.t
    pq = run.priority_queue
    return publish_vector(run, "priority",
                          f"priority=7 on the '{pq}' queue (x-max-priority 10 on AMQP; on Redis the "
                          "message goes to the priority list of step 6)",
                          f"add.apply_async((2, 2), queue={pq!r}, priority=7)",
                          call_input("conformance.add", (2, 2), {}, {"queue": pq, "priority": 7}),
                          lambda: t.add.apply_async((2, 2), queue=pq, priority=7), 1)


@scenario("rich-args")
def sc_rich_args(run: Run):
    t = run.t
    return publish_vector(run, "rich-args",
                          "rich Python types in args/kwargs (kombu JSON __type__ wrappers on the wire)",
                          RICH_CALL, call_input("conformance.echo", RICH_ARGS, RICH_KWARGS),
                          lambda: t.echo.apply_async(args=RICH_ARGS, kwargs=RICH_KWARGS), 1)


@scenario("link-link-error")
def sc_link(run: Run):
    t = run.t
    link, link_error = t.mul.s(3), t.record_errback.s()
    inp = call_input("conformance.add", (2, 2), {}, {"link": link, "link_error": link_error})
    return publish_vector(run, "link-link-error", "link and link_error signatures in the body embed",
                          "add.apply_async((2, 2), link=mul.s(3), link_error=record_errback.s())", inp,
                          lambda: t.add.apply_async((2, 2), link=link, link_error=link_error), 1)


@scenario("chain")
def sc_chain(run: Run):
    t = run.t
    c = t.add.s(1, 2) | t.mul.s(3) | t.add.s(1)
    return publish_vector(run, "chain", "3-step chain: only the first task is published, body chain reversed",
                          "(add.s(1, 2) | mul.s(3) | add.s(1)).apply_async()", sig_input(c),
                          lambda: c.apply_async(), 1)


@scenario("group")
def sc_group(run: Run):
    t = run.t
    g = group(t.add.s(i, i) for i in range(3))
    return publish_vector(run, "group", "group of 3 tasks: 3 messages sharing the group id",
                          "group(add.s(i, i) for i in range(3)).apply_async()", sig_input(g),
                          lambda: g.apply_async(), 3)


@scenario("chord")
def sc_chord(run: Run):
    t = run.t
    c = chord([t.add.s(i, i) for i in range(3)], t.xsum.s())
    return publish_vector(run, "chord", "chord of 3 adds with an xsum body: header messages carry embed.chord",
                          "chord([add.s(i, i) for i in range(3)], xsum.s()).apply_async()", sig_input(c),
                          lambda: c.apply_async(), 3)


@scenario("chunks")
def sc_chunks(run: Run):
    t = run.t
    items = list(zip(range(6), range(6)))
    c = t.add.chunks(items, 2)
    return publish_vector(run, "chunks", "chunks: a group of celery.starmap tasks, 2 items each",
                          "add.chunks(list(zip(range(6), range(6))), 2).apply_async()", sig_input(c),
                          lambda: c.apply_async(), 3)


@scenario("map")
def sc_map(run: Run):
    t = run.t
    m = t.xsum.map([[1, 2], [3, 4]])
    return publish_vector(run, "map", "xmap: one celery.map task", "xsum.map([[1, 2], [3, 4]]).apply_async()",
                          sig_input(m), lambda: m.apply_async(), 1)


@scenario("starmap")
def sc_starmap(run: Run):
    t = run.t
    m = t.add.starmap([(1, 2), (3, 4)])
    return publish_vector(run, "starmap", "xstarmap: one celery.starmap task",
                          "add.starmap([(1, 2), (3, 4)]).apply_async()", sig_input(m),
                          lambda: m.apply_async(), 1)


@scenario("options-shadow-headers-timelimits")
def sc_options(run: Run):
    t = run.t
    opts = {"shadow": "shadowed", "headers": {"x-custom": "v", "n": 1}, "time_limit": 30,
            "soft_time_limit": 20, "ignore_result": True}
    return publish_vector(run, "options-shadow-headers-timelimits",
                          "shadow name, custom headers (merged at top level), time limits, ignore_result",
                          "add.apply_async((2, 2), shadow='shadowed', headers={'x-custom': 'v', 'n': 1}, "
                          "time_limit=30, soft_time_limit=20, ignore_result=True)",
                          call_input("conformance.add", (2, 2), {}, opts),
                          lambda: t.add.apply_async((2, 2), **opts), 1)


@scenario("compression-gzip")
def sc_gzip(run: Run):
    t = run.t
    return publish_vector(run, "compression-gzip", "compression='gzip' (zlib stream, header compression)",
                          "add.apply_async((2, 2), compression='gzip')",
                          call_input("conformance.add", (2, 2), {}, {"compression": "gzip"}),
                          lambda: t.add.apply_async((2, 2), compression="gzip"), 1)


@scenario("compression-bzip2")
def sc_bzip2(run: Run):
    t = run.t
    return publish_vector(run, "compression-bzip2", "compression='bzip2'",
                          "add.apply_async((2, 2), compression='bzip2')",
                          call_input("conformance.add", (2, 2), {}, {"compression": "bzip2"}),
                          lambda: t.add.apply_async((2, 2), compression="bzip2"), 1)


MSGPACK_ARGS = (1, "two", 3.5, [4], {"five": 5}, None, True, b"\x00\xff")
YAML_ARGS = (1, "two", 3.5, [4], {"five": 5}, None, True)


@scenario("serializer-msgpack")
def sc_msgpack(run: Run):
    t = run.t
    return publish_vector(run, "serializer-msgpack", "serializer='msgpack' (binary body; bytes as bin type)",
                          f"echo.apply_async({MSGPACK_ARGS!r}, {{'k': 'v'}}, serializer='msgpack')",
                          call_input("conformance.echo", MSGPACK_ARGS, {"k": "v"}, {"serializer": "msgpack"}),
                          lambda: t.echo.apply_async(MSGPACK_ARGS, {"k": "v"}, serializer="msgpack"), 1)


@scenario("serializer-yaml")
def sc_yaml(run: Run):
    t = run.t
    return publish_vector(run, "serializer-yaml", "serializer='yaml'",
                          f"echo.apply_async({YAML_ARGS!r}, {{'k': 'v'}}, serializer='yaml')",
                          call_input("conformance.echo", YAML_ARGS, {"k": "v"}, {"serializer": "yaml"}),
                          lambda: t.echo.apply_async(YAML_ARGS, {"k": "v"}, serializer="yaml"), 1)


@scenario("protocol-1")
def sc_protocol_1(run: Run):
    app1 = run.make_app("conformance-p1", task_protocol=1)
    add1 = app1.conformance_tasks.add
    return publish_vector(run, "protocol-1", "app with task_protocol=1: body dict, no task headers",
                          "add.apply_async((2, 2), countdown=10)  # app.conf.task_protocol = 1",
                          call_input("conformance.add", (2, 2), {}, {"countdown": 10}),
                          lambda: add1.apply_async((2, 2), countdown=10), 1)


if StampingVisitor is not None:
    class MonitoringIdStampingVisitor(StampingVisitor):
        def on_signature(self, sig, **headers):
            return {"monitoring_id": "mon-1234"}


@scenario("stamps")
def sc_stamps(run: Run):
    if StampingVisitor is None:
        raise Skip(f"Celery {CELERY_VERSION} has no stamping API (5.3+)")
    t = run.t
    sig = t.add.s(2, 2)
    sig.stamp(visitor=MonitoringIdStampingVisitor())
    sig.stamp(on_demand="yes")
    return publish_vector(run, "stamps",
                          "signature stamped by a StampingVisitor (monitoring_id) and by keyword (on_demand)",
                          "sig = add.s(2, 2); sig.stamp(visitor=MonitoringIdStampingVisitor()) "
                          "# on_signature returns {'monitoring_id': 'mon-1234'}; sig.stamp(on_demand='yes'); "
                          "sig.apply_async()",
                          sig_input(sig), lambda: sig.apply_async(), 1)


@scenario("events-task-sent")
def sc_events_task_sent(run: Run):
    """Producer-side event: task_send_sent_event=True makes the client publish task-sent."""
    app_sent = run.make_app("conformance-sent", task_send_sent_event=True)
    add_sent = app_sent.conformance_tasks.add
    run.reset()
    with run.fanout_capture("events") as drain:
        recorded_at = now_iso()
        add_sent.apply_async((2, 2), countdown=10)
        messages = drain(until=lambda m: len(m) >= 1, timeout=CAPTURE_TIMEOUT)
    return [make_vector(run, "events-task-sent", "event",
                        "task-sent event published by the client (task_send_sent_event=True)",
                        "add.apply_async((2, 2), countdown=10)  # app.conf.task_send_sent_event = True",
                        call_input("conformance.add", (2, 2), {}, {"countdown": 10}), recorded_at, messages)]


# -- control --------------------------------------------------------------------------------------

def control_vectors(run: Run, sid: str, description: str, call: str, recorded_at, requests, replies):
    vectors = [make_vector(run, sid, "control-request", description, call, None, recorded_at, requests)]
    if replies is not None:
        vectors.append(make_vector(run, f"{sid}-reply", "control-reply", description + " (worker reply)",
                                   call, None, recorded_at, replies))
    return vectors


def _only_node(entries: list[dict], node: str, run: Run) -> list[dict]:
    """Keep replies from our worker only (other workers may share the AMQP vhost)."""
    out = []
    for e in entries:
        body = _decode_entry_body(e)
        if isinstance(body, dict) and node in body:
            out.append(e)
    return out


def _decode_entry_body(entry: dict):
    if entry["transport"] == "amqp":
        raw = base64.b64decode(entry["body"])
        with contextlib.suppress(Exception):
            return json.loads(raw)
        return None
    env = json.loads(entry["raw"])
    raw = base64.b64decode(env["body"]) if env.get("properties", {}).get("body_encoding") == "base64" \
        else env["body"].encode()
    with contextlib.suppress(Exception):
        return json.loads(raw)
    return None


def _entry_headers(entry: dict) -> dict:
    if entry["transport"] == "amqp":
        return entry["properties"].get("headers") or {}
    return json.loads(entry["raw"]).get("headers") or {}


def run_control(run: Run, sid: str, description: str, call: str, fn, proc: Proc | None,
                want_reply: bool):
    with run.fanout_capture("pidbox") as drain:
        with run.reply_capture() as replies_of:
            recorded_at = now_iso()
            result = fn()
            requests = drain(until=lambda m: len(m) >= 1, timeout=CAPTURE_TIMEOUT)
            replies = None
            if want_reply:
                replies = _only_node(replies_of(1), proc.node, run)
    if want_reply and not any(proc.node in r for r in (result or [])) and not (
            isinstance(result, dict) and proc.node in result):
        raise RecorderError(f"{sid}: Celery client saw no reply from {proc.node}: {result!r}")
    return control_vectors(run, sid, description, call, recorded_at, requests, replies)


@scenario("control-ping")
def sc_control_ping(run: Run):
    run.reset()
    with run.worker("control-ping") as w:
        return run_control(run, "control-ping", "inspect().ping() broadcast to every worker (no destination)",
                           "app.control.inspect(timeout=1.0).ping()",
                           lambda: [run.app.control.inspect(timeout=1.0).ping() or {}], w, True)


@scenario("control-revoke")
def sc_control_revoke(run: Run):
    run.reset()
    task_id = str(uuid.uuid4())
    return run_control(run, "control-revoke", "app.control.revoke(id): a broadcast with no reply requested",
                       f"app.control.revoke({task_id!r})",
                       lambda: run.app.control.revoke(task_id), None, False)


@scenario("control-revoke-with-reply")
def sc_control_revoke_reply(run: Run):
    task_id = str(uuid.uuid4())
    run.reset()
    with run.worker("control-revoke") as w:
        return run_control(run, "control-revoke-with-reply",
                           "app.control.revoke(id, reply=True, destination=[node])",
                           f"app.control.revoke({task_id!r}, reply=True, destination=[{w.node!r}], timeout=1.0)",
                           lambda: run.app.control.revoke(task_id, reply=True, destination=[w.node],
                                                          timeout=1.0),
                           w, True)


@scenario("control-inspect-active")
def sc_inspect_active(run: Run):
    run.reset()
    t = run.t
    # The solo pool cannot answer control commands while a task runs: use the threads pool here.
    with run.worker("inspect-active", pool="threads", concurrency=2, stop_grace=15) as w:
        t.sleep.apply_async((1.5,))
        insp = run.app.control.inspect(destination=[w.node], timeout=1.0)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:  # before capturing: wait until the task is executing
            active = insp.active() or {}
            if active.get(w.node):
                break
        else:
            raise RecorderError("sleep task never became active")
        return run_control(run, "control-inspect-active",
                           "inspect(destination=[node]).active() while conformance.sleep(1.5) executes "
                           "(worker -P threads -c 2)",
                           f"app.control.inspect(destination=[{w.node!r}], timeout=1.0).active()",
                           lambda: [insp.active() or {}], w, True)


@scenario("control-inspect-registered")
def sc_inspect_registered(run: Run):
    run.reset()
    with run.worker("inspect-registered") as w:
        insp = run.app.control.inspect(destination=[w.node], timeout=1.0)
        return run_control(run, "control-inspect-registered", "inspect(destination=[node]).registered()",
                           f"app.control.inspect(destination=[{w.node!r}], timeout=1.0).registered()",
                           lambda: [insp.registered() or {}], w, True)


@scenario("control-inspect-stats")
def sc_inspect_stats(run: Run):
    run.reset()
    with run.worker("inspect-stats") as w:
        insp = run.app.control.inspect(destination=[w.node], timeout=1.0)
        return run_control(run, "control-inspect-stats", "inspect(destination=[node]).stats()",
                           f"app.control.inspect(destination=[{w.node!r}], timeout=1.0).stats()",
                           lambda: [insp.stats() or {}], w, True)


# -- events ---------------------------------------------------------------------------------------

def _event_types(entries):
    types = []
    for e in entries:
        body = _decode_entry_body(e)
        for ev in (body if isinstance(body, list) else [body]):
            if isinstance(ev, dict):
                types.append(ev.get("type"))
    return types


def _from_node(entries, node):
    return [e for e in entries if _entry_headers(e).get("hostname") == node]


def run_events(run: Run, sid: str, description: str, call: str, pool: str, concurrency: int, fn,
               wait_heartbeat: bool):
    run.reset()
    with run.fanout_capture("events") as drain:
        recorded_at = now_iso()
        with run.worker(sid, pool=pool, concurrency=concurrency, ready=False) as w:
            def seen(event_type):
                return lambda msgs: event_type in _event_types(_from_node(msgs, w.node))

            if not seen("worker-online")(drain(until=seen("worker-online"), timeout=WORKER_START_TIMEOUT)):
                raise RecorderError(f"{sid}: no worker-online event:\n{w.log_tail()}")
            fn(w)
            if wait_heartbeat:
                drain(until=seen("worker-heartbeat"), timeout=6)
            drain(settle=0.5)  # let the last task events flush before the shutdown
        messages = _from_node(drain(until=seen("worker-offline"), timeout=10), w.node)
    types = _event_types(messages)
    for needed in ("worker-online", "worker-offline", "task-received", "task-started"):
        if needed not in types:
            raise RecorderError(f"{sid}: missing {needed} event; got {types}")
    return [make_vector(run, sid, "event", description, call, None, recorded_at, messages)]


@scenario("events-worker")
def sc_events_worker(run: Run):
    t = run.t

    def fn(w):
        run.wait_result(t.add.delay(2, 2), w)
        run.wait_result(t.fail.delay("boom"), w)

    vectors = run_events(run, "events-worker",
                         "worker -P solo -E: worker-online, task lifecycle of add(2, 2) and fail('boom'), "
                         "a worker-heartbeat, worker-offline (warm shutdown)",
                         "celery worker -P solo -c 1 -E; add.delay(2, 2); fail.delay('boom'); SIGTERM",
                         "solo", 1, fn, True)
    types = _event_types(vectors[0]["messages"])
    for needed in ("task-succeeded", "task-failed", "worker-heartbeat"):
        if needed not in types:
            raise RecorderError(f"events-worker: missing {needed}; got {types}")
    return vectors


@scenario("events-prefork-multi")
def sc_events_prefork(run: Run):
    t = run.t

    def fn(w):
        results = [t.add.delay(i, i) for i in range(6)]
        for r in results:
            run.wait_result(r, w)

    return run_events(run, "events-prefork-multi",
                      "worker -P prefork -c 2 -E running 6 adds: task events may be batched as task.multi",
                      "celery worker -P prefork -c 2 -E; [add.delay(i, i) for i in range(6)]; SIGTERM",
                      "prefork", 2, fn, False)


# -- results (Redis backend) ----------------------------------------------------------------------

def meta_key(task_id):
    return f"celery-task-meta-{task_id}"


def result_vector(run: Run, sid, description, call, input_, publish, propagate=False, kind="result"):
    run.reset()
    with run.worker(sid, ready=False) as w:
        recorded_at = now_iso()
        res = publish()
        run.wait_result(res, w, propagate=propagate)
        entry = run.redis.get_entry(meta_key(res.id))
    if entry is None:
        raise RecorderError(f"{sid}: no result key for {res.id}")
    return [make_vector(run, sid, kind, description, call, input_, recorded_at, [entry])]


@scenario("result-success")
def sc_result_success(run: Run):
    t = run.t
    return result_vector(run, "result-success", "SUCCESS meta (result_extended=True) of add(2, 2)",
                         "add.delay(2, 2).get()", call_input("conformance.add", (2, 2)),
                         lambda: t.add.delay(2, 2))


@scenario("result-failure")
def sc_result_failure(run: Run):
    t = run.t
    return result_vector(run, "result-failure", "FAILURE meta of fail('boom'): exception dict + traceback",
                         "fail.delay('boom').get(propagate=False)", call_input("conformance.fail", ("boom",)),
                         lambda: t.fail.delay("boom"))


@scenario("result-rich")
def sc_result_rich(run: Run):
    t = run.t
    return result_vector(run, "result-rich",
                         "SUCCESS meta of echo(*RICH_ARGS, **RICH_KWARGS): rich types in a stored result",
                         "echo.apply_async(args=RICH_ARGS, kwargs=RICH_KWARGS).get()",
                         call_input("conformance.echo", RICH_ARGS, RICH_KWARGS),
                         lambda: t.echo.apply_async(args=RICH_ARGS, kwargs=RICH_KWARGS))


@scenario("result-retry")
def sc_result_retry(run: Run):
    t = run.t
    run.reset()
    with run.worker("result-retry", ready=False) as w:
        recorded_at = now_iso()
        res = t.retry_once.delay()
        key = meta_key(res.id)
        retry_entry = None
        deadline = time.monotonic() + WORKER_START_TIMEOUT
        while time.monotonic() < deadline and retry_entry is None:
            raw = run.redis.client.get(key)
            if raw is not None and json.loads(raw).get("status") == "RETRY":
                retry_entry = redis_entry("SET", key, raw)
                break
            if raw is not None and json.loads(raw).get("status") == "SUCCESS":
                break
            time.sleep(0.01)
        if retry_entry is None:
            raise RecorderError(f"result-retry: RETRY state never observed:\n{w.log_tail()}")
        run.wait_result(res, w)
        final = run.redis.get_entry(key)
    return [make_vector(run, "result-retry", "result",
                        "retry_once(): RETRY meta (self.retry(countdown=1, exc=RuntimeError('retry once'))) "
                        "observed by polling GET, then the final SUCCESS meta",
                        "retry_once.delay().get()", call_input("conformance.retry_once"), recorded_at,
                        [retry_entry, final])]


@scenario("retry-message")
def sc_retry_message(run: Run):
    """The message Task.retry publishes, captured from a queue the worker does not consume."""
    t = run.t
    run.reset()
    capture_queue = "conformance.retry-capture"
    if run.amqp:
        run.amqp.purge(capture_queue)
    opts = {"headers": {"x-custom": "v"}, "expires": 600, "time_limit": 30, "soft_time_limit": 20}
    kwargs = {"retry_queue": capture_queue}
    with run.worker("retry-message", ready=False) as w:
        recorded_at = now_iso()
        res = t.retry_once.apply_async((1,), kwargs, **opts)
        deadline = time.monotonic() + WORKER_START_TIMEOUT
        while time.monotonic() < deadline:
            raw = run.redis.client.get(meta_key(res.id))
            if raw is not None and json.loads(raw).get("status") == "RETRY":
                break
            if not w.alive():
                raise RecorderError(f"retry-message: worker died:\n{w.log_tail()}")
            time.sleep(0.02)
        else:
            raise RecorderError(f"retry-message: RETRY state never observed:\n{w.log_tail()}")
    if run.broker == "redis":
        messages = [e for step in PRIORITY_STEPS for e in run.redis.lrange_entries(
            capture_queue if step == 0 else f"{capture_queue}{SEP}{step}")]
    else:
        messages = run.amqp.get_all([capture_queue], 1)
        run.amqp.delete_queue(capture_queue)
    return [make_vector(run, "retry-message", "task",
                        "the message a worker publishes for Task.retry (countdown=1, exc=RuntimeError) of a "
                        "task sent with custom headers, expires=600 and time limits; retry_queue routes it to "
                        "a queue no worker consumes",
                        f"retry_once.apply_async((1,), {{'retry_queue': {capture_queue!r}}}, headers={{'x-custom': "
                        "'v'}, expires=600, time_limit=30, soft_time_limit=20)  # worker: self.retry(countdown=1, "
                        "exc=RuntimeError('retry once'), queue=retry_queue)",
                        call_input("conformance.retry_once", (1,), kwargs, opts), recorded_at, messages)]


@scenario("result-success-basic")
def sc_result_success_basic(run: Run):
    t = run.t
    run.reset()
    with run.worker("result-basic", ready=False, env={"CONFORMANCE_RESULT_EXTENDED": "0"}) as w:
        recorded_at = now_iso()
        res = t.add.delay(2, 2)
        run.wait_result(res, w)
        entry = run.redis.get_entry(meta_key(res.id))
    if entry is None:
        raise RecorderError(f"result-success-basic: no result key for {res.id}")
    return [make_vector(run, "result-success-basic", "result",
                        "SUCCESS meta of add(2, 2) with result_extended=False (Celery's default)",
                        "add.delay(2, 2).get()  # worker: result_extended=False",
                        call_input("conformance.add", (2, 2)), recorded_at, [entry])]


@scenario("worker-published")
def sc_worker_published(run: Run):
    """Messages a WORKER publishes: link callback, next chain step, errback, chord body.

    Each of those signatures carries queue=<capture queue> (a queue no worker consumes), so the message
    the worker publishes can be read raw. Writes worker-link-callback, worker-chain-step,
    worker-errback and worker-chord-body.
    """
    t = run.t
    run.reset()
    q = "conformance.worker-published"
    if run.amqp:
        run.amqp.purge(q)

    def take_one(what: str, proc: Proc) -> list[dict]:
        deadline = time.monotonic() + CAPTURE_TIMEOUT
        while time.monotonic() < deadline:
            if run.broker == "redis":
                entries = [e for step in PRIORITY_STEPS for e in run.redis.lrange_entries(
                    q if step == 0 else f"{q}{SEP}{step}")]
                if entries:
                    run.redis.client.delete(q, *(f"{q}{SEP}{s}" for s in PRIORITY_STEPS[1:]))
                    return entries
            else:
                entries = run.amqp.get_all([q], 1, timeout=0.2)
                if entries:
                    return entries
            time.sleep(0.02)
        raise RecorderError(f"worker-published: no {what} message on {q}:\n{proc.log_tail()}")

    vectors = []
    with run.worker("worker-published", ready=False) as w:
        # 1. link callback
        cb = t.mul.s(3).set(queue=q)
        inp = call_input("conformance.add", (2, 2), {}, {"link": cb})
        recorded_at = now_iso()
        run.wait_result(t.add.apply_async((2, 2), link=cb), w)
        vectors.append(make_vector(
            run, "worker-link-callback", "task",
            "callback published by the worker after add(2, 2) succeeded (link=mul.s(3), routed to a capture queue)",
            f"add.apply_async((2, 2), link=mul.s(3).set(queue={q!r}))", inp, recorded_at,
            take_one("link callback", w)))

        # 2. next chain step
        c = t.add.s(1, 2) | t.mul.s(3).set(queue=q) | t.add.s(1)
        inp = sig_input(c)
        recorded_at = now_iso()
        run.wait_result(c.apply_async().parent.parent, w)
        vectors.append(make_vector(
            run, "worker-chain-step", "task",
            "second chain step published by the worker after add(1, 2) (embed.chain holds the remaining step)",
            f"(add.s(1, 2) | mul.s(3).set(queue={q!r}) | add.s(1)).apply_async()", inp, recorded_at,
            take_one("chain step", w)))

        # 3. errback (old-style: one-argument task, published with the failed task id)
        eb = t.record_errback.s().set(queue=q)
        inp = call_input("conformance.fail", ("boom",), {}, {"link_error": eb})
        recorded_at = now_iso()
        run.wait_result(t.fail.apply_async(("boom",), link_error=eb), w)
        vectors.append(make_vector(
            run, "worker-errback", "task",
            "errback published by the worker after fail('boom') raised (link_error=record_errback.s(); a "
            "one-argument errback is sent as a group member with the failed task id as its argument)",
            f"fail.apply_async(('boom',), link_error=record_errback.s().set(queue={q!r}))", inp, recorded_at,
            take_one("errback", w)))

        # 4. chord body
        ch = chord([t.add.s(1, 1), t.add.s(2, 2)], t.xsum.s().set(queue=q))
        inp = sig_input(ch)
        recorded_at = now_iso()
        res = ch.apply_async()
        for part in res.parent.results:
            run.wait_result(part, w)
        vectors.append(make_vector(
            run, "worker-chord-body", "task",
            "chord body published by the worker that stored the last header result (Redis chord counter)",
            f"chord([add.s(1, 1), add.s(2, 2)], xsum.s().set(queue={q!r})).apply_async()", inp, recorded_at,
            take_one("chord body", w)))
    if run.amqp:
        run.amqp.delete_queue(q)
    return vectors


@scenario("result-chord")
def sc_result_chord(run: Run):
    """Also writes result-chord-state (the .j zset members and the .s chord size key)."""
    t = run.t
    run.reset()
    c = chord([t.add.s(1, 1), t.add.s(2, 2), t.sleep.s(1.5)], t.xsum.s())
    inp = sig_input(c)
    with run.worker("result-chord", ready=False) as w:
        recorded_at = now_iso()
        res = c.apply_async()
        gid = res.parent.id
        jkey, skey, tkey = (f"celery-taskset-meta-{gid}{s}" for s in (".j", ".s", ".t"))
        state_entries = None
        deadline = time.monotonic() + WORKER_START_TIMEOUT
        while time.monotonic() < deadline:
            pipe = run.redis.client.pipeline()
            pipe.zrange(jkey, 0, -1, withscores=True)
            pipe.get(skey)
            pipe.get(tkey)
            members, size, extra = pipe.execute()
            if len(members) >= 2:
                state_entries = [redis_entry("ZADD", jkey, m, score=float(s)) for m, s in members]
                if size is not None:
                    state_entries.append(redis_entry("SET", skey, size))
                if extra is not None:
                    state_entries.append(redis_entry("SET", tkey, extra))
                break
            if res.ready():
                break
            time.sleep(0.01)
        run.wait_result(res, w)
        part_ids = [r.id for r in res.parent.results]
        entries = [run.redis.get_entry(meta_key(i)) for i in part_ids + [res.id]]
    if any(e is None for e in entries):
        raise RecorderError("result-chord: missing part/body meta")
    if state_entries is None:
        raise RecorderError("result-chord: chord .j state not observed before the chord completed")
    desc = "chord([add.s(1, 1), add.s(2, 2), sleep.s(1.5)], xsum.s())"
    return [
        make_vector(run, "result-chord", "result", f"{desc}: the 3 header part metas then the body meta", desc +
                    ".apply_async().get()", inp, recorded_at, entries),
        make_vector(run, "result-chord-state", "chord-state",
                    f"{desc}: Redis chord counter state after 2 of 3 parts (ZRANGE .j WITHSCORES, GET .s/.t)",
                    desc + ".apply_async()", inp, recorded_at, state_entries),
    ]


@scenario("result-group-saved")
def sc_result_group_saved(run: Run):
    t = run.t
    run.reset()
    g = group(t.add.s(1, 1), t.add.s(2, 2))
    inp = sig_input(g)
    recorded_at = now_iso()
    res = g.apply_async()
    res.save()
    entry = run.redis.get_entry(f"celery-taskset-meta-{res.id}")
    if entry is None:
        raise RecorderError("result-group-saved: no taskset meta")
    return [make_vector(run, "result-group-saved", "group-meta", "GroupResult.save() of a 2-task group "
                        "(no worker: the group meta only)", "res = group(add.s(1, 1), add.s(2, 2)).apply_async(); "
                        "res.save()", inp, recorded_at, [entry])]


# -- RPC backend ------------------------------------------------------------------------------------

def rpc_vector(run: Run, sid, description, call, task_name, args):
    run.reset()
    rpc_app = run.make_app("conformance-rpc", result_backend="rpc://")
    task = rpc_app.tasks[task_name]
    with run.worker(sid, ready=False, env={"CONFORMANCE_RESULT_BACKEND": "rpc://"}) as w:
        recorded_at = now_iso()
        res = task.apply_async(args)
        oid = rpc_app.thread_oid
        deadline = time.monotonic() + WORKER_START_TIMEOUT
        entries = []
        try:
            while time.monotonic() < deadline and not entries:
                if not w.alive():
                    raise RecorderError(f"{sid}: worker died:\n{w.log_tail()}")
                if run.broker == "redis":
                    entries = [e for step in PRIORITY_STEPS
                               for e in run.redis.lrange_entries(oid if step == 0 else f"{oid}{SEP}{step}")]
                    if not entries:
                        time.sleep(0.02)
                else:
                    entries = run.amqp.get_all([oid], 1, timeout=0.2)
        finally:
            if run.broker == "amqp":
                run.amqp.delete_queue(oid)  # the client's reply queue (x-expires 1 day) is ours: drop it
        if not entries:
            raise RecorderError(f"{sid}: no RPC reply on {oid}:\n{w.log_tail()}")
    return [make_vector(run, sid, "rpc-reply", description, call, call_input(task_name, args), recorded_at,
                        entries)]


@scenario("rpc-success")
def sc_rpc_success(run: Run):
    return rpc_vector(run, "rpc-success", "rpc:// backend reply for add(2, 2), read raw from the reply queue",
                      "add.delay(2, 2)  # result_backend='rpc://'", "conformance.add", (2, 2))


@scenario("rpc-failure")
def sc_rpc_failure(run: Run):
    return rpc_vector(run, "rpc-failure", "rpc:// backend reply for fail('boom'), read raw from the reply queue",
                      "fail.delay('boom')  # result_backend='rpc://'", "conformance.fail", ("boom",))


# -- beat -------------------------------------------------------------------------------------------

@scenario("beat-messages")
def sc_beat(run: Run):
    run.reset()
    workdir = Path(tempfile.mkdtemp(prefix="beat-", dir=run.tmp))
    argv = [sys.executable, "-m", "celery", "-A", "conformance_app", "beat", "-l", "warning",
            "-s", str(workdir / "celerybeat-schedule"), "--pidfile", str(workdir / "beat.pid")]
    recorded_at = now_iso()
    proc = Proc(argv, run.app_env(CONFORMANCE_BEAT_SCHEDULE="1"), workdir / "beat.log")
    try:
        # Run until at least 4 messages (2 entries every second) are queued, at most 10 s.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if not proc.alive():
                raise RecorderError(f"beat exited:\n{proc.log_tail()}")
            if run.queued_count() >= 4:
                break
            time.sleep(0.1)
    finally:
        proc.stop(grace=5)
    messages = run.collect_tasks(2)
    names = {_entry_headers(m).get("task") for m in messages}
    if not {"conformance.add", "conformance.echo"} <= names:
        raise RecorderError(f"beat-messages: expected both entries, got {names}")
    return [make_vector(run, "beat-messages", "task",
                        "celery beat with two 1-second interval entries (conformance_app.beat_schedule): "
                        "add(1, 2) with no options, echo('beat', k='v') with options queue/priority=5/"
                        "expires=30/headers; messages from ~3 s of beat",
                        "celery -A conformance_app beat  # CONFORMANCE_BEAT_SCHEDULE=1", None, recorded_at,
                        messages)]


# ---------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------

def record(run: Run, only: set[str] | None) -> tuple[list[str], list[tuple[str, str]], list[tuple[str, str]]]:
    written, skipped, failed = [], [], []
    if only is None and run.out_dir.exists():
        for old in run.out_dir.glob("*.json"):
            old.unlink()
    for sid, fn in SCENARIOS:
        if only is not None and sid not in only:
            continue
        t0 = time.monotonic()
        try:
            vectors = fn(run)
            for v in vectors:
                write_vector(run, v)
                written.append(v["scenario"])
            counts = ", ".join("%s=%d" % (v["scenario"], len(v["messages"])) for v in vectors)
            log(f"{run.broker:5} {sid:36} ok   {time.monotonic() - t0:5.1f}s  {counts}")
        except Skip as exc:
            skipped.append((sid, str(exc)))
            log(f"{run.broker:5} {sid:36} SKIP {exc}")
        except Exception as exc:  # noqa: BLE001 - report and continue, fail at the end
            failed.append((sid, f"{type(exc).__name__}: {exc}"))
            log(f"{run.broker:5} {sid:36} FAIL {type(exc).__name__}: {exc}")
            traceback.print_exc()
        finally:
            gc.collect()  # drop AsyncResults while their backend connections still exist
    return written, skipped, failed


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--broker", choices=["redis", "amqp", "all"], default="all")
    parser.add_argument("--out", default=str(ROOT / "conformance" / "vectors"))
    parser.add_argument("--scenario", action="append", help="only these scenario ids (repeatable)")
    parser.add_argument("--list", action="store_true", help="list scenario ids and exit")
    parser.add_argument("--redis-db", type=int, default=None, help="override the Redis db number")
    parser.add_argument("--queue", default="celery")
    parser.add_argument("--priority-queue", default="priority")
    args = parser.parse_args(argv)

    if args.list:
        for sid, _ in SCENARIOS:
            print(sid)
        return 0
    only = set(args.scenario) if args.scenario else None
    if only:
        unknown = only - {sid for sid, _ in SCENARIOS}
        if unknown:
            parser.error(f"unknown scenario(s): {', '.join(sorted(unknown))}")

    brokers = ["redis", "amqp"] if args.broker == "all" else [args.broker]
    log(f"celery {CELERY_VERSION}, kombu {KOMBU_VERSION}, py-amqp {amqp.__version__}, "
        f"redis-py {redis.__version__}, python {sys.version.split()[0]}")
    started = time.monotonic()
    problems = 0
    with tempfile.TemporaryDirectory(prefix="conformance-recorder-") as tmp:
        for broker in brokers:
            run = Run(broker, Path(args.out), args.redis_db, args.queue, args.priority_queue, Path(tmp))
            try:
                written, skipped, failed = record(run, only)
            finally:
                run.close()
            log(f"{broker}: {len(written)} vector file(s) in {run.out_dir}, {len(skipped)} skipped, "
                f"{len(failed)} failed")
            for sid, why in skipped:
                log(f"  skipped {sid}: {why}")
            for sid, why in failed:
                log(f"  FAILED  {sid}: {why}")
            problems += len(failed)
    log(f"done in {time.monotonic() - started:.1f}s")
    return 1 if problems else 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    # Skip interpreter teardown: Celery's AsyncResult.__del__ otherwise tries to unsubscribe from Redis
    # while the interpreter is shutting down and prints a harmless but noisy ImportError traceback.
    os._exit(code)
