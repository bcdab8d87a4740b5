import { compileBeatSchedule } from "../../../sdk/src/beat/load-beat-schedule.js";
import type {
  CanvasNode,
  CaseExpectation,
  CaseInput,
  ConformanceCase,
  Direction,
  EventExpectation,
  ExpectedError,
  FeatureName,
  FeatureSet,
  RepliesExpectation,
  TaskExpectation,
} from "./conformance-case.js";
import { DIRECTIONS, FEATURE_NAMES } from "./conformance-case.js";
import { caseFieldError, isPlainRecord } from "./case-field-error.js";
import { decodeCaseValues } from "./case-values.js";
import { NO_FEATURE } from "./feature-none.js";
import { SEND_OPTION_NAMES } from "./send-options.js";

const CASE_KEYS = new Set(["name", "direction", "description", "features", "input", "expect", "timeout"]);
const TASK_EXPECT_KEYS = new Set(["result", "error", "state", "request", "elapsed"]);
const EXPECT_KEYS = new Set([...TASK_EXPECT_KEYS, "link", "link_error", "replies", "sends", "interval", "events"]);
const BEAT_SCHEDULE_KEYS = new Set(["entries", "timezone", "enable_utc", "cron_starting_deadline"]);
const NAME_PATTERN = /^[a-z0-9][a-z0-9._-]*(\/[a-z0-9][a-z0-9._-]*)+$/;

/**
 * Checks one raw case (as YAML parsed it) and returns it typed. `where` names the file and the case's position; every
 * error names the field (`expect.error.type: must be a string`).
 */
export function validateCase(raw: unknown, where: string, file: string): ConformanceCase {
  if (!isPlainRecord(raw)) throw caseFieldError(where, "(case)", "must be a mapping");
  const at = typeof raw["name"] === "string" ? `${where} (${raw["name"]})` : where;
  for (const key of Object.keys(raw)) if (!CASE_KEYS.has(key)) throw caseFieldError(at, key, `unknown field (known: ${[...CASE_KEYS].join(", ")})`);
  const name = raw["name"];
  if (typeof name !== "string" || !NAME_PATTERN.test(name)) throw caseFieldError(at, "name", "must be a path-like name such as ts-to-celery/add");
  const direction = raw["direction"];
  if (typeof direction !== "string" || !(DIRECTIONS as readonly string[]).includes(direction))
    throw caseFieldError(at, "direction", `must be one of ${DIRECTIONS.join(", ")}`);
  const description = raw["description"];
  if (description !== undefined && typeof description !== "string") throw caseFieldError(at, "description", "must be a string");
  const timeout = raw["timeout"];
  if (timeout !== undefined && (typeof timeout !== "number" || !(timeout > 0))) throw caseFieldError(at, "timeout", "must be a positive number of seconds");
  const input = validateInput(decodeCaseValues(raw["input"], at, "input"), direction as Direction, at);
  const expect = validateExpect(decodeCaseValues(raw["expect"], at, "expect"), direction as Direction, input, at);
  return {
    name,
    direction: direction as Direction,
    ...(description === undefined ? {} : { description }),
    features: validateFeatures(raw["features"], at, "features"),
    input,
    expect,
    ...(timeout === undefined ? {} : { timeout }),
    file,
  };
}

/** A feature mapping (`{serializer: msgpack, broker: [redis, amqp]}`): each value a string or a list of strings. */
export function validateFeatures(raw: unknown, at: string, field: string): FeatureSet {
  if (raw === undefined || raw === null) return {};
  if (!isPlainRecord(raw)) throw caseFieldError(at, field, "must be a mapping of feature to value(s)");
  const out: Partial<Record<FeatureName, readonly string[]>> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (!(FEATURE_NAMES as readonly string[]).includes(key))
      throw caseFieldError(at, `${field}.${key}`, `unknown feature (known: ${FEATURE_NAMES.join(", ")})`);
    const values = Array.isArray(value) ? value : [value];
    if (values.length === 0 || !values.every((v) => typeof v === "string" && v !== ""))
      throw caseFieldError(at, `${field}.${key}`, "must be a name or a non-empty list of names");
    if (values.includes(NO_FEATURE))
      throw caseFieldError(at, `${field}.${key}`, `"${NO_FEATURE}" is reserved (--features ${key}=${NO_FEATURE}: the run has none of ${key})`);
    out[key as FeatureName] = values as string[];
  }
  return out;
}

function validateInput(raw: unknown, direction: Direction, at: string): CaseInput {
  if (!isPlainRecord(raw)) throw caseFieldError(at, "input", "must be a mapping");
  if (direction === "control") {
    const method = raw["method"];
    if (typeof method !== "string" || method === "")
      throw caseFieldError(at, "input.method", "must be a control method name (ping, active_queues, stats, ...)");
    const args = raw["arguments"] ?? {};
    if (!isPlainRecord(args)) throw caseFieldError(at, "input.arguments", "must be a mapping");
    for (const key of Object.keys(raw))
      if (key !== "method" && key !== "arguments") throw caseFieldError(at, `input.${key}`, "unknown field for a control case");
    return { kind: "control", method, arguments: args };
  }
  if (direction === "ts-beat-to-celery") return validateBeatSchedule(raw, at);
  if (direction === "events" && raw["canvas"] !== undefined) throw caseFieldError(at, "input.canvas", "an events case sends one task, not a canvas");
  if (direction === "celery-beat-to-ts") return validateBeatTask(raw, at);
  if (raw["canvas"] !== undefined) {
    for (const key of Object.keys(raw)) if (key !== "canvas") throw caseFieldError(at, `input.${key}`, "a canvas input has only `canvas`");
    return { kind: "canvas", canvas: validateCanvas(raw["canvas"], at, "input.canvas") };
  }
  const { revoke, ...rest } = raw;
  if (revoke !== undefined && typeof revoke !== "boolean") throw caseFieldError(at, "input.revoke", "must be true or false");
  if (revoke !== undefined && direction !== "ts-to-celery") throw caseFieldError(at, "input.revoke", "only ts-to-celery cases revoke their task");
  const node = validateCanvas(rest, at, "input");
  if (!("task" in node)) throw caseFieldError(at, "input", "must be a task or a `canvas`");
  return { kind: "task", ...node, ...(revoke === true ? { revoke } : {}) };
}

/** A ts-beat-to-celery input: a schedule file's fields (`entries`, `timezone`, ...), compiled as `proto beat` would. */
function validateBeatSchedule(raw: Record<string, unknown>, at: string): CaseInput {
  for (const key of Object.keys(raw))
    if (!BEAT_SCHEDULE_KEYS.has(key))
      throw caseFieldError(at, `input.${key}`, `unknown field for a beat schedule (known: ${[...BEAT_SCHEDULE_KEYS].join(", ")})`);
  if (!isPlainRecord(raw["entries"]) || Object.keys(raw["entries"]).length === 0)
    throw caseFieldError(at, "input.entries", "must be a non-empty mapping of entry name to {task, schedule, args, kwargs, options}");
  try {
    compileBeatSchedule(raw, "schedule");
  } catch (e) {
    throw caseFieldError(at, "input", (e as Error).message);
  }
  return { kind: "beat-schedule", schedule: raw };
}

/** A celery-beat-to-ts input: the task our worker must run, `{task, args?, kwargs?}`. */
function validateBeatTask(raw: Record<string, unknown>, at: string): CaseInput {
  for (const key of Object.keys(raw))
    if (!["task", "args", "kwargs"].includes(key)) throw caseFieldError(at, `input.${key}`, "unknown field for a celery-beat-to-ts case (task, args, kwargs)");
  const task = raw["task"];
  if (typeof task !== "string" || task === "") throw caseFieldError(at, "input.task", "must be a task name");
  const args = raw["args"];
  if (args !== undefined && !Array.isArray(args)) throw caseFieldError(at, "input.args", "must be a list");
  const kwargs = raw["kwargs"];
  if (kwargs !== undefined && !isPlainRecord(kwargs)) throw caseFieldError(at, "input.kwargs", "must be a mapping");
  return { kind: "beat-task", task, ...(args === undefined ? {} : { args }), ...(kwargs === undefined ? {} : { kwargs }) };
}

function validateCanvas(raw: unknown, at: string, field: string): CanvasNode {
  if (!isPlainRecord(raw)) throw caseFieldError(at, field, "must be a mapping");
  const list = (key: "chain" | "group"): CanvasNode[] => {
    const items = raw[key];
    if (!Array.isArray(items) || items.length === 0) throw caseFieldError(at, `${field}.${key}`, "must be a non-empty list of signatures");
    return items.map((item, i) => validateCanvas(item, at, `${field}.${key}[${i}]`));
  };
  const only = (key: string): void => {
    for (const k of Object.keys(raw)) if (k !== key) throw caseFieldError(at, `${field}.${k}`, `unknown field beside \`${key}\``);
  };
  if ("chain" in raw) {
    only("chain");
    return { chain: list("chain") };
  }
  if ("group" in raw) {
    only("group");
    return { group: list("group") };
  }
  if ("chord" in raw) {
    only("chord");
    const chord = raw["chord"];
    if (!isPlainRecord(chord)) throw caseFieldError(at, `${field}.chord`, "must be {header: [...], body: <signature>}");
    const header = chord["header"];
    if (!Array.isArray(header) || header.length === 0) throw caseFieldError(at, `${field}.chord.header`, "must be a non-empty list of signatures");
    if (chord["body"] === undefined) throw caseFieldError(at, `${field}.chord.body`, "is required");
    return {
      chord: {
        header: header.map((item, i) => validateCanvas(item, at, `${field}.chord.header[${i}]`)),
        body: validateCanvas(chord["body"], at, `${field}.chord.body`),
      },
    };
  }
  for (const key of Object.keys(raw))
    if (!["task", "args", "kwargs", "options"].includes(key)) throw caseFieldError(at, `${field}.${key}`, "unknown field (task, args, kwargs, options)");
  const task = raw["task"];
  if (typeof task !== "string" || task === "") throw caseFieldError(at, `${field}.task`, "must be a task name");
  const args = raw["args"] ?? [];
  if (!Array.isArray(args)) throw caseFieldError(at, `${field}.args`, "must be a list");
  const kwargs = raw["kwargs"] ?? {};
  if (!isPlainRecord(kwargs)) throw caseFieldError(at, `${field}.kwargs`, "must be a mapping");
  const options = raw["options"] ?? {};
  if (!isPlainRecord(options)) throw caseFieldError(at, `${field}.options`, "must be a mapping");
  for (const key of Object.keys(options))
    if (!SEND_OPTION_NAMES.has(key)) throw caseFieldError(at, `${field}.options.${key}`, `unknown send option (known: ${[...SEND_OPTION_NAMES].join(", ")})`);
  if (options["stamps"] !== undefined && !isPlainRecord(options["stamps"]))
    throw caseFieldError(at, `${field}.options.stamps`, "must be a mapping of stamp name to value");
  const normalized: Record<string, unknown> = { ...options };
  for (const key of ["link", "link_error"]) {
    if (options[key] !== undefined) normalized[key] = validateCanvas(options[key], at, `${field}.options.${key}`);
  }
  return { task, args, kwargs, options: normalized };
}

function validateExpect(raw: unknown, direction: Direction, input: CaseInput, at: string): CaseExpectation {
  if (!isPlainRecord(raw)) throw caseFieldError(at, "expect", "must be a mapping");
  checkPatterns(raw, at, "expect");
  for (const key of Object.keys(raw))
    if (!EXPECT_KEYS.has(key)) throw caseFieldError(at, `expect.${key}`, `unknown field (known: ${[...EXPECT_KEYS].join(", ")})`);
  if (direction === "control") {
    for (const key of Object.keys(raw)) if (key !== "replies") throw caseFieldError(at, `expect.${key}`, "a control case expects only `replies`");
    if (raw["replies"] === undefined) throw caseFieldError(at, "expect.replies", "is required for a control case");
    return { replies: validateReplies(raw["replies"], at) };
  }
  if (raw["replies"] !== undefined) throw caseFieldError(at, "expect.replies", "only control cases have replies");
  if (direction === "events") return validateEventsExpect(raw, at);
  if (raw["events"] !== undefined) throw caseFieldError(at, "expect.events", "only events cases have it");
  if (direction !== "ts-beat-to-celery")
    for (const key of ["sends", "interval"]) if (raw[key] !== undefined) throw caseFieldError(at, `expect.${key}`, "only ts-beat-to-celery cases have it");
  if (direction === "celery-beat-to-ts" && raw["elapsed"] !== undefined)
    throw caseFieldError(at, "expect.elapsed", "a celery-beat-to-ts case has no send time");
  if (direction === "ts-beat-to-celery" || direction === "celery-beat-to-ts") return validateBeatExpect(raw, at);
  const task = validateTaskExpect(raw, at, "expect");
  const callback = (key: "link" | "link_error"): TaskExpectation | undefined => {
    const value = raw[key];
    if (value === undefined) return undefined;
    if (input.kind !== "task" || input.options[key] === undefined) throw caseFieldError(at, `expect.${key}`, `needs input.options.${key}`);
    if (!isPlainRecord(value)) throw caseFieldError(at, `expect.${key}`, "must be a mapping");
    for (const k of Object.keys(value)) if (!TASK_EXPECT_KEYS.has(k)) throw caseFieldError(at, `expect.${key}.${k}`, "unknown field");
    return validateTaskExpect(value, at, `expect.${key}`);
  };
  const link = callback("link");
  const linkError = callback("link_error");
  return { ...task, ...(link === undefined ? {} : { link }), ...(linkError === undefined ? {} : { linkError }) };
}

/** An events case: `events` (required), a list of `{type, fields?}`; the task's `result` / `error` / `state` may be checked too. */
function validateEventsExpect(raw: Record<string, unknown>, at: string): CaseExpectation {
  for (const key of ["link", "link_error", "request", "elapsed"])
    if (raw[key] !== undefined) throw caseFieldError(at, `expect.${key}`, "an events case does not expect it");
  const list = raw["events"];
  if (!Array.isArray(list) || list.length === 0)
    throw caseFieldError(at, "expect.events", "must be a non-empty list of {type, fields} (task-received, task-succeeded, worker-heartbeat, ...)");
  const events: EventExpectation[] = list.map((item, i) => {
    const field = `expect.events[${i}]`;
    if (!isPlainRecord(item)) throw caseFieldError(at, field, "must be {type, fields?}");
    for (const key of Object.keys(item)) if (key !== "type" && key !== "fields") throw caseFieldError(at, `${field}.${key}`, "unknown field (type, fields)");
    const type = item["type"];
    if (typeof type !== "string" || !/^(task|worker)-[a-z-]+$/.test(type))
      throw caseFieldError(at, `${field}.type`, "must be an event type (task-received, task-started, task-succeeded, worker-heartbeat, ...)");
    const fields = item["fields"] ?? {};
    if (!isPlainRecord(fields)) throw caseFieldError(at, `${field}.fields`, "must be a mapping of event fields");
    return { type, fields };
  });
  const rest = Object.fromEntries(Object.entries(raw).filter(([key]) => key !== "events"));
  return { ...(Object.keys(rest).length === 0 ? {} : validateTaskExpect(rest, at, "expect")), events };
}

function validateBeatExpect(raw: Record<string, unknown>, at: string): CaseExpectation {
  for (const key of ["link", "link_error"]) if (raw[key] !== undefined) throw caseFieldError(at, `expect.${key}`, "a beat case has no callbacks");
  const task = validateTaskExpect(raw, at, "expect");
  let sends: { min: number } | undefined;
  if (raw["sends"] !== undefined) {
    const s = raw["sends"];
    if (!isPlainRecord(s)) throw caseFieldError(at, "expect.sends", "must be {min}");
    for (const key of Object.keys(s)) if (key !== "min") throw caseFieldError(at, `expect.sends.${key}`, "unknown field (min)");
    const min = s["min"];
    if (typeof min !== "number" || !Number.isInteger(min) || min < 1) throw caseFieldError(at, "expect.sends.min", "must be a positive integer");
    sends = { min };
  }
  if (raw["interval"] !== undefined && (sends?.min ?? 1) < 2) throw caseFieldError(at, "expect.interval", "needs expect.sends.min of at least 2");
  return {
    ...task,
    ...(sends === undefined ? {} : { sends }),
    ...(raw["interval"] === undefined ? {} : { interval: validateBounds(raw["interval"], at, "expect.interval") }),
  };
}

function validateTaskExpect(raw: Record<string, unknown>, at: string, field: string): TaskExpectation {
  const hasResult = "result" in raw;
  if (hasResult && raw["error"] !== undefined) throw caseFieldError(at, field, "`result` and `error` exclude each other");
  if (!hasResult && raw["error"] === undefined && raw["state"] === undefined && raw["request"] === undefined)
    throw caseFieldError(at, field, "needs at least one of result, error, state, request");
  const state = raw["state"];
  if (state !== undefined && typeof state !== "string") throw caseFieldError(at, `${field}.state`, "must be a state name (SUCCESS, FAILURE, ...)");
  const request = raw["request"];
  if (request !== undefined && !isPlainRecord(request)) throw caseFieldError(at, `${field}.request`, "must be a mapping of request fields");
  return {
    ...(hasResult ? { result: { value: raw["result"] } } : {}),
    ...(raw["error"] === undefined ? {} : { error: validateError(raw["error"], at, `${field}.error`) }),
    ...(state === undefined ? {} : { state }),
    ...(request === undefined ? {} : { request: request as Record<string, unknown> }),
    ...(raw["elapsed"] === undefined ? {} : { elapsed: validateBounds(raw["elapsed"], at, `${field}.elapsed`) }),
  };
}

function validateError(raw: unknown, at: string, field: string): ExpectedError {
  if (!isPlainRecord(raw)) throw caseFieldError(at, field, "must be {type, message?, module?, traceback?}");
  for (const key of Object.keys(raw))
    if (!["type", "message", "module", "traceback"].includes(key))
      throw caseFieldError(at, `${field}.${key}`, "unknown field (type, message, module, traceback)");
  if (typeof raw["type"] !== "string" || raw["type"] === "") throw caseFieldError(at, `${field}.type`, "must be an exception class name");
  for (const key of ["message", "module"])
    if (raw[key] !== undefined && typeof raw[key] !== "string") throw caseFieldError(at, `${field}.${key}`, "must be a string");
  return {
    type: raw["type"],
    ...(raw["message"] === undefined ? {} : { message: raw["message"] as string }),
    ...(raw["module"] === undefined ? {} : { module: raw["module"] as string }),
    ...(raw["traceback"] === undefined ? {} : { traceback: raw["traceback"] }),
  };
}

/** Every `{$matches: <regex>}` under `raw` must be a string JavaScript compiles as a regular expression. */
function checkPatterns(raw: unknown, at: string, field: string): void {
  if (Array.isArray(raw)) for (const [i, item] of raw.entries()) checkPatterns(item, at, `${field}[${i}]`);
  if (!isPlainRecord(raw)) return;
  for (const [key, value] of Object.entries(raw)) {
    if (key !== "$matches") checkPatterns(value, at, `${field}.${key}`);
    else if (typeof value !== "string") throw caseFieldError(at, `${field}.$matches`, "must be a regular expression (a string)");
    else
      try {
        new RegExp(value);
      } catch (e) {
        throw caseFieldError(at, `${field}.$matches`, (e as Error).message);
      }
  }
}

function validateBounds(raw: unknown, at: string, field: string): { min?: number; max?: number } {
  if (!isPlainRecord(raw)) throw caseFieldError(at, field, "must be {min?, max?}");
  const out: { min?: number; max?: number } = {};
  for (const [key, value] of Object.entries(raw)) {
    if (key !== "min" && key !== "max") throw caseFieldError(at, `${field}.${key}`, "unknown field (min, max)");
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) throw caseFieldError(at, `${field}.${key}`, "must be a non-negative number");
    out[key] = value;
  }
  return out;
}

function validateReplies(raw: unknown, at: string): RepliesExpectation {
  if (!isPlainRecord(raw)) throw caseFieldError(at, "expect.replies", "must be {min?, max?, each?}");
  const out: { min?: number; max?: number; each?: unknown } = {};
  for (const [key, value] of Object.entries(raw)) {
    if (key === "each") out.each = value;
    else if (key === "min" || key === "max") {
      if (typeof value !== "number" || !Number.isInteger(value) || value < 0)
        throw caseFieldError(at, `expect.replies.${key}`, "must be a non-negative integer");
      out[key] = value;
    } else throw caseFieldError(at, `expect.replies.${key}`, "unknown field (min, max, each)");
  }
  return out;
}
