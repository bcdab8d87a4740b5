import { renderGeneratedHeader } from "../output/generated-file.js";

/** The declaration file's own generator, named in its header. */
export const VALIDATE_FUNCTION_GENERATOR = "celery-proto codegen";

/** Where its text comes from, named in its header as the source. */
export const VALIDATE_FUNCTION_SOURCE = "codegen/src/json-schema/render-validate-function-declaration.ts";

/**
 * Renders `validate-function.d.ts`: the minimal `ValidateFunction` interface every validators declaration file types
 * its exports with (no dependency on ajv's types at runtime or in the public API).
 */
export function renderValidateFunctionDeclaration(): string {
  const header = renderGeneratedHeader({ generator: VALIDATE_FUNCTION_GENERATOR, sources: [VALIDATE_FUNCTION_SOURCE], options: [] });
  const lines: string[] = [
    header,
    "/** One validation failure, as ajv reports it: data, not an exception. */",
    "export interface ValidationErrorObject {",
    '  /** JSON Pointer to the offending value inside the validated data (`""` for the data itself). */',
    "  readonly instancePath: string;",
    '  /** Location of the failing keyword in the schema, e.g. `"#/required"` or an absolute `$id#/...` URI. */',
    "  readonly schemaPath: string;",
    '  /** The failing keyword, e.g. `"required"`, `"type"`, `"format"`, `"additionalProperties"`. */',
    "  readonly keyword: string;",
    '  /** Keyword-specific details, e.g. `{missingProperty: "id"}`. */',
    "  readonly params: Record<string, unknown>;",
    "  /** ajv's English message, e.g. `must have required property 'id'`. */",
    "  readonly message?: string;",
    "}",
    "",
    "/**",
    " * A standalone ajv validator. Call it with raw JSON (as parsed from the wire, before any kombu",
    " * `__type__` decoding): it returns whether the data is valid and sets `errors` (all of them,",
    " * `allErrors` mode) or `null`. `errors` is overwritten by the next call, also by a call of another",
    " * validator that checks this one's schema as part of its own: read it right after the call.",
    " */",
    "export interface ValidateFunction<T = unknown> {",
    "  (data: unknown): data is T;",
    "  errors?: ReadonlyArray<ValidationErrorObject> | null;",
    "}",
  ];
  return `${lines.join("\n")}\n`;
}
