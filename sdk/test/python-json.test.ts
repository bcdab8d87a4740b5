import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { encodeKombuJson } from "../src/codec/json/kombu-json.js";
import { parsePythonJson } from "../src/codec/json/parse-python-json.js";
import { formatPythonFloat, quotePythonString, stringifyPythonJson } from "../src/codec/json/python-json-stringify.js";
import { pyFloat } from "../src/codec/json/python-values.js";
import { CeleryProtoError } from "../src/errors/celery-proto-error.js";

describe("Python json.dumps emulation", () => {
  it("uses Python's separators and ensure_ascii escapes", () => {
    assert.equal(stringifyPythonJson({ a: [1, 2], b: "é\u2603\n\"'" }), '{"a": [1, 2], "b": "\\u00e9\\u2603\\n\\"\'"}');
    assert.equal(quotePythonString("\u007f\u0001"), '"\\u007f\\u0001"');
    assert.equal(quotePythonString("😀"), '"\\ud83d\\ude00"');
  });

  it("formats floats like Python's repr", () => {
    const cases: Array<[number, string]> = [
      [1, "1.0"],
      [-0, "-0.0"],
      [0.1, "0.1"],
      [1e16, "1e+16"],
      [1e15, "1000000000000000.0"],
      [1.5e16, "1.5e+16"],
      [0.0001, "0.0001"],
      [0.00001, "1e-05"],
      [1.2345e-7, "1.2345e-07"],
      [123456.789, "123456.789"],
      [1e100, "1e+100"],
      [Number.MAX_VALUE, "1.7976931348623157e+308"],
      [5e-324, "5e-324"],
      [NaN, "NaN"],
      [Infinity, "Infinity"],
      [-Infinity, "-Infinity"],
      // the edges of the range written with JS's own shortest digits
      [9.999999999999999e-5, "9.999999999999999e-05"],
      [-0.0001, "-0.0001"],
      [9999999999999998, "9999999999999998.0"],
      [-1234.5, "-1234.5"],
      [0.1 + 0.2, "0.30000000000000004"],
      [0.000123, "0.000123"],
    ];
    for (const [value, expected] of cases) assert.equal(formatPythonFloat(value), expected, String(value));
  });

  it("writes safe integers as ints, pyFloat and unsafe integral numbers as floats, and bigints exactly", () => {
    assert.equal(stringifyPythonJson([1, pyFloat(1), 2n ** 70n, 1e21, 2 ** 53, -0]), "[1, 1.0, 1180591620717411303424, 1e+21, 9007199254740992.0, -0.0]");
  });

  it("refuses cycles with EncodeError", () => {
    const a: unknown[] = [];
    a.push(a);
    assert.throws(
      () => stringifyPythonJson(a as never),
      (e) => CeleryProtoError.is(e, "EncodeError"),
    );
    // A value met twice, not inside itself, is no cycle.
    const shared = { x: 1 };
    assert.equal(stringifyPythonJson({ a: shared, b: [shared, shared] }), '{"a": {"x": 1}, "b": [{"x": 1}, {"x": 1}]}');
    assert.equal(stringifyPythonJson({ a: [], b: {} }, { indent: 2 }), '{\n  "a": [],\n  "b": {}\n}');
  });

  it("kombu JSON: a cycle or a value with no JSON form is refused with the JSON pointer to it; shared values are kept", () => {
    const cyclic: Record<string, unknown> = { a: [1, { "b/c": null }] };
    (cyclic["a"] as Record<string, unknown>[])[1]!["b/c"] = cyclic;
    assert.throws(
      () => encodeKombuJson(cyclic),
      (e) => CeleryProtoError.is(e, "EncodeError") && e.message === "cannot encode value at /a/1/b~1c: cyclic structure",
    );
    assert.throws(
      () => encodeKombuJson({ ok: [1, 2], bad: [0, { f: () => 1 }] }),
      (e) => CeleryProtoError.is(e, "EncodeError") && e.message === "cannot encode value at /bad/1/f: a function cannot be encoded as JSON",
    );
    const shared = { when: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)) };
    assert.equal(
      encodeKombuJson([shared, shared]),
      '[{"when": {"__type__": "datetime", "__value__": "2026-01-02T03:04:05+00:00"}}, {"when": {"__type__": "datetime", "__value__": "2026-01-02T03:04:05+00:00"}}]',
    );
  });
});

describe("Python json.loads emulation", () => {
  it("reads NaN, Infinity, big ints and keeps the first position of repeated keys", () => {
    const v = parsePythonJson('{"a": NaN, "b": -Infinity, "c": 1180591620717411303424, "a": 2, "d": 1.0}') as Record<string, unknown>;
    assert.deepEqual(Object.keys(v), ["a", "b", "c", "d"]);
    assert.equal(v["a"], 2);
    assert.equal(v["b"], -Infinity);
    assert.equal(v["c"], 2n ** 70n);
    assert.equal(v["d"], 1);
  });

  it("keeps __proto__ as data, not a prototype", () => {
    const v = parsePythonJson('{"__proto__": {"polluted": true}}') as Record<string, unknown>;
    assert.equal(({} as Record<string, unknown>)["polluted"], undefined);
    assert.deepEqual(Object.keys(v), ["__proto__"]);
  });

  for (const bad of ['{"a": 1', "[1, 2", '"\\x"', "01", "[1,]", '{"a" 1}', "tru", '"a\nb"', "1 2", ""]) {
    it(`refuses ${JSON.stringify(bad)} with DecodeError`, () => {
      assert.throws(
        () => parsePythonJson(bad),
        (e) => CeleryProtoError.is(e, "DecodeError"),
      );
    });
  }

  it("round-trips Python's output exactly", () => {
    const text = '[[2, 2], {"x": 1.5, "y": [true, false, null]}, {"callbacks": null, "errbacks": null, "chain": null, "chord": null}]';
    assert.equal(stringifyPythonJson(parsePythonJson(text) as never), text);
  });
});
