import { readFile } from "node:fs/promises";
import type { CatalogParameter, TaskCatalogFile } from "../../../sdk/src/gen/json-schema/types.js";
import { validateTaskCatalogFile } from "../../../sdk/src/gen/json-schema/task-catalog-validators.js";
import { CeleryProtoError } from "../../../sdk/src/errors/celery-proto-error.js";
import { checkCatalogModel } from "./check-catalog-model.js";
import type { CatalogParameterModel, TaskCatalogModel } from "./task-catalog-model.js";
import { toExportName } from "./to-export-name.js";

/** Reads a JSON Schema task catalog (`schemas/json/task-catalog.schema.json`) into the catalog model. */
export async function readJsonSchemaCatalog(file: string, source: string): Promise<TaskCatalogModel> {
  let document: unknown;
  try {
    document = JSON.parse(await readFile(file, "utf8"));
  } catch (cause) {
    throw new CeleryProtoError("InvalidOption", `${source}: not a readable JSON file: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
  return parseJsonSchemaCatalog(document, source);
}

/** Validates a parsed catalog against its schema and builds the model; errors name the catalog path that is wrong. */
export function parseJsonSchemaCatalog(document: unknown, source: string): TaskCatalogModel {
  if (!validateTaskCatalogFile(document)) {
    const details = (validateTaskCatalogFile.errors ?? []).map((e) => ({ path: e.instancePath, keyword: e.keyword, message: e.message ?? e.keyword }));
    const first = details[0];
    throw new CeleryProtoError(
      "InvalidOption",
      `${source}: not a task catalog (schemas/json/task-catalog.schema.json): at ${first?.path === "" ? "/" : (first?.path ?? "/")}: ${first?.message ?? "invalid"}`,
      { details },
    );
  }
  const catalog: TaskCatalogFile = document;
  const tasks = Object.entries(catalog.tasks)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, task]) => ({
      name,
      exportName: task.export ?? toExportName(name),
      ...(task.description === undefined ? {} : { description: task.description }),
      args: (task.args ?? []).map(toParameter),
      kwargs: (task.kwargs ?? []).map(toParameter),
      ...(task.varargs === undefined ? {} : { varargs: task.varargs }),
      ...(task.varkwargs === undefined ? {} : { varkwargs: task.varkwargs }),
      result: task.result ?? true,
      options: task.options ?? {},
    }));
  const model: TaskCatalogModel = {
    source,
    ...(catalog.description === undefined ? {} : { description: catalog.description }),
    defs: catalog.$defs ?? {},
    tasks,
  };
  checkCatalogModel(model);
  return model;
}

function toParameter(parameter: CatalogParameter): CatalogParameterModel {
  return {
    name: parameter.name,
    schema: parameter.schema,
    required: parameter.required ?? true,
    ...(parameter.description === undefined ? {} : { description: parameter.description }),
  };
}
