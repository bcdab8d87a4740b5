import { CeleryProtoError } from "../../errors/celery-proto-error.js";
import { childObject, dumpPythonJson, loadPythonJson, PyJsonNumber, type PyJsonValue } from "./python-json-tree.js";

/** One value of kombu's `unacked` hash: the delivered envelope (as parsed) and where it was published to. */
export interface UnackedEntry {
  readonly payload: PyJsonValue;
  readonly exchange: string;
  readonly routingKey: string;
}

/**
 * The text kombu's `QoS.append` stores, `dumps([message._raw, EX, RK])`, for an envelope still in the text it was
 * popped as: kombu's `dumps` of what it `loads`-ed from a kombu-written envelope is that same text, so this is
 * byte-identical for every kombu-compatible producer (and equal as JSON for any other) without parsing it again.
 */
export function encodeUnackedText(envelope: string, exchange: string, routingKey: string): string {
  return `[${envelope}, ${dumpPythonJson(exchange)}, ${dumpPythonJson(routingKey)}]`;
}

/** Reads an `unacked` value (`M, EX, RK = loads(...)`); `InvalidEnvelope` when it is not such a triple. */
export function decodeUnackedEntry(text: string): UnackedEntry {
  const value = loadPythonJson(text);
  if (!Array.isArray(value) || value.length !== 3 || typeof value[1] !== "string" || typeof value[2] !== "string") {
    throw new CeleryProtoError("InvalidEnvelope", "an unacked entry is not [envelope, exchange, routing_key]");
  }
  return { payload: value[0] as PyJsonValue, exchange: value[1], routingKey: value[2] };
}

/**
 * Reads what kombu's delivery path needs from an envelope text: the parsed payload, and exchange/routing key from
 * `properties.delivery_info` (kombu raises KeyError without them; here the queue it came from is used instead).
 */
export function entryFromEnvelope(envelope: string, queue: string): UnackedEntry {
  const payload = loadPythonJson(envelope);
  const info = childObject(childObject(payload, "properties"), "delivery_info");
  const exchange = info?.get("exchange");
  const routingKey = info?.get("routing_key");
  if (typeof exchange === "string" && typeof routingKey === "string") return { payload, exchange, routingKey };
  return { payload, exchange: "", routingKey: queue };
}

/**
 * kombu's `_do_restore_message` marks: `payload['headers']['redelivered'] = True`, then
 * `payload['properties']['delivery_info']['redelivered'] = True`, stopping silently at the first missing key.
 * Returns false where kombu fails with a TypeError (`headers` present but not a mapping): kombu then drops the message.
 */
export function markRedelivered(payload: PyJsonValue): boolean {
  if (!(payload instanceof Map)) return false;
  if (!payload.has("headers")) return true;
  const headers = payload.get("headers");
  if (!(headers instanceof Map)) return false;
  headers.set("redelivered", true);
  const properties = payload.get("properties");
  if (properties === undefined) return true;
  if (!(properties instanceof Map)) return false;
  if (!properties.has("delivery_info")) return true;
  const info = properties.get("delivery_info");
  if (!(info instanceof Map)) return false;
  info.set("redelivered", true);
  return true;
}

/** `properties.priority` of a parsed payload as a JS value for `readMessagePriority`. */
export function payloadPriority(payload: PyJsonValue): unknown {
  const value = childObject(payload, "properties")?.get("priority");
  return value instanceof PyJsonNumber ? value.toNumber() : value;
}
