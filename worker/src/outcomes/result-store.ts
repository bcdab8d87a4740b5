import type { TaskSender } from "../../../sdk/src/client/task-sender.js";
import type { ResultMeta, ResultTuple } from "../../../sdk/src/gen/json-schema/types.js";
import type { ResultContext } from "./result-context.js";

/** One state write: Celery's `backend.store_result(task_id, result, state, traceback, request)`. */
export interface ResultWrite {
  readonly taskId: string;
  readonly state: string;
  /**
   * The value as the backend encodes it (`encode_result`): an exception dict (`{exc_type, exc_message, exc_module}`)
   * for exception states, otherwise anything kombu JSON encodes.
   */
  readonly result: unknown;
  readonly traceback: string | null;
  /** The request the result belongs to; null when Celery passes none (a chord body failed by `chord_error_from_stack`). */
  readonly context: ResultContext | null;
  /** `children`: the result tuples of what the task sent (callbacks, next chain step, retry message). */
  readonly children: readonly ResultTuple[];
}

/**
 * Where a worker writes task states (Celery's result backend, worker side). `RedisResultStore` and `RpcResultStore`
 * write exactly what Celery 5.7's Redis and RPC backends write.
 */
export interface ResultStore {
  readonly kind: "redis" | "rpc" | "disabled";
  /**
   * Celery's `backend.persistent`: states outlive the worker and the client, so a redelivered task can be checked
   * for a stored SUCCESS (`worker_deduplicate_successful_tasks`). Redis: true; RPC: `result_persistent`. Absent: false.
   */
  readonly persistent?: boolean;
  /** Stores (Redis) or sends (RPC) one state. Rejects on broker/backend errors and with `EncodeError` for values JSON cannot hold. */
  storeResult(write: ResultWrite): Promise<void>;
  /** `backend.get_state(task_id)`: the stored status, `PENDING` when there is none (always `PENDING` for RPC). */
  getStatus(taskId: string): Promise<string>;
  /**
   * `backend.get_task_meta(task_id)`: the stored meta document, a PENDING one when there is none. Absent when the
   * backend cannot read a state back (RPC, none): Celery sees PENDING there. Rejects on backend errors.
   */
  getMeta?(taskId: string): Promise<ResultMeta>;
  /**
   * `backend.on_chord_part_return(request, state, result)`: records one chord header result and, when it completes
   * the chord, applies the body through `sender` (or fails it with `ChordError`). `result` is encoded as in
   * `ResultWrite.result`. A no-op for backends without chord support (RPC), as in Celery.
   */
  onChordPartReturn(context: ResultContext, state: string, result: unknown, sender: TaskSender): Promise<void>;
  close(): Promise<void>;
}
