/**
 * Internal: TypeScript option names and Celery's apply_async names, one pair per option (stamps are handled apart:
 * `stamps: {k: v}` ↔ `stamped_headers: [k]` plus a top-level `k: v`).
 */
export const OPTION_NAMES = [
  ["id", "task_id"],
  ["countdown", "countdown"],
  ["eta", "eta"],
  ["expires", "expires"],
  ["shadow", "shadow"],
  ["groupId", "group_id"],
  ["groupIndex", "group_index"],
  ["retries", "retries"],
  ["timeLimit", "time_limit"],
  ["softTimeLimit", "soft_time_limit"],
  ["rootId", "root_id"],
  ["parentId", "parent_id"],
  ["origin", "origin"],
  ["ignoreResult", "ignore_result"],
  ["replacedTaskNesting", "replaced_task_nesting"],
  ["headers", "headers"],
  ["link", "link"],
  ["linkError", "link_error"],
  ["chain", "chain"],
  ["chord", "chord"],
  ["replyTo", "reply_to"],
  ["priority", "priority"],
  ["deliveryMode", "delivery_mode"],
  ["argsrepr", "argsrepr"],
  ["kwargsrepr", "kwargsrepr"],
  ["queue", "queue"],
  ["exchange", "exchange"],
  ["routingKey", "routing_key"],
  ["serializer", "serializer"],
  ["compression", "compression"],
] as const;

export type TsOptionName = (typeof OPTION_NAMES)[number][0];
