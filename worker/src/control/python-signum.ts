import os from "node:os";
import { PythonError } from "./python-error.js";

/**
 * Celery's `platforms.signals.signum(name)` (C:celery/platforms.py): an int as is; an uppercase name with or without
 * `SIG` (`"TERM"`, `"SIGKILL"`) → its number; lowercase → `TypeError('signal name must be uppercase string.')`;
 * an unknown name → `AttributeError("module 'signal' has no attribute 'SIGX'")`. Returns the `SIG` name and number.
 */
export function pythonSignum(name: unknown): { readonly name: string | null; readonly number: number } {
  if (typeof name === "number" && Number.isInteger(name)) return { name: signalName(name), number: name };
  if (typeof name !== "string" || name !== name.toUpperCase() || !/[A-Z]/.test(name)) {
    throw new PythonError("TypeError", "signal name must be uppercase string.");
  }
  const full = name.startsWith("SIG") ? name : `SIG${name}`;
  const number = (os.constants.signals as Readonly<Record<string, number>>)[full];
  if (number === undefined) throw new PythonError("AttributeError", `module 'signal' has no attribute '${full}'`);
  return { name: full, number };
}

function signalName(number: number): string | null {
  const entry = Object.entries(os.constants.signals).find(([, n]) => n === number);
  return entry === undefined ? null : entry[0];
}
