import { CeleryProtoError } from "../../errors/celery-proto-error.js";
import { PyFloat } from "./python-values.js";

/** A value after type wrappers have been applied: what `stringifyPythonJson` accepts. */
export type PlainJson = null | boolean | number | bigint | string | PyFloat | readonly PlainJson[] | { readonly [key: string]: PlainJson };

/**
 * Writes JSON exactly as Python's `json.dumps` does with its defaults (the form kombu sends): `", "` and `": "`
 * separators, `ensure_ascii` escapes with lowercase hex, Python's float repr (`1e+16`, `1e-05`, `1.0`),
 * `NaN`/`Infinity`, and integers of any size (bigint). Keys keep insertion order.
 */
export function stringifyPythonJson(value: PlainJson, options: { readonly indent?: number } = {}): string {
  const writer: JsonWriter = { out: "", open: [], indent: options.indent === undefined ? null : " ".repeat(options.indent) };
  write(value, writer, "");
  return writer.out;
}

/** The text so far (one growing string, no closures per value) and the containers open around the value. */
interface JsonWriter {
  out: string;
  readonly open: object[];
  readonly indent: string | null;
}

/** With `indent`, output matches `json.dumps(value, indent=n)`: items on their own lines, `","` item separators. */
function write(value: PlainJson, w: JsonWriter, current: string): void {
  if (value === null) {
    w.out += "null";
  } else if (typeof value === "boolean") {
    w.out += value ? "true" : "false";
  } else if (typeof value === "number") {
    w.out += Number.isInteger(value) ? formatInteger(value) : formatPythonFloat(value);
  } else if (typeof value === "bigint") {
    w.out += value.toString();
  } else if (typeof value === "string") {
    w.out += quotePythonString(value);
  } else if (value instanceof PyFloat) {
    w.out += formatPythonFloat(value.value);
  } else if (Array.isArray(value)) {
    enter(w, value);
    const inner = w.indent === null ? "" : current + w.indent;
    let first = true;
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) continue; // a hole, skipped as forEach did
      w.out += first ? open(w, "[", inner) : separator(w, inner);
      first = false;
      write(value[i] as PlainJson, w, inner);
    }
    w.out += first ? "[]" : close(w, "]", current);
    w.open.pop();
  } else if (typeof value === "object") {
    enter(w, value);
    const inner = w.indent === null ? "" : current + w.indent;
    const record = value as { readonly [key: string]: PlainJson | undefined };
    let first = true;
    for (const key of Object.keys(record)) {
      const item = record[key];
      if (item === undefined) continue;
      w.out += first ? open(w, "{", inner) : separator(w, inner);
      first = false;
      w.out += `${quotePythonString(key)}: `;
      write(item, w, inner);
    }
    w.out += first ? "{}" : close(w, "}", current);
    w.open.pop();
  } else {
    throw new CeleryProtoError("EncodeError", `cannot encode a value of type ${typeof value} as JSON`);
  }
}

function enter(w: JsonWriter, value: object): void {
  if (w.open.includes(value)) throw new CeleryProtoError("EncodeError", "cannot encode a cyclic structure as JSON");
  w.open.push(value);
}

function open(w: JsonWriter, bracket: string, inner: string): string {
  return w.indent === null ? bracket : `${bracket}\n${inner}`;
}

function separator(w: JsonWriter, inner: string): string {
  return w.indent === null ? ", " : `,\n${inner}`;
}

function close(w: JsonWriter, bracket: string, current: string): string {
  return w.indent === null ? bracket : `\n${current}${bracket}`;
}

function formatInteger(value: number): string {
  // An integral JS number within ±2^53 is a Python int. Beyond that a JS number cannot be an exact integer (it came
  // from float arithmetic, or was decoded from a Python float such as 1e+16), and -0 exists only as a float: both are
  // written as Python floats. Exact big integers are bigint.
  if (Object.is(value, -0) || !Number.isSafeInteger(value)) return formatPythonFloat(value);
  return String(value);
}

/** Python's `repr(float)`: shortest round-trip digits; exponent form when the exponent is < -4 or >= 16. */
export function formatPythonFloat(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "Infinity";
  if (value === -Infinity) return "-Infinity";
  if (value === 0) return Object.is(value, -0) ? "-0.0" : "0.0";
  const magnitude = Math.abs(value);
  if (magnitude >= 1e-4 && magnitude < 1e16) {
    // JS also prints the shortest round-trip digits, and in this range never with an exponent: only ".0" differs.
    const text = String(value);
    return text.includes(".") ? text : `${text}.0`;
  }
  // `d.ddde±x`: the mantissa is Python's already (one digit before the point), only the exponent's width differs.
  const exponential = magnitude.toExponential();
  const at = exponential.indexOf("e");
  const mantissa = exponential.slice(0, at);
  const exponent = Number(exponential.slice(at + 1));
  const sign = value < 0 ? "-" : "";
  if (exponent < -4 || exponent >= 16) {
    const e = exponent <= -10 || exponent >= 10 ? String(Math.abs(exponent)) : `0${Math.abs(exponent)}`;
    return `${sign}${mantissa}e${exponent < 0 ? "-" : "+"}${e}`;
  }
  const digits = mantissa.replace(".", "");
  if (exponent < 0) return `${sign}0.${"0".repeat(-exponent - 1)}${digits}`;
  const intPart = digits.slice(0, exponent + 1).padEnd(exponent + 1, "0");
  const fraction = digits.slice(exponent + 1);
  return `${sign}${intPart}.${fraction === "" ? "0" : fraction}`;
}

const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\"',
  "\\": "\\\\",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
  "\b": "\\b",
  "\f": "\\f",
};

/** Python's `ensure_ascii=True` string encoding: everything outside printable ASCII becomes `\uxxxx`. */
const PLAIN_ASCII = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

export function quotePythonString(value: string): string {
  if (PLAIN_ASCII.test(value)) return `"${value}"`; // the common case: nothing to escape
  // eslint-disable-next-line no-control-regex
  const escaped = value.replace(/[\\"]|[^\x20-\x7e]/g, (ch) => {
    const short = SHORT_ESCAPES[ch];
    if (short !== undefined) return short;
    return `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`;
  });
  return `"${escaped}"`;
}
