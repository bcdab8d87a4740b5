// Tasks of consumer-processes.test.ts (`proto worker --consumer-processes 2`): each run is appended to a file (to
// count runs per task) and returns the pid of the consumer process that ran it.
import { appendFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import type { TaskRegistry } from "../../worker/src/app/task-registry.js";

type Kwargs = Readonly<Record<string, unknown>>;

export function register(registry: TaskRegistry): void {
  registry.register<[string, string, number], number, Kwargs>("multiproc.whoami", async ([token, runsFile, sleepMs]) => {
    appendFileSync(runsFile, `${token} ${process.pid}\n`);
    await sleep(sleepMs);
    return process.pid;
  });
}
