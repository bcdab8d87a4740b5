import { CeleryProtoError } from "../../errors/celery-proto-error.js";
import { decompressBody } from "../body/compression.js";
import { checkContentType, resolveAcceptList, type SerializerSpec } from "../body/content-types.js";
import { deserializeRawBody, type RawBody } from "../body/deserialize-body.js";
import { isSignedContentType, readSignedBody, signedBodyVerifier } from "../body/signed-body.js";
import { decodeTypeWrappers } from "../json/kombu-json.js";
import type { ParsedJson } from "../json/parse-python-json.js";
import type { MessageVerifier } from "../../security/message-signing.js";
import type { DecodeOptions, RawTaskParts } from "../task/raw-task-parts.js";

/** A non-task message body (event, control request or reply), both raw (for schema checks) and decoded. */
export interface DecodedMessageBody {
  /** The body as parsed, kombu type wrappers still in place: what the schemas validate. */
  readonly raw: unknown;
  /** The body with type wrappers decoded (JSON only). */
  readonly value: unknown;
  readonly headers: Readonly<Record<string, unknown>>;
}

/**
 * Content-type check, decompression and deserialization of any kombu message (events, pidbox). A signed (`auth`) body
 * is verified with `options.verifier` (Celery signs remote control once `task_serializer` is `auth`).
 */
export function decodeMessageBody(parts: RawTaskParts, options: DecodeOptions = {}): DecodedMessageBody {
  const headers = parts.headers ?? {};
  if (typeof headers !== "object" || Array.isArray(headers)) {
    throw new CeleryProtoError("InvalidHeaders", "message headers must be a mapping");
  }
  const contentType = parts.properties["content_type"];
  const accept = resolveAcceptList(options.accept);
  const deserialize = isSignedContentType(contentType)
    ? verifyWith(signedBodyVerifier(accept, options.verifier))
    : deserializeAs(checkContentType(contentType as string | undefined, accept), parts.properties["content_encoding"]);
  const compression = (headers as Record<string, unknown>)["compression"];
  const read = deserialize(typeof compression === "string" ? decompressBody(parts.body, compression) : parts.body);
  const value = read.typeWrappers ? decodeTypeWrappers(read.value as ParsedJson, "") : read.value;
  return { raw: read.value, value, headers: headers as Readonly<Record<string, unknown>> };
}

function verifyWith(verifier: MessageVerifier): (body: Uint8Array) => RawBody {
  return (body) => readSignedBody(body, verifier);
}

function deserializeAs(spec: SerializerSpec, contentEncoding: unknown): (body: Uint8Array) => RawBody {
  return (body) => deserializeRawBody(body, spec, contentEncoding);
}
