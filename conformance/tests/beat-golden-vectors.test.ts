// What `proto beat` publishes, compared with what real `celery beat` published for the same schedule (the
// beat-messages golden vectors, conformance_app.beat_schedule): the same headers (Celery 5.7's `celery_beat_task`
// included), body, properties and routing, apart from per-message values (ids, origin, times, delivery tags).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BeatService } from "../../sdk/src/beat/beat-service.js";
import type { BeatEntryState, BeatStateStore } from "../../sdk/src/beat/beat-state-store.js";
import { compileBeatSchedule } from "../../sdk/src/beat/load-beat-schedule.js";
import { CeleryClient } from "../../sdk/src/client/celery-client.js";
import { compileClientOptions } from "../../sdk/src/client/compile-client-options.js";
import { decodeTaskMessage } from "../../sdk/src/codec/task/decode-task-message.js";
import type { TaskMessage } from "../../sdk/src/codec/task/task-message.js";
import { DisabledResultBackend } from "../../sdk/src/results/disabled-result-backend.js";
import { MemoryTransport } from "../../sdk/src/transport/memory/memory-transport.js";
import { capturedToParts, loadGoldenVectors } from "../harness/golden-vectors.js";

const VOLATILE = new Set(["id", "root_id", "origin", "expires"]);

class NoState implements BeatStateStore {
  async load(): Promise<Map<string, BeatEntryState>> {
    return new Map([
      ["add", { lastRunAtMs: 0, totalRunCount: 0 }],
      ["echo", { lastRunAtMs: 0, totalRunCount: 0 }],
    ]);
  }
  async reserve(): Promise<boolean> {
    return true;
  }
  async flush(): Promise<void> {}
}

/** The schedule of conformance_app.beat_schedule (queue `celery`, priority queue `priority`) as a proto beat file. */
const SCHEDULE = {
  entries: {
    add: { task: "conformance.add", schedule: { every: 1 }, args: [1, 2] },
    echo: {
      task: "conformance.echo",
      schedule: { every: 1 },
      args: ["beat"],
      kwargs: { k: "v" },
      options: { queue: "priority", priority: 5, expires: 30, headers: { "x-beat": "yes" } },
    },
  },
};

async function protoBeatMessages(): Promise<Map<string, TaskMessage>> {
  const transport = new MemoryTransport();
  const client = new CeleryClient(transport, new DisabledResultBackend(), compileClientOptions({ broker: transport }, {}));
  const service = new BeatService({
    schedule: compileBeatSchedule(SCHEDULE),
    store: new NoState(),
    send: (entry) => client.sendTask(entry.task, entry.args, entry.kwargs, entry.options),
  });
  await service.tick();
  const out = new Map<string, TaskMessage>();
  for (const queue of ["celery", "priority"]) {
    const consumer = await transport.consume([queue], (d) => out.set(queue, decodeTaskMessage(d.message)), { prefetch: 0, noAck: true });
    await new Promise((r) => setTimeout(r, 5));
    await consumer.cancel();
  }
  return out;
}

function comparable(m: TaskMessage): Record<string, unknown> {
  const headers = Object.fromEntries(Object.entries(m.headers).filter(([k]) => !VOLATILE.has(k)));
  return {
    headers,
    expiresSet: m.headers.expires !== null && m.headers.expires !== undefined,
    rootIsId: m.headers.root_id === m.headers.id,
    args: m.args,
    kwargs: m.kwargs,
    embed: m.embed,
    priority: m.properties.priority ?? 0,
    contentType: m.properties.content_type,
    deliveryMode: m.properties.delivery_mode,
  };
}

describe("proto beat messages vs celery beat's (golden vectors, Celery 5.7)", () => {
  const vectors = loadGoldenVectors().filter((v) => v.scenario === "beat-messages" && v.celery.startsWith("5.7"));
  it("vectors exist for both brokers", () => assert.equal(vectors.length, 2));
  for (const vector of vectors) {
    it(`${vector.broker}: same headers, body and properties per entry`, async () => {
      const ours = await protoBeatMessages();
      const theirs = new Map<string, TaskMessage>();
      for (const captured of vector.messages) {
        const m = decodeTaskMessage(capturedToParts(captured));
        theirs.set(m.headers.task === "conformance.add" ? "celery" : "priority", m);
      }
      assert.equal(theirs.size, 2);
      for (const queue of ["celery", "priority"]) {
        assert.deepEqual(comparable(ours.get(queue)!), comparable(theirs.get(queue)!), `${queue}: ${vector.file}`);
      }
      assert.equal(ours.get("celery")!.headers["celery_beat_task"], true);
    });
  }
});
