import { renderGeneratedHeader } from "../output/generated-file.js";
import { describeLocation, type NamedSchema } from "./list-named-schemas.js";
import type { LoadedSchema } from "./load-schemas.js";

/** The declaration file's own generator, named in its header. */
export const VALIDATORS_DECLARATION_GENERATOR = "celery-proto codegen (codegen/src/json-schema/render-validators-declaration.ts)";

/** `TaskHeadersV2` → `validateTaskHeadersV2`. */
export function toValidatorName(entry: NamedSchema): string {
  return `validate${entry.name}`;
}

/** The modules a validators declaration file imports its types from, as import specifiers. */
export interface DeclarationImports {
  /** The generated schema types (`./types.js`). */
  readonly typesModule: string;
  /** `ValidateFunction` and `ValidationErrorObject` (`./validate-function.js`). */
  readonly validateFunctionModule: string;
}

/**
 * Renders the declaration file of a standalone validators module: `ValidateFunction` and `ValidationErrorObject`
 * re-exported, and one `validate<Name>` constant per named schema in `entries`, each a type guard for its generated type.
 */
export function renderValidatorsDeclaration(schemas: readonly LoadedSchema[], entries: readonly NamedSchema[], imports: DeclarationImports): string {
  const header = renderGeneratedHeader({
    generator: VALIDATORS_DECLARATION_GENERATOR,
    sources: schemas.map((schema) => schema.sourcePath),
    options: [
      ["types", imports.typesModule],
      ["validate-function", imports.validateFunctionModule],
    ],
  });
  const typeNames = entries.map((entry) => entry.name).sort();
  const validateFunction = JSON.stringify(imports.validateFunctionModule);
  const lines: string[] = [
    header,
    "import type {",
    ...typeNames.map((name, index) => `  ${name}${index < typeNames.length - 1 ? "," : ""}`),
    `} from ${JSON.stringify(imports.typesModule)};`,
    `import type { ValidateFunction } from ${validateFunction};`,
    "",
    `export type { ValidateFunction, ValidationErrorObject } from ${validateFunction};`,
  ];
  for (const entry of entries) {
    lines.push(
      "",
      `/** Validates against \`${describeLocation(entry.source, entry.path)}\` (type {@link ${entry.name}}). */`,
      `export declare const ${toValidatorName(entry)}: ValidateFunction<${entry.name}>;`,
    );
  }
  return `${lines.join("\n")}\n`;
}
