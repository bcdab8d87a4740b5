// Differential test: kombu's JSON encoder and Celery's saferepr, run in the real Python venvs, against the TS codec.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { describe, it } from "node:test";
import { encodeKombuJson, decodeKombuJson } from "../../sdk/src/codec/json/kombu-json.js";
import { PyDate, PyDecimal, PyTime, PyUuid, pyFloat } from "../../sdk/src/codec/json/python-values.js";
import { PyTuple, safeRepr } from "../../sdk/src/codec/repr/safe-repr.js";

const utc = (iso: string): Date => new Date(iso);

/** Twins of the Python CASES in conformance/python/reference/reference_values.py. */
const CASES: Record<string, unknown> = {
  int: 2,
  "negative-int": -17,
  "big-int": 2n ** 70n,
  float: 1.5,
  "float-integral": pyFloat(1),
  "float-large": pyFloat(1e16),
  "float-small": 1e-5,
  "negative-zero": pyFloat(-0),
  none: null,
  bools: [true, false],
  string: "hello",
  "string-quotes": 'it\'s "quoted"',
  "string-unicode": "caf\u00e9 \u2603 \u{1F600}",
  "string-control": "line1\nline2\ttab\x7f",
  "list-nested": [1, [2, [3, [4, [5]]]]],
  dict: { b: 1, a: [1, 2], c: { d: null } },
  "datetime-aware": utc("2025-01-31T12:00:05.123Z"), // JS keeps milliseconds: compared on a 123000 µs twin below
  "datetime-aware-no-micros": utc("2025-01-31T12:00:05Z"),
  "datetime-aware-no-seconds": utc("2025-01-31T12:00:00Z"),
  date: new PyDate("2025-01-31"),
  time: new PyTime("12:30:05"),
  decimal: new PyDecimal("3.14159"),
  uuid: new PyUuid("12345678-1234-5678-1234-567812345678"),
  "bytes-utf8": new TextEncoder().encode("hello bytes"),
  "bytes-binary": new Uint8Array([0xff, 0x00, 0x01]),
  "long-string": "word ".repeat(300),
  "long-list": Array.from({ length: 400 }, (_, i) => i),
  "long-dict": Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`key${i}`, "v".repeat(50)])),
  "long-nested": Array.from({ length: 3 }, () => Array.from({ length: 5 }, () => Array.from({ length: 5 }, () => "x".repeat(100)))),
  "deep-nesting": { a: [{ b: [{ c: [1] }] }] },
  mixed: { when: utc("2025-01-31T12:00:05.123Z"), amount: new PyDecimal("10.50"), tags: ["a", "b"], n: 3 },
};
/** JS Dates hold milliseconds; Python's value has microseconds, so these cases are only decoded, not re-encoded. */
const MICROSECOND_CASES = new Set(["datetime-aware"]);
/** Integral floats decode to plain JS numbers (1.0 → 1); they re-encode as floats only when wrapped in pyFloat(). */
const INTEGRAL_FLOAT_CASES = new Set(["float-integral", "float-large", "negative-zero"]);

interface Reference {
  saferepr: string;
  saferepr_args: string;
  kombu_json?: string;
  kombu_json_error?: string;
}

const VENVS = [
  { venv: ".venv", style: "celery5.7" },
  { venv: ".venv-5.3", style: "celery5.6" },
] as const;

for (const { venv, style } of VENVS) {
  const python = `${venv}/bin/python`;
  describe(`kombu JSON and saferepr match Python (${venv})`, { skip: existsSync(python) ? false : `${python} missing` }, () => {
    const reference = JSON.parse(execFileSync(python, ["conformance/python/reference/reference_values.py"], { encoding: "utf8" })) as Record<string, Reference>;

    it("covers every Python case", () => {
      assert.deepEqual(Object.keys(CASES).sort(), Object.keys(reference).sort());
    });

    for (const [id, value] of Object.entries(CASES)) {
      const ref = (): Reference => reference[id]!;
      it(`${id}: saferepr`, () => {
        const options = { maxlen: 1024, style };
        if (MICROSECOND_CASES.has(id)) return assert.equal(safeRepr(value, options), ref().saferepr.replace("123456", "123000"));
        assert.equal(safeRepr(value, options), ref().saferepr);
        assert.equal(safeRepr(new PyTuple([value]), options), ref().saferepr_args);
      });
      it(`${id}: kombu JSON encode and decode`, () => {
        const expected = ref().kombu_json;
        assert.ok(expected !== undefined, `Python could not encode ${id}: ${ref().kombu_json_error}`);
        if (!MICROSECOND_CASES.has(id)) assert.equal(encodeKombuJson(value), expected);
        const decoded = decodeKombuJson(expected);
        if (MICROSECOND_CASES.has(id)) assert.deepEqual(decoded, value);
        else if (INTEGRAL_FLOAT_CASES.has(id)) assert.equal(decoded, Number(expected));
        else assert.equal(encodeKombuJson(decoded), expected, "decode then encode is the identity on Python's output");
      });
    }
  });
}
