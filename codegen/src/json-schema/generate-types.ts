import { compile, type Options } from "json-schema-to-typescript";
import { readPackageVersion } from "../config/read-package-version.js";
import { renderGeneratedHeader, type GeneratedFile } from "../output/generated-file.js";
import { assertTypeExports } from "./assert-type-exports.js";
import { bundleSchemasForTypes } from "./bundle-schemas-for-types.js";
import type { NamedSchema } from "./list-named-schemas.js";
import type { LoadedSchema } from "./load-schemas.js";
import { removeTypeDeclaration } from "./remove-type-declaration.js";

/** Repository-relative path of the generated types module. */
export const TYPES_MODULE_PATH = "sdk/src/gen/json-schema/types.ts";

/** The prettier style json-schema-to-typescript formats with (its defaults, spelled out so an upgrade cannot change them silently). */
export const TYPES_CODE_STYLE = {
  bracketSpacing: false,
  endOfLine: "lf",
  printWidth: 120,
  semi: true,
  singleQuote: false,
  tabWidth: 2,
  trailingComma: "none",
  useTabs: false,
} as const satisfies Options["style"];

/** The json-schema-to-typescript options that shape the output (also printed in the header). */
export const TYPES_OPTIONS = {
  additionalProperties: true,
  unknownAny: true,
  strictIndexSignatures: false,
  enableConstEnums: false,
  inferStringEnumKeysFromValues: false,
  unreachableDefinitions: false,
  declareExternallyReferenced: true,
  ignoreMinAndMaxItems: false,
  maxItems: 20,
} as const satisfies Partial<Options>;

/**
 * Generates `sdk/src/gen/json-schema/types.ts`: one exported type per named schema, from one
 * json-schema-to-typescript run over all files bundled together (see `bundleSchemasForTypes`).
 */
export async function generateTypes(schemas: readonly LoadedSchema[], named: readonly NamedSchema[]): Promise<GeneratedFile> {
  const bundle = bundleSchemasForTypes(schemas, named);
  const compiled = await compile(bundle.document, bundle.rootName, {
    ...TYPES_OPTIONS,
    bannerComment: "",
    format: true,
    style: TYPES_CODE_STYLE,
    $refOptions: { resolve: { external: false } },
  });
  const body = removeTypeDeclaration(compiled, bundle.rootName);
  assertTypeExports(
    body,
    named.map((entry) => entry.name),
  );
  const header = renderGeneratedHeader({
    generator: `json-schema-to-typescript v${readPackageVersion("json-schema-to-typescript")}`,
    sources: schemas.map((schema) => schema.sourcePath),
    options: [
      ["input", "every file bundled into one document, titled schemas as named types (codegen/src/json-schema/bundle-schemas-for-types.ts)"],
      ...Object.entries(TYPES_OPTIONS),
    ],
  });
  return { path: TYPES_MODULE_PATH, content: `${header}\n${body.replace(/\n{3,}/g, "\n\n")}` };
}
