import { CeleryProtoError } from "../../../sdk/src/errors/celery-proto-error.js";

/** A case file that does not have the suite's shape: the message names the file, the case and the field. */
export function caseFieldError(where: string, field: string, problem: string): CeleryProtoError {
  return new CeleryProtoError("InvalidOption", `${where}: ${field}: ${problem}`);
}

export function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
