import { CeleryProtoError } from "../../errors/celery-proto-error.js";
import { parseAmqpMessageJson } from "../amqp/parse-amqp-message-json.js";
import type { AmqpMessage } from "../amqp/amqp-message.js";
import { parsePythonJson } from "../json/parse-python-json.js";
import { readRedisEnvelope } from "../redis/decode-redis-envelope.js";
import { decodeResultMeta } from "../result/decode-result-meta.js";
import { decodeTaskMessage } from "../task/decode-task-message.js";
import type { DecodeOptions, RawTaskParts } from "../task/raw-task-parts.js";
import { decodeControlMessage } from "./decode-control-message.js";
import { decodeEventMessage } from "./decode-event-message.js";
import type { MessageKind } from "./message-kind.js";

/** What `decodeWireMessage` found: the transport form it read and the decoded message. */
export interface DecodedWireMessage {
  readonly kind: MessageKind;
  readonly transport: "redis" | "amqp" | "result-backend";
  readonly message: unknown;
}

/**
 * Decodes one message given as JSON text: a kombu Redis envelope (the exact string in the list or PUBLISH), the
 * JSON form of an AMQP message (`{"properties", "delivery_info", "body": "<base64>"}`), or for kind `result` the
 * JSON text a result backend stores. This is `proto validate`.
 */
export function decodeWireMessage(text: string, kind: MessageKind, options: DecodeOptions = {}): DecodedWireMessage {
  if (kind === "result") return { kind, transport: "result-backend", message: decodeResultMeta(text) };
  const { transport, parts } = readTransportForm(text);
  switch (kind) {
    case "task":
      return { kind, transport, message: decodeTaskMessage(parts, options) };
    case "event":
      return { kind, transport, message: decodeEventMessage(parts, options) };
    case "control":
      return { kind, transport, message: decodeControlMessage(parts, options) };
  }
}

function readTransportForm(text: string): { transport: "redis" | "amqp"; parts: RawTaskParts } {
  let probe: unknown;
  try {
    probe = parsePythonJson(text);
  } catch (e) {
    throw new CeleryProtoError("InvalidMessage", `input is not valid JSON: ${CeleryProtoError.from(e).message}`, { cause: e });
  }
  if (typeof probe !== "object" || probe === null || Array.isArray(probe)) {
    throw new CeleryProtoError("InvalidMessage", "input must be a JSON object: a kombu Redis envelope or an AMQP message");
  }
  if ("content-type" in probe || "content-encoding" in probe) return { transport: "redis", parts: readRedisEnvelope(text) };
  return { transport: "amqp", parts: amqpParts(parseAmqpMessageJson(text)) };
}

function amqpParts(message: AmqpMessage): RawTaskParts {
  const { headers, ...properties } = message.properties;
  const info = message.deliveryInfo ?? null;
  return {
    headers,
    properties,
    body: message.body,
    deliveryInfo: info === null ? null : { ...info, priority: properties.priority ?? null },
    deliveryTag: null,
  };
}
