// A `proto worker -A` module with a `setupWorker(worker)` export (conformance/tests/worker-setup-hook.test.ts and
// worker-broker-reconnect.test.ts): it appends one JSON line per call and per lifecycle event, with the pid that saw
// it, to $SETUP_WORKER_EVENTS; with $SETUP_WORKER_FAIL set it rejects instead, with that text.
import { appendFileSync } from "node:fs";
import type { WorkerEventName } from "../../worker/src/lifecycle/worker-event-map.js";
import type { Worker } from "../../worker/src/worker.js";

const EVENTS: readonly WorkerEventName[] = [
  "worker:ready",
  "task:received",
  "task:started",
  "task:succeeded",
  "broker:disconnected",
  "broker:reconnected",
  "worker:shutdown",
];

function record(line: Record<string, unknown>): void {
  appendFileSync(process.env["SETUP_WORKER_EVENTS"] ?? "/dev/null", `${JSON.stringify({ ...line, pid: process.pid })}\n`);
}

export const tasks = { "setuphook.add": ([x, y]: readonly [number, number]) => x + y };

export async function setupWorker(worker: Worker): Promise<void> {
  await Promise.resolve();
  const failure = process.env["SETUP_WORKER_FAIL"];
  if (failure !== undefined && failure !== "") throw new Error(failure);
  record({ event: "setupWorker", hostname: worker.hostname, tasks: worker.registry.names().filter((n) => n.startsWith("setuphook.")) });
  for (const name of EVENTS)
    worker.on(name, (payload) =>
      record({ event: name, ...("taskId" in payload ? { taskId: payload.taskId } : {}), ...("pid" in payload ? { runPid: payload.pid } : {}) }),
    );
}
