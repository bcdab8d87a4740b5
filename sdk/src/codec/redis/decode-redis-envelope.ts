import { CeleryProtoError } from "../../errors/celery-proto-error.js";
import { validateRedisEnvelope } from "../../gen/json-schema/envelope-validators.js";
import { decodeBase64Strict } from "../body/base64.js";
import { decodeTypeWrappers } from "../json/kombu-json.js";
import { mayHoldTypeWrapper } from "../json/may-hold-type-wrapper.js";
import { parsePythonJson, type ParsedJson } from "../json/parse-python-json.js";
import type { DecodeOptions, RawTaskParts } from "../task/raw-task-parts.js";
import { decodeTaskMessage } from "../task/decode-task-message.js";
import type { TaskMessage } from "../task/task-message.js";
import { assertValid } from "../validate/assert-valid.js";
import { quickAcceptsRedisEnvelope } from "../validate/quick-accepts-redis-envelope.js";

/** Decodes the exact string kombu keeps in a Redis list (or PUBLISHes) into a task message. */
export function decodeRedisEnvelope(envelope: string | Uint8Array, options: DecodeOptions = {}): TaskMessage {
  return decodeTaskMessage(readRedisEnvelope(envelope), options);
}

/** Unwraps a kombu Redis envelope (§4.1 of the protocol digest) into transport-neutral parts, without decoding the body. */
export function readRedisEnvelope(envelope: string | Uint8Array): RawTaskParts {
  const text = typeof envelope === "string" ? envelope : decodeUtf8(envelope);
  let raw: ParsedJson;
  try {
    raw = parsePythonJson(text);
  } catch (e) {
    throw new CeleryProtoError("InvalidEnvelope", `Redis envelope is not valid JSON: ${CeleryProtoError.from(e).message}`, { cause: e });
  }
  if (!quickAcceptsRedisEnvelope(raw)) assertValid(validateRedisEnvelope, raw, "InvalidEnvelope", "Redis envelope");
  const env = raw as {
    body: string;
    "content-type"?: string;
    "content-encoding"?: string;
    headers?: Record<string, ParsedJson> | null;
    properties: Record<string, ParsedJson>;
  };
  const {
    delivery_info: info,
    delivery_tag: tag,
    body_encoding: bodyEncoding,
    ...properties
  } = env.properties as Record<string, ParsedJson> & {
    delivery_info?: { exchange?: string; routing_key?: string; priority?: number | null; redelivered?: boolean };
    delivery_tag?: string;
    body_encoding?: string;
  };
  let body: Uint8Array;
  if (bodyEncoding === undefined || bodyEncoding === null) body = new TextEncoder().encode(env.body);
  else if (bodyEncoding === "base64") body = decodeBase64Strict(env.body, "Redis envelope body");
  else throw new CeleryProtoError("InvalidEncoding", `unsupported body_encoding ${JSON.stringify(bodyEncoding)} (kombu writes "base64")`);
  const headers = env.headers === undefined || env.headers === null ? {} : mayHoldTypeWrapper(text) ? decodeTypeWrappers(env.headers, "/headers") : env.headers;
  return {
    headers,
    properties: { ...properties, content_type: env["content-type"], content_encoding: env["content-encoding"] },
    body,
    deliveryInfo:
      info === undefined
        ? null
        : {
            exchange: info.exchange ?? "",
            routingKey: info.routing_key ?? "",
            priority: (properties["priority"] as number | undefined) ?? null,
            redelivered: info.redelivered === true || (headers as Record<string, unknown>)["redelivered"] === true,
          },
    deliveryTag: typeof tag === "string" ? tag : null,
  };
}

/** Stateless between calls: `decode` without `stream` resets it. */
const UTF8 = new TextDecoder("utf-8", { fatal: true });

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return UTF8.decode(bytes);
  } catch (e) {
    throw new CeleryProtoError("InvalidEncoding", "Redis envelope is not valid UTF-8", { cause: e });
  }
}
