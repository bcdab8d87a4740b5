import { safeRepr } from "../../../sdk/src/codec/repr/safe-repr.js";
import type { TaskRequest } from "../request/task-request.js";

/** An attribute value the OpenTelemetry API accepts. */
export type RunSpanAttributeValue = string | number | boolean | readonly string[] | readonly number[];

/** opentelemetry-instrumentation-celery's `CELERY_CONTEXT_ATTRIBUTES`, in its order (later keys overwrite). */
const CONTEXT_KEYS = [
  "compression",
  "correlation_id",
  "countdown",
  "delivery_info",
  "declare",
  "eta",
  "exchange",
  "expires",
  "hostname",
  "id",
  "priority",
  "queue",
  "reply_to",
  "retries",
  "routing_key",
  "serializer",
  "timelimit",
  "origin",
] as const;

/**
 * The `run/<task>` span's attributes as the Python instrumentation sets them at `task_postrun`: `celery.action`,
 * `celery.state`, then `set_attributes_from_context(task.request)` — Celery's request dict (the message headers with
 * `reply_to`, `correlation_id`, `hostname` and `delivery_info` over them) — then `celery.task_name`. Quirks kept:
 * `origin` overwrites `celery.hostname`; `delivery_info` is Python's `str()` of the dict.
 */
export function runSpanAttributes(request: TaskRequest, taskName: string, state: string): Record<string, RunSpanAttributeValue> {
  const properties = request.message.properties as Readonly<Record<string, unknown>>;
  const deliveryInfo = request.deliveryInfo;
  const context: Record<string, unknown> = {
    ...(request.message.headers as Readonly<Record<string, unknown>>),
    reply_to: properties["reply_to"] ?? null,
    correlation_id: properties["correlation_id"] ?? null,
    hostname: request.hostname,
    delivery_info:
      deliveryInfo === null
        ? null
        : {
            exchange: deliveryInfo.exchange,
            routing_key: deliveryInfo.routingKey,
            priority: properties["priority"] ?? null,
            redelivered: deliveryInfo.redelivered ?? false,
          },
  };
  const attributes: Record<string, RunSpanAttributeValue> = { "celery.action": "run", "celery.state": state };
  for (const key of CONTEXT_KEYS) {
    let value = context[key];
    if (value === null || value === undefined || value === "") continue;
    if (key === "retries" && value === 0) continue;
    if (key === "timelimit" && Array.isArray(value)) {
      if (value.every((v) => v === null)) continue;
      if (value.includes(null)) value = value.map((v: unknown) => (v === null ? "" : String(v)));
    }
    if (key === "delivery_info") {
      const routingKey = (value as { routing_key?: unknown }).routing_key;
      if (typeof routingKey === "string") attributes["messaging.destination"] = routingKey;
      attributes["celery.delivery_info"] = safeRepr(value);
      continue;
    }
    const name =
      key === "origin"
        ? "celery.hostname"
        : key === "id"
          ? "messaging.message.id"
          : key === "correlation_id"
            ? "messaging.conversation_id"
            : key === "routing_key"
              ? "messaging.destination"
              : `celery.${key}`;
    const attribute = toAttributeValue(value);
    if (attribute !== null) attributes[name] = attribute;
  }
  attributes["celery.task_name"] = taskName;
  return attributes;
}

/** What Python's SDK keeps: primitives and homogeneous lists of them; other values are dropped (with a warning there). */
function toAttributeValue(value: unknown): RunSpanAttributeValue | null {
  if (typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v === "string")) return value as string[];
    if (value.every((v) => typeof v === "number")) return value as number[];
  }
  return null;
}
