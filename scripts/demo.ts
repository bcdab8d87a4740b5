// The main job, end to end on real parts: a TypeScript worker (`proto worker`) serves tasks enqueued from
// TypeScript (celery-proto's client) and from Python (plain Celery); both read the results back.
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { createClient, RemoteTaskError } from "../sdk/src/index.js";
import { redisDbUrl } from "../conformance/harness/broker-urls.js";
import { ProtoWorkerProcess } from "../conformance/harness/proto-worker-process.js";

const ROOT = path.resolve(import.meta.dirname, "..");
const queue = `demo-${randomUUID().slice(0, 8)}`;
const broker = redisDbUrl(8);
const backend = redisDbUrl(9);

const worker = await ProtoWorkerProcess.start([
  "-A",
  "examples/demo/tasks.ts",
  "-Q",
  queue,
  "-c",
  "4",
  "-l",
  "INFO",
  "-n",
  `demo-${process.pid}@%h`,
  "--broker",
  broker,
  "--backend",
  backend,
]);
console.log(
  worker.log
    .split("\n")
    .filter((l) => l.trim() !== "")
    .slice(0, 20)
    .join("\n"),
);

const client = await createClient({ broker, backend, defaultQueue: queue });
try {
  const sum = await client.enqueue("demo.add", [2, 3]);
  console.log("typescript: demo.add(2, 3) ->", await sum.get({ timeoutMs: 30_000 }));
  const greet = await client.enqueue("demo.greet", ["Celery"], { greeting: "Hi" });
  console.log("typescript: demo.greet('Celery', greeting='Hi') ->", await greet.get({ timeoutMs: 30_000 }));
  try {
    await (await client.enqueue("demo.fail", ["boom"])).get({ timeoutMs: 30_000 });
  } catch (e) {
    if (!RemoteTaskError.is(e)) throw e;
    console.log(`typescript: demo.fail raised ${e.excModule}.${e.excType}: ${e.message}`);
  }
  process.stdout.write(
    execFileSync(path.join(ROOT, ".venv/bin/python"), ["examples/demo/python_client.py", broker, backend, queue], { cwd: ROOT, encoding: "utf8" }),
  );
} finally {
  await client.close();
  await worker.stop();
}
