import { CeleryProtoError } from "../errors/celery-proto-error.js";
import type { ResultMeta, ResultTuple } from "../gen/json-schema/types.js";
import type { QueueSpec } from "../transport/queue-spec.js";
import type { Consumer, Delivery, Transport } from "../transport/transport.js";
import { BoundedLru } from "./bounded-lru.js";
import { decodeRpcReply } from "./decode-rpc-reply.js";
import { PendingWaits } from "./pending-waits.js";
import { createPendingMeta } from "./pending-meta.js";
import type { ResultBackend, WaitOptions } from "./result-backend.js";
import { compileRpcResultBackendOptions, type CompiledRpcResultBackendOptions, type RpcResultBackendOptions } from "./rpc-result-backend-options.js";
import { isReadyState } from "./task-states.js";

/**
 * Celery's `rpc://` result backend, client side (C:celery/backends/rpc.py): workers publish every state of a task
 * to the default exchange with `routing_key = reply_to` (this client's oid) and `correlation_id = task id`. The
 * backend declares the oid queue on first use, consumes it without acks, keeps the latest state per task id and
 * resolves waits on ready states. Results live only in this client's memory: groups and chords are not supported.
 */
export class RpcResultBackend implements ResultBackend {
  readonly kind = "rpc" as const;
  readonly replyTo: string;
  /** The reply queue as declared: `Queue(oid, exchange="", routing_key=oid, auto_delete=True, x-expires)`. */
  readonly replyQueue: QueueSpec;
  private readonly options: CompiledRpcResultBackendOptions;
  private readonly latest: BoundedLru<string, ResultMeta>;
  private readonly waits: PendingWaits;
  private starting: Promise<void> | null = null;
  private consumer: Consumer | null = null;
  private closed = false;

  /** `transport` is the broker connection replies arrive on; the backend uses it but never closes it. */
  constructor(
    private readonly transport: Transport,
    options: RpcResultBackendOptions = {},
  ) {
    this.options = compileRpcResultBackendOptions(options);
    this.replyTo = this.options.replyTo;
    this.latest = new BoundedLru(this.options.maxBufferedResults);
    this.waits = new PendingWaits(this.options.maxPendingWaits, "maxPendingWaits");
    const expires = this.options.resultExpiresSeconds;
    this.replyQueue = Object.freeze({
      name: this.replyTo,
      exchange: null,
      routingKey: this.replyTo,
      durable: this.options.durableReplyQueue,
      exclusive: false,
      autoDelete: true,
      ...(expires > 0 ? { expiresMs: Math.trunc(expires * 1000) } : {}),
    });
  }

  /** Declares the reply queue and starts consuming it (once), before the first task is published. */
  async onTaskCall(_taskId: string): Promise<void> {
    await this.start();
  }

  /** The latest state received for the task, or PENDING. */
  async getMeta(taskId: string): Promise<ResultMeta> {
    await this.start();
    return this.latest.get(taskId) ?? createPendingMeta(taskId);
  }

  async waitForReady(taskId: string, options: WaitOptions = {}): Promise<ResultMeta> {
    this.assertOpen();
    const wait = this.waits.add(taskId, options);
    void (async () => {
      try {
        await this.start();
        const meta = this.latest.get(taskId);
        if (meta !== undefined && isReadyState(meta.status)) this.waits.resolve(taskId, meta);
        else if (meta !== undefined) this.waits.notify(taskId, meta);
        wait.arm();
      } catch (e) {
        wait.fail(e);
      }
    })();
    return wait.promise;
  }

  /** Drops what this client holds for the task (nothing is stored server-side). */
  async forget(taskId: string): Promise<void> {
    this.assertOpen();
    this.latest.delete(taskId);
  }

  async saveGroup(_groupId: string, _taskIds: readonly string[]): Promise<void> {
    throw unsupported("GroupResult.save()");
  }

  async saveGroupTuple(_groupId: string, _tuple: ResultTuple): Promise<void> {
    throw unsupported("GroupResult.save()");
  }

  async restoreGroup(_groupId: string): Promise<string[] | null> {
    throw unsupported("GroupResult.restore()");
  }

  async restoreGroupTuple(_groupId: string): Promise<ResultTuple | null> {
    throw unsupported("GroupResult.restore()");
  }

  async deleteGroup(_groupId: string): Promise<void> {
    throw unsupported("GroupResult.delete()");
  }

  async setChordSize(_groupId: string, _size: number): Promise<void> {
    throw unsupported("chords");
  }

  /** Stops consuming (the auto-delete reply queue then goes away) and rejects every wait with `TransportClosed`. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.waits.rejectAll(new CeleryProtoError("TransportClosed", "the RPC result backend was closed while waiting"));
    this.latest.clear();
    const starting = this.starting;
    if (starting !== null) await starting.catch(() => {});
    const consumer = this.consumer;
    this.consumer = null;
    await consumer?.cancel().catch(() => {});
  }

  private start(): Promise<void> {
    this.assertOpen();
    if (this.starting === null) {
      const starting = (async () => {
        await this.transport.declareQueue(this.replyQueue);
        this.consumer = await this.transport.consume([this.replyTo], (d) => this.onDelivery(d), { prefetch: 0, noAck: true });
        if (this.closed) await this.consumer.cancel();
      })();
      this.starting = starting;
      // A failed start (broker down) is retried by the next call.
      starting.catch(() => {
        if (this.starting === starting) this.starting = null;
      });
    }
    return this.starting;
  }

  private onDelivery(delivery: Delivery): void {
    if (this.closed) return;
    let taskId: string;
    let meta: ResultMeta;
    try {
      ({ taskId, meta } = decodeRpcReply(delivery.message, this.options.accept));
    } catch (e) {
      this.options.onError(CeleryProtoError.from(e));
      return;
    }
    this.latest.set(taskId, meta);
    this.waits.notify(taskId, meta);
    if (isReadyState(meta.status)) this.waits.resolve(taskId, meta);
  }

  private assertOpen(): void {
    if (this.closed) throw new CeleryProtoError("TransportClosed", "the RPC result backend is closed");
  }
}

/** Creates an `rpc://` result backend receiving replies through `transport` (which stays the caller's to close). */
export function createRpcResultBackend(transport: Transport, options: RpcResultBackendOptions = {}): RpcResultBackend {
  return new RpcResultBackend(transport, options);
}

function unsupported(what: string): CeleryProtoError {
  return new CeleryProtoError(
    "InvalidOption",
    `chords/groups save not supported by the RPC backend: ${what} needs a result backend that stores results (use a redis:// result backend)`,
  );
}
