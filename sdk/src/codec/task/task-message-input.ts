import type { Signature } from "../../gen/json-schema/types.js";

/**
 * Everything `apply_async` can put into a task message, by TypeScript names. Each field maps to one wire field
 * (see `createTaskMessage`); anything unset gets Celery's default.
 */
export interface TaskMessageInput {
  /** Registered task name (`task` header). */
  readonly task: string;
  readonly args?: readonly unknown[];
  readonly kwargs?: Readonly<Record<string, unknown>>;
  /** Task id (`id` header and `correlation_id`). Default: a new uuid4. */
  readonly id?: string;
  /** Seconds from `now` until the task may run; becomes the `eta` header. Ignored when 0, as in Celery. */
  readonly countdown?: number;
  /** Earliest run time. A string is sent unchanged (how retries keep the original text). */
  readonly eta?: Date | string | null;
  /** Seconds from `now`, an instant, or an ISO string (sent unchanged). Also sets the AMQP `expiration` property. */
  readonly expires?: number | Date | string | null;
  /** Name shown in logs and events instead of `task`. */
  readonly shadow?: string | null;
  /** Group id (`group` header) of a group or chord member. */
  readonly groupId?: string | null;
  readonly groupIndex?: number | null;
  /** Retry count. Default 0. */
  readonly retries?: number;
  /** Hard time limit in seconds (first element of `timelimit`). */
  readonly timeLimit?: number | null;
  /** Soft time limit in seconds (second element of `timelimit`). */
  readonly softTimeLimit?: number | null;
  /** Default: the task id. */
  readonly rootId?: string | null;
  readonly parentId?: string | null;
  /** Default: `gen<pid>@<hostname>`, like Celery's `anon_nodename()`. */
  readonly origin?: string;
  /** Default false. */
  readonly ignoreResult?: boolean;
  /** Default 0; +1 per `Task.replace`. */
  readonly replacedTaskNesting?: number;
  /** Stamps: each key becomes a name in `stamped_headers` and an entry of `stamps`. */
  readonly stamps?: Readonly<Record<string, unknown>>;
  /** Custom headers, merged at the top level of the headers (as `apply_async(headers=...)`). */
  readonly headers?: Readonly<Record<string, unknown>>;
  /** Callbacks on success (`embed.callbacks`). */
  readonly link?: Signature | readonly Signature[] | null;
  /** Callbacks on failure (`embed.errbacks`). */
  readonly linkError?: Signature | readonly Signature[] | null;
  /** Remaining chain steps, already in the wire's reverse order (next step last). */
  readonly chain?: readonly Signature[] | null;
  /** Chord body, for a chord header member. */
  readonly chord?: Signature | null;
  /** `reply_to` property: the client's oid. Default `""`. */
  readonly replyTo?: string;
  /**
   * Message priority (0–255; Celery and RabbitMQ priority queues use 0–9). Default 0, kombu's `Producer.publish`
   * default. `null` sends no `priority` property, as kombu does for `priority=None` (what Celery passes from a task's
   * exec options when neither the task, `task_default_priority` nor the parent sets one); on Redis the envelope then
   * holds 0, as kombu's virtual transport writes `priority or default_priority`.
   */
  readonly priority?: number | null;
  /** 2 = persistent (Celery's default), 1 = transient. */
  readonly deliveryMode?: 1 | 2;
  /** Override the computed `argsrepr` / `kwargsrepr` headers (e.g. to hide secrets, as Celery allows). */
  readonly argsrepr?: string;
  readonly kwargsrepr?: string;
  /** Clock for countdown/expires arithmetic. Default: the current time. */
  readonly now?: Date;
}
