import { randomUUID } from "node:crypto";

/** A hand-made message for a raw envelope: headers, the body as latin-1 text, its content type and encoding. */
export interface RawMessage {
  readonly headers: Record<string, unknown>;
  readonly body: string;
  readonly type: string;
  /** Default: "utf-8" for JSON, "binary" otherwise. */
  readonly encoding?: string;
}

/**
 * A kombu Redis envelope around `message`, built by hand (base64 body, delivery_info for `queue`, a fresh delivery
 * tag), so tests can queue messages the codec would never write: malformed bodies, refused content types.
 */
export function rawRedisEnvelope(queue: string, message: RawMessage): string {
  return JSON.stringify({
    body: Buffer.from(message.body, "latin1").toString("base64"),
    "content-encoding": message.encoding ?? (message.type === "application/json" ? "utf-8" : "binary"),
    "content-type": message.type,
    headers: message.headers,
    properties: {
      correlation_id: message.headers["id"] ?? "none",
      reply_to: "",
      delivery_mode: 2,
      delivery_info: { exchange: "", routing_key: queue },
      priority: 0,
      body_encoding: "base64",
      delivery_tag: randomUUID(),
    },
  });
}
