// The AMQP transport against real kombu / py-amqp / Celery on the shared RabbitMQ: URL resolution, declarations
// RabbitMQ finds equivalent in both orders, and header tables read back type for type, in both directions.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import amqplib from "amqplib";
import { AMQP_URL } from "../harness/broker-urls.js";
import { amqpTestName, hasVenv, runAmqpReference, type Typed } from "../harness/amqp-reference.js";
import { loadGoldenVectors, capturedToParts } from "../harness/golden-vectors.js";
import { decodeTaskMessage } from "../../sdk/src/codec/task/decode-task-message.js";
import { encodeAmqpPublish } from "../../sdk/src/codec/amqp/encode-amqp-publish.js";
import { decodeBase64Strict } from "../../sdk/src/codec/body/base64.js";
import { findSerializer, type SerializerName } from "../../sdk/src/codec/body/content-types.js";
import { COMPRESSION_MIME_TYPES, type CompressionName } from "../../sdk/src/codec/body/compression.js";
import { PyDecimal, pyFloat } from "../../sdk/src/codec/json/python-values.js";
import { PyTuple } from "../../sdk/src/codec/repr/safe-repr.js";
import type { RawTaskParts } from "../../sdk/src/codec/task/raw-task-parts.js";
import { CeleryProtoError } from "../../sdk/src/errors/celery-proto-error.js";
import { createAmqpTransport } from "../../sdk/src/transport/amqp/create-amqp-transport.js";
import type { AmqpTransport } from "../../sdk/src/transport/amqp/amqp-transport.js";
import { resolveQueueDeclaration } from "../../sdk/src/transport/amqp/declare-amqp-entities.js";
import type { AmqplibFieldValue } from "../../sdk/src/transport/amqp/encode-field-table.js";
import { parseAmqpUrl } from "../../sdk/src/transport/amqp/parse-amqp-url.js";
import type { QueueSpec } from "../../sdk/src/transport/queue-spec.js";
import type { Delivery, TransportEvent } from "../../sdk/src/transport/transport.js";

const VENVS = [".venv", ".venv-5.3"].filter(hasVenv);

interface Described {
  ok: boolean;
  error?: string;
  queue: string;
  durable: boolean;
  exclusive: boolean;
  auto_delete: boolean;
  arguments: Record<string, Typed>;
  routing_key: string;
  exchange: { name: string; type: string; durable: boolean; auto_delete: boolean; arguments: Typed; delivery_mode: number | null } | null;
}

/** Our field-table value in the `[python type, value]` form amqp_reference.py prints. */
function typedOf(value: AmqplibFieldValue): Typed {
  if (value === null) return ["NoneType", null];
  if (typeof value === "string") return ["str", value];
  if (typeof value === "boolean") return ["bool", value];
  if (Array.isArray(value)) return ["list", value.map(typedOf)];
  if (typeof value === "object" && "!" in value) {
    const { "!": type, value: v } = value as { "!": string; value: unknown };
    if (type === "int" || type === "long") return ["int", typeof v === "bigint" && (v > 2n ** 53n || v < -(2n ** 53n)) ? String(v) : Number(v)];
    return [type, v];
  }
  return ["dict", Object.fromEntries(Object.entries(value as Record<string, AmqplibFieldValue>).map(([k, v]) => [k, typedOf(v)]))];
}

interface Scenario {
  readonly kind: string;
  /** The name passed to Python (for pidbox: the node name / oid; for events: celeryev.<id>). */
  readonly pyName: string;
  readonly conf?: Record<string, unknown>;
  /** Our own spec for the same entity, written from the protocol digest, not from Python's output. */
  readonly spec: QueueSpec;
  /** Shared exchanges (celery.pidbox, celeryev, ...) are left in place after the test. */
  readonly ownExchange: boolean;
  readonly sinceCelery?: string;
}

function scenarios(tag: string, exclusive: boolean): Scenario[] {
  const n = (s: string) => amqpTestName(`${tag}-${s}`);
  const pidboxExchange = { name: "celery.pidbox", type: "fanout", durable: false, deliveryMode: 1 } as const;
  const replyExchange = { name: "reply.celery.pidbox", type: "direct", durable: false, deliveryMode: 1 } as const;
  const transientQueue = { durable: false, autoDelete: true, exclusive } as const;
  return [
    { kind: "priority-queue", pyName: n("prio"), spec: { name: n("prio"), maxPriority: 10 }, ownExchange: true },
    { kind: "celery-task-queue", pyName: n("task"), spec: { name: n("task"), maxPriority: 10 }, ownExchange: true },
    { kind: "quorum-queue", pyName: n("quorum"), spec: { name: n("quorum"), queueType: "quorum" }, ownExchange: true, sinceCelery: "5.5" },
    {
      kind: "pidbox-queue",
      pyName: `${n("node")}@host`,
      conf: { control_queue_exclusive: exclusive },
      spec: { name: `${n("node")}@host.celery.pidbox`, exchange: pidboxExchange, routingKey: "", ...transientQueue, expiresMs: 10_000, messageTtlMs: 300_000 },
      ownExchange: false,
    },
    {
      kind: "pidbox-reply-queue",
      pyName: n("oid"),
      conf: { control_queue_exclusive: exclusive },
      spec: {
        name: `${n("oid")}.reply.celery.pidbox`,
        exchange: replyExchange,
        routingKey: n("oid"),
        ...transientQueue,
        expiresMs: 10_000,
        messageTtlMs: 300_000,
      },
      ownExchange: false,
    },
    {
      kind: "event-queue",
      pyName: `celeryev.${n("ev")}`,
      conf: { event_queue_exclusive: exclusive },
      spec: {
        name: `celeryev.${n("ev")}`,
        exchange: { name: "celeryev", type: "topic" },
        routingKey: "#",
        ...transientQueue,
        expiresMs: 60_000,
        messageTtlMs: 5_000,
      },
      ownExchange: false,
    },
  ];
}

let transport: AmqpTransport;
const events: TransportEvent[] = [];
const queuesToDelete = new Set<string>();
const exchangesToDelete = new Set<string>();

before(async () => {
  transport = await createAmqpTransport({ url: AMQP_URL, onEvent: (e) => events.push(e) });
});

after(async () => {
  for (const q of queuesToDelete) await transport.deleteQueue(q).catch(() => undefined);
  for (const e of exchangesToDelete) await transport.deleteExchange(e).catch(() => undefined);
  await transport.close();
});

describe("URLs resolve to the endpoints kombu connects to", () => {
  it("matches kombu's Connection(url).info() for every failover alternate", async () => {
    const urls = [
      "amqp://",
      "amqp://localhost/",
      "amqp://localhost//",
      "amqp://h/%2F",
      "amqp://h/a/b",
      "pyamqp://guest@127.0.0.1:5683/celery-proto",
      "amqps://x:y@H.example.com",
      "amqp://a:b@[::1]:99/v%20h",
      "amqp://:@host/",
      "amqp://user@host",
      "amqp://u:p:q@h/x?heartbeat=10",
      "amqp://u%40x:p%2Fw@h/x#frag",
      "amqp://u:p@h1:1234/vh;amqp://h2;amqp://h3:99",
      "amqp://h1;amqps://h2//",
    ];
    const kombu = await runAmqpReference<Array<Array<Record<string, unknown>>>>("urls", { urls });
    urls.forEach((url, i) => {
      const ours = parseAmqpUrl(url).map(({ display: _display, ...e }) => e);
      assert.deepEqual(ours, kombu[i], url);
    });
  });
});

for (const venv of VENVS) {
  describe(`declarations are the ones kombu sends (${venv})`, () => {
    const tag = venv === ".venv" ? "k57" : "k53";
    // Celery 5.7 declares pidbox and event queues exclusive (control/event_queue_exclusive default True; 5.3: False).
    const celeryExclusive = venv === ".venv";
    const applicable = (s: Scenario) => !(s.sinceCelery !== undefined && venv !== ".venv");

    it("flag for flag and argument for argument (types included), for Celery's own entities", async () => {
      const list = scenarios(`${tag}d`, celeryExclusive).filter(applicable);
      const described = await runAmqpReference<Described[]>(
        "declare",
        { url: AMQP_URL, declare: false, scenarios: list.map((s) => ({ kind: s.kind, name: s.pyName })) },
        venv,
      );
      list.forEach((s, i) => {
        const py = described[i]!;
        assert.ok(py.ok, py.error);
        const ours = resolveQueueDeclaration(s.spec);
        assert.deepEqual(
          {
            queue: ours.name,
            durable: ours.durable,
            exclusive: ours.exclusive,
            auto_delete: ours.autoDelete,
            routing_key: ours.routingKey,
            arguments: Object.fromEntries(Object.entries(ours.arguments).map(([k, v]) => [k, typedOf(v)])),
            exchange:
              ours.exchange === null
                ? null
                : {
                    name: ours.exchange.name,
                    type: ours.exchange.type,
                    durable: ours.exchange.durable,
                    auto_delete: ours.exchange.autoDelete,
                    arguments: typedOf(ours.exchange.arguments),
                  },
          },
          (({ ok: _ok, error: _error, exchange, ...rest }) => ({
            ...rest,
            exchange: exchange === null ? null : (({ delivery_mode: _dm, ...ex }) => ex)(exchange),
          }))(py),
          s.kind,
        );
        assert.equal(s.spec.exchange?.deliveryMode ?? null, py.exchange?.delivery_mode ?? null, `${s.kind}: exchange delivery_mode`);
      });
    });

    for (const order of ["kombu first", "ours first"] as const) {
      it(`RabbitMQ accepts both declarations, ${order} (no PRECONDITION_FAILED)`, async () => {
        // Exclusive queues belong to one connection, so the cross-client check declares them non-exclusive on both
        // sides; the exclusive flag itself is compared in the test above.
        const list = scenarios(`${tag}${order === "kombu first" ? "a" : "b"}`, false).filter(applicable);
        for (const s of list) {
          queuesToDelete.add(s.spec.name);
          if (s.ownExchange) exchangesToDelete.add(s.spec.name);
        }
        const request = { url: AMQP_URL, scenarios: list.map((s) => ({ kind: s.kind, name: s.pyName, conf: s.conf })) };
        if (order === "kombu first") {
          const py = await runAmqpReference<Described[]>("declare", request, venv);
          py.forEach((r, i) => assert.ok(r.ok, `${list[i]!.kind}: ${r.error}`));
          for (const s of list) await transport.declareQueue(s.spec);
        } else {
          for (const s of list) await transport.declareQueue(s.spec);
          const py = await runAmqpReference<Described[]>("declare", request, venv);
          py.forEach((r, i) => assert.ok(r.ok, `${list[i]!.kind}: kombu after us: ${r.error}`));
        }
      });
    }
  });
}

describe("the equivalence check is real", () => {
  it("a spec that differs from kombu's (x-max-priority 5 vs 10, or transient vs durable) is refused with BrokerError", async () => {
    const name = amqpTestName("neg");
    queuesToDelete.add(name);
    exchangesToDelete.add(name);
    const py = await runAmqpReference<Described[]>("declare", { url: AMQP_URL, scenarios: [{ kind: "priority-queue", name }] });
    assert.ok(py[0]!.ok);
    await assert.rejects(
      transport.declareQueue({ name, maxPriority: 5 }),
      (e) => CeleryProtoError.is(e, "BrokerError") && /PRECONDITION.FAILED/.test(e.message) && e.message.includes("x-max-priority"),
    );
    await assert.rejects(
      transport.declareQueue({ name, maxPriority: 10, durable: false }),
      (e) => CeleryProtoError.is(e, "BrokerError") && /PRECONDITION.FAILED/.test(e.message),
    );
    await transport.declareQueue({ name, maxPriority: 10 }); // and the transport carries on
  });
});

interface CompareReport {
  file: string;
  index: number;
  missing?: boolean;
  differences?: Array<{ path: string; expected: Typed; got: Typed }>;
}

describe("header tables: what we publish, py-amqp reads exactly as Celery's own", () => {
  const vectors = loadGoldenVectors().filter((v) => v.broker === "amqp");

  async function publishAndCompare(
    queue: string,
    items: Array<{ file: string; index: number; publish: () => Promise<void> }>,
    compareBody: boolean,
  ): Promise<void> {
    await transport.declareQueue({ name: queue, exchange: null });
    queuesToDelete.add(queue);
    for (const item of items) await item.publish();
    const report = await runAmqpReference<CompareReport[]>("compare", { url: AMQP_URL, queue, expected: items.map(({ file, index }) => ({ file, index })) });
    const problems = report.filter((r) => r.missing === true || (r.differences ?? []).some((d) => compareBody || d.path !== "/body"));
    assert.deepEqual(problems, [], JSON.stringify(problems.slice(0, 3), null, 1));
  }

  it("every AMQP message of every golden vector (task, control, event, RPC; Celery 5.7 and 5.3), republished as recorded", async () => {
    const queue = amqpTestName("vectors-raw");
    const items = vectors.flatMap((v) =>
      v.messages.flatMap((m, index) => {
        if (m.transport !== "amqp") return [];
        const { headers, ...properties } = m.properties;
        return [
          {
            file: v.file,
            index,
            publish: () =>
              transport.publish({
                exchange: "",
                routingKey: queue,
                body: decodeBase64Strict(m.body, "vector body"),
                properties: { ...properties, headers: headers ?? null },
              }),
          },
        ];
      }),
    );
    assert.ok(items.length > 100, `${items.length} messages`);
    await publishAndCompare(queue, items, true);
  });

  it("every task vector decoded by the codec and re-encoded with encodeAmqpPublish (our producer path)", async () => {
    const queue = amqpTestName("vectors-codec");
    const accept = ["json", "msgpack", "yaml"];
    const compressions = Object.fromEntries(Object.entries(COMPRESSION_MIME_TYPES).map(([name, mime]) => [mime, name as CompressionName]));
    // Protocol 1 / hybrid messages are re-encoded as protocol 2, and bzip2 is decode-only in the codec: those are
    // covered by the raw republish above.
    const items = vectors
      .filter((v) => v.kind === "task" && v.scenario !== "compression-bzip2")
      .flatMap((v) =>
        v.messages.flatMap((m, index) => {
          const decoded = decodeTaskMessage(capturedToParts(m), { accept });
          if (decoded.protocol !== 2) return [];
          const serializer: SerializerName = findSerializer(String(decoded.properties.content_type))?.name ?? "json";
          const compression = typeof decoded.headers.compression === "string" ? (compressions[decoded.headers.compression] ?? null) : null;
          return [{ file: v.file, index, publish: () => transport.publish(encodeAmqpPublish(decoded, { routingKey: queue }, { serializer, compression })) }];
        }),
      );
    assert.ok(items.length >= 50, `${items.length} task messages`);
    // Bodies: the codec's own concern (golden-vectors.test.ts); gzip, YAML and 5.3's rich-args differ in bytes there.
    await publishAndCompare(queue, items, false);
  });

  it("our value types arrive as the Python types they stand for", async () => {
    const queue = amqpTestName("typed-out");
    await transport.declareQueue({ name: queue, exchange: null });
    queuesToDelete.add(queue);
    await transport.publish({
      exchange: "",
      routingKey: queue,
      body: new Uint8Array([1]),
      properties: {
        content_type: "application/json",
        delivery_mode: 2,
        message_id: "m",
        timestamp: 1700000000,
        type: "t",
        app_id: "a",
        user_id: "guest",
        headers: {
          i: 5,
          i64: 2 ** 40,
          b: 2n ** 62n,
          f: 1.5,
          pf: pyFloat(2),
          n: null,
          t: true,
          s: "caf\u00e9",
          l: [1, null, [2]],
          tup: new PyTuple([1, 2]),
          d: { x: { y: 1 } },
          bytes: new Uint8Array([0xff, 0]),
          dt: new Date("2025-01-31T12:00:05Z"),
          dec: new PyDecimal("-1.25"),
        },
      },
    });
    const [msg] = await runAmqpReference<Array<{ properties: Record<string, Typed>; headers: Typed }>>("read", { url: AMQP_URL, queue, count: 1 });
    assert.ok(msg);
    assert.deepEqual(msg.headers, [
      "dict",
      {
        i: ["int", 5],
        i64: ["int", 2 ** 40],
        b: ["int", String(2n ** 62n)],
        f: ["float", "1.5"],
        pf: ["float", "2.0"],
        n: ["NoneType", null],
        t: ["bool", true],
        s: ["str", "caf\u00e9"],
        l: [
          "list",
          [
            ["int", 1],
            ["NoneType", null],
            ["list", [["int", 2]]],
          ],
        ],
        tup: [
          "list",
          [
            ["int", 1],
            ["int", 2],
          ],
        ],
        d: ["dict", { x: ["dict", { y: ["int", 1] }] }],
        bytes: ["bytes", "ff00"],
        dt: ["datetime", "2025-01-31T12:00:05"],
        dec: ["Decimal", "-1.25"],
      },
    ]);
    assert.deepEqual(msg.properties["message_id"], ["str", "m"]);
    assert.deepEqual(msg.properties["user_id"], ["str", "guest"]);
    assert.deepEqual(msg.properties["delivery_mode"], ["int", 2]);
  });
});

describe("py-amqp and Celery producers → our consumer", () => {
  function receive(queue: string, count: number): Promise<Delivery[]> {
    return new Promise((resolve, reject) => {
      const got: Delivery[] = [];
      const timer = setTimeout(() => reject(new Error(`received ${got.length}/${count} from ${queue}`)), 10_000);
      void transport
        .consume(
          [queue],
          (d) => {
            got.push(d);
            void d.ack();
            if (got.length === count) {
              clearTimeout(timer);
              resolve(got);
            }
          },
          { prefetch: 10 },
        )
        .then((c) => setTimeout(() => void c.cancel(), 0).unref(), reject);
    }).then(async (d) => {
      await new Promise((r) => setTimeout(r, 50));
      return d as Delivery[];
    });
  }

  it("reads every table type py-amqp writes, incl. 'L' (64-bit ints), which closes a plain amqplib connection", async () => {
    const queue = amqpTestName("typed-in");
    await transport.declareQueue({ name: queue, exchange: null });
    queuesToDelete.add(queue);
    await runAmqpReference("publish", { url: AMQP_URL, queue, kind: "typed-headers" });
    const disconnectsBefore = events.filter((e) => e.type === "disconnected").length;
    const [d] = await receive(queue, 1);
    const m = d!.message as RawTaskParts & { headers: Record<string, unknown> };
    assert.equal(events.filter((e) => e.type === "disconnected").length, disconnectsBefore, "the connection survived");
    assert.deepEqual(
      { ...m.headers, decimal: String(m.headers["decimal"]) },
      {
        int32: 2 ** 31 - 1,
        int64: 2 ** 40,
        neg64: -(2n ** 62n),
        max64: 2n ** 63n - 1n,
        small: -5,
        float: 1.5,
        float_integral: 2,
        str: "caf\u00e9",
        bytes_utf8: "abc",
        bytes_binary: new Uint8Array([0xff, 0]),
        none: null,
        true: true,
        decimal: "-1.25",
        datetime: new Date("2025-01-31T12:00:05Z"),
        list: [1, "a", null, [2 ** 40]],
        dict: { nested: { x: 1 } },
        tuple: [1, 2],
      },
    );
    assert.ok(m.headers["decimal"] instanceof PyDecimal);
    assert.deepEqual(m.properties, {
      content_type: "text/plain",
      delivery_mode: 2,
      priority: 3,
      correlation_id: "c-1",
      reply_to: "r-1",
      expiration: "60000",
      message_id: "m-1",
      timestamp: 1700000000,
      type: "t",
      app_id: "py",
    });
    assert.deepEqual(m.deliveryInfo, { exchange: "", routingKey: queue, redelivered: false, priority: 3 });
    assert.deepEqual(Buffer.from(m.body).toString(), "typed");
  });

  it("decodes a task a real Celery producer sent with a 64-bit custom header", async () => {
    const queue = amqpTestName("celery-in");
    await transport.declareQueue({ name: queue });
    queuesToDelete.add(queue);
    exchangesToDelete.add(queue);
    const sent = await runAmqpReference<{ id: string }>("publish", { url: AMQP_URL, queue, kind: "celery-task" });
    const [d] = await receive(queue, 1);
    const task = decodeTaskMessage(d!.message);
    assert.equal(task.headers.id, sent.id);
    assert.deepEqual([task.headers.task, task.args], ["tasks.add", [2, 3]]);
    assert.equal((task.headers as Record<string, unknown>)["sent_at_ms"], 1700000000123);
    assert.deepEqual(task.deliveryInfo, { exchange: "", routingKey: queue, redelivered: false, priority: 0 });
  });

  it("pin: plain amqplib still cannot read 'L' (when this fails, amqplib fixed it and installHeaderDecoder can go)", async () => {
    const queue = amqpTestName("pin-L");
    await transport.declareQueue({ name: queue, exchange: null });
    queuesToDelete.add(queue);
    await runAmqpReference("publish", { url: AMQP_URL, queue, kind: "typed-headers" });
    const conn = await amqplib.connect(AMQP_URL);
    const closed = new Promise<string>((resolve) => {
      conn.on("error", (e: Error) => resolve(e.message));
      conn.on("close", () => resolve("closed"));
    });
    const ch = await conn.createChannel();
    ch.on("error", () => undefined);
    void ch.get(queue, { noAck: false }).catch(() => undefined);
    assert.match(await closed, /Unexpected type tag "L"/);
  });
});

describe("quorum queues", () => {
  it("declared by Celery elsewhere: 'auto' QoS survives RabbitMQ's connection-level refusal of global QoS once, then consumes", async () => {
    const name = amqpTestName("q-celery");
    queuesToDelete.add(name);
    exchangesToDelete.add(name);
    const py = await runAmqpReference<Described[]>("declare", { url: AMQP_URL, scenarios: [{ kind: "quorum-queue", name }] });
    assert.ok(py[0]!.ok, py[0]!.error);
    const seen: TransportEvent[] = [];
    const local = await createAmqpTransport({ url: AMQP_URL, backoff: () => 50, onEvent: (e) => seen.push(e) });
    try {
      let first!: (d: Delivery) => void;
      const got = new Promise<Delivery>((resolve) => (first = resolve));
      const consumer = await local.consume([name], (d) => first(d), { prefetch: 2 });
      await transport.publish({ exchange: "", routingKey: name, body: new Uint8Array([7]), properties: { delivery_mode: 2 } });
      const d = await got;
      await d.ack();
      assert.deepEqual([...d.message.body], [7]);
      // RabbitMQ 3.10 answers basic.consume with global QoS on a quorum queue by closing the whole connection (540).
      assert.deepEqual(
        seen.map((e) => e.type).filter((t) => t !== "reconnecting"),
        ["connected", "disconnected", "connected"],
      );
      await consumer.cancel();
    } finally {
      await local.close();
    }
  });

  it("declared through the transport: per-consumer QoS from the start (no reconnect)", async () => {
    const name = amqpTestName("q-ours");
    queuesToDelete.add(name);
    exchangesToDelete.add(name);
    const seen: TransportEvent[] = [];
    const local = await createAmqpTransport({ url: AMQP_URL, onEvent: (e) => seen.push(e) });
    try {
      await local.declareQueue({ name, queueType: "quorum" });
      const consumer = await local.consume([name], () => undefined, { prefetch: 2 });
      await consumer.cancel();
      assert.deepEqual(
        seen.map((e) => e.type),
        ["connected"],
      );
    } finally {
      await local.close();
    }
  });
});
