// Run under `node --import tsx --import ./hide-opentelemetry.mjs otel-absent-run.ts <case> [broker] [queue]` (every
// @opentelemetry/* unresolvable): the built package (dist/) as an application with no OpenTelemetry installed uses it.
// Prints one JSON line:
// - `round-trip <redis url> <queue>`: our client enqueues, our worker (same process) runs it, the client reads the result
//   from the Redis backend; `{ result, attempts, loaded, hidden }`: attempts to resolve @opentelemetry/* during the run
//   (from $HIDE_OTEL_LOG), whether any is in the require cache, and the hook's own check (import and require refused);
// - `client` / `worker`: `createClient({ tracing: true })` / a worker with `tracing: true` started, on memory://;
//   `{ error: { code, message } }` or `{ error: null }`.
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";

const ROOT = path.resolve(import.meta.dirname, "../..");
const sdk = (await import(pathToFileURL(path.join(ROOT, "dist/sdk/index.js")).href)) as typeof import("../../sdk/src/index.js");
const workers = (await import(pathToFileURL(path.join(ROOT, "dist/worker/index.js")).href)) as typeof import("../../worker/src/index.js");

const [mode, broker = "memory://", queue = "celery"] = process.argv.slice(2);
const attempts = (): string[] => {
  const log = process.env["HIDE_OTEL_LOG"];
  return log !== undefined && existsSync(log)
    ? readFileSync(log, "utf8")
        .split("\n")
        .filter((l) => l !== "")
    : [];
};
const loaded = (): boolean => Object.keys(createRequire(import.meta.url).cache).some((f) => f.includes("/node_modules/@opentelemetry/"));
const described = (e: unknown): { code: string; message: string } => ({
  code: String((e as { code?: unknown }).code),
  message: e instanceof Error ? e.message : String(e),
});
const print = (value: unknown): void => void process.stdout.write(`${JSON.stringify(value)}\n`);
const quiet = { control: false, heartbeat: false, mingle: false, logLevel: "CRITICAL" } as const;

if (mode === "round-trip") {
  const worker = workers.createWorker({ broker, backend: broker, queues: [queue], pool: "async", concurrency: 1, ...quiet });
  worker.registry.register("otelabsent.add", ([x, y]: readonly [number, number]) => x + y);
  await worker.start();
  const client = await sdk.createClient({ broker, backend: broker, defaultQueue: queue });
  const result = await (await client.enqueue("otelabsent.add", [2, 3])).get({ timeoutMs: 30_000 });
  await client.close();
  await worker.stop();
  const during = attempts();
  const hidden = {
    import: await import("@opentelemetry/api").then(
      () => "resolved",
      (e: unknown) => described(e).code,
    ),
    require: (() => {
      try {
        createRequire(import.meta.url)("@opentelemetry/api");
        return "resolved";
      } catch (e) {
        return described(e).code;
      }
    })(),
  };
  print({ result, attempts: during, loaded: loaded(), hidden });
} else if (mode === "client") {
  try {
    const client = await sdk.createClient({ broker: "memory://", backend: null, tracing: true });
    await client.close();
    print({ error: null });
  } catch (e) {
    print({ error: described(e) });
  }
} else if (mode === "worker") {
  const worker = workers.createWorker({ broker: "memory://", backend: null, tracing: true, ...quiet });
  try {
    await worker.start();
    print({ error: null });
  } catch (e) {
    print({ error: described(e) });
  }
  await worker.stop();
} else throw new Error(`otel-absent-run.ts: unknown case ${mode}`);
process.exit(0);
