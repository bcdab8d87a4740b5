import { CeleryProtoError } from "../../errors/celery-proto-error.js";
import { validateAmqpMessage } from "../../gen/json-schema/envelope-validators.js";
import { decodeBase64Strict } from "../body/base64.js";
import { decodeTypeWrappers } from "../json/kombu-json.js";
import { parsePythonJson } from "../json/parse-python-json.js";
import { assertValid } from "../validate/assert-valid.js";
import type { AmqpMessage, AmqpProperties } from "./amqp-message.js";

/**
 * Reads the JSON form of an AMQP message used by `proto validate` and the golden vectors:
 * `{"properties": {..., "headers": {...}}, "delivery_info": {"exchange", "routing_key"}, "body": "<base64>"}`.
 */
export function parseAmqpMessageJson(text: string): AmqpMessage {
  let raw: unknown;
  try {
    raw = parsePythonJson(text);
  } catch (e) {
    throw new CeleryProtoError("InvalidMessage", `AMQP message JSON is not valid JSON: ${CeleryProtoError.from(e).message}`, { cause: e });
  }
  assertValid(validateAmqpMessage, raw, "InvalidMessage", "AMQP message");
  const message = raw as {
    properties: Record<string, unknown>;
    delivery_info?: { exchange: string; routing_key: string; redelivered?: boolean };
    body: string;
  };
  const properties = { ...message.properties } as Record<string, unknown>;
  if (properties["headers"] !== undefined && properties["headers"] !== null) {
    properties["headers"] = decodeTypeWrappers(properties["headers"] as never, "/properties/headers");
  }
  const info = message.delivery_info;
  return {
    properties: properties as AmqpProperties,
    deliveryInfo: info === undefined ? null : { exchange: info.exchange, routingKey: info.routing_key, redelivered: info.redelivered ?? false },
    body: decodeBase64Strict(message.body, "AMQP message body"),
  };
}
