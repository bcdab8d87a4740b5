import { CeleryProtoError } from "../errors/celery-proto-error.js";

/** Checks an integer option is at least `min`; returns it, or throws `InvalidOption` naming the option. */
export function checkCount(value: number, option: string, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new CeleryProtoError("InvalidOption", `${option} must be an integer >= ${min} (got ${String(value)})`);
  }
  return value;
}

/** Checks a `replyTo` option is a non-empty string; returns it, or throws `InvalidOption`. */
export function checkReplyTo(value: string): string {
  if (typeof value !== "string" || value === "") throw new CeleryProtoError("InvalidOption", "replyTo must be a non-empty string");
  return value;
}

/** Checks a number of seconds is finite and >= 0; returns it, or throws `InvalidOption` naming the option. */
export function checkSeconds(value: number, option: string): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new CeleryProtoError("InvalidOption", `${option} must be a number of seconds >= 0 (got ${String(value)})`);
  }
  return value;
}
