import type { OutgoingMessage } from "../../sdk/src/transport/transport.js";

/** A small JSON message `{"i": i}` for `queue` through the default exchange: transport tests count and order them by `i`. */
export function numberedMessage(queue: string, i: number): OutgoingMessage {
  return {
    exchange: "",
    routingKey: queue,
    body: new TextEncoder().encode(JSON.stringify({ i })),
    properties: { content_type: "application/json", content_encoding: "utf-8", delivery_mode: 2, priority: 0, headers: {} },
  };
}
