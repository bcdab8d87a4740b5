// Prints, as JSON, the npm packages a process has loaded at three points: after importing the built
// `celery-proto/worker` entry and the CLI's commands, after a worker on memory:// started and stopped without metrics,
// and after `serveWorkerMetrics` on another one. `node worker-module-loads.ts <dist dir>` (no tsx needed).
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";

const dist = process.argv[2] ?? "dist";
const packages = (): string[] => [
  ...new Set(
    Object.keys(createRequire(import.meta.url).cache)
      .filter((file) => file.includes("/node_modules/"))
      .map((file) =>
        file
          .slice(file.lastIndexOf("/node_modules/") + 14)
          .split("/")
          .slice(0, file.includes("/node_modules/@") ? 2 : 1)
          .join("/"),
      ),
  ),
];
const load = (file: string) => import(pathToFileURL(path.resolve(dist, file)).href);
const worker = await load("worker/index.js");
await load("cli/commands.js");
const imported = packages();
const plain = worker.createWorker({ broker: "memory://", control: false, heartbeat: false, mingle: false, concurrency: 1 });
await plain.start();
await plain.stop();
const ran = packages();
const measured = worker.createWorker({ broker: "memory://", control: false, heartbeat: false, mingle: false, concurrency: 1 });
const server = await worker.serveWorkerMetrics(measured, { port: 0 });
await measured.start();
await measured.stop();
await server.close();
process.stdout.write(`${JSON.stringify({ imported, ran, withMetrics: packages() })}\n`);
