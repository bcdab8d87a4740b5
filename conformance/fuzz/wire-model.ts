import { decodeBase64Strict } from "../../sdk/src/codec/body/base64.js";
import { stringifyPythonJson, type PlainJson } from "../../sdk/src/codec/json/python-json-stringify.js";
import type { RawTaskParts } from "../../sdk/src/codec/task/raw-task-parts.js";

/**
 * One task message as the fuzzer mutates it: the fields of a kombu Redis envelope (the AMQP form is rendered from the
 * same fields), the body bytes, and the body as a value while it is still known (for structural mutations).
 */
export interface WireModel {
  /** Envelope fields other than `body` and `properties`: `content-type`, `content-encoding`, `headers`, anything added. */
  readonly envelope: Readonly<Record<string, unknown>>;
  /** kombu's `properties`: `correlation_id`, `delivery_info`, `delivery_tag`, `body_encoding`, `priority`... */
  readonly properties: Readonly<Record<string, unknown>>;
  readonly body: Uint8Array;
  /** The body as a JSON value when the bytes are exactly its JSON text; undefined once bytes were mutated. */
  readonly value: unknown;
  /** Keys removed from the envelope itself (`body`, `properties`...), so the rendered envelope lacks them. */
  readonly droppedEnvelopeKeys: readonly string[];
  /** A replacement for the whole rendered Redis envelope text (text-level mutations), or null. */
  readonly envelopeText: ((rendered: string) => string) | null;
}

/** The Redis list entry for `model`: what LPUSH sends and what the worker's consumer reads. */
export function renderRedisEnvelope(model: WireModel): string {
  const body = model.properties["body_encoding"] === "base64" ? Buffer.from(model.body).toString("base64") : Buffer.from(model.body).toString("utf8");
  const out: Record<string, unknown> = { body, ...model.envelope, properties: model.properties };
  for (const key of model.droppedEnvelopeKeys) delete out[key];
  const text = stringifyPythonJson(out as PlainJson);
  return model.envelopeText === null ? text : model.envelopeText(text);
}

/** The same message as an AMQP delivery's parts (what the AMQP consumer hands the worker). */
export function renderAmqpParts(model: WireModel): RawTaskParts {
  const { delivery_info: info, delivery_tag: _tag, body_encoding: _encoding, ...properties } = model.properties;
  const route = typeof info === "object" && info !== null ? (info as Record<string, unknown>) : {};
  return {
    headers: model.envelope["headers"],
    properties: { ...properties, content_type: model.envelope["content-type"], content_encoding: model.envelope["content-encoding"] },
    body: model.body,
    deliveryInfo: {
      exchange: typeof route["exchange"] === "string" ? route["exchange"] : "",
      routingKey: typeof route["routing_key"] === "string" ? route["routing_key"] : "",
      priority: typeof properties["priority"] === "number" ? properties["priority"] : null,
      redelivered: false,
    },
    deliveryTag: null,
  };
}

/** A model from a parsed kombu Redis envelope (a golden vector's raw text). */
export function modelFromEnvelope(envelope: Readonly<Record<string, unknown>>): WireModel {
  const { body, properties, ...rest } = envelope;
  const props = (properties ?? {}) as Record<string, unknown>;
  const bytes = props["body_encoding"] === "base64" ? decodeBase64Strict(body as string, "seed body") : new TextEncoder().encode(body as string);
  return { envelope: rest, properties: props, body: bytes, value: undefined, droppedEnvelopeKeys: [], envelopeText: null };
}

/** The exact bytes of a case, for a failure message: the Redis envelope text (JSON-quoted) and the body in base64. */
export function describeModel(model: WireModel): string {
  let envelope: string;
  try {
    envelope = JSON.stringify(renderRedisEnvelope(model));
  } catch (e) {
    envelope = `(cannot render: ${(e as Error).message})`;
  }
  return `redis envelope: ${envelope}\nbody base64: ${Buffer.from(model.body).toString("base64")}`;
}
