import { CeleryProtoError } from "../../errors/celery-proto-error.js";
import type { Signature, TaskHeadersV2, TaskProperties } from "../../gen/json-schema/types.js";
import { validateTaskBodyV1, validateTaskBodyV2, validateTaskHeadersV2 } from "../../gen/json-schema/task-validators.js";
import { decompressBody } from "../body/compression.js";
import { checkContentType, resolveAcceptList, type SerializerSpec } from "../body/content-types.js";
import type { MessageVerifier } from "../../security/message-signing.js";
import { deserializeRawBody, type RawBody } from "../body/deserialize-body.js";
import { isSignedContentType, readSignedBody, signedBodyVerifier } from "../body/signed-body.js";
import { decodeTypeWrappers } from "../json/kombu-json.js";
import type { ParsedJson } from "../json/parse-python-json.js";
import { PyTuple, safeRepr } from "../repr/safe-repr.js";
import { parseIsoDateTime } from "../time/iso-datetime.js";
import { assertValid } from "../validate/assert-valid.js";
import { quickAcceptsTaskBody } from "../validate/quick-accepts-task-body.js";
import { quickAcceptsTaskHeaders } from "../validate/quick-accepts-task-headers.js";
import type { DecodeOptions, RawTaskParts } from "./raw-task-parts.js";
import type { TaskEmbed, TaskMessage } from "./task-message.js";

const EMPTY_EMBED: TaskEmbed = Object.freeze({ callbacks: null, errbacks: null, chain: null, chord: null });

/**
 * Decodes a task message the way a Celery 5.x worker reads it (C:celery/worker/consumer/consumer.py
 * `on_task_received` + strategy): protocol 2 when a `task` header is present (a body dict with `args` makes it
 * "hybrid"), otherwise protocol 1 from the body dict. Every refusal is a `CeleryProtoError` with a specific code.
 */
export function decodeTaskMessage(parts: RawTaskParts, options: DecodeOptions = {}): TaskMessage {
  const headers = parts.headers ?? {};
  if (!isMapping(headers)) {
    throw new CeleryProtoError("InvalidHeaders", `task headers must be a mapping, got ${describeType(headers)}`, {
      details: [{ path: "/headers", keyword: "type", message: "must be object" }],
    });
  }
  const accept = resolveAcceptList(options.accept);
  const { raw, typeWrappers } = readBody(parts, headers, accept, options.verifier);
  const decodeValues = (value: unknown, path: string): unknown => (typeWrappers ? decodeTypeWrappers(value as ParsedJson, path) : value);
  if (typeof headers["task"] === "string" || "task" in headers) {
    return isMapping(raw) && "args" in raw ? decodeHybrid(parts, headers, raw, decodeValues) : decodeProtocol2(parts, headers, raw, decodeValues);
  }
  if (isMapping(raw) && "task" in raw) return decodeProtocol1(parts, raw, decodeValues);
  throw new CeleryProtoError("UnknownProtocol", "not a Celery task message: no 'task' header (protocol 2) and no 'task' key in the body (protocol 1)");
}

type ValueDecoder = (value: unknown, path: string) => unknown;

function readBody(
  parts: RawTaskParts,
  headers: Readonly<Record<string, unknown>>,
  accept: ReadonlySet<string>,
  verifier: MessageVerifier | undefined,
): { raw: unknown; typeWrappers: boolean } {
  const contentType = parts.properties["content_type"];
  const read = isSignedContentType(contentType)
    ? readSignedWith(signedBodyVerifier(accept, verifier))
    : readPlainAs(checkContentType(contentType, accept), parts);
  const compression = headers["compression"];
  if (compression !== undefined && compression !== null && typeof compression !== "string") {
    throw new CeleryProtoError("InvalidHeaders", "the 'compression' header must be a string", {
      details: [{ path: "/headers/compression", keyword: "type", message: "must be string" }],
    });
  }
  const body = typeof compression === "string" ? decompressBody(parts.body, compression) : parts.body;
  const { value, typeWrappers } = read(body);
  return { raw: value, typeWrappers };
}

function readSignedWith(verifier: MessageVerifier): (body: Uint8Array) => RawBody {
  return (body) => readSignedBody(body, verifier);
}

function readPlainAs(spec: SerializerSpec, parts: RawTaskParts): (body: Uint8Array) => RawBody {
  return (body) => deserializeRawBody(body, spec, parts.properties["content_encoding"]);
}

function decodeProtocol2(parts: RawTaskParts, headers: Readonly<Record<string, unknown>>, raw: unknown, decodeValues: ValueDecoder): TaskMessage {
  const times = parseTimes(headers, "/headers");
  if (!quickAcceptsTaskHeaders(headers)) assertValid(validateTaskHeadersV2, headers, "InvalidHeaders", "task headers", "/headers");
  if (!quickAcceptsTaskBody(raw)) assertValid(validateTaskBodyV2, raw, "InvalidBody", "task body", "/body");
  const [args, kwargs, embed] = decodeValues(raw, "/body") as [unknown[], Record<string, unknown>, TaskEmbed | null];
  return {
    protocol: 2,
    headers: headers as TaskHeadersV2,
    properties: parts.properties as TaskProperties,
    args,
    kwargs,
    embed: normaliseEmbed(embed),
    ...times,
    deliveryInfo: parts.deliveryInfo,
    deliveryTag: parts.deliveryTag,
  };
}

function decodeHybrid(
  parts: RawTaskParts,
  headers: Readonly<Record<string, unknown>>,
  raw: Readonly<Record<string, unknown>>,
  decodeValues: ValueDecoder,
): TaskMessage {
  const body = decodeValues(raw, "/body") as Record<string, unknown>;
  const merged: Record<string, unknown> = {
    lang: body["lang"] ?? null,
    task: body["task"] ?? null,
    id: body["id"] ?? null,
    root_id: body["root_id"] ?? null,
    parent_id: body["parent_id"] ?? null,
    group: body["group"] ?? null,
    meth: body["meth"] ?? null,
    shadow: body["shadow"] ?? null,
    eta: body["eta"] ?? null,
    expires: body["expires"] ?? null,
    retries: body["retries"] ?? 0,
    timelimit: body["timelimit"] ?? [null, null],
    argsrepr: body["argsrepr"] ?? null,
    kwargsrepr: body["kwargsrepr"] ?? null,
    origin: body["origin"] ?? null,
    ...headers,
  };
  return fromBodyDict(parts, merged, body, "hybrid");
}

function decodeProtocol1(parts: RawTaskParts, raw: Readonly<Record<string, unknown>>, decodeValues: ValueDecoder): TaskMessage {
  assertValid(validateTaskBodyV1, raw, "InvalidBody", "protocol 1 task body", "/body");
  const body = decodeValues(raw, "/body") as Record<string, unknown>;
  const args = (body["args"] ?? []) as unknown[];
  const kwargs = (body["kwargs"] ?? {}) as Record<string, unknown>;
  const headers: Record<string, unknown> = {
    lang: "py",
    task: body["task"],
    id: body["id"],
    shadow: body["shadow"] ?? null,
    eta: body["eta"] ?? null,
    expires: body["expires"] ?? null,
    group: body["taskset"] ?? body["group"] ?? null,
    group_index: body["group_index"] ?? null,
    retries: body["retries"] ?? 0,
    timelimit: body["timelimit"] ?? [null, null],
    root_id: body["root_id"] ?? null,
    parent_id: body["parent_id"] ?? null,
    argsrepr: safeRepr(new PyTuple(args)),
    kwargsrepr: safeRepr(kwargs),
    origin: body["origin"] ?? null,
  };
  return fromBodyDict(parts, headers, body, 1);
}

/** Headers a protocol 1/hybrid body may leave unset: dropped rather than written as null (their wire type is string). */
const OMIT_WHEN_NULL = ["lang", "root_id", "meth", "argsrepr", "kwargsrepr", "origin"];

function fromBodyDict(parts: RawTaskParts, synthesized: Record<string, unknown>, body: Record<string, unknown>, protocol: 1 | "hybrid"): TaskMessage {
  const headers = { ...synthesized };
  for (const key of OMIT_WHEN_NULL) if (headers[key] === null || headers[key] === undefined) delete headers[key];
  const times = parseTimes(headers, protocol === 1 ? "/body" : "/headers");
  if (!quickAcceptsTaskHeaders(headers)) assertValid(validateTaskHeadersV2, headers, "InvalidHeaders", "task headers", protocol === 1 ? "/body" : "/headers");
  const args = body["args"] ?? [];
  const kwargs = body["kwargs"] ?? {};
  if (!Array.isArray(args)) throw bodyError("/body/args", "must be array", "task args must be a list");
  if (!isMapping(kwargs)) throw bodyError("/body/kwargs", "must be object", "task keyword arguments must be a mapping");
  return {
    protocol,
    headers: headers as TaskHeadersV2,
    properties: parts.properties as TaskProperties,
    args,
    kwargs,
    embed: normaliseEmbed({
      callbacks: (body["callbacks"] ?? null) as Signature[] | null,
      errbacks: (body["errbacks"] ?? null) as Signature[] | null,
      chord: (body["chord"] ?? null) as Signature | null,
      chain: null,
    }),
    ...times,
    deliveryInfo: parts.deliveryInfo,
    deliveryTag: parts.deliveryTag,
  };
}

function parseTimes(headers: Readonly<Record<string, unknown>>, at: string): { eta: Date | null; expires: Date | null } {
  const read = (name: "eta" | "expires"): Date | null => {
    const value = headers[name];
    if (typeof value !== "string") return null; // wrong types are reported by schema validation
    try {
      return parseIsoDateTime(value, name).date;
    } catch (e) {
      const err = CeleryProtoError.from(e, "InvalidDateTime");
      throw new CeleryProtoError("InvalidDateTime", err.message, {
        details: [{ path: `${at}/${name}`, keyword: "format", message: err.message }],
      });
    }
  };
  return { eta: read("eta"), expires: read("expires") };
}

function normaliseEmbed(embed: Partial<TaskEmbed> | null): TaskEmbed {
  if (embed === null) return EMPTY_EMBED;
  return {
    callbacks: embed.callbacks ?? null,
    errbacks: embed.errbacks ?? null,
    chain: embed.chain ?? null,
    chord: embed.chord ?? null,
  };
}

function bodyError(path: string, message: string, summary: string): CeleryProtoError {
  return new CeleryProtoError("InvalidBody", summary, { details: [{ path, keyword: "type", message }] });
}

function isMapping(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

function describeType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}
