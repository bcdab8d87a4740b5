// The meta documents our stores write, byte for byte against what Celery 5.7 wrote in the golden vectors
// (result-* under Redis, rpc-* over AMQP and Redis): key order, task_id last, extended fields, children, RPC properties.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { decodeBase64Strict } from "../../sdk/src/codec/body/base64.js";
import { decodeKombuJson, encodeKombuJson } from "../../sdk/src/codec/json/kombu-json.js";
import { parsePythonJson } from "../../sdk/src/codec/json/parse-python-json.js";
import { readRedisEnvelope } from "../../sdk/src/codec/redis/decode-redis-envelope.js";
import { parseIsoDateTime } from "../../sdk/src/codec/time/iso-datetime.js";
import type { ResultTuple } from "../../sdk/src/gen/json-schema/types.js";
import type { OutgoingMessage, Transport } from "../../sdk/src/transport/transport.js";
import { buildResultMeta } from "../src/outcomes/build-result-meta.js";
import type { ResultContext } from "../src/outcomes/result-context.js";
import type { ResultWrite } from "../src/outcomes/result-store.js";
import { RpcResultStore } from "../src/outcomes/rpc-result-store.js";

const VECTORS = path.resolve(import.meta.dirname, "../../conformance/vectors/5.7.0");

interface Captured {
  readonly raw?: string;
  readonly body?: string;
  readonly properties?: Record<string, unknown>;
  readonly delivery_info?: { exchange: string; routing_key: string };
}

function vector(broker: "redis" | "amqp", name: string): Captured[] {
  return (parsePythonJson(readFileSync(path.join(VECTORS, broker, `${name}.json`), "utf8")) as unknown as { messages: Captured[] }).messages;
}

/** Rebuilds the write Celery made from the meta it stored (the request context from its extended fields). */
function writeFromMeta(meta: Record<string, unknown>): ResultWrite {
  const context: ResultContext = {
    id: String(meta["task_id"]),
    groupId: (meta["group_id"] as string | undefined) ?? null,
    groupIndex: null,
    parentId: (meta["parent_id"] as string | undefined) ?? null,
    task: meta["name"] as string,
    args: meta["args"] as unknown[],
    kwargs: meta["kwargs"] as Record<string, unknown>,
    hostname: meta["worker"] as string,
    retries: meta["retries"] as number,
    queue: meta["queue"] as string,
    stamps: {},
    stampedHeaders: [],
    replyTo: "reply-queue",
    correlationId: null,
    chord: null,
  };
  return {
    taskId: String(meta["task_id"]),
    state: String(meta["status"]),
    result: meta["result"],
    traceback: meta["traceback"] as string | null,
    context,
    children: meta["children"] as ResultTuple[],
  };
}

/** The `now` Celery had, to the millisecond, and the text with date_done cut to milliseconds (JS dates hold no more). */
function clockOf(meta: Record<string, unknown>): () => Date {
  const done = meta["date_done"];
  return () => (typeof done === "string" ? parseIsoDateTime(done).date : new Date());
}

function toMilliseconds(text: string): string {
  return text.replace(/("date_done": "[^"]*\.\d{3})\d{3}(\+00:00")/, "$1000$2");
}

describe("result meta documents are Celery 5.7's, byte for byte", () => {
  for (const scenario of ["result-success", "result-failure", "result-retry", "result-chord", "result-success-basic"]) {
    it(`${scenario}: every stored meta re-encodes to the same text`, () => {
      for (const message of vector("redis", scenario)) {
        const raw = message.raw!;
        const meta = decodeKombuJson(raw) as Record<string, unknown>;
        const extended = "name" in meta;
        const text = encodeKombuJson(buildResultMeta(writeFromMeta(meta), { resultExtended: extended, now: clockOf(meta) }));
        assert.equal(text, toMilliseconds(raw));
        assert.ok(text.endsWith(`"task_id": "${String(meta["task_id"])}"}`), "task_id is the last key (5.7)");
      }
    });
  }

  it("without result_extended: status, result, traceback, children, date_done, task_id", () => {
    const write: ResultWrite = { taskId: "t1", state: "SUCCESS", result: 4, traceback: null, context: null, children: [] };
    const text = encodeKombuJson(buildResultMeta(write, { resultExtended: true, now: () => new Date(Date.UTC(2026, 0, 2, 3, 4, 5)) }));
    assert.equal(text, '{"status": "SUCCESS", "result": 4, "traceback": null, "children": [], "date_done": "2026-01-02T03:04:05+00:00", "task_id": "t1"}');
  });

  it("stamps: stamped_headers then one key per stamp, after queue", () => {
    const context: ResultContext = {
      ...writeFromMeta({ task_id: "t2", status: "STARTED", name: "x", args: [], kwargs: {}, worker: "w", retries: 0, queue: "q" }).context!,
      stamps: { color: "blue", other: 1 },
      stampedHeaders: ["color"],
    };
    const meta = buildResultMeta(
      { taskId: "t2", state: "STARTED", result: { pid: 1, hostname: "w" }, traceback: null, context, children: [] },
      { resultExtended: true, now: () => new Date() },
    );
    assert.deepEqual(Object.keys(meta), [
      "status",
      "result",
      "traceback",
      "children",
      "date_done",
      "name",
      "args",
      "kwargs",
      "worker",
      "retries",
      "queue",
      "stamped_headers",
      "color",
      "task_id",
    ]);
    assert.equal(meta["date_done"], null, "only ready states have date_done");
  });
});

describe("RPC replies are Celery 5.7's", () => {
  const published: OutgoingMessage[] = [];
  const transport = { kind: "memory", publish: async (m: OutgoingMessage) => void published.push(m) } as unknown as Transport;

  for (const scenario of ["rpc-success", "rpc-failure"]) {
    it(`${scenario} (AMQP): properties and body`, async () => {
      const [captured] = vector("amqp", scenario);
      const body = new TextDecoder().decode(decodeBase64Strict(captured!.body!, "body"));
      const meta = decodeKombuJson(body) as Record<string, unknown>;
      const write = writeFromMeta(meta);
      const store = new RpcResultStore({ transport, resultExtended: true, now: clockOf(meta) });
      published.length = 0;
      await store.storeResult({ ...write, context: { ...write.context!, replyTo: captured!.delivery_info!.routing_key } });
      const [sent] = published;
      assert.equal(sent?.exchange, "");
      assert.equal(sent?.routingKey, captured!.delivery_info!.routing_key);
      assert.deepEqual(sent?.properties, captured!.properties, "content type, encoding, correlation_id = task id, delivery_mode 1, priority 0, headers {}");
      assert.equal(new TextDecoder().decode(sent!.body), toMilliseconds(body));
    });
  }

  it("rpc-success (Redis): the same envelope properties", async () => {
    const [captured] = vector("redis", "rpc-success");
    const parts = readRedisEnvelope(captured!.raw!);
    const meta = decodeKombuJson(new TextDecoder().decode(parts.body)) as Record<string, unknown>;
    const write = writeFromMeta(meta);
    const store = new RpcResultStore({ transport, resultExtended: true, now: clockOf(meta) });
    published.length = 0;
    await store.storeResult({ ...write, context: { ...write.context!, replyTo: parts.deliveryInfo!.routingKey } });
    assert.equal(published[0]?.properties["correlation_id"], parts.properties["correlation_id"]);
    assert.equal(published[0]?.properties["delivery_mode"], 1);
  });

  it("nothing is sent without reply_to; correlation_id defaults to the task id", async () => {
    const store = new RpcResultStore({ transport });
    published.length = 0;
    const write = writeFromMeta({ task_id: "t3", status: "SUCCESS", result: 1 });
    await store.storeResult({ ...write, context: { ...write.context!, replyTo: null } });
    assert.equal(published.length, 0);
    await store.storeResult({ ...write, context: { ...write.context!, replyTo: "oid", correlationId: "corr" } });
    assert.equal(published[0]?.properties["correlation_id"], "corr");
  });
});
