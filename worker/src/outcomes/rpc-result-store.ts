import { serializeBody } from "../../../sdk/src/codec/body/serialize-body.js";
import type { Transport } from "../../../sdk/src/transport/transport.js";
import { buildResultMeta } from "./build-result-meta.js";
import type { ResultStore, ResultWrite } from "./result-store.js";

/** Options of `createRpcResultStore`. Every default is Celery 5.7's. */
export interface RpcResultStoreOptions {
  /** The broker connection replies are published on (the worker's own). The store does not close it. */
  readonly transport: Transport;
  /** `result_extended`: 5.7 sends the extended fields in RPC replies too. Default false. */
  readonly resultExtended?: boolean;
  /** `result_persistent`: delivery mode 2 instead of 1. Default false. */
  readonly persistent?: boolean;
  /** `app.now()`: the clock of `date_done`. Default: the current time. */
  readonly now?: () => Date;
}

/**
 * Celery 5.7's RPC result backend, worker side (C:celery/backends/rpc.py `store_result`): every state is published
 * to the default exchange `""` with routing key = the request's `reply_to` (the client's oid queue),
 * `correlation_id` = the request's correlation id or the task id, delivery mode 1, priority 0, empty headers; the body
 * is the same meta document the Redis backend stores (in 5.7: with `date_done`, `group_id`/`parent_id` and the
 * extended fields). Nothing is sent for a request without `reply_to`. Chords are not supported (as in Celery).
 */
export class RpcResultStore implements ResultStore {
  readonly kind = "rpc" as const;
  /** `result_persistent` (Celery's `RPCBackend.persistent`). */
  readonly persistent: boolean;
  private readonly transport: Transport;
  private readonly meta: { readonly resultExtended: boolean; readonly now: () => Date };
  private readonly deliveryMode: 1 | 2;

  constructor(options: RpcResultStoreOptions) {
    this.transport = options.transport;
    this.meta = { resultExtended: options.resultExtended ?? false, now: options.now ?? (() => new Date()) };
    this.persistent = options.persistent === true;
    this.deliveryMode = this.persistent ? 2 : 1;
  }

  async storeResult(write: ResultWrite): Promise<void> {
    const replyTo = write.context?.replyTo;
    if (replyTo === null || replyTo === undefined || replyTo === "") return;
    const body = serializeBody(buildResultMeta(write, this.meta), "json");
    await this.transport.publish({
      exchange: "",
      routingKey: replyTo,
      body: body.body,
      properties: {
        content_type: body.contentType,
        content_encoding: body.contentEncoding,
        correlation_id: write.context?.correlationId || write.taskId,
        delivery_mode: this.deliveryMode,
        priority: 0,
        headers: {},
      },
    });
  }

  /** The RPC backend cannot read a state back from a worker; `_fail_chain` sees PENDING, as with Celery. */
  async getStatus(): Promise<string> {
    return "PENDING";
  }

  /** `BaseBackend.on_chord_part_return` does nothing: the RPC backend has no chords. */
  async onChordPartReturn(): Promise<void> {}

  async close(): Promise<void> {}
}

/** An RPC result store publishing replies on `options.transport`. */
export function createRpcResultStore(options: RpcResultStoreOptions): RpcResultStore {
  return new RpcResultStore(options);
}
