/**
 * What remote control can ask the running worker to do (implemented by the consumer/worker core; used by the
 * pidbox command handlers).
 */
export interface WorkerControl {
  /** Node name, e.g. `celery@host`. */
  readonly hostname: string;
  /** Queues consumed now. */
  queues(): readonly string[];
  addConsumer(queue: string): Promise<void>;
  cancelConsumer(queue: string): Promise<void>;
  /** Concurrency (pool size) now; grow/shrink change it. */
  concurrency(): number;
  setConcurrency(n: number): void;
  prefetchCount(): number;
  poolImplementation(): string;
  /** Warm shutdown (as SIGTERM). */
  shutdown(): void;
  /** Summary of the broker connection for `stats` (`{hostname, port, transport, virtual_host, ...}`, no password). */
  brokerInfo(): Readonly<Record<string, unknown>>;
  /** `stats` → `autoscaler` (`{max, min, current, qty}`), or null without `--autoscale`. Absent: null. */
  autoscalerInfo?(): Readonly<Record<string, unknown>> | null;
  /** The `autoscale` command: new bounds (null keeps one) → the bounds in force; null without `--autoscale`. */
  updateAutoscale?(max: number | null, min: number | null): readonly [number, number] | null;
  /** The `election` command: hold a gossip election (nothing without gossip, as Celery). Absent: nothing. */
  election?(id: string, topic: unknown, action: unknown): void;
}
