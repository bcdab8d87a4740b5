import { PyDate, PyDecimal, PyFloat, PyTime, PyUuid } from "../../../sdk/src/codec/json/python-values.js";

/**
 * The Python type a decoded argument stands for, by Python's name (`type(x).__name__`), as `peer.types` answers: a
 * `Date` is a `datetime`, a `PyDecimal` a `Decimal`, a `Uint8Array` `bytes`, a bigint or an integral number an `int`.
 */
export function pythonTypeName(value: unknown): string {
  if (value === null || value === undefined) return "NoneType";
  if (typeof value === "boolean") return "bool";
  if (typeof value === "string") return "str";
  if (typeof value === "bigint") return "int";
  if (typeof value === "number") return Number.isInteger(value) ? "int" : "float";
  if (value instanceof PyFloat) return "float";
  if (value instanceof Date) return "datetime";
  if (value instanceof PyDate) return "date";
  if (value instanceof PyTime) return "time";
  if (value instanceof PyDecimal) return "Decimal";
  if (value instanceof PyUuid) return "UUID";
  if (value instanceof Uint8Array) return "bytes";
  if (Array.isArray(value)) return "list";
  return typeof value === "object" ? "dict" : typeof value;
}
