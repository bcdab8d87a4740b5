/**
 * Header names Celery's task `Context` knows (its class attributes plus `lang`, `task`, `argsrepr`, `kwargsrepr`,
 * `compression`); every other header is a custom one and shows up in `self.request.headers`
 * (C:celery/app/task.py `Context._get_custom_headers`).
 */
const CELERY_HEADER_NAMES: ReadonlySet<string> = new Set([
  "args",
  "callbacks",
  "called_directly",
  "chain",
  "chord",
  "correlation_id",
  "delivery_info",
  "errbacks",
  "eta",
  "expires",
  "group",
  "group_index",
  "headers",
  "hostname",
  "id",
  "ignore_result",
  "is_eager",
  "kwargs",
  "logfile",
  "loglevel",
  "origin",
  "parent_id",
  "properties",
  "retries",
  "reply_to",
  "replaced_task_nesting",
  "root_id",
  "shadow",
  "taskset",
  "timelimit",
  "time_limit",
  "soft_time_limit",
  "utc",
  "stamped_headers",
  "stamps",
  "lang",
  "task",
  "argsrepr",
  "kwargsrepr",
  "compression",
]);

/** The headers of a message that are not Celery's own, as `self.request.headers` holds them. */
export function pickCustomHeaders(headers: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const custom: Record<string, unknown> = {};
  for (const key of Object.keys(headers)) if (!CELERY_HEADER_NAMES.has(key)) custom[key] = headers[key];
  return custom;
}
