// Our YAML body reader against PyYAML's safe_load (kombu's yaml serializer) on the plain scalars where YAML 1.1
// readers disagree: booleans (PyYAML has no y/n), nulls, ints in every base and with underscores, sexagesimals,
// floats, timestamps-as-strings and keys. Each document is parsed by both; the values must be equal.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, it } from "node:test";
import { parsePyYaml } from "../../sdk/src/codec/body/parse-pyyaml.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const PYTHON = path.join(ROOT, ".venv/bin/python");

const BOOLEANS = "y Y n N yes Yes YES no No NO true True TRUE false False FALSE on On ON off Off OFF".split(" ");
const SCALARS = [
  ...BOOLEANS,
  ..."~ null Null NULL".split(" "),
  ..."0 7 -7 +7 1_000 0b101 0o17 017 0x1F 1:20 -1:20:30".split(" "),
  ..."1.5 -1.5 1. .5 1e3 1.0e3 1.0e+3 1.0E-3 .inf -.Inf +.INF .nan -.nan .NaN 6.8523015e+5 685_230.15 190:20:30.15 -1:30.5".split(" "),
  ..."abc a_b 'n' \"y\" 2001-12-14 x:y".split(" "),
];

/** JSON with NaN spelled out, so both sides compare as text. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? `<${String(v)}>` : v));
}

describe("YAML bodies read as PyYAML reads them", () => {
  it("plain scalars as values and as keys", () => {
    // As keys only the booleans: other non-string keys (None, floats) have no JavaScript key to compare with.
    const documents = [...SCALARS.map((s) => `[${s}]`), ...BOOLEANS.map((s) => `{${s}: 1}`)];
    const script = [
      "import datetime, json, math, sys, yaml",
      "def fix(v):",
      "    if isinstance(v, float) and not math.isfinite(v): return '<' + ('NaN' if v != v else ('Infinity' if v > 0 else '-Infinity')) + '>'",
      "    if isinstance(v, (datetime.date, datetime.datetime)): return v.isoformat()",
      "    if isinstance(v, list): return [fix(x) for x in v]",
      "    if isinstance(v, dict): return {str(k).lower() if isinstance(k, bool) else str(k): fix(x) for k, x in v.items()}",
      "    return v",
      "for line in sys.stdin.read().split('\\n'):",
      "    print(json.dumps(fix(yaml.safe_load(line))))",
    ].join("\n");
    const r = spawnSync(PYTHON, ["-c", script], { input: documents.join("\n"), encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    const expected = r.stdout.trim().split("\n");
    documents.forEach((doc, i) => {
      let ours = parsePyYaml(doc);
      if (Array.isArray(ours) && ours[0] instanceof Date) ours = [ours[0].toISOString().slice(0, 10)];
      assert.equal(canonical(ours), canonical(JSON.parse(expected[i]!)), `${doc}`);
    });
  });
});
