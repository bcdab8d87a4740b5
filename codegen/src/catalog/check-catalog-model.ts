import { CeleryProtoError } from "../../../sdk/src/errors/celery-proto-error.js";
import type { TaskCatalogModel } from "./task-catalog-model.js";

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
/** Names the generated module itself exports besides the tasks. */
const RESERVED_EXPORTS = new Set(["tasks", "Tasks", "default"]);

/**
 * The rules every front end's output must meet: unique task names and export names, TS identifiers, required
 * positional parameters before optional ones, parameter names unique per task. Throws `InvalidOption` naming the
 * task and field.
 */
export function checkCatalogModel(model: TaskCatalogModel): void {
  const exports = new Map<string, string>();
  const names = new Set<string>();
  for (const task of model.tasks) {
    const where = `${model.source}: tasks[${JSON.stringify(task.name)}]`;
    if (names.has(task.name)) throw new CeleryProtoError("InvalidOption", `${where}: the task name is declared twice`);
    names.add(task.name);
    if (!IDENTIFIER.test(task.exportName) || RESERVED_EXPORTS.has(task.exportName)) {
      throw new CeleryProtoError("InvalidOption", `${where}.export: ${JSON.stringify(task.exportName)} is not a usable TypeScript identifier; set "export"`);
    }
    const clash = exports.get(task.exportName);
    if (clash !== undefined) {
      throw new CeleryProtoError(
        "InvalidOption",
        `${where}.export: ${JSON.stringify(task.exportName)} is also the export name of ${clash}; set "export" on one of them`,
      );
    }
    exports.set(task.exportName, task.name);
    let optionalSeen = false;
    const params = new Set<string>();
    for (const parameter of [...task.args, ...task.kwargs]) {
      if (params.has(parameter.name)) throw new CeleryProtoError("InvalidOption", `${where}: parameter ${JSON.stringify(parameter.name)} is declared twice`);
      params.add(parameter.name);
    }
    for (const parameter of task.args) {
      if (!parameter.required) optionalSeen = true;
      else if (optionalSeen) {
        throw new CeleryProtoError("InvalidOption", `${where}.args: required parameter ${JSON.stringify(parameter.name)} follows an optional one`);
      }
    }
  }
  for (const name of Object.keys(model.defs)) {
    if (!IDENTIFIER.test(name) || name.startsWith("__")) {
      throw new CeleryProtoError("InvalidOption", `${model.source}: $defs[${JSON.stringify(name)}] must be a TypeScript identifier not starting with "__"`);
    }
    if (exports.has(name))
      throw new CeleryProtoError("InvalidOption", `${model.source}: $defs[${JSON.stringify(name)}] clashes with the export name of ${exports.get(name)}`);
  }
}
