import { ERROR_CODES, type ErrorCode } from "./error-code.js";
import type { ValidationIssue } from "./validation-issue.js";

const BRAND = Symbol.for("celery-proto.CeleryProtoError");

export interface CeleryProtoErrorOptions {
  readonly details?: readonly ValidationIssue[];
  readonly cause?: unknown;
}

/**
 * The one error type celery-proto throws. `code` is from a closed set; validation failures carry their
 * reasons as data in `details`. `CeleryProtoError.is()` works across duplicate copies of the package,
 * where `instanceof` would not.
 */
export class CeleryProtoError extends Error {
  declare readonly name: "CeleryProtoError";
  readonly code: ErrorCode;
  readonly details: readonly ValidationIssue[];

  constructor(code: ErrorCode, message: string, options: CeleryProtoErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details ?? [];
    Object.defineProperty(this, BRAND, { value: true });
  }

  static is(value: unknown, code?: ErrorCode): value is CeleryProtoError {
    if (typeof value !== "object" || value === null) return false;
    if ((value as { [BRAND]?: unknown })[BRAND] !== true) return false;
    return code === undefined || (value as CeleryProtoError).code === code;
  }

  /** Normalises anything thrown into a CeleryProtoError, keeping the original as `cause`. */
  static from(value: unknown, fallback: ErrorCode = "InvalidMessage"): CeleryProtoError {
    if (CeleryProtoError.is(value)) return value;
    const message = value instanceof Error ? value.message : String(value);
    return new CeleryProtoError(fallback, message, { cause: value });
  }

  /** `code: message` plus one line per detail: the form logs and the CLI print. */
  describe(): string {
    const lines = [`${this.code}: ${this.message}`];
    for (const d of this.details) lines.push(`  at ${d.path === "" ? "/" : d.path}: ${d.message} (${d.keyword})`);
    return lines.join("\n");
  }

  toJSON(): { code: ErrorCode; message: string; details: readonly ValidationIssue[] } {
    return { code: this.code, message: this.message, details: this.details };
  }

  static {
    // On the prototype, so the stack V8 captures in `super()` already reads `CeleryProtoError: ...`; and on the class,
    // because a bundler may rename it (esbuild emits `class _CeleryProtoError`) and Node prints uncaught errors under
    // the constructor's name.
    Object.defineProperty(CeleryProtoError.prototype, "name", { value: "CeleryProtoError", writable: true, configurable: true });
    Object.defineProperty(CeleryProtoError, "name", { value: "CeleryProtoError", configurable: true });
  }
}

export function isErrorCode(value: string): value is ErrorCode {
  return (ERROR_CODES as readonly string[]).includes(value);
}
