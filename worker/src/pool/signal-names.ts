import { constants } from "node:os";
import { CeleryProtoError } from "../../../sdk/src/errors/celery-proto-error.js";

/**
 * A signal given to `terminate` (billiard's `signum`): a name with or without `SIG` ("SIGTERM", "TERM") or a number.
 * Returns the `SIG...` name; throws `InvalidOption` for a signal this platform does not have.
 */
export function normalizeSignal(signal: string | number): NodeJS.Signals {
  const signals = constants.signals as Readonly<Record<string, number>>;
  const text = String(signal).trim();
  if (/^\d+$/.test(text)) {
    const found = Object.entries(signals).find(([, n]) => n === Number(text));
    if (found !== undefined) return found[0] as NodeJS.Signals;
  } else {
    const name = text.startsWith("SIG") ? text : `SIG${text}`;
    if (signals[name] !== undefined) return name as NodeJS.Signals;
  }
  throw new CeleryProtoError("InvalidOption", `signal: unknown signal ${JSON.stringify(signal)} (use a name such as "SIGTERM" or "SIGKILL")`);
}

/** billiard's `human_status`: `signal 9 (SIGKILL)` or `exitcode 1`. */
export function describeExitStatus(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal !== null) {
    const number = (constants.signals as Readonly<Record<string, number>>)[signal];
    return number === undefined ? `signal ${signal}` : `signal ${number} (${signal})`;
  }
  return `exitcode ${code ?? 0}`;
}
