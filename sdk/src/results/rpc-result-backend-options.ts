import { randomUUID } from "node:crypto";
import { resolveAcceptList } from "../codec/body/content-types.js";
import { checkCount, checkReplyTo, checkSeconds } from "./check-option.js";

/** Options of `createRpcResultBackend`. Every option has a Celery-compatible default. */
export interface RpcResultBackendOptions {
  /**
   * The client oid: the reply queue's name, the routing key workers reply with, and the `reply_to` of every task
   * message. Celery uses a uuid3 (`kombu.common.oid_from`); any unique string works. Default: a new uuid4.
   */
  readonly replyTo?: string;
  /**
   * Celery's `result_expires` in seconds: the reply queue's `x-expires` is this times 1000 (the queue is deleted after
   * that long unused). `0` declares no `x-expires`. Default `86400`.
   */
  readonly resultExpiresSeconds?: number;
  /**
   * Declare the reply queue durable. Celery 5.7 declares it durable (RabbitMQ 4 deprecates transient non-exclusive
   * queues); 5.2–5.6 declared it `durable=False`. Only this client declares it, so either works. Default `true`.
   */
  readonly durableReplyQueue?: boolean;
  /** Serializers accepted in replies (Celery's `result_accept_content`), by name or content type. Default `["json"]`. */
  readonly accept?: readonly string[];
  /** Most waits in flight at once; one more rejects with `BufferOverflow`. Default `10000`. */
  readonly maxPendingWaits?: number;
  /** Latest states kept in memory, one per task id, least recently used dropped first. Default `8192`. */
  readonly maxBufferedResults?: number;
  /** Replies that cannot be decoded (they are dropped, as kombu does after logging). Default: ignored. */
  readonly onError?: (error: Error) => void;
}

/** `RpcResultBackendOptions` with every default applied, validated and frozen. */
export interface CompiledRpcResultBackendOptions {
  readonly replyTo: string;
  readonly resultExpiresSeconds: number;
  readonly durableReplyQueue: boolean;
  readonly accept: readonly string[];
  readonly maxPendingWaits: number;
  readonly maxBufferedResults: number;
  readonly onError: (error: Error) => void;
}

/** The defaults, as documented on each option (`replyTo` is generated per backend). */
export const DEFAULT_RPC_RESULT_BACKEND_OPTIONS = Object.freeze({
  resultExpiresSeconds: 86_400,
  durableReplyQueue: true,
  accept: Object.freeze(["json"]),
  maxPendingWaits: 10_000,
  maxBufferedResults: 8_192,
});

/** Applies defaults and rejects out-of-range values with `InvalidOption` naming the option. */
export function compileRpcResultBackendOptions(options: RpcResultBackendOptions = {}): CompiledRpcResultBackendOptions {
  const d = DEFAULT_RPC_RESULT_BACKEND_OPTIONS;
  const accept = Object.freeze([...(options.accept ?? d.accept)]);
  resolveAcceptList(accept);
  return Object.freeze({
    replyTo: checkReplyTo(options.replyTo ?? randomUUID()),
    resultExpiresSeconds: checkSeconds(options.resultExpiresSeconds ?? d.resultExpiresSeconds, "resultExpiresSeconds"),
    durableReplyQueue: options.durableReplyQueue ?? d.durableReplyQueue,
    accept,
    maxPendingWaits: checkCount(options.maxPendingWaits ?? d.maxPendingWaits, "maxPendingWaits", 1),
    maxBufferedResults: checkCount(options.maxBufferedResults ?? d.maxBufferedResults, "maxBufferedResults", 1),
    onError: options.onError ?? (() => {}),
  });
}
