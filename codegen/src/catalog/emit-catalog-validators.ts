import standaloneCodeModule from "ajv/dist/standalone/index.js";
import { readPackageVersion } from "../config/read-package-version.js";
import { rewriteRuntimeRequires } from "../json-schema/rewrite-runtime-requires.js";
import { renderGeneratedHeader } from "../output/generated-file.js";
import { catalogFileNames, validatorNames } from "./catalog-file-names.js";
import { validatorRuntimeSpecifier } from "./validator-runtime-specifier.js";
import { compileCatalogSchemas } from "./compile-catalog-schemas.js";
import type { TaskCatalogModel } from "./task-catalog-model.js";

const standaloneCode = standaloneCodeModule.default;

/** A file of a catalog's generated output, relative to the output directory. */
export interface EmittedFile {
  readonly name: string;
  readonly content: string;
}

/**
 * The ajv standalone validators of a catalog (two per task) and their declaration file. The validators import ajv's
 * runtime helpers through the runtime (`celery-proto/validator-runtime`), never from ajv, which the user's project
 * need not depend on.
 */
export function emitCatalogValidators(model: TaskCatalogModel, stem: string, runtime: string, generator: string): EmittedFile[] {
  const compiled = compileCatalogSchemas(model, { source: true, esm: true, lines: true });
  const refs: Record<string, string> = {};
  for (const task of model.tasks) {
    const names = validatorNames(task);
    const ref = compiled.refs.get(task.name);
    if (ref === undefined) continue;
    refs[names.arguments] = ref.arguments;
    refs[names.result] = ref.result;
  }
  const ajv = compiled.ajv;
  const helpersModule = validatorRuntimeSpecifier(runtime);
  const rewrite = rewriteRuntimeRequires(Object.keys(refs).length === 0 ? "" : standaloneCode(ajv, refs), helpersModule);
  const header = renderGeneratedHeader({
    generator: `${generator} with ajv v${readPackageVersion("ajv")} standaloneCode + ajv-formats v${readPackageVersion("ajv-formats")}`,
    sources: [model.source],
    options: [
      ["class", "Ajv2020"],
      ["strict", true],
      ["allowUnionTypes", true],
      ["allErrors", true],
      ["inlineRefs", false],
      ["require()", rewrite.helpers.length === 0 ? "none" : `rewritten to imports of ${rewrite.helpers.join(", ")} from ${helpersModule}`],
    ],
  });
  const files = catalogFileNames(stem);
  const declarations = model.tasks.flatMap((task) => {
    const names = validatorNames(task);
    return [`export declare const ${names.arguments}: StandaloneValidator;`, `export declare const ${names.result}: StandaloneValidator;`];
  });
  return [
    { name: files.validators, content: `${header}\n${rewrite.code.endsWith("\n") || rewrite.code === "" ? rewrite.code : `${rewrite.code}\n`}` },
    {
      name: files.validatorsDeclaration,
      content: `${header}\nimport type { StandaloneValidator } from ${JSON.stringify(runtime)};\n\n${declarations.join("\n")}\n`,
    },
  ];
}
