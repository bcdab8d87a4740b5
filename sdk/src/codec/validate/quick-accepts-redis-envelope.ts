import { isOptionalString, isSchemaIntegerIn, isSchemaObject } from "./ajv-type-checks.js";

const DIGITS = /^[0-9]+$/u;

/**
 * A quick check of a kombu Redis envelope (`schemas/json/redis-envelope.schema.json`) that is true only for values
 * `validateRedisEnvelope` accepts: every constraint of the schema, written out. False sends the value to the full
 * validator, whose error details callers report.
 */
export function quickAcceptsRedisEnvelope(value: unknown): boolean {
  if (!isSchemaObject(value)) return false;
  const headers = value["headers"];
  return (
    typeof value["body"] === "string" &&
    isOptionalString(value["content-encoding"]) &&
    isOptionalString(value["content-type"]) &&
    (headers === undefined || isSchemaObject(headers)) &&
    acceptsProperties(value["properties"])
  );
}

function acceptsProperties(value: unknown): boolean {
  if (!isSchemaObject(value)) return false;
  const mode = value["delivery_mode"];
  const priority = value["priority"];
  const bodyEncoding = value["body_encoding"];
  const expiration = value["expiration"];
  return (
    isOptionalString(value["correlation_id"]) &&
    isOptionalString(value["reply_to"]) &&
    (mode === undefined || mode === 1 || mode === 2) &&
    acceptsDeliveryInfo(value["delivery_info"]) &&
    (priority === undefined || isSchemaIntegerIn(priority, 0, 255)) &&
    (bodyEncoding === undefined || bodyEncoding === "base64") &&
    typeof value["delivery_tag"] === "string" &&
    (expiration === undefined || (typeof expiration === "string" && DIGITS.test(expiration)))
  );
}

/** `common.schema.json#/$defs/DeliveryInfo`. */
function acceptsDeliveryInfo(value: unknown): boolean {
  if (!isSchemaObject(value)) return false;
  const priority = value["priority"];
  const redelivered = value["redelivered"];
  return (
    typeof value["exchange"] === "string" &&
    typeof value["routing_key"] === "string" &&
    (priority === undefined || priority === null || isSchemaIntegerIn(priority, 0, 255)) &&
    (redelivered === undefined || typeof redelivered === "boolean")
  );
}
