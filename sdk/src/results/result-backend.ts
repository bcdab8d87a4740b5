import type { ResultMeta } from "../gen/json-schema/types.js";

export interface WaitOptions {
  /** Milliseconds; default: wait forever. Expiry rejects with `CeleryProtoError` code `Timeout`. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/**
 * Where task results are read (and, for workers, written). Implementations: Redis (`redis://`, kombu-compatible
 * keys `celery-task-meta-<id>`, SUBSCRIBE-before-publish) and RPC (`rpc://`, replies on the client's oid queue).
 */
export interface ResultBackend {
  readonly kind: "redis" | "rpc" | "disabled";
  /**
   * The `reply_to` every task message from this client must carry. For RPC it is the reply queue (the client oid);
   * for others any stable id of this client (Celery always sends one).
   */
  readonly replyTo: string;
  /** Called before a task whose result will be awaited is published (Redis: SUBSCRIBE; RPC: declare the reply queue). */
  onTaskCall(taskId: string): Promise<void>;
  /** The current meta; `{status: "PENDING", result: null, task_id}` when nothing is stored. */
  getMeta(taskId: string): Promise<ResultMeta>;
  /** Resolves with the meta once the task is in a ready state (SUCCESS, FAILURE, REVOKED). */
  waitForReady(taskId: string, options?: WaitOptions): Promise<ResultMeta>;
  /** Deletes the stored result (`AsyncResult.forget`). */
  forget(taskId: string): Promise<void>;
  /** `GroupResult.save()`: stores `celery-taskset-meta-<gid>` as Celery does. */
  saveGroup(groupId: string, taskIds: readonly string[]): Promise<void>;
  /** `GroupResult.restore()`: the member ids, or null when nothing was saved. */
  restoreGroup(groupId: string): Promise<string[] | null>;
  /** Chord support (Redis): `SETEX celery-taskset-meta-<gid>.s` before the last header task is published. */
  setChordSize(groupId: string, size: number): Promise<void>;
  close(): Promise<void>;
}
