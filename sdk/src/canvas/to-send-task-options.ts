import type { SendTaskOptions } from "../client/send-task-options.js";
import type { Signature as SignatureDict } from "../gen/json-schema/types.js";
import { isPlainObject } from "./mutable-signature.js";
import { OPTION_NAMES } from "./option-names.js";
import { toSignatureDict } from "./signature-dict.js";
import type { Signature } from "./signature.js";

/** Options Celery consumes before publishing, or that only steer its own producer; not message fields. */
const NOT_MESSAGE_OPTIONS: ReadonlySet<string> = new Set([
  "add_to_parent",
  "route_name",
  "producer",
  "publisher",
  "connection",
  "router",
  "result_cls",
  "task_type",
  "exchange_type",
  "retry",
  "retry_policy",
  "mandatory",
  "immediate",
  "declare",
  "immutable",
  "use_link",
]);

/**
 * Converts Celery's option dict (a signature's merged options) to `SendTaskOptions` for `TaskSender.sendTask`:
 * `task_id` → `id`, `link`/`link_error`/`chain`/`chord` → signature dicts, `stamped_headers` + stamp keys →
 * `stamps`, `delivery_mode` names → numbers. Null values are dropped (Celery drops them before publishing);
 * options Celery would pass on as extra AMQP properties are not carried.
 */
export function toSendTaskOptions(options: Readonly<Record<string, unknown>>): SendTaskOptions {
  const byWire = new Map<string, string>(OPTION_NAMES.map(([ts, wire]) => [wire, ts]));
  const out: Record<string, unknown> = {};
  const stamped = Array.isArray(options["stamped_headers"]) ? (options["stamped_headers"] as unknown[]).map(String) : [];
  if (stamped.length > 0) out["stamps"] = Object.fromEntries(stamped.map((k) => [k, options[k]]));
  for (const [key, value] of Object.entries(options)) {
    if (value === null || value === undefined || key === "stamped_headers" || stamped.includes(key) || NOT_MESSAGE_OPTIONS.has(key)) continue;
    const name = byWire.get(key);
    if (name === undefined) continue;
    out[name] = sendValue(key, value);
  }
  return out as SendTaskOptions;
}

function sendValue(key: string, value: unknown): unknown {
  switch (key) {
    case "link":
    case "link_error":
      return Array.isArray(value) ? value.map(asDict) : [asDict(value)];
    case "chain":
      return Array.isArray(value) ? value.map(asDict) : value;
    case "chord":
      return asDict(value);
    case "delivery_mode":
      return value === "persistent" ? 2 : value === "transient" ? 1 : value;
    case "eta":
    case "expires":
      return isPlainObject(value) && value["__type__"] === "datetime" ? value["__value__"] : value;
    default:
      return value;
  }
}

function asDict(value: unknown): SignatureDict {
  return toSignatureDict(value as Signature);
}
