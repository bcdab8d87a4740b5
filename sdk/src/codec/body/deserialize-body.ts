import { CeleryProtoError } from "../../errors/celery-proto-error.js";
import { decodeTypeWrappers } from "../json/kombu-json.js";
import { mayHoldTypeWrapper } from "../json/may-hold-type-wrapper.js";
import { parsePythonJson, type ParsedJson } from "../json/parse-python-json.js";
import type { SerializerSpec } from "./content-types.js";
import { msgpackModule } from "./lazy-codec-modules.js";
import { parsePyYaml } from "./parse-pyyaml.js";

export interface DeserializeOptions {
  /** Decode kombu JSON `__type__` wrappers (json only). Off when the raw JSON must be validated first. Default true. */
  readonly typeWrappers?: boolean;
}

/** A body as deserialized, kombu type wrappers still in place. */
export interface RawBody {
  readonly value: unknown;
  /** Whether `value` may hold kombu JSON type wrappers, i.e. whether `decodeTypeWrappers` has anything to do. */
  readonly typeWrappers: boolean;
}

/** Decodes body bytes with an already-accepted serializer (see `checkContentType`). */
export function deserializeBody(body: Uint8Array, spec: SerializerSpec, contentEncoding?: string | null, options: DeserializeOptions = {}): unknown {
  const raw = deserializeRawBody(body, spec, contentEncoding);
  return options.typeWrappers !== false && raw.typeWrappers ? decodeTypeWrappers(raw.value as ParsedJson, "") : raw.value;
}

/** `deserializeBody` without the type-wrapper decoding, saying whether there may be wrappers to decode. */
export function deserializeRawBody(body: Uint8Array, spec: SerializerSpec, contentEncoding?: unknown): RawBody {
  switch (spec.name) {
    case "json": {
      const text = decodeText(body, contentEncoding);
      return { value: parsePythonJson(text), typeWrappers: mayHoldTypeWrapper(text) };
    }
    case "yaml":
      try {
        return { value: parsePyYaml(decodeText(body, contentEncoding)), typeWrappers: false };
      } catch (e) {
        if (CeleryProtoError.is(e)) throw e;
        throw new CeleryProtoError("DecodeError", `invalid YAML body: ${(e as Error).message}`, { cause: e });
      }
    case "msgpack":
      try {
        return { value: normalizeMsgpack(msgpackModule().decode(body, { useBigInt64: true })), typeWrappers: false };
      } catch (e) {
        throw new CeleryProtoError("DecodeError", `invalid msgpack body: ${(e as Error).message}`, { cause: e });
      }
  }
}

const TEXT_ENCODINGS = new Set(["utf-8", "utf8", "ascii", "us-ascii"]);
/** Stateless between calls: `decode` without `stream` resets it. */
const UTF8 = new TextDecoder("utf-8", { fatal: true });

function decodeText(body: Uint8Array, contentEncoding?: unknown): string {
  if (contentEncoding !== undefined && contentEncoding !== null && typeof contentEncoding !== "string") {
    throw new CeleryProtoError("InvalidEncoding", `the content encoding must be a string, got ${typeof contentEncoding}`);
  }
  const encoding = (contentEncoding ?? "utf-8").toLowerCase();
  if (!TEXT_ENCODINGS.has(encoding)) {
    throw new CeleryProtoError("InvalidEncoding", `unsupported content encoding ${JSON.stringify(contentEncoding)} for a text body`);
  }
  try {
    return UTF8.decode(body);
  } catch (e) {
    throw new CeleryProtoError("InvalidEncoding", "body is not valid UTF-8", { cause: e });
  }
}

/** msgpack int64s decode as bigint; those within the safe range become plain numbers, as in JSON. */
function normalizeMsgpack(value: unknown): unknown {
  if (typeof value === "bigint") {
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
  }
  if (Array.isArray(value)) return value.map(normalizeMsgpack);
  if (value !== null && typeof value === "object" && !(value instanceof Uint8Array) && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = normalizeMsgpack(v);
    return out;
  }
  return value;
}
