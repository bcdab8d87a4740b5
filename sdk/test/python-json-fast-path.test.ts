// parsePythonJson hands most texts to JSON.parse, and decodeKombuJson skips the type-wrapper walk when the text cannot
// hold a `__type__` key. Both must give exactly what the reference path gives (readPythonJson, then the walk): same
// values (bigint vs number, -0, NaN, key order, `__proto__` as data), same errors. Checked over every golden vector,
// every message and body in them, hand-picked edge cases and seeded random texts (valid and corrupted).
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { VECTORS_DIR, loadGoldenVectors } from "../../conformance/harness/golden-vectors.js";
import { decodeKombuJson, decodeTypeWrappers } from "../src/codec/json/kombu-json.js";
import { mayHoldTypeWrapper } from "../src/codec/json/may-hold-type-wrapper.js";
import { nativeJsonAgrees } from "../src/codec/json/native-json-agrees.js";
import { nestsDeeperThan } from "../src/codec/json/nests-deeper-than.js";
import { parsePythonJson } from "../src/codec/json/parse-python-json.js";
import { MAX_JSON_DEPTH, readPythonJson } from "../src/codec/json/read-python-json.js";
import { CeleryProtoError } from "../src/errors/celery-proto-error.js";

/** A text form that tells apart everything the two paths could disagree on. */
function canon(value: unknown): string {
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "number") return Object.is(value, -0) ? "-0" : String(value);
  if (typeof value === "string") return JSON.stringify(value); // escapes lone surrogates, so they stay distinct
  if (value === null || typeof value === "boolean") return String(value);
  if (typeof value !== "object") return `?${typeof value}`;
  if (Array.isArray(value)) return `[${value.map(canon).join(",")}]`;
  if (value instanceof Date) return `Date(${value.getTime()})`;
  if (value instanceof Uint8Array) return `Bytes(${Buffer.from(value).toString("hex")})`;
  const proto = Object.getPrototypeOf(value) as object | null;
  if (proto !== Object.prototype) return `${proto?.constructor.name ?? "null"}(${String(value)})`;
  const keys = Reflect.ownKeys(value);
  return `{${keys
    .map((key) => {
      const d = Object.getOwnPropertyDescriptor(value, key);
      return `${String(key)}${d?.enumerable === true && d.writable === true ? "" : "!"}:${canon(d?.value)}`;
    })
    .join(",")}}`;
}

function outcome(run: () => unknown): string {
  try {
    return `ok ${canon(run())}`;
  } catch (e) {
    return CeleryProtoError.is(e) ? `${e.code} ${e.message}` : `thrown ${String(e)}`;
  }
}

function assertSamePaths(text: string): void {
  const reference = outcome(() => readPythonJson(text));
  assert.equal(
    outcome(() => parsePythonJson(text)),
    reference,
    `parsePythonJson(${JSON.stringify(text.slice(0, 200))})`,
  );
  const walked = outcome(() => decodeTypeWrappers(readPythonJson(text), ""));
  assert.equal(
    outcome(() => decodeKombuJson(text)),
    walked,
    `decodeKombuJson(${JSON.stringify(text.slice(0, 200))})`,
  );
}

/** Every JSON text the golden vectors hold: the files, each captured message, and each JSON body inside. */
function vectorTexts(): string[] {
  const texts: string[] = [];
  for (const version of readdirSync(VECTORS_DIR, { withFileTypes: true }).filter((d) => d.isDirectory())) {
    for (const broker of readdirSync(path.join(VECTORS_DIR, version.name), { withFileTypes: true }).filter((d) => d.isDirectory())) {
      const dir = path.join(VECTORS_DIR, version.name, broker.name);
      for (const name of readdirSync(dir).filter((n) => n.endsWith(".json"))) texts.push(readFileSync(path.join(dir, name), "utf8"));
    }
  }
  for (const vector of loadGoldenVectors()) {
    for (const message of vector.messages) {
      if (message.transport === "redis") {
        texts.push(message.raw);
        const envelope = readPythonJson(message.raw);
        const body = typeof envelope === "object" && envelope !== null && !Array.isArray(envelope) ? envelope["body"] : undefined;
        if (typeof body === "string") texts.push(body, Buffer.from(body, "base64").toString("utf8"));
      } else {
        texts.push(Buffer.from(message.body, "base64").toString("utf8"));
      }
    }
  }
  return texts;
}

const nest = (depth: number, inner: string): string => "[".repeat(depth) + inner + "]".repeat(depth);
const nestObjects = (depth: number, inner: string): string => '{"a": '.repeat(depth) + inner + "}".repeat(depth);

const EDGE_CASES = [
  // integers around ±2^53 and far beyond, in every position
  "9007199254740991",
  "9007199254740992",
  "9007199254740993",
  "-9007199254740991",
  "-9007199254740992",
  "999999999999999",
  "1000000000000000",
  "-1000000000000000",
  "123456789012345678901234567890",
  "[1180591620717411303424, -1180591620717411303424]",
  '{"a": 12345678901234567, "b": "12345678901234567"}',
  '"1234567890123456789"',
  "12345678901234567.0",
  "1234567890123456e0",
  "0.12345678901234567890",
  "1e400",
  "-1e400",
  "1e-400",
  "1E+2",
  "-0",
  "-0.0",
  "0e0",
  "[-0, 0, -0.0]",
  "5e-324",
  "1.7976931348623157e308",
  // what only Python's json reads
  "NaN",
  "Infinity",
  "-Infinity",
  "[NaN, Infinity, -Infinity]",
  '{"x": NaN}',
  '"NaN"',
  "nan",
  "-NaN",
  "+1",
  "Infinityx",
  // strings and keys
  '"\\u00e9\\u2603\\ud83d\\ude00"',
  '"\\ud800"',
  '"\\udc00\\ud800"',
  '"\ud800"',
  '{"\\ud800": 1}',
  '"\\"\\\\\\/\\b\\f\\n\\r\\t"',
  '"\\u0000"',
  '"a\u2028b\u2029"',
  '{"a": 1, "a": 2}',
  '{"a": 1, "b": 2, "a": 3}',
  '{"__proto__": {"x": 1}}',
  '{"__proto__": 1, "__proto__": 2}',
  '{"\\u005f_proto__": 1}',
  '{"constructor": 1, "toString": 2, "hasOwnProperty": 3}',
  '{"2": "a", "1": "b", "x": "c", "01": "d", "-1": "e", "4294967295": "f", "4294967294": "g"}',
  '{"": 1}',
  // type wrappers, real and apparent
  '{"__type__": "datetime", "__value__": "2025-01-31T12:00:00+00:00"}',
  '{"\\u005f_type__": "datetime", "__value__": "2025-01-31T12:00:00"}',
  '{"__\\u0074ype__": "date", "__value__": "2025-01-31"}',
  '{"__typ\\u0065__": "bytes", "__value__": "abc"}',
  '{"__t\\u0079pe__": "uuid", "__value__": {"hex": "0123456789abcdef0123456789abcdef"}}',
  '{"__ty\\u0070e__": "decimal", "__value__": "1.5"}',
  '{"__type\\u005F_": "time", "__value__": "12:00:00"}',
  '{"__type__": "bogus", "__value__": 1}',
  '{"__type__": "datetime", "__value__": "not a date"}',
  '{"__type__": "datetime", "__value__": "2025-01-31T12:00:00", "extra": 1}',
  '{"__type__": "datetime"}',
  '["__type__", "a \\"__type__\\" in a string"]',
  '{"k": "\\\\u005f_type__"}',
  '[[1], {"a": {"__type__": "base64", "__value__": "AAEC"}}, null]',
  '{"__type__": "base64", "__value__": "not base64!"}',
  // malformed: both must refuse with the same DecodeError
  "",
  " ",
  "[1, 2",
  '{"a": 1',
  "[1,]",
  '{"a" 1}',
  "01",
  "1.",
  ".5",
  "-",
  "tru",
  "nul",
  '"\\x"',
  '"\\u12"',
  '"a\nb"',
  '"a\tb"',
  "1 2",
  "[1] x",
  "\ufeff[1]",
  "[1]\u00a0",
  "'a'",
  "{a: 1}",
  // whitespace JSON allows, and what it does not
  " \t\r\n[ 1 , 2 ]\n ",
  "[1,\u000b2]",
];

/** Nesting around the reader's depth limit, with scalars and containers innermost (lengths around 2 × limit + 2). */
function depthCases(): string[] {
  const out: string[] = [];
  for (const depth of [MAX_JSON_DEPTH - 1, MAX_JSON_DEPTH, MAX_JSON_DEPTH + 1, MAX_JSON_DEPTH + 2, 2000]) {
    for (const inner of ["", "1", "[]", "{}", '"x"', "NaN"]) {
      out.push(nest(depth, inner), nestObjects(depth, inner === "" ? "1" : inner));
    }
  }
  out.push(`["${"x".repeat(3000)}", ${nest(MAX_JSON_DEPTH, "1")}]`, `{"s": "${"[".repeat(600)}"}`);
  // Long enough (64 KB) for parsePythonJson's bracket scan: brackets in strings, escaped quotes, deep nesting after a pad.
  const pad = "x".repeat(64 * 1024);
  for (const depth of [MAX_JSON_DEPTH, MAX_JSON_DEPTH + 1, 200_000]) {
    out.push(`["${pad}", ${nest(depth, "1")}]`, `[${nest(depth, `"${pad}"`)}]`, `{"a": "${pad}", "b": ${nestObjects(depth, "1")}}`);
  }
  out.push(
    `["${pad}\\", ${nest(MAX_JSON_DEPTH + 1, "1")}]`,
    `["${pad}\\"${"[".repeat(MAX_JSON_DEPTH + 1)}", 1]`,
    `["${pad}", "${"{".repeat(MAX_JSON_DEPTH + 1)}"]`,
    `["${pad}${"[".repeat(MAX_JSON_DEPTH + 1)}`,
    "[".repeat(1_000_000),
  );
  return out;
}

/** A small seeded PRNG (mulberry32), so failures reproduce. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SCALARS = [
  "0",
  "-0",
  "7",
  "-12",
  "1.5",
  "-2.5e-3",
  "1e21",
  "1e400",
  "123456789012345",
  "1234567890123456",
  "9007199254740993",
  "-99999999999999999999",
  "NaN",
  "Infinity",
  "-Infinity",
  "true",
  "false",
  "null",
  '""',
  '"a"',
  '"é\\u00e9"',
  '"\\ud83d\\ude00"',
  '"\\ud800x"',
  '"__type__"',
  '"\\u005f_type__"',
  '"12345678901234567890"',
];
const KEYS = ["a", "b", "a", "__type__", "__value__", "__proto__", "1", "0", "01", "\\u005f_type__", "k\\n", "é"];
const WRAPPERS = [
  '{"__type__": "datetime", "__value__": "2025-01-31T12:00:00.123456+01:00"}',
  '{"__type__": "date", "__value__": "2025-01-31"}',
  '{"__type__": "bytes", "__value__": "caf\\u00e9"}',
  '{"__type__": "uuid", "__value__": {"hex": "0123456789abcdef0123456789abcdef"}}',
  '{"__type__": "nope", "__value__": 1}',
];

function randomText(random: () => number, depth = 0): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const ws = (): string => pick(["", "", " ", "\n  "]);
  const r = random();
  if (depth > 4 || r < 0.45) return pick(SCALARS);
  if (r < 0.5) return pick(WRAPPERS);
  const n = Math.floor(random() * 4);
  if (r < 0.75) return `[${ws()}${Array.from({ length: n }, () => randomText(random, depth + 1)).join(`,${ws()}`)}${ws()}]`;
  return `{${ws()}${Array.from({ length: n }, () => `"${pick(KEYS)}"${ws()}:${ws()}${randomText(random, depth + 1)}`).join(`, `)}${ws()}}`;
}

function corrupt(random: () => number, text: string): string {
  const at = Math.floor(random() * (text.length + 1));
  const noise = ['"', "[", "}", ",", ":", "\\", "N", "1", " ", "\u0001", "9999999999999999"];
  return random() < 0.5 ? text.slice(0, at) + noise[Math.floor(random() * noise.length)] + text.slice(at) : text.slice(0, at) + text.slice(at + 1);
}

describe("parsePythonJson fast path", () => {
  it("reads every golden vector text exactly as the reference reader", () => {
    const texts = vectorTexts();
    assert.ok(texts.length > 400, `${texts.length} texts`);
    for (const text of texts) assertSamePaths(text);
  });

  it("agrees on hand-picked edge cases", () => {
    for (const text of EDGE_CASES) assertSamePaths(text);
  });

  it("agrees around the nesting limit", () => {
    for (const text of depthCases()) assertSamePaths(text);
  });

  it("agrees on seeded random texts, valid and corrupted", () => {
    const random = prng(15_02);
    for (let i = 0; i < 4000; i++) {
      const text = randomText(random);
      assertSamePaths(text);
      assertSamePaths(corrupt(random, text));
    }
  });

  it("takes the native path for the texts Celery sends (the guard is not vacuous)", () => {
    const envelope = loadGoldenVectors().find((v) => v.scenario === "simple-call" && v.broker === "redis")?.messages[0];
    assert.ok(envelope?.transport === "redis");
    assert.equal(nativeJsonAgrees(JSON.parse(envelope.raw)), true);
    assert.equal(mayHoldTypeWrapper(envelope.raw), false);
    assert.equal(nativeJsonAgrees(JSON.parse("[9007199254740993]")), false);
    assert.equal(nativeJsonAgrees(JSON.parse("[1.5, -0, 9007199254740991]")), true);
    assert.equal(nativeJsonAgrees(JSON.parse(nest(MAX_JSON_DEPTH + 1, "1"))), false);
    assert.equal(nativeJsonAgrees(JSON.parse(nest(MAX_JSON_DEPTH, "1"))), true);
    assert.equal(mayHoldTypeWrapper('{"\\u005f_type__": 1}'), true);
  });

  it("never hands JSON.parse a long text nested past the reader's limit (a zlib bomb of brackets)", () => {
    const pad = "x".repeat(64 * 1024);
    assert.equal(nestsDeeperThan("[".repeat(8_000_000), MAX_JSON_DEPTH), true);
    assert.equal(nestsDeeperThan(`["${pad}", ${nest(MAX_JSON_DEPTH + 1, "1")}]`, MAX_JSON_DEPTH), true);
    assert.equal(nestsDeeperThan(`["${pad}", ${nest(MAX_JSON_DEPTH - 1, "1")}]`, MAX_JSON_DEPTH), false);
    assert.equal(nestsDeeperThan(`["${pad}\\"${"[".repeat(MAX_JSON_DEPTH + 1)}"]`, MAX_JSON_DEPTH), false, "brackets inside a string");
    assert.equal(nestsDeeperThan(nest(MAX_JSON_DEPTH + 1, "1"), MAX_JSON_DEPTH), false, "short texts are not scanned");
    assert.equal(
      outcome(() => parsePythonJson("[".repeat(8_000_000))),
      outcome(() => readPythonJson("[".repeat(8_000_000))),
    );
  });
});
