// Test helpers for the pidbox and event tests: held requests built from real task messages, and a WorkerControl stub.
import { createTaskMessage } from "../../sdk/src/codec/task/create-task-message.js";
import type { TaskRegistry } from "../src/app/task-registry.js";
import type { WorkerControl } from "../src/app/worker-control.js";
import type { HeldRequest, WorkerState } from "../src/app/worker-state.js";
import type { LogSink } from "../src/events/log-sink.js";
import type { TaskRequest } from "../src/request/task-request.js";

export interface FakeRequestInput {
  readonly id?: string;
  readonly task: string;
  readonly args?: readonly unknown[];
  readonly kwargs?: Readonly<Record<string, unknown>>;
  readonly hostname: string;
  readonly eta?: Date;
  readonly stamps?: Readonly<Record<string, unknown>>;
}

/** A TaskRequest as the consumer would build it from a message Celery's producer wrote. */
export function fakeRequest(input: FakeRequestInput): TaskRequest {
  const message = createTaskMessage({
    task: input.task,
    args: [...(input.args ?? [])],
    kwargs: { ...input.kwargs },
    ...(input.id ? { id: input.id } : {}),
    ...(input.eta ? { eta: input.eta } : {}),
  });
  const h = message.headers;
  return {
    id: h.id,
    task: h.task,
    name: h.task,
    args: message.args,
    kwargs: message.kwargs,
    retries: 0,
    rootId: h.root_id ?? null,
    parentId: h.parent_id ?? null,
    groupId: null,
    groupIndex: null,
    eta: message.eta,
    expires: null,
    timeLimit: [null, null],
    callbacks: null,
    errbacks: null,
    chain: null,
    chord: null,
    headers: {},
    replyTo: null,
    correlationId: h.id,
    ignoreResult: null,
    stamps: input.stamps ?? {},
    stampedHeaders: Object.keys(input.stamps ?? {}),
    replacedTaskNesting: 0,
    origin: null,
    argsrepr: String(h.argsrepr),
    kwargsrepr: String(h.kwargsrepr),
    deliveryInfo: { exchange: "", routingKey: "celery", priority: 0, redelivered: false },
    hostname: input.hostname,
    message,
  };
}

/** Adds a request to one of the state's maps; returns the abort reasons it receives. */
export function holdRequest(state: WorkerState, where: "active" | "reserved" | "scheduled", request: TaskRequest): string[] {
  const aborts: string[] = [];
  const held: HeldRequest = {
    request,
    timeStart: where === "active" ? 1_700_000_000.5 : null,
    acknowledged: where === "active",
    abort: (reason) => void aborts.push(reason),
    priority: 0,
  };
  if (where === "scheduled") state.scheduled.set(request.id, { ...held, eta: request.eta ?? new Date(Date.now() + 60_000) });
  else state[where].set(request.id, held);
  return aborts;
}

/** A WorkerControl that records what remote control asked for. */
export class StubControl implements WorkerControl {
  readonly calls: string[] = [];
  private consumed: string[];
  private size = 4;
  constructor(
    readonly hostname: string,
    queues: readonly string[] = ["celery"],
  ) {
    this.consumed = [...queues];
  }
  queues(): readonly string[] {
    return this.consumed;
  }
  async addConsumer(queue: string): Promise<void> {
    this.calls.push(`addConsumer ${queue}`);
    this.consumed.push(queue);
  }
  async cancelConsumer(queue: string): Promise<void> {
    this.calls.push(`cancelConsumer ${queue}`);
    this.consumed = this.consumed.filter((q) => q !== queue);
  }
  concurrency(): number {
    return this.size;
  }
  setConcurrency(n: number): void {
    this.calls.push(`setConcurrency ${n}`);
    this.size = n;
  }
  prefetchCount(): number {
    return this.size * 4;
  }
  poolImplementation(): string {
    return "celery_proto.pool:AsyncPool";
  }
  shutdown(): void {
    this.calls.push("shutdown");
  }
  brokerInfo(): Readonly<Record<string, unknown>> {
    return { hostname: "127.0.0.1", port: 0, transport: "memory", virtual_host: "/" };
  }
}

/** A log sink that keeps the lines (tests assert nothing unexpected was logged as an error). */
export function recordingLog(): LogSink & { readonly lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => void lines.push(`INFO ${m}`),
    warning: (m, e) => void lines.push(`WARNING ${m}${e === undefined ? "" : `: ${String(e)}`}`),
    error: (m, e) => void lines.push(`ERROR ${m}${e === undefined ? "" : `: ${String(e)}`}`),
    critical: (m, e) => void lines.push(`CRITICAL ${m}${e === undefined ? "" : `: ${String(e)}`}`),
  };
}

/** Registers the conformance app's task names (so `registered` and `rate_limit` have something to show). */
export function registerConformanceTasks(registry: TaskRegistry): void {
  registry.register("conformance.add", (args) => Number(args[0]) + Number(args[1]));
  registry.register("conformance.echo", (args) => args[0], { rateLimit: "10/m" });
  registry.register("conformance.sleep", async (args) => new Promise((r) => setTimeout(r, Number(args[0]) * 1000)));
}
