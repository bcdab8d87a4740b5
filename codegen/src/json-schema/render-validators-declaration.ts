import { renderGeneratedHeader } from "../output/generated-file.js";
import { describeLocation, type NamedSchema } from "./list-named-schemas.js";
import type { LoadedSchema } from "./load-schemas.js";

/** The declaration file's own generator, named in its header. */
export const VALIDATORS_DECLARATION_GENERATOR = "celery-proto codegen (codegen/src/json-schema/render-validators-declaration.ts)";

/** `TaskHeadersV2` → `validateTaskHeadersV2`. */
export function toValidatorName(entry: NamedSchema): string {
  return `validate${entry.name}`;
}

/**
 * Renders `validators.d.ts` for the standalone validators: a minimal local `ValidateFunction`
 * interface (no dependency on ajv's types at runtime or in the public API) and one
 * `validate<Name>` constant per named schema, each a type guard for its generated type.
 */
export function renderValidatorsDeclaration(schemas: readonly LoadedSchema[], named: readonly NamedSchema[], typesModule: string): string {
  const header = renderGeneratedHeader({
    generator: VALIDATORS_DECLARATION_GENERATOR,
    sources: schemas.map((schema) => schema.sourcePath),
    options: [["types", typesModule]],
  });
  const typeNames = named.map((entry) => entry.name).sort();
  const lines: string[] = [
    header,
    "import type {",
    ...typeNames.map((name, index) => `  ${name}${index < typeNames.length - 1 ? "," : ""}`),
    `} from ${JSON.stringify(typesModule)};`,
    "",
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
    " * `allErrors` mode) or `null`. `errors` is overwritten by the next call.",
    " */",
    "export interface ValidateFunction<T = unknown> {",
    "  (data: unknown): data is T;",
    "  errors?: ReadonlyArray<ValidationErrorObject> | null;",
    "}",
  ];
  for (const entry of named) {
    lines.push(
      "",
      `/** Validates against \`${describeLocation(entry.source, entry.path)}\` (type {@link ${entry.name}}). */`,
      `export declare const ${toValidatorName(entry)}: ValidateFunction<${entry.name}>;`,
    );
  }
  return `${lines.join("\n")}\n`;
}
