import { CeleryProtoError } from "../../errors/celery-proto-error.js";
import type { ErrorCode } from "../../errors/error-code.js";
import type { ValidationIssue } from "../../errors/validation-issue.js";

/** The part of an ajv (standalone) validate function the codec relies on. */
export interface SchemaValidator {
  (data: unknown): boolean;
  errors?: ReadonlyArray<{ instancePath: string; keyword: string; message?: string; params?: Record<string, unknown> }> | null;
}

/** Runs a generated schema validator and returns its failures as data (empty when valid). */
export function collectIssues(validate: SchemaValidator, value: unknown, pathPrefix = ""): ValidationIssue[] {
  if (validate(value)) return [];
  return (validate.errors ?? []).map((e) => {
    const missing = e.keyword === "required" ? e.params?.["missingProperty"] : undefined;
    const path = `${pathPrefix}${e.instancePath}${typeof missing === "string" ? `/${missing}` : ""}`;
    const message = typeof missing === "string" ? `required property '${missing}' is missing` : (e.message ?? e.keyword);
    return { path, keyword: e.keyword, message };
  });
}

/** Validates `value` and throws a `CeleryProtoError` with `code` and every failure as details. */
export function assertValid(validate: SchemaValidator, value: unknown, code: ErrorCode, what: string, pathPrefix = ""): void {
  const issues = collectIssues(validate, value, pathPrefix);
  if (issues.length === 0) return;
  const first = issues[0]!;
  const more = issues.length > 1 ? ` (+${issues.length - 1} more)` : "";
  throw new CeleryProtoError(code, `${what} invalid: ${first.path || "/"} ${first.message}${more}`, { details: issues });
}
