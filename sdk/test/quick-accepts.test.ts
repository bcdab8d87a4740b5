// The hand-written quick checks in front of the generated schema validators (Redis envelope, task headers, task body)
// may answer false for a valid value (the full validator then decides) but must never accept a value the validator
// rejects. Checked on every golden vector and on every property the schemas declare (read from schemas/json, so a
// property added there is exercised here), set to values of every JSON type and the edge values of each constraint,
// one at a time and in seeded random combinations.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { loadGoldenVectors } from "../../conformance/harness/golden-vectors.js";
import { parsePythonJson } from "../src/codec/json/parse-python-json.js";
import type { SchemaValidator } from "../src/codec/validate/assert-valid.js";
import { quickAcceptsRedisEnvelope } from "../src/codec/validate/quick-accepts-redis-envelope.js";
import { quickAcceptsTaskBody } from "../src/codec/validate/quick-accepts-task-body.js";
import { quickAcceptsTaskHeaders } from "../src/codec/validate/quick-accepts-task-headers.js";
import { validateRedisEnvelope } from "../src/gen/json-schema/envelope-validators.js";
import { validateTaskBodyV2, validateTaskHeadersV2 } from "../src/gen/json-schema/task-validators.js";

const SCHEMAS = path.resolve(import.meta.dirname, "../../schemas/json");

interface SchemaNode {
  readonly properties?: Record<string, unknown>;
  readonly $defs?: Record<string, SchemaNode>;
}
const schema = (file: string): SchemaNode => JSON.parse(readFileSync(path.join(SCHEMAS, file), "utf8")) as SchemaNode;
const propertyNames = (node: SchemaNode | undefined): string[] => Object.keys(node?.properties ?? {});

const taskSchema = schema("task-message-v2.schema.json");
const envelopeSchema = schema("redis-envelope.schema.json");
const HEADER_NAMES = propertyNames(taskSchema.$defs?.["TaskHeadersV2"]);
const EMBED_NAMES = propertyNames(taskSchema.$defs?.["TaskEmbed"]);
const ENVELOPE_NAMES = propertyNames(envelopeSchema);
const PROPERTY_NAMES = propertyNames(envelopeSchema.$defs?.["RedisEnvelopeProperties"]);
const DELIVERY_INFO_NAMES = propertyNames(schema("common.schema.json").$defs?.["DeliveryInfo"]);

const SIGNATURE = { task: "t", args: [], kwargs: {}, options: {}, subtask_type: null, immutable: false };
/** Values of every JSON type, and the edges of each constraint the schemas put on these properties. */
const POOL: readonly unknown[] = [
  undefined,
  null,
  true,
  false,
  0,
  -0,
  1,
  2,
  3,
  -1,
  1.5,
  255,
  256,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  2 ** 53,
  10n,
  "",
  "x",
  "base64",
  "123",
  "12a",
  "2025-01-31T12:00:00",
  "2025-01-31T12:00:00.123456+01:00",
  "2025-01-31T12:00:00Z",
  "2025-01-31T12:00:00.1234567",
  "2025-01-31 12:00:00",
  "2025-01-31T12:00:00\n",
  [],
  [null, null],
  [1, null],
  [null, 2.5],
  [Number.NaN, null],
  [1n, null],
  [1],
  [1, 2, 3],
  ["a", "b"],
  ["a", 1],
  [[], {}, null],
  [SIGNATURE],
  [null],
  {},
  { a: 1 },
  { exchange: "", routing_key: "q" },
  { exchange: 1, routing_key: "q" },
  { exchange: "", routing_key: "q", priority: 300 },
  { callbacks: null, errbacks: null, chain: null, chord: null },
  { callbacks: [1] },
  SIGNATURE,
  new Date(0),
  new Uint8Array(2),
];

type Mutation = (value: Record<string, unknown>) => void;

function set(pathParts: readonly string[], replacement: unknown): Mutation {
  return (value) => {
    let target = value;
    for (const part of pathParts.slice(0, -1)) {
      const next = target[part];
      if (typeof next !== "object" || next === null) return;
      target[part] = Array.isArray(next) ? [...next] : { ...next };
      target = target[part] as Record<string, unknown>;
    }
    const last = pathParts[pathParts.length - 1] as string;
    if (replacement === undefined) delete target[last];
    else target[last] = replacement;
  };
}

function mutationsOf(paths: readonly (readonly string[])[]): Mutation[] {
  return paths.flatMap((p) => POOL.map((v) => set(p, v)));
}

function clone<T>(value: T): T {
  return Array.isArray(value) ? ([...value] as T) : ({ ...value } as T);
}

/** Applies each mutation alone, then `rounds` seeded random combinations of up to 3; returns how many were accepted. */
function check(
  name: string,
  bases: readonly unknown[],
  mutations: readonly Mutation[],
  quick: (value: unknown) => boolean,
  full: SchemaValidator,
  rounds = 3000,
): number {
  let accepted = 0;
  const verify = (value: unknown, what: string): void => {
    if (!quick(value)) return;
    accepted++;
    assert.ok(full(value), `${name}: the quick check accepted what the validator rejects (${what}): ${show(value)}`);
  };
  let seed = 15_03;
  const random = (): number => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  for (const [b, base] of bases.entries()) {
    verify(base, `base ${b}`);
    for (const [m, mutate] of mutations.entries()) {
      const value = clone(base) as Record<string, unknown>;
      mutate(value);
      verify(value, `base ${b}, mutation ${m}`);
    }
    for (let r = 0; r < rounds / bases.length; r++) {
      const value = clone(base) as Record<string, unknown>;
      const n = 1 + Math.floor(random() * 3);
      for (let k = 0; k < n; k++) mutations[Math.floor(random() * mutations.length)]?.(value);
      verify(value, `base ${b}, random round ${r}`);
    }
  }
  return accepted;
}

function show(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : typeof v === "number" && !Number.isFinite(v) ? String(v) : v));
}

const vectors = loadGoldenVectors();
const envelopes = vectors.flatMap((v) => v.messages.flatMap((m) => (m.transport === "redis" && m.command === "LPUSH" ? [parsePythonJson(m.raw)] : [])));
const taskEnvelopes = envelopes.filter((e) => {
  const headers = (e as { headers?: Record<string, unknown> }).headers;
  return headers !== undefined && typeof headers["task"] === "string";
}) as { headers: Record<string, unknown>; body: string; "content-type": string }[];
const headerSamples = taskEnvelopes.map((e) => e.headers);
const bodySamples = taskEnvelopes
  .filter((e) => e["content-type"] === "application/json")
  .map((e) => {
    try {
      return parsePythonJson(Buffer.from(e.body, "base64").toString("utf8"));
    } catch {
      return null; // compressed
    }
  })
  .filter((b) => Array.isArray(b));

describe("quick schema checks never accept what the schema validators reject", () => {
  it("has samples from the golden vectors", () => {
    assert.ok(
      envelopes.length > 50 && headerSamples.length > 30 && bodySamples.length > 20,
      `${envelopes.length}/${headerSamples.length}/${bodySamples.length}`,
    );
  });

  it("Redis envelope", () => {
    const paths = [
      ...ENVELOPE_NAMES.map((n) => [n]),
      ...PROPERTY_NAMES.map((n) => ["properties", n]),
      ...DELIVERY_INFO_NAMES.map((n) => ["properties", "delivery_info", n]),
    ];
    const accepted = check("envelope", envelopes, mutationsOf(paths), quickAcceptsRedisEnvelope, validateRedisEnvelope);
    assert.ok(accepted > 1000, `only ${accepted} accepted: the quick check is nearly vacuous`);
  });

  it("task headers", () => {
    const accepted = check("headers", headerSamples, mutationsOf(HEADER_NAMES.map((n) => [n])), quickAcceptsTaskHeaders, validateTaskHeadersV2);
    assert.ok(accepted > 1000, `only ${accepted} accepted: the quick check is nearly vacuous`);
  });

  it("task body", () => {
    const paths = [["0"], ["1"], ["2"], ["3"], ...EMBED_NAMES.map((n) => ["2", n])];
    const accepted = check("body", bodySamples, mutationsOf(paths), quickAcceptsTaskBody, validateTaskBodyV2);
    assert.ok(accepted > 200, `only ${accepted} accepted: the quick check is nearly vacuous`);
  });

  it("accepts what Python Celery sends for a plain call (the fast path is taken)", () => {
    const simple = vectors.filter((v) => v.scenario === "simple-call" && v.broker === "redis");
    assert.ok(simple.length >= 2);
    for (const vector of simple) {
      const message = vector.messages[0];
      assert.ok(message?.transport === "redis");
      const envelope = parsePythonJson(message.raw) as { headers: unknown; body: string };
      assert.ok(quickAcceptsRedisEnvelope(envelope), vector.file);
      assert.ok(quickAcceptsTaskHeaders(envelope.headers), vector.file);
      assert.ok(quickAcceptsTaskBody(parsePythonJson(Buffer.from(envelope.body, "base64").toString("utf8"))), vector.file);
    }
  });
});
