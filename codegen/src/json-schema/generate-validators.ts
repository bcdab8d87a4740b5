import path from "node:path";
import type { Ajv2020 } from "ajv/dist/2020.js";
import standaloneCodeModule from "ajv/dist/standalone/index.js";
import { readPackageVersion } from "../config/read-package-version.js";
import { VALIDATOR_MODULES, type ValidatorModule } from "../config/validator-modules.js";
import { renderGeneratedHeader, type GeneratedFile } from "../output/generated-file.js";
import { compileSharedValidators } from "./compile-shared-validators.js";
import { AJV_OPTIONS } from "./create-ajv.js";
import type { NamedSchema } from "./list-named-schemas.js";
import type { LoadedSchema } from "./load-schemas.js";
import { renderValidateFunctionDeclaration } from "./render-validate-function-declaration.js";
import { renderValidatorsDeclaration, toValidatorName } from "./render-validators-declaration.js";
import { rewriteRuntimeRequires } from "./rewrite-runtime-requires.js";
import { STRIPPED_ANNOTATIONS, stripAnnotations } from "./strip-annotations.js";

/** ajv's standalone module is CommonJS; under NodeNext its default import is `module.exports`, which carries `.default`. */
const standaloneCode = standaloneCodeModule.default;

/** Repository-relative directory of the generated validators (next to `types.ts`). */
export const VALIDATORS_DIR = "sdk/src/gen/json-schema";

/** Repository-relative path of the all-in-one validators module (every named schema; for tests and tools). */
export const VALIDATORS_MODULE_PATH = `${VALIDATORS_DIR}/validators.js`;

/** Repository-relative path of the declaration of `ValidateFunction`, which every validators declaration imports. */
export const VALIDATE_FUNCTION_DECLARATION_PATH = `${VALIDATORS_DIR}/validate-function.d.ts`;

/** The hand-written module the generated validators import ajv's runtime helpers from. */
export const VALIDATOR_RUNTIME_PATH = "sdk/src/typed/validator-runtime.ts";

/** Repository-relative path of the module generated for `module` (`task` → `.../task-validators.js`). */
export function validatorModulePath(module: ValidatorModule): string {
  return `${VALIDATORS_DIR}/${module.name}-validators.js`;
}

/**
 * Generates the ajv standalone validators as ES modules with one `validate<Name>` export per schema, each with its
 * declaration file: `validators.js` for every named schema, and one module per entry of `modules` (by default
 * {@link VALIDATOR_MODULES}, what the runtime imports), so that runtime code loads only the validators it uses.
 * Annotations are stripped before compiling, so the modules embed no prose; within a module, every subschema is one
 * function shared by all the validators that reach it.
 */
export function generateValidators(
  schemas: readonly LoadedSchema[],
  named: readonly NamedSchema[],
  modules: readonly ValidatorModule[] = VALIDATOR_MODULES,
): GeneratedFile[] {
  const stripped = schemas.map((schema) => ({ ...schema, document: stripAnnotations(schema.document) }));
  const ajv = compileSharedValidators(stripped, named);
  const byName = new Map(named.map((entry) => [entry.name, entry]));
  const files: GeneratedFile[] = [
    { path: VALIDATE_FUNCTION_DECLARATION_PATH, content: renderValidateFunctionDeclaration() },
    ...emitValidatorsModule(ajv, schemas, named, VALIDATORS_MODULE_PATH),
  ];
  for (const module of modules) {
    const entries = module.schemas.map((name) => {
      const entry = byName.get(name);
      if (entry === undefined) throw new Error(`validators module "${module.name}" lists ${name}, which no schema is titled`);
      return entry;
    });
    files.push(...emitValidatorsModule(ajv, schemas, entries, validatorModulePath(module)));
  }
  return files;
}

/** One standalone module (`modulePath`, a `.js` file) exporting the validators of `entries`, and its `.d.ts`. */
function emitValidatorsModule(ajv: Ajv2020, schemas: readonly LoadedSchema[], entries: readonly NamedSchema[], modulePath: string): GeneratedFile[] {
  const refs: Record<string, string> = {};
  for (const entry of entries) refs[toValidatorName(entry)] = entry.ref;
  const directory = path.posix.dirname(modulePath);
  // By its real name: the modules are JavaScript, and loaders (tsx) map `.js` to `.ts` only in imports from TypeScript.
  const helpersModule = toRelativeSpecifier(directory, VALIDATOR_RUNTIME_PATH);
  const rewrite = rewriteRuntimeRequires(standaloneCode(ajv, refs), helpersModule);
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
      ["annotations", `stripped (${STRIPPED_ANNOTATIONS.join(" ")})`],
      ["subschemas", "compiled once each, shared by every validator in the module"],
      ["require()", rewrite.helpers.length === 0 ? "none" : `rewritten to imports of ${rewrite.helpers.join(", ")} from ${helpersModule}`],
    ],
  });
  return [
    { path: modulePath, content: `${header}\n${rewrite.code.endsWith("\n") ? rewrite.code : `${rewrite.code}\n`}` },
    {
      path: modulePath.replace(/\.js$/, ".d.ts"),
      content: renderValidatorsDeclaration(schemas, entries, {
        typesModule: toImportSpecifier(directory, `${VALIDATORS_DIR}/types.ts`),
        validateFunctionModule: toImportSpecifier(directory, VALIDATE_FUNCTION_DECLARATION_PATH),
      }),
    },
  ];
}

/** The relative ESM specifier from `directory` to a repository file as TypeScript imports it (`.ts` and `.d.ts` as `.js`). */
function toImportSpecifier(directory: string, target: string): string {
  return toRelativeSpecifier(directory, target.replace(/(\.d)?\.ts$/, ".js"));
}

function toRelativeSpecifier(directory: string, target: string): string {
  const relative = path.posix.relative(directory, target);
  return relative.startsWith(".") ? relative : `./${relative}`;
}

/** Checks that the module exports exactly the validators the declaration file declares. */
function assertExports(code: string, expected: readonly string[]): void {
  const exported = [...code.matchAll(/\bexport const ([A-Za-z0-9_$]+)\s*=/g)].map((match) => match[1]).sort();
  const wanted = [...expected].sort();
  if (JSON.stringify(exported) !== JSON.stringify(wanted)) {
    throw new Error(`ajv's standalone code exports [${exported.join(", ")}], expected [${wanted.join(", ")}]`);
  }
}
