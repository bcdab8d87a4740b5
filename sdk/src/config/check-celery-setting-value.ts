import { CeleryProtoError } from "../errors/celery-proto-error.js";
import type { ValidationIssue } from "../errors/validation-issue.js";
import type { ImplementedSettingName } from "./implemented-celery-settings.js";

/** What a value failed, at a JSON pointer below the setting (`""` for the value itself). */
interface Failure {
  readonly path: string;
  readonly expected: string;
  readonly value: unknown;
}

/** Checks one value; returns the first failure, or null. */
type Check = (value: unknown, path: string) => Failure | null;

const EXCHANGE_TYPES = ["direct", "topic", "fanout", "headers"] as const;
const QUEUE_TYPES = ["classic", "quorum"] as const;

const string: Check = (value, path) => (typeof value === "string" ? null : { path, expected: "a string", value });
const nonEmptyString: Check = (value, path) => (typeof value === "string" && value !== "" ? null : { path, expected: "a non-empty string", value });
const boolean: Check = (value, path) => (typeof value === "boolean" ? null : { path, expected: "true or false", value });
const url: Check = (value, path) => (typeof value === "string" && value !== "" ? null : { path, expected: "a URL string", value });
const seconds: Check = (value, path) =>
  typeof value === "number" && Number.isFinite(value) && value >= 0 ? null : { path, expected: "a finite number of seconds >= 0", value };
const positiveSeconds: Check = (value, path) =>
  typeof value === "number" && Number.isFinite(value) && value > 0 ? null : { path, expected: "a finite number of seconds > 0", value };
const count: Check = (value, path) => (Number.isSafeInteger(value) && (value as number) >= 0 ? null : { path, expected: "an integer >= 0", value });
const positiveCount: Check = (value, path) => (Number.isSafeInteger(value) && (value as number) >= 1 ? null : { path, expected: "an integer >= 1", value });
const priority: Check = (value, path) =>
  Number.isSafeInteger(value) && (value as number) >= 0 && (value as number) <= 255 ? null : { path, expected: "an integer priority 0-255", value };
const dict: Check = (value, path) => (isPlainObject(value) ? null : { path, expected: "an object", value });
const stringList: Check = (value, path) => {
  if (!Array.isArray(value)) return { path, expected: "a list of strings", value };
  const i = value.findIndex((item) => typeof item !== "string" || item === "");
  return i < 0 ? null : { path: `${path}/${i}`, expected: "a content type or serializer name", value: value[i] };
};

function oneOf(values: readonly unknown[]): Check {
  return (value, path) => (values.includes(value) ? null : { path, expected: `one of ${values.map((v) => JSON.stringify(v)).join(", ")}`, value });
}

function nullable(check: Check): Check {
  return (value, path) => (value === null ? null : check(value, path));
}

/** An object whose listed fields, when present and not null, pass their checks. */
function fields(what: string, checks: Readonly<Record<string, Check>>): Check {
  return (value, path) => {
    if (!isPlainObject(value)) return { path, expected: what, value };
    for (const [key, check] of Object.entries(checks)) {
      const field = value[key];
      if (field === undefined || field === null) continue;
      const failure = check(field, `${path}/${escapePointer(key)}`);
      if (failure !== null) return failure;
    }
    return null;
  };
}

function required(key: string, check: Check): Check {
  return (value, path) => {
    if (!isPlainObject(value) || value[key] === undefined) return { path: `${path}/${escapePointer(key)}`, expected: `${key} (required)`, value: undefined };
    return check(value[key], `${path}/${escapePointer(key)}`);
  };
}

function all(...checks: readonly Check[]): Check {
  return (value, path) => {
    for (const check of checks) {
      const failure = check(value, path);
      if (failure !== null) return failure;
    }
    return null;
  };
}

const exchange: Check = (value, path) =>
  typeof value === "string"
    ? null
    : all(
        required("name", string),
        fields("an exchange name or {name, type, ...}", {
          type: oneOf(EXCHANGE_TYPES),
          durable: boolean,
          auto_delete: boolean,
          delivery_mode: oneOf([1, 2, "transient", "persistent"]),
          arguments: dict,
          no_declare: boolean,
        }),
      )(value, path);

const QUEUE_FIELDS: Readonly<Record<string, Check>> = {
  exchange,
  exchange_type: oneOf(EXCHANGE_TYPES),
  routing_key: string,
  binding_key: string,
  durable: boolean,
  exclusive: boolean,
  auto_delete: boolean,
  queue_arguments: dict,
  binding_arguments: dict,
  consumer_arguments: dict,
  expires: seconds,
  message_ttl: seconds,
  max_length: count,
  max_length_bytes: count,
  max_priority: priority,
  bindings: (value, path) =>
    listOf(fields("a binding {exchange, routing_key}", { exchange, routing_key: string, arguments: dict }), "a list of bindings")(value, path),
  no_declare: boolean,
  alias: string,
};

function listOf(item: Check, what: string): Check {
  return (value, path) => {
    if (!Array.isArray(value)) return { path, expected: what, value };
    for (const [i, element] of value.entries()) {
      const failure = item(element, `${path}/${i}`);
      if (failure !== null) return failure;
    }
    return null;
  };
}

function mapOf(item: Check, what: string): Check {
  return (value, path) => {
    if (!isPlainObject(value)) return { path, expected: what, value };
    for (const [key, element] of Object.entries(value)) {
      const failure = item(element, `${path}/${escapePointer(key)}`);
      if (failure !== null) return failure;
    }
    return null;
  };
}

const queueList = listOf(all(required("name", nonEmptyString), fields("a queue {name, exchange, routing_key, ...}", QUEUE_FIELDS)), "a list of queues");
const queueMap = mapOf(fields("a queue declaration {exchange, routing_key, ...}", QUEUE_FIELDS), "a {name: queue} map");
const taskQueues: Check = (value, path) =>
  Array.isArray(value)
    ? queueList(value, path)
    : isPlainObject(value)
      ? queueMap(value, path)
      : { path, expected: "a list of queues or a {name: queue} map", value };

const route: Check = (value, path) =>
  typeof value === "string"
    ? null
    : fields("a queue name or a route {queue, exchange, routing_key, ...}", {
        queue: string,
        exchange: string,
        exchange_type: oneOf(EXCHANGE_TYPES),
        routing_key: string,
        priority,
      })(value, path);
const routeMap = mapOf(route, "a map of task name patterns to routes (routers given as Python paths or functions are not supported)");
const taskRoutes: Check = (value, path) => (Array.isArray(value) ? listOf(routeMap, "")(value, path) : routeMap(value, path));

const annotationMap = mapOf(dict, "a map of task names to {attribute: value} (annotation classes are not supported)");
const taskAnnotations: Check = (value, path) => (Array.isArray(value) ? listOf(annotationMap, "")(value, path) : annotationMap(value, path));

/**
 * The shape of `beat_schedule` (an object of entries, each with a task name and a schedule). The entries themselves
 * are checked against the beat schedule schema when beat compiles them (`beatScheduleFromSettings`), so that a
 * producer does not load the schedule validators.
 */
const beatSchedule: Check = (value, path) => {
  if (!isPlainObject(value)) return { path, expected: "an object of beat entries", value };
  for (const [name, entry] of Object.entries(value)) {
    if (!isPlainObject(entry)) return { path: `${path}/${name}`, expected: "a beat entry (an object with task and schedule)", value: entry };
    if (typeof entry["task"] !== "string" || entry["task"] === "") return { path: `${path}/${name}/task`, expected: "a task name", value: entry["task"] };
    if (entry["schedule"] === undefined) return { path: `${path}/${name}/schedule`, expected: "a schedule", value: undefined };
  }
  return null;
};

const CHECKS: { readonly [K in ImplementedSettingName]: Check } = {
  broker_url: nullable(url),
  result_backend: nullable(url),
  broker_transport_options: dict,
  result_backend_transport_options: dict,
  broker_use_ssl: (value, path) =>
    typeof value === "boolean" ? null : dict(value, path) === null ? null : { path, expected: "true, false or an object of ssl options", value },
  redis_backend_use_ssl: nullable(dict),
  broker_connection_timeout: positiveSeconds,
  broker_connection_retry: boolean,
  broker_connection_retry_on_startup: nullable(boolean),
  broker_connection_max_retries: nullable(count),
  task_default_queue: nonEmptyString,
  task_default_exchange: nullable(string),
  task_default_exchange_type: oneOf(EXCHANGE_TYPES),
  task_default_routing_key: nullable(string),
  task_default_priority: nullable(priority),
  task_default_queue_type: oneOf(QUEUE_TYPES),
  broker_native_delayed_delivery_queue_type: oneOf(QUEUE_TYPES),
  task_default_delivery_mode: oneOf(["persistent", "transient", 1, 2]),
  task_queues: nullable(taskQueues),
  task_create_missing_queues: boolean,
  task_create_missing_queue_type: oneOf(QUEUE_TYPES),
  task_create_missing_queue_exchange_type: nullable(oneOf(EXCHANGE_TYPES)),
  task_queue_max_priority: nullable(priority),
  task_routes: nullable(taskRoutes),
  task_serializer: nonEmptyString,
  result_serializer: nonEmptyString,
  accept_content: stringList,
  result_accept_content: nullable(stringList),
  security_key: nullable(nonEmptyString),
  security_key_password: nullable(string),
  security_certificate: nullable(nonEmptyString),
  security_cert_store: nullable(nonEmptyString),
  security_digest: nonEmptyString,
  task_compression: nullable(string),
  result_compression: nullable(string),
  result_expires: nullable(seconds),
  result_extended: boolean,
  task_ignore_result: boolean,
  task_track_started: boolean,
  task_acks_late: boolean,
  task_acks_on_failure_or_timeout: boolean,
  task_acks_on_failure: nullable(boolean),
  task_acks_on_timeout: nullable(boolean),
  task_reject_on_worker_lost: nullable(boolean),
  task_retry_on_worker_lost: boolean,
  task_time_limit: nullable(positiveSeconds),
  task_soft_time_limit: nullable(positiveSeconds),
  task_annotations: nullable(taskAnnotations),
  task_send_sent_event: boolean,
  task_inherit_parent_priority: boolean,
  worker_prefetch_multiplier: count,
  worker_concurrency: nullable(positiveCount),
  worker_send_task_events: boolean,
  worker_detect_quorum_queues: boolean,
  event_queue_ttl: seconds,
  event_queue_expires: seconds,
  event_queue_prefix: nonEmptyString,
  event_queue_exclusive: boolean,
  event_queue_durable: boolean,
  event_exchange: nonEmptyString,
  event_serializer: nonEmptyString,
  control_queue_ttl: seconds,
  control_queue_expires: seconds,
  control_queue_exclusive: boolean,
  control_queue_durable: boolean,
  control_exchange: nonEmptyString,
  timezone: nullable(nonEmptyString),
  enable_utc: boolean,
  beat_schedule: beatSchedule,
  beat_max_loop_interval: seconds,
};

/**
 * Refuses a value celery-proto cannot use for an implemented setting, with `InvalidOption`:
 * `task_queues/0/name: expected a non-empty string, got 3`; the failure is also in `details` (its path below the
 * setting, e.g. `/task_queues/0/name`).
 */
export function checkCelerySettingValue(name: ImplementedSettingName, value: unknown): void {
  const failure = CHECKS[name](value, "");
  if (failure === null) return;
  const where = `${name}${failure.path}`;
  const got = describeValue(failure.value);
  const detail: ValidationIssue = { path: `/${name}${failure.path}`, keyword: "type", message: `expected ${failure.expected}, got ${got}` };
  throw new CeleryProtoError("InvalidOption", `${where}: expected ${failure.expected}, got ${got}`, { details: [detail] });
}

function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (typeof value === "function") return `a function${value.name === "" ? "" : ` (${value.name})`}`;
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  try {
    const text = JSON.stringify(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
  } catch {
    return String(value);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function escapePointer(key: string): string {
  return key.replace(/~/g, "~0").replace(/\//g, "~1");
}
