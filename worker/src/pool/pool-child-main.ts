// Entry of a process-pool child (forked by `createProcessPool`; never imported). Loads the task module, then runs one
// job at a time on request of the parent. argv[2] is the child config as JSON: {taskModule, softTimeLimitGraceMs}.
import { CeleryProtoError } from "../../../sdk/src/errors/celery-proto-error.js";
import { TaskRegistry, type RegisteredTask } from "../app/task-registry.js";
import { NotRegistered } from "../errors/task-control-errors.js";
import { createTaskContext } from "../execution/create-task-context.js";
import type { TaskRequest } from "../request/task-request.js";
import type { TraceCarrier } from "../../../sdk/src/tracing/trace-carrier.js";
import { createTraceContinuation } from "./continue-trace.js";
import { isPoolMessage, PARENT_MESSAGE_TYPES, type ChildMessage, type ParentMessage } from "./ipc-messages.js";
import { fromIpcValue, toIpcValue } from "./ipc-value.js";
import { loadTaskModule } from "../load-task-module.js";
import { startLimitedRun, type LimitedRun } from "./start-limited-run.js";
import { fromWireError, toWireError } from "./wire-error.js";
import { toWireOutcome } from "./wire-outcome.js";

interface ChildConfig {
  readonly taskModule: string;
  readonly softTimeLimitGraceMs: number;
}

const config = JSON.parse(process.argv[2] ?? "{}") as ChildConfig;
let current: { readonly jobId: number; readonly run: LimitedRun } | null = null;
let nextSeq = 0;
const pendingUpdates = new Map<number, { readonly resolve: () => void; readonly reject: (error: unknown) => void }>();
const continueTrace = createTraceContinuation({ warn: (message) => console.warn(`celery-proto pool process: ${message}`) });

function send(message: ChildMessage): void {
  if (process.connected) process.send?.(message);
}

// The parent went away: nothing can report our results any more.
process.on("disconnect", () => process.exit(0));
// An abandoned handler (after a soft limit's grace) may reject later; that must not take the process down.
process.on("unhandledRejection", (reason) => {
  console.error("celery-proto pool process: unhandled rejection", reason);
});

// The worker's own loading convention (worker/src/load-task-module.ts), so a module loads the same way in both.
const registry = new TaskRegistry();
try {
  await loadTaskModule(config.taskModule, registry);
} catch (error) {
  // Exit only when the parent says so (or after 10 s): exiting right away could drop this message.
  send({ type: "load-failed", error: toWireError(describeLoadFailure(error)) });
  process.on("message", () => process.exit(1));
  setTimeout(() => process.exit(1), 10_000);
  await new Promise<never>(() => undefined);
}

process.on("message", (message: unknown) => {
  if (!isPoolMessage<ParentMessage>(message, PARENT_MESSAGE_TYPES)) return;
  switch (message.type) {
    case "run":
      void runJob(message.jobId, message.task, message.request, message.trace);
      return;
    case "soft-limit":
      if (current?.jobId === message.jobId) current.run.softLimit();
      return;
    case "update-state-done": {
      const pending = pendingUpdates.get(message.seq);
      pendingUpdates.delete(message.seq);
      if (message.error === null) pending?.resolve();
      else pending?.reject(fromWireError(message.error));
      return;
    }
    case "exit":
      process.exit(0);
  }
});
send({ type: "ready", pid: process.pid, tasks: registry.names() });

/** Names the pool's option, with a hint when a `.ts` module meets a process without a TypeScript loader. */
function describeLoadFailure(error: unknown): CeleryProtoError {
  const message = error instanceof Error ? error.message : String(error);
  const cause = (error as { readonly cause?: unknown } | null)?.cause;
  const code = (cause as { readonly code?: unknown } | null | undefined)?.code;
  const hint =
    code === "ERR_UNKNOWN_FILE_EXTENSION"
      ? " (a TypeScript task module needs a loader in the pool processes: run the worker under tsx, e.g. `node --import tsx`, or pass `execArgv`)"
      : "";
  return new CeleryProtoError("InvalidOption", `taskModule: ${message}${hint}`, { cause: error });
}

async function runJob(jobId: number, taskName: string, wireRequest: unknown, trace: TraceCarrier | undefined): Promise<void> {
  const request = fromIpcValue(wireRequest) as TaskRequest;
  const task: RegisteredTask | undefined = registry.get(taskName);
  // Before `accepted`: the time limits do not count loading the OpenTelemetry API.
  const scope = trace === undefined ? null : await continueTrace(trace);
  send({ type: "accepted", jobId });
  const run = startLimitedRun(
    (signal) => {
      if (task === undefined) throw new NotRegistered(taskName);
      const context = createTaskContext(task, request, signal, (state, meta) => updateState(jobId, state, meta));
      const call = () => task.handler(request.args, request.kwargs, context);
      return scope === null ? call() : scope(call);
    },
    { softTimeLimitGraceMs: config.softTimeLimitGraceMs },
  );
  current = { jobId, run };
  const outcome = await run.outcome;
  if (current?.jobId === jobId) current = null;
  send({ type: "outcome", jobId, outcome: toWireOutcome(outcome), rssKiB: Math.round(process.memoryUsage.rss() / 1024) });
}

function updateState(jobId: number, state: string, meta: unknown): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const seq = nextSeq++;
    let wireMeta: unknown;
    try {
      wireMeta = toIpcValue(meta);
    } catch (error) {
      reject(error);
      return;
    }
    pendingUpdates.set(seq, { resolve, reject });
    send({ type: "update-state", jobId, seq, state, meta: wireMeta });
  });
}
