// The TypeScript twin of conformance/python/worker_lost_app: tasks whose pool process dies under them, for
// `proto worker -P process` in worker-reject-on-worker-lost.test.ts. Each kills its own process (SIGKILL), as a
// segfault or the OOM killer would; the pool must report WorkerLostError and start a new process.
import { appendFileSync, existsSync, writeFileSync } from "node:fs";
import type { TaskRegistry } from "../../worker/src/app/task-registry.js";

type Kwargs = Readonly<Record<string, unknown>>;

function die(): never {
  process.kill(process.pid, "SIGKILL");
  // SIGKILL is not delivered synchronously: nothing may run after it.
  for (;;) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
}

export function register(registry: TaskRegistry): void {
  // acks_late without reject_on_worker_lost: the message is acked and FAILURE WorkerLostError stored.
  registry.register<[], never, Kwargs>("workerlost.die", () => die(), { acksLate: true });
  // acks_on_failure=False: rejected without requeue (dropped), FAILURE WorkerLostError stored all the same.
  registry.register<[], never, Kwargs>("workerlost.die_no_ack", () => die(), { acksLate: true, acksOnFailure: false });
  // Dies the first time (while `marker` does not exist, writing this process's pid there); the requeued message then
  // runs to the end and returns the pid of the process that ran it.
  registry.register<[string], { pid: number }, Kwargs>(
    "workerlost.die_once",
    ([marker]) => {
      if (!existsSync(marker)) {
        writeFileSync(marker, String(process.pid));
        die();
      }
      return { pid: process.pid };
    },
    { acksLate: true, rejectOnWorkerLost: true },
  );
  // Dies every time, appending its pid to `marker`: a redelivered message is requeued again (a loop, as in Celery).
  registry.register<[string], never, Kwargs>(
    "workerlost.die_always",
    ([marker]) => {
      appendFileSync(marker, `${process.pid}\n`);
      die();
    },
    { acksLate: true, rejectOnWorkerLost: true },
  );
  // retry_on_worker_lost over reject_on_worker_lost: sent again (RETRY) while retries are left, then FAILURE.
  registry.register<[], never, Kwargs>("workerlost.die_retry", () => die(), {
    acksLate: true,
    rejectOnWorkerLost: true,
    retryOnWorkerLost: true,
    maxRetries: 1,
    defaultRetryDelay: 0,
  });
  registry.register<[], number, Kwargs>("workerlost.pid", () => process.pid);
}
