// Producer benchmark: the same N tasks enqueued by celery-proto and by Python Celery's send_task (the body of
// apply_async), in the same run, on each broker. Prints both rates and their ratio.
// Usage: node --import tsx bench/producer.ts [count=20000]
import { execFileSync } from "node:child_process";
import path from "node:path";
import { Redis } from "ioredis";
// The shipped build, not the sources: benchmarks measure what users run (npm run build first).
import { createAmqpTransport } from "../dist/sdk/amqp/index.js";
import { createClient } from "../dist/sdk/index.js";
import { AMQP_URL, redisDbUrl } from "../conformance/harness/broker-urls.js";

const ROOT = path.resolve(import.meta.dirname, "..");
const COUNT = Number(process.argv[2] ?? 20_000);
const WINDOW = 2048; // publishes in flight at once (under the transports' 10000 buffered-publish bound)

interface Rate {
  readonly seconds: number;
  readonly rate: number;
}

async function ours(broker: string, queue: string, confirms = true): Promise<Rate> {
  const transport = broker.startsWith("amqp") ? await createAmqpTransport({ url: broker, confirms }) : broker;
  const client = await createClient({ broker: transport, backend: null, defaultQueue: queue });
  await client.enqueue("conformance.add", [0, 0]); // connect and declare, as the Python side warms up
  const start = performance.now();
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < COUNT) {
      const i = next++;
      await client.enqueue("conformance.add", [i, i]);
    }
  };
  await Promise.all(Array.from({ length: WINDOW }, lane));
  const seconds = (performance.now() - start) / 1000;
  await client.close();
  return { seconds, rate: COUNT / seconds };
}

function python(broker: string, queue: string): Rate {
  const out = execFileSync(path.join(ROOT, ".venv/bin/python"), ["bench/python/apply_async_rate.py", broker, queue, String(COUNT)], {
    cwd: ROOT,
    encoding: "utf8",
  });
  const parsed = JSON.parse(out) as { seconds: number; rate: number };
  return { seconds: parsed.seconds, rate: parsed.rate };
}

async function cleanup(broker: "redis" | "amqp", url: string, queues: string[]): Promise<void> {
  if (broker === "redis") {
    const r = new Redis(url);
    await r.flushdb();
    r.disconnect();
    return;
  }
  const client = await createClient({ broker: url, backend: null });
  for (const q of queues) await client.transport.deleteQueue(q).catch(() => undefined);
  await client.close();
}

const rows: string[] = [];
for (const [broker, url] of [
  ["redis", redisDbUrl(28)],
  ["amqp", AMQP_URL],
] as const) {
  const q = `bench-producer-${process.pid}`;
  await cleanup(broker, url, [`${q}-py`, `${q}-ts`]);
  const py = python(url, `${q}-py`);
  const ts = await ours(url, `${q}-ts`);
  await cleanup(broker, url, [`${q}-py`, `${q}-ts`]);
  rows.push(
    `${broker.padEnd(6)} python ${py.rate.toFixed(0).padStart(7)}/s  celery-proto ${ts.rate.toFixed(0).padStart(7)}/s  ratio ${(ts.rate / py.rate).toFixed(2)}x`,
  );
  if (broker === "amqp") {
    // Like for like: Python Celery does not wait for publisher confirms by default.
    const unconfirmed = await ours(url, `${q}-ts`, false);
    await cleanup(broker, url, [`${q}-ts`]);
    rows.push(
      `${"amqp".padEnd(6)} python ${py.rate.toFixed(0).padStart(7)}/s  celery-proto ${unconfirmed.rate.toFixed(0).padStart(7)}/s  ratio ${(unconfirmed.rate / py.rate).toFixed(2)}x  (confirms off, as Python)`,
    );
  }
}
console.log(
  `producer: ${COUNT} tasks each (celery-proto: ${WINDOW} in flight, publisher confirms on unless noted; Python: send_task, sequential, no confirms)`,
);
for (const row of rows) console.log(row);
