import type { TaskCatalogFile } from "../../../sdk/src/gen/json-schema/types.js";
import { parseJsonSchemaCatalog } from "./read-json-schema-catalog.js";
import { type PythonAppOptions, runPythonAppScript } from "./run-python-script.js";

export interface ImportPythonOptions extends PythonAppOptions {
  /** Only tasks whose name starts with this. */
  readonly prefix?: string;
}

/**
 * Imports a Celery app in Python and describes its registered tasks (signatures, type hints, docstrings, task
 * options) as a JSON Schema task catalog, checked against task-catalog.schema.json before it is returned.
 */
export async function importPythonCatalog(options: ImportPythonOptions): Promise<TaskCatalogFile> {
  const document = await runPythonAppScript("describe_celery_app.py", options, [options.prefix ?? ""]);
  parseJsonSchemaCatalog(document, `import-python -A ${options.app}`);
  return document as TaskCatalogFile;
}
