import standaloneCodeModule from "ajv/dist/standalone/index.js";
import { readPackageVersion } from "../config/read-package-version.js";
import { renderGeneratedHeader, type GeneratedFile } from "../output/generated-file.js";
import { AJV_OPTIONS, createAjv } from "./create-ajv.js";
import { describeLocation, type NamedSchema } from "./list-named-schemas.js";
import type { LoadedSchema } from "./load-schemas.js";
import { renderValidatorsDeclaration, toValidatorName } from "./render-validators-declaration.js";
import { rewriteEsmRequires } from "./rewrite-esm-requires.js";

/** ajv's standalone module is CommonJS; under NodeNext its default import is `module.exports`, which carries `.default`. */
const standaloneCode = standaloneCodeModule.default;

/** Repository-relative path of the generated validators module. */
export const VALIDATORS_MODULE_PATH = "sdk/src/gen/json-schema/validators.js";

/** Repository-relative path of its hand-shaped declaration file. */
export const VALIDATORS_DECLARATION_PATH = "sdk/src/gen/json-schema/validators.d.ts";

/**
 * Generates the ajv standalone validators (`validators.js`, an ES module with one
 * `validate<Name>` export per named schema) and their declaration file. Each named schema is
 * compiled on its own first, so a strict-mode error names the schema it comes from.
 */
export function generateValidators(schemas: readonly LoadedSchema[], named: readonly NamedSchema[]): GeneratedFile[] {
  const ajv = createAjv(schemas);
  const refs: Record<string, string> = {};
  for (const entry of named) {
    try {
      ajv.getSchema(entry.ref);
    } catch (cause) {
      throw new Error(`${describeLocation(entry.source, entry.path)}: ajv (strict mode) cannot compile ${entry.name}: ${cause instanceof Error ? cause.message : String(cause)}`, {
        cause,
      });
    }
    refs[toValidatorName(entry)] = entry.ref;
  }
  const rewrite = rewriteEsmRequires(standaloneCode(ajv, refs));
  assertExports(rewrite.code, Object.keys(refs));
  const header = renderGeneratedHeader({
    generator: `ajv v${readPackageVersion("ajv")} standaloneCode + ajv-formats v${readPackageVersion("ajv-formats")}`,
    sources: schemas.map((schema) => schema.sourcePath),
    options: [
      ["class", "Ajv2020"],
      ["strict", AJV_OPTIONS.strict],
      ["allErrors", AJV_OPTIONS.allErrors],
      ["inlineRefs", AJV_OPTIONS.inlineRefs],
      ["code.esm", AJV_OPTIONS.code.esm],
      ["code.lines", AJV_OPTIONS.code.lines],
      ["formatting", "ajv's printer (one statement per line), not reformatted"],
      ["formats", "ajv-formats (full)"],
      ["require()", rewrite.imports.length === 0 ? "none" : `rewritten to imports of ${rewrite.imports.map((entry) => entry.imported).join(", ")}`],
    ],
  });
  return [
    { path: VALIDATORS_MODULE_PATH, content: `${header}\n${rewrite.code.endsWith("\n") ? rewrite.code : `${rewrite.code}\n`}` },
    { path: VALIDATORS_DECLARATION_PATH, content: renderValidatorsDeclaration(schemas, named, "./types.js") },
  ];
}

/** Checks that the module exports exactly the validators the declaration file declares. */
function assertExports(code: string, expected: readonly string[]): void {
  const exported = [...code.matchAll(/\bexport const ([A-Za-z0-9_$]+)\s*=/g)].map((match) => match[1]).sort();
  const wanted = [...expected].sort();
  if (JSON.stringify(exported) !== JSON.stringify(wanted)) {
    throw new Error(`ajv's standalone code exports [${exported.join(", ")}], expected [${wanted.join(", ")}]`);
  }
}
