import type { RawTaskParts } from "../../../sdk/src/codec/task/raw-task-parts.js";
import { safeRepr } from "../../../sdk/src/codec/repr/safe-repr.js";

const BODY_PREVIEW_BYTES = 1024;

/** Celery's `dump_body` for logs: the body as a (truncated) Python bytes repr, with its size. */
export function dumpBody(parts: RawTaskParts): string {
  const body = parts.body;
  const preview = safeRepr(body.subarray(0, BODY_PREVIEW_BYTES));
  return body.length > BODY_PREVIEW_BYTES ? `${preview}... (${body.length}b)` : `${preview} (${body.length}b)`;
}

/** Celery's `MESSAGE_REPORT`: body, content type, encoding, delivery info and headers of a refused message. */
export function reportMessage(parts: RawTaskParts): string {
  const info = parts.deliveryInfo;
  const deliveryInfo =
    info === null ? {} : { exchange: info.exchange, routing_key: info.routingKey, priority: info.priority ?? null, redelivered: info.redelivered ?? false };
  return (
    `body: ${dumpBody(parts)}\n` +
    `{content_type:${safeRepr(parts.properties["content_type"] ?? null)} content_encoding:${safeRepr(parts.properties["content_encoding"] ?? null)}\n` +
    `  delivery_info:${safeRepr(deliveryInfo)} headers=${safeRepr(parts.headers ?? null)}}`
  );
}
