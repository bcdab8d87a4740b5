import { CeleryProtoError } from "../../errors/celery-proto-error.js";
import { formatPythonFloat, quotePythonString } from "../../codec/json/python-json-stringify.js";

/** A number as Python's `json.loads` would hold it, kept as the text `json.dumps` writes back (`1.0` stays `1.0`). */
export class PyJsonNumber {
  constructor(
    /** `str(int)` or `repr(float)` of the value. */
    readonly text: string,
    readonly isFloat: boolean,
  ) {}
  toNumber(): number {
    return Number(this.text);
  }
}

/** A JSON value as a Python dict/list tree: objects are Maps (insertion order, Python's repeated-key rule). */
export type PyJsonValue = null | boolean | string | PyJsonNumber | PyJsonValue[] | PyJsonObject;
export type PyJsonObject = Map<string, PyJsonValue>;

/**
 * Python's `json.loads` without kombu's type hooks, keeping what `json.dumps` needs to write the same text back:
 * int vs float, key order, big integers. `dumpPythonJson(loadPythonJson(x))` is what kombu's `dumps(loads(x))` gives
 * (kombu's wrappers `{"__type__", "__value__"}` round-trip through its hooks to the same text, `__type__` first).
 */
export function loadPythonJson(text: string): PyJsonValue {
  const reader = new Reader(text);
  reader.space();
  const value = reader.value(0);
  reader.space();
  if (reader.pos < text.length) reader.fail("extra data");
  return value;
}

/** Python's `json.dumps(value)` with its defaults (`", "`, `": "`, `ensure_ascii=True`). */
export function dumpPythonJson(value: PyJsonValue): string {
  if (value === null) return "null";
  if (value === true) return "true";
  if (value === false) return "false";
  if (typeof value === "string") return quotePythonString(value);
  if (value instanceof PyJsonNumber) return value.text;
  if (Array.isArray(value)) return `[${value.map(dumpPythonJson).join(", ")}]`;
  let entries = [...value.entries()];
  if (entries.length === 2 && value.has("__type__") && value.has("__value__")) {
    entries = [
      ["__type__", value.get("__type__") as PyJsonValue],
      ["__value__", value.get("__value__") as PyJsonValue],
    ];
  }
  return `{${entries.map(([k, v]) => `${quotePythonString(k)}: ${dumpPythonJson(v)}`).join(", ")}}`;
}

/** The object at `key` of an object value, or undefined (kombu's `payload[key]` raising KeyError/TypeError). */
export function childObject(value: PyJsonValue | undefined, key: string): PyJsonObject | undefined {
  if (!(value instanceof Map)) return undefined;
  const child = value.get(key);
  return child instanceof Map ? child : undefined;
}

const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
const ESCAPES: Readonly<Record<string, string>> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };

class Reader {
  pos = 0;
  constructor(private readonly text: string) {}

  fail(reason: string): never {
    throw new CeleryProtoError("DecodeError", `invalid JSON at offset ${this.pos}: ${reason}`);
  }

  space(): void {
    while (this.pos < this.text.length && " \t\n\r".includes(this.text[this.pos] as string)) this.pos++;
  }

  value(depth: number): PyJsonValue {
    if (depth > 512) this.fail("nesting too deep");
    const c = this.text[this.pos];
    if (c === "{") return this.object(depth);
    if (c === "[") return this.array(depth);
    if (c === '"') return this.string();
    for (const [word, v] of [
      ["true", true],
      ["false", false],
      ["null", null],
    ] as const) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return v;
      }
    }
    for (const word of ["NaN", "Infinity", "-Infinity"]) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return new PyJsonNumber(word, true);
      }
    }
    NUMBER.lastIndex = this.pos;
    const m = NUMBER.exec(this.text);
    if (m === null) return this.fail("expected a value");
    this.pos += m[0].length;
    if (m[1] === undefined && m[2] === undefined) return new PyJsonNumber(BigInt(m[0]).toString(), false);
    return new PyJsonNumber(formatPythonFloat(Number(m[0])), true);
  }

  private object(depth: number): PyJsonObject {
    const out: PyJsonObject = new Map();
    this.pos++;
    this.space();
    if (this.text[this.pos] === "}") {
      this.pos++;
      return out;
    }
    for (;;) {
      this.space();
      if (this.text[this.pos] !== '"') this.fail("expected a property name");
      const key = this.string();
      this.space();
      if (this.text[this.pos] !== ":") this.fail("expected ':'");
      this.pos++;
      this.space();
      out.set(key, this.value(depth + 1));
      this.space();
      const c = this.text[this.pos++];
      if (c === "}") return out;
      if (c !== ",") this.fail("expected ',' or '}'");
    }
  }

  private array(depth: number): PyJsonValue[] {
    const out: PyJsonValue[] = [];
    this.pos++;
    this.space();
    if (this.text[this.pos] === "]") {
      this.pos++;
      return out;
    }
    for (;;) {
      this.space();
      out.push(this.value(depth + 1));
      this.space();
      const c = this.text[this.pos++];
      if (c === "]") return out;
      if (c !== ",") this.fail("expected ',' or ']'");
    }
  }

  private string(): string {
    this.pos++;
    let out = "";
    let start = this.pos;
    for (;;) {
      if (this.pos >= this.text.length) this.fail("unterminated string");
      const code = this.text.charCodeAt(this.pos);
      if (code === 0x22) {
        out += this.text.slice(start, this.pos++);
        return out;
      }
      if (code < 0x20) this.fail("control character in string");
      if (code === 0x5c) {
        out += this.text.slice(start, this.pos);
        const e = this.text[this.pos + 1] ?? "";
        if (e === "u") {
          const hex = this.text.slice(this.pos + 2, this.pos + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail("bad \\u escape");
          out += String.fromCharCode(parseInt(hex, 16));
          this.pos += 6;
        } else {
          const simple = ESCAPES[e];
          if (simple === undefined) this.fail("bad escape");
          out += simple;
          this.pos += 2;
        }
        start = this.pos;
        continue;
      }
      this.pos++;
    }
  }
}
