// Test stand-ins for the worker core suites (core-*.test.ts): a recording outcome recorder and event dispatcher, a
// capturing logger, a transport wrapper that records how each message was settled, and a message publisher.
import { encodeAmqpPublish } from "../../sdk/src/codec/amqp/encode-amqp-publish.js";
import { createTaskMessage } from "../../sdk/src/codec/task/create-task-message.js";
import type { TaskMessageInput } from "../../sdk/src/codec/task/task-message-input.js";
import { MemoryTransport } from "../../sdk/src/transport/memory/memory-transport.js";
import type { Consumer, Delivery, Transport } from "../../sdk/src/transport/transport.js";
import type { EventDispatcher } from "../src/events/event-dispatcher.js";
import { createCeleryLogger, type WorkerLogger } from "../src/logging/worker-logger.js";
import type { OutcomeRecorder } from "../src/outcomes/outcome-recorder.js";

export interface RecordedOutcome {
  readonly method: string;
  readonly id: string;
  readonly detail: unknown;
  /** `failed`'s options (`{traceback: false}` for a lost pool process), when given. */
  readonly options?: unknown;
}

/** An OutcomeRecorder that stores nothing and remembers every call (stand-in until the real recorder is wired). */
export function recordingOutcomes(options: { retry?: "retried" | "exhausted"; fail?: boolean } = {}): OutcomeRecorder & { readonly calls: RecordedOutcome[] } {
  const calls: RecordedOutcome[] = [];
  const push = async (method: string, id: string, detail: unknown, failureOptions?: unknown): Promise<void> => {
    calls.push(failureOptions === undefined ? { method, id, detail } : { method, id, detail, options: failureOptions });
    if (options.fail === true) throw new Error("backend down");
  };
  return {
    calls,
    started: (r) => push("started", r.id, null),
    succeeded: (r, _t, value, runtime) => push("succeeded", r.id, { value, runtime }),
    failed: (r, _t, error, failureOptions) => push("failed", r.id, error, failureOptions),
    retry: async (r, _t, o) => {
      await push("retry", r.id, o);
      return options.retry ?? "retried";
    },
    revoked: (r, reason) => push("revoked", r.id, reason),
    updateState: (r, state, meta) => push("updateState", r.id, { state, meta }),
    notRegistered: (r) => push("notRegistered", r.id, r.task),
  };
}

/** An EventDispatcher that remembers what it was asked to send. */
export function recordingEvents(enabled = true): EventDispatcher & { readonly sent: { type: string; fields: Record<string, unknown> }[] } {
  const sent: { type: string; fields: Record<string, unknown> }[] = [];
  return {
    sent,
    enabled,
    setEnabled() {},
    send(type, fields) {
      sent.push({ type, fields: { ...fields } });
    },
    async close() {},
  };
}

/** A Celery-format logger writing into an array. */
export function captureLogger(level: "DEBUG" | "INFO" | "WARNING" = "DEBUG"): WorkerLogger & { readonly lines: string[] } {
  const lines: string[] = [];
  const logger = createCeleryLogger({ level, write: (text) => lines.push(text) });
  return Object.assign(logger, { lines });
}

export type Settlement = { readonly id: string | null; readonly action: "ack" | "reject" | "requeue" };

/** Wraps a transport so that every ack/reject of a consumed message is recorded (by task id header when present). */
export function recordingTransport(
  inner: Transport = new MemoryTransport(),
  /** Poses as another kind of transport (e.g. "redis", which gets the `starving` consume option). */
  kind: Transport["kind"] = inner.kind,
): Transport & {
  readonly settlements: Settlement[];
  readonly prefetches: number[];
  /** The `starving` option of the last consume() and how often `Consumer.starving()` was called. */
  readonly fetchSignals: { starving: (() => boolean) | null; notified: number };
} {
  const settlements: Settlement[] = [];
  const prefetches: number[] = [];
  const fetchSignals: { starving: (() => boolean) | null; notified: number } = { starving: null, notified: 0 };
  const wrap = (d: Delivery): Delivery => {
    const headers = d.message.headers as Record<string, unknown> | null;
    const id = headers !== null && typeof headers === "object" && typeof headers["id"] === "string" ? headers["id"] : null;
    return {
      message: d.message,
      queue: d.queue,
      ack: async () => {
        settlements.push({ id, action: "ack" });
        await d.ack();
      },
      reject: async (requeue) => {
        settlements.push({ id, action: requeue ? "requeue" : "reject" });
        await d.reject(requeue);
      },
    };
  };
  return {
    settlements,
    prefetches,
    fetchSignals,
    kind,
    declareExchange: (e) => inner.declareExchange(e),
    declareQueue: (q) => inner.declareQueue(q),
    publish: (m) => inner.publish(m),
    purge: (q) => inner.purge(q),
    deleteQueue: (q) => inner.deleteQueue(q),
    close: () => inner.close(),
    async consume(queues, onDelivery, options) {
      prefetches.push(options.prefetch);
      fetchSignals.starving = options.starving ?? null;
      const consumer: Consumer = await inner.consume(queues, (d) => onDelivery(wrap(d)), options);
      return {
        cancel: () => consumer.cancel(),
        starving: () => {
          fetchSignals.notified += 1;
          consumer.starving?.();
        },
        setPrefetch: async (n: number) => {
          prefetches.push(n);
          await consumer.setPrefetch?.(n);
        },
      };
    },
  };
}

/** Publishes a Celery task message (encoded as Python Celery would) to a queue through the default exchange. */
export async function publishTask(transport: Transport, input: TaskMessageInput, queue = "celery"): Promise<string> {
  const message = createTaskMessage(input);
  await transport.publish(encodeAmqpPublish(message, { routingKey: queue }));
  return message.headers.id;
}

/** Polls until `check` returns true (or throws after `timeoutMs`). */
export async function waitUntil(check: () => boolean, timeoutMs = 5000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
