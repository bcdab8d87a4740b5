import type { CompressionName } from "../codec/body/compression.js";
import type { TaskSerializerName } from "../codec/body/content-types.js";
import type { TaskMessageInput } from "../codec/task/task-message-input.js";

/**
 * Everything `enqueue` accepts besides the task, args and kwargs: Celery's apply_async options by TypeScript names.
 * Message fields come from `TaskMessageInput`; routing and encoding are added here.
 */
export interface SendTaskOptions extends Omit<TaskMessageInput, "task" | "args" | "kwargs" | "now"> {
  /** Queue name (routes through the default exchange, as Celery does for direct queues). */
  readonly queue?: string;
  /** Exchange to publish to; with `routingKey`. */
  readonly exchange?: string;
  readonly routingKey?: string;
  /** Default: the client's serializer (`json`). */
  readonly serializer?: TaskSerializerName;
  readonly compression?: CompressionName | null;
}
