// Micro-benchmark of the worker's per-message decode: a Python Celery 5.7 task message (golden vector simple-call)
// through the Redis path (envelope JSON → body → task message) and the AMQP path (headers already decoded by the
// transport → body → task message), plus the JSON parse alone. Prints ops/s and µs/op per case, in CPU time of the process.
// Usage: node --import tsx bench/micro/decode-task.ts [sdk-src-dir=sdk/src] [seconds-per-case=2]
// Pass another sdk/src (e.g. an older commit unpacked with `git archive <commit> sdk | tar -x -C .tmp/base`) to
// compare; run the two alternately several times, as the machine's load drifts.
import { readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const ROOT = path.resolve(import.meta.dirname, "../..");
const SDK = path.resolve(ROOT, process.argv[2] ?? "sdk/src");
const SECONDS = Number(process.argv[3] ?? 2);

interface RawParts {
  headers: unknown;
  properties: Record<string, unknown>;
  body: Uint8Array;
  deliveryInfo: null;
  deliveryTag: null;
}

const load = async <T>(file: string): Promise<T> => (await import(pathToFileURL(path.join(SDK, file)).href)) as T;
const { parsePythonJson } = await load<{ parsePythonJson: (text: string) => unknown }>("codec/json/parse-python-json.ts");
const { decodeRedisEnvelope } = await load<{ decodeRedisEnvelope: (text: string) => unknown }>("codec/redis/decode-redis-envelope.ts");
const { decodeTaskMessage } = await load<{ decodeTaskMessage: (parts: RawParts) => unknown }>("codec/task/decode-task-message.ts");

const vector = (broker: string): { messages: Record<string, unknown>[] } =>
  JSON.parse(readFileSync(path.join(ROOT, `conformance/vectors/5.7.0/${broker}/simple-call.json`), "utf8")) as { messages: Record<string, unknown>[] };
const envelope = vector("redis").messages[0]?.["raw"] as string;
const amqp = vector("amqp").messages[0] as { properties: Record<string, unknown> & { headers: unknown }; body: string };
const { headers, ...properties } = amqp.properties;
const body = new Uint8Array(Buffer.from(amqp.body, "base64"));

/** Process CPU time (user + system), not wall time: on a shared machine, time spent waiting for a core is not ours. */
function cpuMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

function measure(name: string, run: () => unknown): void {
  for (let i = 0; i < 2000; i++) run(); // warm up
  let ops = 0;
  const t0 = cpuMicros();
  while (cpuMicros() - t0 < SECONDS * 1e6) {
    for (let i = 0; i < 200; i++) run();
    ops += 200;
  }
  const micros = cpuMicros() - t0;
  console.log(`${name.padEnd(44)} ${((ops / micros) * 1e6).toFixed(0).padStart(8)} ops/s  ${(micros / ops).toFixed(2).padStart(6)} µs/op (CPU)`);
}

measure("parsePythonJson(Redis envelope, 940 B)", () => parsePythonJson(envelope));
measure("decodeRedisEnvelope (Redis task, full)", () => decodeRedisEnvelope(envelope));
measure("decodeTaskMessage (AMQP parts)", () => decodeTaskMessage({ headers, properties, body, deliveryInfo: null, deliveryTag: null }));
