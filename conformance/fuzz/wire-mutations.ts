import zlib from "node:zlib";
import fc from "fast-check";
import { msgpackModule, yamlModule } from "../../sdk/src/codec/body/lazy-codec-modules.js";
import { stringifyPythonJson, type PlainJson } from "../../sdk/src/codec/json/python-json-stringify.js";
import { parsePythonJson } from "../../sdk/src/codec/json/parse-python-json.js";
import type { FuzzSeed } from "./fuzz-seeds.js";
import type { WireModel } from "./wire-model.js";
import { CELERY_TASK_HEADERS } from "../harness/task-header-names.js";

/** How big generated inputs may get: CI keeps them small, the 100,000-case run goes up to the broker's limits. */
export interface FuzzLimits {
  /** Largest padding added to a header or the body, in bytes. */
  readonly maxPadBytes: number;
  /** Deepest nesting of a generated body or header value. */
  readonly maxDepth: number;
  /** Largest decompressed size of a compression bomb, in bytes. */
  readonly maxBombBytes: number;
}

export const CI_LIMITS: FuzzLimits = { maxPadBytes: 64 * 1024, maxDepth: 5_000, maxBombBytes: 4 * 1024 * 1024 };

/** One mutation: a label (shown on failure) and a pure function of the model. Stage orders value → bytes → text. */
export interface Mutation {
  readonly label: string;
  readonly stage: 0 | 1 | 2;
  readonly apply: (model: WireModel) => WireModel;
}

/** A generated case: which golden seed, the task id it is given, and the mutations applied in stage order. */
export interface FuzzCase {
  readonly seed: FuzzSeed;
  readonly id: string;
  readonly mutations: readonly Mutation[];
}

/** The case's message: the seed with its id replaced by `id` (unique per case), then every mutation applied. */
export function buildCase(fuzzCase: FuzzCase): WireModel {
  let model = withId(fuzzCase.seed.model, fuzzCase.id);
  for (const m of [...fuzzCase.mutations].sort((a, b) => a.stage - b.stage)) model = m.apply(model);
  return model;
}

export function describeCase(fuzzCase: FuzzCase): string {
  return `seed ${fuzzCase.seed.name}, id ${fuzzCase.id}, mutations: ${fuzzCase.mutations.map((m) => m.label).join("; ") || "(none)"}`;
}

export function fuzzCaseArbitrary(seeds: readonly FuzzSeed[], limits: FuzzLimits = CI_LIMITS): fc.Arbitrary<FuzzCase> {
  const mutation = mutationArbitrary(limits);
  return fc.record({ seed: fc.constantFrom(...seeds), id: fc.uuid({ version: 4 }), mutations: fc.array(mutation, { minLength: 0, maxLength: 3 }) });
}

const PROPERTY_KEYS = ["correlation_id", "reply_to", "delivery_mode", "delivery_info", "priority", "body_encoding", "delivery_tag"];
const ENVELOPE_KEYS = ["body", "content-type", "content-encoding", "headers", "properties"];
const CONTENT_TYPES = [
  "application/json",
  "APPLICATION/JSON",
  " application/json ",
  "application/x-msgpack",
  "application/msgpack",
  "application/x-yaml",
  "application/x-python-serialize",
  "application/data",
  "text/plain",
  "",
];
const CONTENT_ENCODINGS = ["utf-8", "UTF8", "binary", "base64", "latin-1", "ascii", "utf-16", ""];
const COMPRESSION_HEADERS = [
  "application/x-gzip",
  "zlib",
  "gzip",
  "application/x-bz2",
  "bzip2",
  "application/x-brotli",
  "brotli",
  "application/x-lzma",
  "application/zstd",
  "",
];
const WRAPPER_TYPES = ["datetime", "date", "time", "decimal", "uuid", "bytes", "base64", "frozenset", "set", ""];
const TRICKY_STRINGS = [
  "",
  "2026-01-01T00:00:00",
  "2026-01-01T00:00:00+00:00",
  "2099-13-45T99:99:99",
  "not-a-date",
  "NaN",
  "__type__",
  "__proto__",
  "constructor",
  "conformance.add",
  "\u0000",
  "\ud83d\ude00",
  "e\u0301",
  "\u202e",
  "0",
  "-1",
];

const scalar: fc.Arbitrary<PlainJson> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.constantFrom(0, -1, 2 ** 53, -(2 ** 53), 2 ** 31, 255, 256),
  fc.bigInt({ min: -(2n ** 128n), max: 2n ** 128n }),
  fc.double(),
  fc.string({ unit: "binary", maxLength: 24 }),
  fc.constantFrom(...TRICKY_STRINGS),
);

const typeWrapper: fc.Arbitrary<PlainJson> = fc.record({
  __type__: fc.oneof(fc.constantFrom(...WRAPPER_TYPES), scalar),
  __value__: fc.oneof(
    scalar,
    fc.constantFrom("2026-01-01T00:00:00", "2026-01-01", "12:30:00", "1.5", "NaN", "8d1d0a2e-6b8f-4c1e-9d58-3a2f6a0f0b11", "aGVsbG8=", "%%%"),
  ),
});

/** Any JSON value the wire may carry: scalars (NaN, huge ints, odd strings), lists, dicts, kombu type wrappers. */
export const jsonValue: fc.Arbitrary<PlainJson> = fc.letrec<{ value: PlainJson }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    scalar,
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.string({ unit: "binary", maxLength: 8 }), fc.constantFrom(...TRICKY_STRINGS)), tie("value"), { maxKeys: 4 }),
    typeWrapper,
  ),
})).value;

function nested(depth: number, asObject: boolean): PlainJson {
  let value: PlainJson = 1;
  for (let i = 0; i < depth; i++) value = asObject ? { a: value } : [value];
  return value;
}

/** One size in `HUGE_SIZE_WEIGHT` (of `TYPICAL_SIZE_WEIGHT + HUGE_SIZE_WEIGHT`) may go up to the limit; the rest stay typical. */
const TYPICAL_SIZE_WEIGHT = 19;
const HUGE_SIZE_WEIGHT = 1;

/**
 * A size in `[min, max]`, mostly at most `typical`: huge inputs stay a bounded fraction of the cases (each costs the
 * worker and the harness up to seconds), so a run's time grows with its case count, not with the luck of the draw.
 */
function boundedSize(min: number, typical: number, max: number): fc.Arbitrary<number> {
  if (max <= typical) return fc.integer({ min, max });
  return fc.oneof(
    { weight: TYPICAL_SIZE_WEIGHT, arbitrary: fc.integer({ min, max: typical }) },
    { weight: HUGE_SIZE_WEIGHT, arbitrary: fc.integer({ min, max }) },
  );
}

function mutationArbitrary(limits: FuzzLimits): fc.Arbitrary<Mutation> {
  const depth = boundedSize(50, 1_000, limits.maxDepth);
  // Values are written with the SDK's recursive JSON writer; deeper nesting is generated as text (`nested [ x n`).
  const valueDepth = fc.integer({ min: 50, max: 500 });
  const pad = boundedSize(1, 4 * 1024, limits.maxPadBytes);
  const value = fc.oneof({ weight: 6, arbitrary: jsonValue }, { weight: 1, arbitrary: fc.tuple(valueDepth, fc.boolean()).map(([d, o]) => nested(d, o)) });
  return fc.oneof(
    // Body structure (stage 0): args, kwargs, embed, the whole body.
    value.map((v) => valueMutation(`args := ${brief(v)}`, (b) => setBodyPart(b, 0, "args", v))),
    fc.array(value, { maxLength: 4 }).map((args) => valueMutation(`args := list(${args.length})`, (b) => setBodyPart(b, 0, "args", args))),
    value.map((v) => valueMutation(`kwargs := ${brief(v)}`, (b) => setBodyPart(b, 1, "kwargs", v))),
    fc
      .dictionary(fc.string({ unit: "binary", maxLength: 8 }), value, { maxKeys: 4 })
      .map((kw) => valueMutation(`kwargs := dict(${Object.keys(kw).length})`, (b) => setBodyPart(b, 1, "kwargs", kw))),
    fc
      .record({ key: fc.constantFrom("callbacks", "errbacks", "chain", "chord", "other"), v: value })
      .map(({ key, v }) => valueMutation(`embed.${key} := ${brief(v)}`, (b) => setEmbed(b, key, v))),
    value.map((v) => valueMutation(`embed := ${brief(v)}`, (b) => setBodyPart(b, 2, "embed", v))),
    value.map((v) => valueMutation(`body := ${brief(v)}`, () => v)),
    fc
      .constantFrom("1e400", "-1e400", "123456789012345678901234567890123", "NaN", "Infinity", "-Infinity", "1E+2", "-0", "0.1e-400", "1_000", "0x10", "01")
      .map((literal) => textBodyMutation(`args literal ${literal}`, () => `[[${literal}], {}, {}]`)),
    fc
      .tuple(depth, fc.constantFrom("[", '{"a": '))
      .map(([d, open]) => textBodyMutation(`nested ${open} x${d}`, () => `[[${open.repeat(d)}1${(open === "[" ? "]" : "}").repeat(d)}], {}, {}]`)),
    // Headers (stage 0).
    fc.constantFrom(...CELERY_TASK_HEADERS).map((key) => headerMutation(`drop header ${key}`, (h) => omit(h, key))),
    fc.tuple(fc.constantFrom(...CELERY_TASK_HEADERS), value).map(([key, v]) => headerMutation(`header ${key} := ${brief(v)}`, (h) => ({ ...h, [key]: v }))),
    fc
      .tuple(fc.string({ unit: "binary", maxLength: 12 }), value)
      .map(([key, v]) => headerMutation(`add header ${JSON.stringify(key)}`, (h) => withKey(h, key, v))),
    fc
      .tuple(fc.constantFrom(...CELERY_TASK_HEADERS, "x-pad"), pad)
      .map(([key, n]) => headerMutation(`header ${key} := ${n} chars`, (h) => ({ ...h, [key]: "\u00e9".repeat(n) }))),
    value.map((v) => envelopeMutation(`headers := ${brief(v)}`, (e) => ({ ...e, headers: v }))),
    // Content type, encoding, compression, properties, envelope (stage 1: after the body value is serialized).
    fc
      .oneof(fc.constantFrom(...CONTENT_TYPES), scalar)
      .map((t) => bytesMutation(`content-type := ${brief(t)}`, (m) => ({ ...m, envelope: { ...m.envelope, "content-type": t } }))),
    fc
      .oneof(fc.constantFrom(...CONTENT_ENCODINGS), scalar)
      .map((t) => bytesMutation(`content-encoding := ${brief(t)}`, (m) => ({ ...m, envelope: { ...m.envelope, "content-encoding": t } }))),
    fc.constantFrom("zlib", "brotli").map((method) => bytesMutation(`compress ${method}`, (m) => compress(m, method))),
    fc
      .oneof(fc.constantFrom(...COMPRESSION_HEADERS), scalar)
      .map((c) => bytesMutation(`compression header := ${brief(c)}`, (m) => setHeader(m, "compression", c))),
    boundedSize(1024, 64 * 1024, limits.maxBombBytes).map((n) =>
      bytesMutation(`zlib bomb ${n} bytes`, (m) => setHeader({ ...m, body: zlib.deflateSync(Buffer.alloc(n, 0x5b)), value: undefined }, "compression", "zlib")),
    ),
    fc.constant(bytesMutation("as msgpack", (m) => reserialize(m, "msgpack"))),
    fc.constant(bytesMutation("as yaml", (m) => reserialize(m, "yaml"))),
    fc
      .constantFrom(
        "!!python/object/apply:os.system ['true']",
        "- [1, 2]\n- {}\n- {}",
        "[[1, !!binary aGk=], {}, {}]",
        "&a [*a]",
        "[[2026-01-01], {}, {}]",
        "{{{",
      )
      .map((text) =>
        bytesMutation(`yaml body ${JSON.stringify(text)}`, (m) => ({
          ...m,
          body: Buffer.from(text),
          value: undefined,
          envelope: { ...m.envelope, "content-type": "application/x-yaml" },
        })),
      ),
    fc.constant(
      bytesMutation("pickle body", (m) => ({
        ...m,
        body: Buffer.from("80049505000000000000008c02707994", "hex"),
        value: undefined,
        envelope: { ...m.envelope, "content-type": "application/x-python-serialize", "content-encoding": "binary" },
      })),
    ),
    fc
      .tuple(fc.constantFrom(...PROPERTY_KEYS), fc.oneof(value, fc.constantFrom("base64", "hex", "")))
      .map(([key, v]) => bytesMutation(`property ${key} := ${brief(v)}`, (m) => ({ ...m, properties: { ...m.properties, [key]: v } }))),
    fc.constantFrom(...PROPERTY_KEYS).map((key) => bytesMutation(`drop property ${key}`, (m) => ({ ...m, properties: omit(m.properties, key) }))),
    fc
      .constantFrom(...ENVELOPE_KEYS)
      .map((key) => bytesMutation(`drop envelope ${key}`, (m) => ({ ...m, droppedEnvelopeKeys: [...m.droppedEnvelopeKeys, key] }))),
    fc
      .tuple(fc.string({ unit: "binary", maxLength: 12 }), value)
      .map(([key, v]) => bytesMutation(`add envelope ${JSON.stringify(key)}`, (m) => ({ ...m, envelope: withKey(m.envelope, key, v) }))),
    // Body bytes (stage 1).
    fc.nat().map((n) => bytesMutation(`truncate body at ${n}`, (m) => ({ ...m, body: m.body.subarray(0, n % (m.body.length + 1)), value: undefined }))),
    fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })).map(([at, byte]) =>
      bytesMutation(`body[${at}] := ${byte}`, (m) => {
        const body = Uint8Array.from(m.body);
        if (body.length > 0) body[at % body.length] = byte;
        return { ...m, body, value: undefined };
      }),
    ),
    fc.tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 16 })).map(([at, bytes]) =>
      bytesMutation(`insert ${bytes.length} bytes at ${at}`, (m) => {
        const i = at % (m.body.length + 1);
        return { ...m, body: Buffer.concat([m.body.subarray(0, i), bytes, m.body.subarray(i)]), value: undefined };
      }),
    ),
    fc.uint8Array({ maxLength: 64 }).map((bytes) => bytesMutation(`body := ${bytes.length} random bytes`, (m) => ({ ...m, body: bytes, value: undefined }))),
    pad.map((n) =>
      valueMutation(`kwargs.pad := ${n} chars`, (b) => {
        const kwargs = Array.isArray(b) && isRecord(b[1]) ? b[1] : {};
        return setBodyPart(b, 1, "kwargs", { ...kwargs, pad: "x".repeat(n) });
      }),
    ),
    // The rendered Redis envelope text (stage 2).
    fc.nat().map((n) => textMutation(`truncate envelope at ${n}`, (t) => t.slice(0, n % (t.length + 1)))),
    fc
      .tuple(fc.nat(), fc.string({ unit: "binary", minLength: 1, maxLength: 4 }))
      .map(([at, s]) => textMutation(`insert ${JSON.stringify(s)} into envelope`, (t) => t.slice(0, at % (t.length + 1)) + s + t.slice(at % (t.length + 1)))),
    fc
      .oneof(fc.constantFrom("", "null", "[]", "42", '"x"', "{}", '{"body": null}'), fc.string({ unit: "binary", maxLength: 32 }))
      .map((s) => textMutation(`envelope := ${JSON.stringify(s)}`, () => s)),
  );
}

function brief(v: unknown): string {
  let text: string;
  try {
    text = stringifyPythonJson(v as PlainJson);
  } catch {
    text = String(v);
  }
  return text.length > 60 ? `${text.slice(0, 60)}... (${text.length} chars)` : text;
}

/** The body as a value: the model's, or its bytes parsed as JSON, or a fresh protocol 2 body when neither works. */
function bodyValue(m: WireModel): PlainJson {
  if (m.value !== undefined) return m.value as PlainJson;
  try {
    return parsePythonJson(Buffer.from(m.body).toString("utf8")) as PlainJson;
  } catch {
    return [[], {}, { callbacks: null, errbacks: null, chain: null, chord: null }];
  }
}

/** Rewrites the body value, re-serialized as plain JSON (content type json, no compression). */
function valueMutation(label: string, edit: (body: PlainJson) => PlainJson): Mutation {
  return {
    label,
    stage: 0,
    apply: (m) => {
      const value = edit(bodyValue(m));
      return {
        ...setHeader(m, "compression", undefined),
        envelope: { ...dropHeader(m.envelope, "compression"), "content-type": "application/json", "content-encoding": "utf-8" },
        body: Buffer.from(stringifyPythonJson(value)),
        value,
      };
    },
  };
}

function textBodyMutation(label: string, text: () => string): Mutation {
  return {
    label,
    stage: 0,
    apply: (m) => ({
      ...m,
      envelope: { ...dropHeader(m.envelope, "compression"), "content-type": "application/json", "content-encoding": "utf-8" },
      body: Buffer.from(text()),
      value: undefined,
    }),
  };
}

function headerMutation(label: string, edit: (headers: Record<string, unknown>) => unknown): Mutation {
  return {
    label,
    stage: 0,
    apply: (m) => ({ ...m, envelope: { ...m.envelope, headers: edit(isRecord(m.envelope["headers"]) ? m.envelope["headers"] : {}) } }),
  };
}

function envelopeMutation(label: string, edit: (envelope: Readonly<Record<string, unknown>>) => Record<string, unknown>): Mutation {
  return { label, stage: 0, apply: (m) => ({ ...m, envelope: edit(m.envelope) }) };
}

function bytesMutation(label: string, apply: (m: WireModel) => WireModel): Mutation {
  return { label, stage: 1, apply };
}

function textMutation(label: string, edit: (text: string) => string): Mutation {
  return {
    label,
    stage: 2,
    apply: (m) => ({ ...m, envelopeText: m.envelopeText === null ? edit : (t) => edit((m.envelopeText as (t: string) => string)(t)) }),
  };
}

function setBodyPart(body: PlainJson, index: 0 | 1 | 2, key: string, v: PlainJson): PlainJson {
  if (isRecord(body)) return { ...body, [key]: v };
  const list = Array.isArray(body) ? [...body] : [[], {}, null];
  while (list.length <= index) list.push(null);
  list[index] = v;
  return list;
}

function setEmbed(body: PlainJson, key: string, v: PlainJson): PlainJson {
  const embed = Array.isArray(body) && isRecord(body[2]) ? body[2] : {};
  return setBodyPart(body, 2, "embed", { ...embed, [key]: v });
}

function compress(m: WireModel, method: "zlib" | "brotli"): WireModel {
  const body = method === "zlib" ? zlib.deflateSync(m.body) : zlib.brotliCompressSync(m.body);
  return setHeader({ ...m, body, value: undefined }, "compression", method === "zlib" ? "application/x-gzip" : "application/x-brotli");
}

function reserialize(m: WireModel, as: "msgpack" | "yaml"): WireModel {
  const value = bodyValue(m);
  let body: Uint8Array;
  try {
    body = as === "msgpack" ? msgpackModule().encode(value, { useBigInt64: true }) : Buffer.from(yamlModule().stringify(value));
  } catch {
    return m; // a value the library cannot write (bigint beyond 64 bits for msgpack...)
  }
  const type = as === "msgpack" ? "application/x-msgpack" : "application/x-yaml";
  return {
    ...setHeader(m, "compression", undefined),
    body,
    value: undefined,
    envelope: { ...dropHeader(m.envelope, "compression"), "content-type": type, "content-encoding": as === "msgpack" ? "binary" : "utf-8" },
  };
}

function setHeader(m: WireModel, key: string, v: unknown): WireModel {
  const headers = m.envelope["headers"];
  if (!isRecord(headers)) return m;
  return { ...m, envelope: { ...m.envelope, headers: v === undefined ? omit(headers, key) : { ...headers, [key]: v } } };
}

function dropHeader(envelope: Readonly<Record<string, unknown>>, key: string): Record<string, unknown> {
  const headers = envelope["headers"];
  return isRecord(headers) ? { ...envelope, headers: omit(headers, key) } : { ...envelope };
}

function omit<T extends Readonly<Record<string, unknown>>>(record: T, key: string): Record<string, unknown> {
  const { [key]: _dropped, ...rest } = record;
  return rest;
}

/** A copy with `key` set, safely even for `__proto__`. */
function withKey(record: Readonly<Record<string, unknown>>, key: string, v: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = { ...record };
  Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
  return out;
}

function isRecord(v: unknown): v is Record<string, PlainJson> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

function withId(model: WireModel, id: string): WireModel {
  const headers = model.envelope["headers"];
  const properties = { ...model.properties, correlation_id: id, delivery_tag: id };
  if (isRecord(headers) && "id" in headers) return { ...model, properties, envelope: { ...model.envelope, headers: { ...headers, id } } };
  // Protocol 1: the id is in the body dict.
  try {
    const body = parsePythonJson(Buffer.from(model.body).toString("utf8"));
    if (isRecord(body) && "id" in body) return { ...model, properties, body: Buffer.from(stringifyPythonJson({ ...body, id } as PlainJson)), value: undefined };
  } catch {
    // not a JSON body: keep its id
  }
  return { ...model, properties };
}
