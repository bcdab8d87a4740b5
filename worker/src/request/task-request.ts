import type { Signature } from "../../../sdk/src/gen/json-schema/types.js";
import type { DeliveryInfo, TaskMessage } from "../../../sdk/src/codec/task/task-message.js";

/**
 * One task execution request, built from a decoded message (Celery's `Request` / `self.request`). Field names are
 * TypeScript-cased; `message` keeps everything as received (headers, properties, embed).
 */
export interface TaskRequest {
  readonly id: string;
  /** Registered task name (`task` header). */
  readonly task: string;
  /** Display name: `shadow` or `task` (logs and events). */
  readonly name: string;
  readonly args: readonly unknown[];
  readonly kwargs: Readonly<Record<string, unknown>>;
  readonly retries: number;
  readonly rootId: string | null;
  readonly parentId: string | null;
  readonly groupId: string | null;
  readonly groupIndex: number | null;
  readonly eta: Date | null;
  readonly expires: Date | null;
  /** `[hard, soft]` seconds from the `timelimit` header (null = use the task option). */
  readonly timeLimit: readonly [number | null, number | null];
  readonly callbacks: readonly Signature[] | null;
  readonly errbacks: readonly Signature[] | null;
  /** Remaining chain, reversed (next step is the last element). */
  readonly chain: readonly Signature[] | null;
  /** The chord body when this task is a chord header member. */
  readonly chord: Signature | null;
  /** Custom headers (every header Celery does not know), as `self.request.headers`. */
  readonly headers: Readonly<Record<string, unknown>>;
  readonly replyTo: string | null;
  readonly correlationId: string | null;
  /** From the `ignore_result` header (null when absent/null: use the task option). */
  readonly ignoreResult: boolean | null;
  readonly stamps: Readonly<Record<string, unknown>>;
  readonly stampedHeaders: readonly string[];
  readonly replacedTaskNesting: number;
  readonly origin: string | null;
  readonly argsrepr: string;
  readonly kwargsrepr: string;
  readonly deliveryInfo: DeliveryInfo | null;
  /** This worker's node name (`celery@host` style). */
  readonly hostname: string;
  /** The decoded message as received. */
  readonly message: TaskMessage;
}
