import zlib from "node:zlib";
import type { ErrorCode } from "../../src/errors/error-code.js";
import type { MessageKind } from "../../src/codec/message/message-kind.js";

/** A kombu Redis envelope as a mutable JSON object. */
export interface Envelope {
  body: string;
  "content-type"?: string;
  "content-encoding"?: string;
  headers: Record<string, unknown>;
  properties: Record<string, unknown>;
}

export interface MalformedCase {
  readonly name: string;
  /** What it must be refused with. */
  readonly code: ErrorCode;
  /** A JSON pointer that must appear among the error details, when the failure has a location. */
  readonly path?: string;
  readonly kind?: MessageKind;
  readonly accept?: readonly string[];
  /** Mutates a valid envelope (or returns raw text) into the malformed input. */
  readonly build: (valid: Envelope) => Envelope | string | Record<string, unknown>;
}

const b64 = (text: string | Uint8Array): string => Buffer.from(text).toString("base64");
const withBody = (env: Envelope, bodyText: string | Uint8Array): Envelope => ({ ...env, body: b64(bodyText) });
const withHeaders = (env: Envelope, patch: Record<string, unknown>): Envelope => ({ ...env, headers: { ...env.headers, ...patch } });
const without = (obj: Record<string, unknown>, key: string): Record<string, unknown> => {
  const { [key]: _dropped, ...rest } = obj;
  return rest;
};
const EMBED = '{"callbacks": null, "errbacks": null, "chain": null, "chord": null}';

export const MALFORMED_CASES: readonly MalformedCase[] = [
  { name: "missing id header", code: "InvalidHeaders", path: "/headers/id", build: (e) => ({ ...e, headers: without(e.headers, "id") }) },
  { name: "id header is a number", code: "InvalidHeaders", path: "/headers/id", build: (e) => withHeaders(e, { id: 42 }) },
  { name: "task header is null", code: "InvalidHeaders", path: "/headers/task", build: (e) => withHeaders(e, { task: null }) },
  { name: "no task header and a v2 body", code: "UnknownProtocol", build: (e) => ({ ...e, headers: without(e.headers, "task") }) },
  {
    name: "headers are a list",
    code: "InvalidEnvelope",
    path: "/headers",
    build: (e) => ({ ...e, headers: ["task", "id"] as unknown as Record<string, unknown> }),
  },
  { name: "2-element body", code: "InvalidBody", path: "/body", build: (e) => withBody(e, "[[2, 2], {}]") },
  { name: "4-element body", code: "InvalidBody", path: "/body", build: (e) => withBody(e, `[[2, 2], {}, ${EMBED}, 1]`) },
  { name: "body is a string", code: "InvalidBody", path: "/body", build: (e) => withBody(e, '"add(2, 2)"') },
  { name: "args not a list", code: "InvalidBody", path: "/body/0", build: (e) => withBody(e, `[{"x": 1}, {}, ${EMBED}]`) },
  { name: "kwargs not an object", code: "InvalidBody", path: "/body/1", build: (e) => withBody(e, `[[1], [2], ${EMBED}]`) },
  { name: "kwargs null", code: "InvalidBody", path: "/body/1", build: (e) => withBody(e, `[[1], null, ${EMBED}]`) },
  { name: "embed is a string", code: "InvalidBody", path: "/body/2", build: (e) => withBody(e, '[[1], {}, "embed"]') },
  {
    name: "embed callbacks not a list",
    code: "InvalidBody",
    path: "/body/2/callbacks",
    build: (e) => withBody(e, '[[1], {}, {"callbacks": "tasks.cb", "errbacks": null, "chain": null, "chord": null}]'),
  },
  {
    name: "chain step without a task name",
    code: "InvalidBody",
    build: (e) => withBody(e, '[[1], {}, {"callbacks": null, "errbacks": null, "chain": [{"args": []}], "chord": null}]'),
  },
  { name: "eta is not a date", code: "InvalidDateTime", path: "/headers/eta", build: (e) => withHeaders(e, { eta: "tomorrow" }) },
  { name: "eta month 13", code: "InvalidDateTime", path: "/headers/eta", build: (e) => withHeaders(e, { eta: "2025-13-01T00:00:00+00:00" }) },
  { name: "eta February 30", code: "InvalidDateTime", path: "/headers/eta", build: (e) => withHeaders(e, { eta: "2025-02-30T00:00:00+00:00" }) },
  { name: "expires is not a date", code: "InvalidDateTime", path: "/headers/expires", build: (e) => withHeaders(e, { expires: "2025-01-01T25:00:00" }) },
  { name: "eta is a number", code: "InvalidHeaders", path: "/headers/eta", build: (e) => withHeaders(e, { eta: 1735689600 }) },
  { name: "retries is a string", code: "InvalidHeaders", path: "/headers/retries", build: (e) => withHeaders(e, { retries: "1" }) },
  { name: "retries is negative", code: "InvalidHeaders", path: "/headers/retries", build: (e) => withHeaders(e, { retries: -1 }) },
  { name: "timelimit has 3 elements", code: "InvalidHeaders", path: "/headers/timelimit", build: (e) => withHeaders(e, { timelimit: [1, 2, 3] }) },
  { name: "timelimit is a string", code: "InvalidHeaders", path: "/headers/timelimit", build: (e) => withHeaders(e, { timelimit: "30" }) },
  { name: "group_index is a string", code: "InvalidHeaders", path: "/headers/group_index", build: (e) => withHeaders(e, { group_index: "0" }) },
  { name: "stamps is a list", code: "InvalidHeaders", path: "/headers/stamps", build: (e) => withHeaders(e, { stamps: ["a"] }) },
  { name: "ignore_result is a string", code: "InvalidHeaders", path: "/headers/ignore_result", build: (e) => withHeaders(e, { ignore_result: "false" }) },
  {
    name: "unknown __type__ wrapper in args",
    code: "InvalidTypeWrapper",
    path: "/body/0/0",
    build: (e) => withBody(e, `[[{"__type__": "set", "__value__": [1]}], {}, ${EMBED}]`),
  },
  {
    name: "datetime wrapper with a bad value",
    code: "InvalidTypeWrapper",
    build: (e) => withBody(e, `[[{"__type__": "datetime", "__value__": "yesterday"}], {}, ${EMBED}]`),
  },
  {
    name: "pickle content type",
    code: "ContentDisallowed",
    build: (e) => ({ ...e, "content-type": "application/x-python-serialize", "content-encoding": "binary" }),
  },
  { name: "pickle refused even if listed in accept", code: "InvalidOption", accept: ["json", "pickle"], build: (e) => e },
  {
    name: "yaml outside the accept list",
    code: "ContentDisallowed",
    accept: ["json"],
    build: (e) => ({ ...withBody(e, "- [1]\n- {}\n- null\n"), "content-type": "application/x-yaml" }),
  },
  // Found by the worker-input fuzzer (conformance/fuzz): each escaped as a raw TypeError, a warning, or killed the process.
  {
    name: "yaml tag safe_load has no constructor for",
    code: "DecodeError",
    accept: ["yaml"],
    build: (e) => ({ ...withBody(e, "!!python/object/apply:os.system ['true']"), "content-type": "application/x-yaml" }),
  },
  {
    name: "yaml alias inside its own anchor",
    code: "DecodeError",
    accept: ["yaml"],
    build: (e) => ({ ...withBody(e, "&a [*a]"), "content-type": "application/x-yaml" }),
  },
  {
    name: "yaml of 4,000 unclosed [ (was a fatal out-of-memory)",
    code: "DecodeError",
    accept: ["yaml"],
    build: (e) => ({ ...withBody(e, "[".repeat(4000)), "content-type": "application/x-yaml" }),
  },
  {
    name: "type wrapper whose __type__ is a huge integer",
    code: "InvalidTypeWrapper",
    build: (e) => withBody(e, `[[{"__type__": 123456789012345678901234567890, "__value__": 1}], {}, ${EMBED}]`),
  },
  { name: "unknown content type", code: "UnsupportedContentType", build: (e) => ({ ...e, "content-type": "application/x-protobuf" }) },
  { name: "empty content type", code: "UnsupportedContentType", build: (e) => ({ ...e, "content-type": "" }) },
  { name: "bad base64 body", code: "InvalidEncoding", build: (e) => ({ ...e, body: "W1syLCAy!!!" }) },
  {
    name: "unknown body_encoding",
    code: "InvalidEnvelope",
    path: "/properties/body_encoding",
    build: (e) => ({ ...e, properties: { ...e.properties, body_encoding: "hex" } }),
  },
  { name: "body is not UTF-8", code: "InvalidEncoding", build: (e) => withBody(e, new Uint8Array([0x5b, 0xff, 0xfe, 0x5d])) },
  { name: "unsupported content_encoding for JSON", code: "InvalidEncoding", build: (e) => ({ ...e, "content-encoding": "utf-16" }) },
  { name: "unknown compression", code: "UnsupportedCompression", build: (e) => withHeaders(e, { compression: "application/x-snappy" }) },
  { name: "lzma compression", code: "UnsupportedCompression", build: (e) => withHeaders(e, { compression: "application/x-lzma" }) },
  {
    name: "corrupt zlib body",
    code: "DecompressionFailed",
    build: (e) => ({ ...withHeaders(e, { compression: "application/x-gzip" }), body: b64(zlib.deflateSync(Buffer.from("[[1], {}, {}]")).subarray(0, 6)) }),
  },
  { name: "gzip header on an uncompressed body", code: "DecompressionFailed", build: (e) => withHeaders(e, { compression: "application/x-gzip" }) },
  { name: "truncated JSON body", code: "DecodeError", build: (e) => withBody(e, '[[2, 2], {}, {"callbacks": nu') },
  { name: "JSON nested 1000 deep", code: "DecodeError", build: (e) => withBody(e, `${"[".repeat(1000)}${"]".repeat(1000)}`) },
  {
    name: "msgpack garbage",
    code: "DecodeError",
    build: (e) => ({ ...e, body: b64(new Uint8Array([0xc1, 0xc1])), "content-type": "application/x-msgpack", "content-encoding": "binary" }),
  },
  { name: "input truncated", code: "InvalidMessage", build: (e) => JSON.stringify(e).slice(0, 80) },
  { name: "envelope missing properties", code: "InvalidEnvelope", build: (e) => without(e as unknown as Record<string, unknown>, "properties") },
  { name: "envelope body is not a string", code: "InvalidEnvelope", build: (e) => ({ ...e, body: [1, 2] as unknown as string }) },
  {
    name: "protocol 1 body without id",
    code: "InvalidBody",
    build: (e) => ({ ...withBody(e, '{"task": "conformance.add", "args": [1, 2], "kwargs": {}}'), headers: {} }),
  },
  {
    name: "protocol 1 kwargs not an object",
    code: "InvalidBody",
    build: (e) => ({ ...withBody(e, '{"task": "conformance.add", "id": "x1", "args": [], "kwargs": [1]}'), headers: {} }),
  },
  { name: "hybrid body with kwargs not an object", code: "InvalidBody", build: (e) => withBody(e, '{"args": [1], "kwargs": "nope"}') },
  {
    name: "AMQP message with non-base64 body",
    code: "InvalidMessage",
    path: "/body",
    build: (e) => ({ properties: { content_type: "application/json", content_encoding: "utf-8", headers: e.headers }, body: "%%%" }),
  },
  {
    name: "AMQP message with broken base64 padding",
    code: "InvalidEncoding",
    build: (e) => ({ properties: { content_type: "application/json", content_encoding: "utf-8", headers: e.headers }, body: "W1sy=" }),
  },
  {
    name: "AMQP message without headers and a v2 body",
    code: "UnknownProtocol",
    build: (e) => ({ properties: { content_type: "application/json", content_encoding: "utf-8" }, body: e.body }),
  },
  { name: "AMQP message with properties missing", code: "InvalidMessage", build: (e) => ({ body: e.body }) },
  { name: "result meta without status", kind: "result", code: "InvalidMessage", build: () => '{"result": 4, "task_id": "x"}' },
  {
    name: "FAILURE result that is not an exception dict",
    kind: "result",
    code: "InvalidMessage",
    build: () => '{"status": "FAILURE", "result": "boom", "traceback": null, "children": [], "date_done": null, "task_id": "x"}',
  },
  { name: "event without a type", kind: "event", code: "InvalidMessage", build: (e) => withBody(e, '{"hostname": "w@h", "timestamp": 1.5}') },
  {
    name: "control request with a non-list destination",
    kind: "control",
    code: "InvalidMessage",
    build: (e) => withBody(e, '{"method": "ping", "arguments": {}, "destination": "w@h", "pattern": null, "matcher": null}'),
  },
];
