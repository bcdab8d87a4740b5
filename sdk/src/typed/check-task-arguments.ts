import { CeleryProtoError } from "../errors/celery-proto-error.js";
import type { ValidationIssue } from "../errors/validation-issue.js";
import type { CatalogTaskSpec } from "./catalog-task.js";
import type { StandaloneValidationError } from "./standalone-validator.js";

/** The key extra positional arguments (Python `*args`) are validated under. */
export const VARARGS_KEY = "*args";

/**
 * Checks a call against a catalog task as Python would bind it, then against the argument schemas: positional
 * arguments bind to parameter names in order, keyword arguments by name. Throws `CeleryProtoError`
 * (`InvalidArguments`) whose message names the task, the first failing argument and the rule; `details` lists all.
 */
export function checkTaskArguments(spec: CatalogTaskSpec, args: readonly unknown[], kwargs: Readonly<Record<string, unknown>>): void {
  if (!Array.isArray(args)) throw invalid(spec, [{ path: "", keyword: "type", message: "args must be an array" }]);
  if (typeof kwargs !== "object" || kwargs === null || Array.isArray(kwargs)) {
    throw invalid(spec, [{ path: "", keyword: "type", message: "kwargs must be an object" }]);
  }
  const bound: Record<string, unknown> = {};
  spec.args.forEach((name, index) => {
    if (index < args.length) bound[name] = args[index];
  });
  if (args.length > spec.args.length) {
    if (spec.varargs !== true) {
      throw invalid(spec, [
        { path: `/${args.length - 1}`, keyword: "maxItems", message: `takes ${spec.args.length} positional argument(s) but ${args.length} were given` },
      ]);
    }
    bound[VARARGS_KEY] = args.slice(spec.args.length);
  }
  for (const [name, value] of Object.entries(kwargs)) {
    if (Object.hasOwn(bound, name)) {
      throw invalid(spec, [
        { path: `/${escapePointer(name)}`, keyword: "duplicate", message: `argument ${JSON.stringify(name)} given both by position and by keyword` },
      ]);
    }
    bound[name] = value;
  }
  const validator = spec.validateArguments;
  if (validator === undefined || validator(bound)) return;
  throw invalid(spec, (validator.errors ?? []).map(toIssue));
}

/** Checks a return value against the task's result schema; throws `CeleryProtoError` (`InvalidResult`). */
export function checkTaskResult(spec: CatalogTaskSpec, value: unknown): void {
  const validator = spec.validateResult;
  if (validator === undefined || validator(value === undefined ? null : value)) return;
  const details = (validator.errors ?? []).map((error) => ({ path: error.instancePath, keyword: error.keyword, message: error.message ?? error.keyword }));
  const first = details[0];
  const where = first === undefined || first.path === "" ? "" : ` at ${first.path}`;
  throw new CeleryProtoError("InvalidResult", `${spec.name}: result${where} ${first?.message ?? "is invalid"} (rule: ${first?.keyword ?? "schema"})`, {
    details,
  });
}

function invalid(spec: CatalogTaskSpec, details: readonly ValidationIssue[]): CeleryProtoError {
  const first = details[0];
  if (first === undefined) return new CeleryProtoError("InvalidArguments", `${spec.name}: arguments are invalid`);
  const { name, rest } = argumentOf(first);
  const subject = name === "" ? "arguments" : `argument ${JSON.stringify(name)}${rest === "" ? "" : ` at ${rest}`}`;
  return new CeleryProtoError("InvalidArguments", `${spec.name}: ${subject} ${first.message} (rule: ${first.keyword})`, { details });
}

/** ajv's error as an issue whose path starts with the argument name (missing and unknown names included). */
function toIssue(error: StandaloneValidationError): ValidationIssue {
  const missing = error.params["missingProperty"];
  if (error.keyword === "required" && typeof missing === "string") {
    return { path: `${error.instancePath}/${escapePointer(missing)}`, keyword: "required", message: "is required" };
  }
  const extra = error.params["additionalProperty"];
  if (error.keyword === "additionalProperties" && typeof extra === "string") {
    return { path: `${error.instancePath}/${escapePointer(extra)}`, keyword: "additionalProperties", message: "is not a parameter of this task" };
  }
  return { path: error.instancePath, keyword: error.keyword, message: error.message ?? error.keyword };
}

/** The argument an issue is about (first pointer segment) and the pointer inside it. */
function argumentOf(issue: ValidationIssue): { name: string; rest: string } {
  const [head] = issue.path.split("/").slice(1);
  if (head === undefined) return { name: "", rest: "" };
  return { name: head.replace(/~1/g, "/").replace(/~0/g, "~"), rest: issue.path.slice(head.length + 1) };
}

function escapePointer(name: string): string {
  return name.replace(/~/g, "~0").replace(/\//g, "~1");
}
