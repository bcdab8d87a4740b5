import { CeleryProtoError } from "../../errors/celery-proto-error.js";
import { decompressBody } from "../body/compression.js";
import { checkContentType, resolveAcceptList } from "../body/content-types.js";
import { deserializeBody } from "../body/deserialize-body.js";
import { decodeTypeWrappers } from "../json/kombu-json.js";
import type { ParsedJson } from "../json/parse-python-json.js";
import type { DecodeOptions, RawTaskParts } from "../task/raw-task-parts.js";

/** A non-task message body (event, control request or reply), both raw (for schema checks) and decoded. */
export interface DecodedMessageBody {
  /** The body as parsed, kombu type wrappers still in place: what the schemas validate. */
  readonly raw: unknown;
  /** The body with type wrappers decoded (JSON only). */
  readonly value: unknown;
  readonly headers: Readonly<Record<string, unknown>>;
}

/** Content-type check, decompression and deserialization of any kombu message (events, pidbox). */
export function decodeMessageBody(parts: RawTaskParts, options: DecodeOptions = {}): DecodedMessageBody {
  const headers = parts.headers ?? {};
  if (typeof headers !== "object" || Array.isArray(headers)) {
    throw new CeleryProtoError("InvalidHeaders", "message headers must be a mapping");
  }
  const spec = checkContentType(parts.properties["content_type"] as string | undefined, resolveAcceptList(options.accept));
  const compression = (headers as Record<string, unknown>)["compression"];
  const body = typeof compression === "string" ? decompressBody(parts.body, compression) : parts.body;
  const raw = deserializeBody(body, spec, parts.properties["content_encoding"] as string | undefined, { typeWrappers: false });
  const value = spec.name === "json" ? decodeTypeWrappers(raw as ParsedJson, "") : raw;
  return { raw, value, headers: headers as Readonly<Record<string, unknown>> };
}
