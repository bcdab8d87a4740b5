import { Ajv2020 } from "ajv/dist/2020.js";
import standaloneCodeModule from "ajv/dist/standalone/index.js";
import addFormatsModule from "ajv-formats";
import { readPackageVersion } from "../config/read-package-version.js";
import { rewriteRuntimeRequires } from "../json-schema/rewrite-runtime-requires.js";
import { renderGeneratedHeader } from "../output/generated-file.js";
import { catalogFileNames, validatorNames } from "./catalog-file-names.js";
import { validatorRuntimeSpecifier } from "./validator-runtime-specifier.js";
import { VARARGS_KEY } from "../../../sdk/src/typed/check-task-arguments.js";
import type { CatalogTaskModel, JsonSchema, TaskCatalogModel } from "./task-catalog-model.js";

const standaloneCode = standaloneCodeModule.default;
const addFormats = addFormatsModule.default;

/** The `$id` of the one schema document a catalog's validators are compiled from. */
const CATALOG_ID = "https://celery-proto.dev/catalog";

/** A file of a catalog's generated output, relative to the output directory. */
export interface EmittedFile {
  readonly name: string;
  readonly content: string;
}

/**
 * The arguments of a task as one object keyed by parameter name (how `checkTaskArguments` binds a call):
 * positional and keyword-only parameters are properties, extra positional arguments sit under `*args`, and unknown
 * keywords are refused unless the task takes `**kwargs`.
 */
export function argumentsSchema(task: CatalogTaskModel): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const parameter of [...task.args, ...task.kwargs]) {
    properties[parameter.name] = parameter.schema;
    if (parameter.required) required.push(parameter.name);
  }
  if (task.varargs !== undefined) properties[VARARGS_KEY] = { type: "array", items: task.varargs };
  return { type: "object", properties, required, additionalProperties: task.varkwargs ?? false };
}

/**
 * The ajv standalone validators of a catalog (two per task) and their declaration file. The validators import ajv's
 * runtime helpers through the runtime (`celery-proto/validator-runtime`), never from ajv, which the user's project
 * need not depend on.
 */
export function emitCatalogValidators(model: TaskCatalogModel, stem: string, runtime: string, generator: string): EmittedFile[] {
  const defs: Record<string, JsonSchema> = { ...model.defs };
  const refs: Record<string, string> = {};
  for (const task of model.tasks) {
    const names = validatorNames(task);
    defs[`__arguments_${task.exportName}`] = argumentsSchema(task);
    defs[`__result_${task.exportName}`] = task.result;
    refs[names.arguments] = `${CATALOG_ID}#/$defs/__arguments_${task.exportName}`;
    refs[names.result] = `${CATALOG_ID}#/$defs/__result_${task.exportName}`;
  }
  const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true, inlineRefs: false, code: { source: true, esm: true, lines: true } });
  addFormats(ajv);
  try {
    ajv.addSchema({ $id: CATALOG_ID, $defs: defs });
    for (const ref of Object.values(refs)) ajv.getSchema(ref);
  } catch (cause) {
    throw new Error(`${model.source}: ajv (strict mode) rejected a schema: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
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
