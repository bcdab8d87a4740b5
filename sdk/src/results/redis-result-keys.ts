import { CeleryProtoError } from "../errors/celery-proto-error.js";

/** Celery's key prefixes (C:celery/backends/base.py BaseKeyValueStoreBackend). */
export const TASK_KEY_PREFIX = "celery-task-meta-";
export const GROUP_KEY_PREFIX = "celery-taskset-meta-";

/** The Redis keys a Celery result backend uses, with `global_keyprefix` applied. */
export interface RedisResultKeys {
  /** The prefix put before every key (`""` when none): the configured one plus `_` when needed. */
  readonly prefix: string;
  /** `<prefix>celery-task-meta-<id>`: the task's meta, and the pub/sub channel it is published on. */
  task(taskId: string): string;
  /** `<prefix>celery-taskset-meta-<gid><suffix>`: a saved group (suffix `""`) or chord counters (`.j`, `.s`, `.t`, `.c`). */
  group(groupId: string, suffix?: string): string;
}

/**
 * Applies `result_backend_transport_options.global_keyprefix` exactly as Celery does (`_add_global_keyprefix`):
 * a `_` is appended unless the prefix already ends in one of `:`, `_`, `-`, `.`; an empty prefix means none.
 */
export function resolveGlobalKeyprefix(globalKeyprefix: string | null | undefined): string {
  if (globalKeyprefix === null || globalKeyprefix === undefined || globalKeyprefix === "") return "";
  return ":_-.".includes(globalKeyprefix.slice(-1)) ? globalKeyprefix : `${globalKeyprefix}_`;
}

/** Builds the key functions for a prefix; ids must be non-empty, as Celery's `get_key_for_task` requires. */
export function createRedisResultKeys(globalKeyprefix?: string | null): RedisResultKeys {
  const prefix = resolveGlobalKeyprefix(globalKeyprefix);
  const check = (id: string, what: string): string => {
    if (typeof id !== "string" || id === "") throw new CeleryProtoError("InvalidOption", `${what} must not be empty`);
    return id;
  };
  return {
    prefix,
    task: (taskId) => `${prefix}${TASK_KEY_PREFIX}${check(taskId, "task id")}`,
    group: (groupId, suffix = "") => `${prefix}${GROUP_KEY_PREFIX}${check(groupId, "group id")}${suffix}`,
  };
}
