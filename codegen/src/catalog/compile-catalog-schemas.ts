import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { VARARGS_KEY } from "../../../sdk/src/typed/check-task-arguments.js";
import type { CatalogTaskModel, JsonSchema, TaskCatalogModel } from "./task-catalog-model.js";

const addFormats = addFormatsModule.default;

/** The `$id` of the one schema document a catalog's validators are compiled from. */
export const CATALOG_ID = "https://celery-proto.dev/catalog";

/** The ajv options a catalog's schemas are compiled with (generated validators and live checks alike). */
export const CATALOG_AJV_OPTIONS = { strict: true, allowUnionTypes: true, allErrors: true, inlineRefs: false } as const;

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

/** A catalog compiled into one ajv instance, and the `$ref` of each task's arguments and result schema in it. */
export interface CompiledCatalogSchemas {
  readonly ajv: Ajv2020;
  /** Task name → the refs of its arguments (an object keyed by parameter name) and result schemas. */
  readonly refs: ReadonlyMap<string, { readonly arguments: string; readonly result: string }>;
}

/**
 * Adds a catalog's `$defs` and each task's arguments and result schema to a draft 2020-12 ajv (strict, with
 * ajv-formats) as one document, and compiles them; `code` is ajv's code option (standalone output).
 *
 * @throws Error naming the catalog when ajv (strict mode) rejects a schema.
 */
export function compileCatalogSchemas(
  model: TaskCatalogModel,
  code?: { readonly source: true; readonly esm: true; readonly lines: true },
): CompiledCatalogSchemas {
  const defs: Record<string, JsonSchema> = { ...model.defs };
  const refs = new Map<string, { arguments: string; result: string }>();
  for (const task of model.tasks) {
    defs[`__arguments_${task.exportName}`] = argumentsSchema(task);
    defs[`__result_${task.exportName}`] = task.result;
    refs.set(task.name, {
      arguments: `${CATALOG_ID}#/$defs/__arguments_${task.exportName}`,
      result: `${CATALOG_ID}#/$defs/__result_${task.exportName}`,
    });
  }
  const ajv = new Ajv2020({ ...CATALOG_AJV_OPTIONS, ...(code === undefined ? {} : { code: { ...code } }) });
  addFormats(ajv);
  try {
    ajv.addSchema({ $id: CATALOG_ID, $defs: defs });
    for (const ref of refs.values()) {
      ajv.getSchema(ref.arguments);
      ajv.getSchema(ref.result);
    }
  } catch (cause) {
    throw new Error(`${model.source}: ajv (strict mode) rejected a schema: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
  return { ajv, refs };
}
