import { PyTuple, pythonScalarRepr } from "../../../sdk/src/codec/repr/safe-repr.js";

/**
 * Python's `repr()` for the values remote-control replies print into their strings (`tasks {'id'} flagged as
 * revoked`, `headers {'k': ['v']} ...`, `{"error": "KeyError('x')"}`): str (quote choice and escapes as CPython),
 * numbers, None/True/False, list, tuple (`PyTuple`), set (`Set`), dict (plain objects and `Map`). No length limit.
 */
export function pythonRepr(value: unknown): string {
  if (typeof value === "string") return reprString(value);
  if (value instanceof PyTuple) {
    const items = value.items.map(pythonRepr);
    return items.length === 1 ? `(${items[0]},)` : `(${items.join(", ")})`;
  }
  if (Array.isArray(value)) return `[${value.map(pythonRepr).join(", ")}]`;
  if (value instanceof Set) return value.size === 0 ? "set()" : `{${[...value].map(pythonRepr).join(", ")}}`;
  if (value instanceof Map) return `{${[...value].map(([k, v]) => `${pythonRepr(k)}: ${pythonRepr(v)}`).join(", ")}}`;
  if (isPlainObject(value))
    return `{${Object.entries(value)
      .map(([k, v]) => `${reprString(k)}: ${pythonRepr(v)}`)
      .join(", ")}}`;
  return pythonScalarRepr(value);
}

/** `repr(str)` as CPython writes it: single quotes unless the text has `'` and no `"`; `\\`, `\n`, `\r`, `\t`, `\xNN` escapes. */
export function reprString(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (ch === quote || ch === "\\") out += `\\${ch}`;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, "0")}`;
    else out += ch;
  }
  return out + quote;
}

/** `repr(exc)` of a Python exception built from `args`: `KeyError('x')`, `ValueError('a', 2)`, `WorkerShutdown()`. */
export function reprPythonException(type: string, ...args: readonly unknown[]): string {
  return `${type}(${args.map(pythonRepr).join(", ")})`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object") return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}
