import type { ResultMeta, ResultTuple } from "../gen/json-schema/types.js";

export interface WaitOptions {
  /** Milliseconds; default: wait forever. Expiry rejects with `CeleryProtoError` code `Timeout`. */
  readonly timeoutMs?: number;
  /** Aborting rejects the wait with the signal's reason. Default: none. */
  readonly signal?: AbortSignal;
  /**
   * Called with every state the backend receives for the task while waiting (STARTED, RETRY, custom states, then
   * the ready one), like Celery's `get(on_message=...)`. Default: none.
   */
  readonly onMessage?: (meta: ResultMeta) => void;
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
  /**
   * True where `onTaskCall` may run alongside the publish instead of before it, because a wait reads the stored result
   * once subscribed (Redis, as Celery's ResultConsumer). Absent or false: the client awaits `onTaskCall` first (RPC:
   * a reply sent before the reply queue exists is lost).
   */
  readonly taskCallOverlapsPublish?: boolean;
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
  /**
   * Optional: `GroupResult.save()` with the full `as_tuple()` (members with parents, nested groups), stored
   * byte-identical to Celery's. `saveGroup` is the flat form of the same.
   */
  saveGroupTuple?(groupId: string, tuple: ResultTuple): Promise<void>;
  /** Optional: the saved group's full result tuple, or null when nothing was saved. */
  restoreGroupTuple?(groupId: string): Promise<ResultTuple | null>;
  /** Optional: `GroupResult.delete()`: removes the saved group. */
  deleteGroup?(groupId: string): Promise<void>;
  close(): Promise<void>;
}
