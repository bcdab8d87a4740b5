import { readOwnVersion } from "../config/read-own-version.js";
import { renderGeneratedHeader } from "../output/generated-file.js";
import { catalogFileNames, validatorNames } from "./catalog-file-names.js";
import { emitCatalogValidators, type EmittedFile } from "./emit-catalog-validators.js";
import { escapeComment, renderSchemaType } from "./render-schema-type.js";
import type { CatalogParameterModel, CatalogTaskModel, TaskCatalogModel } from "./task-catalog-model.js";

/** How `proto generate` shapes its output. */
export interface EmitOptions {
  /** Output file name stem (`catalog` → `catalog_tasks.ts`). */
  readonly stem: string;
  /** Module the generated code imports the runtime from (default `celery-proto`). */
  readonly runtime: string;
  /** Generator name for the header (`celery-proto proto generate`, `protoc-gen-celery-es`). */
  readonly generator: string;
}

/**
 * Everything generated for one catalog: `<stem>_tasks.ts` (exported types of `$defs`, one task descriptor per task
 * with its argument tuple, result and keyword types, and the `tasks` map) plus its validators. Data plus types only:
 * behaviour (`bindTasks`, `implementTasks`, validation) lives in the runtime. Deterministic for a given catalog.
 */
export function emitTypedTasks(model: TaskCatalogModel, options: EmitOptions): EmittedFile[] {
  const files = catalogFileNames(options.stem);
  const header = renderGeneratedHeader({
    generator: `${options.generator} v${readOwnVersion()}`,
    sources: [model.source],
    options: [["runtime", options.runtime]],
  });
  const lines: string[] = [];
  if (model.description !== undefined) lines.push(`// ${escapeComment(model.description)}`, "");
  lines.push(`import { defineCatalogTask } from ${JSON.stringify(options.runtime)};`);
  const validators = model.tasks.flatMap((task) => Object.values(validatorNames(task)));
  if (validators.length > 0) {
    lines.push(`import {\n${validators.map((name) => `  ${name},`).join("\n")}\n} from ${JSON.stringify(`./${files.validators}`)};`);
  }
  for (const [name, schema] of Object.entries(model.defs)) {
    lines.push("");
    const description = typeof schema === "object" ? schema["description"] : undefined;
    if (typeof description === "string") lines.push(`/** ${escapeComment(description)} */`);
    lines.push(`export type ${name} = ${renderSchemaType(schema)};`);
  }
  for (const task of model.tasks) lines.push("", ...renderTask(task));
  lines.push(
    "",
    "/** Every task of the catalog by export name: `bindTasks(client, tasks)` to enqueue, `implementTasks(registry, { ... }, handlers)` to implement. */",
    `export const tasks = {${model.tasks.length === 0 ? "" : `\n${model.tasks.map((task) => `  ${task.exportName},`).join("\n")}\n`}} as const;`,
  );
  return [
    { name: files.tasks, content: `${header}\n${lines.join("\n")}\n` },
    ...emitCatalogValidators(model, options.stem, options.runtime, `${options.generator} v${readOwnVersion()}`),
  ];
}

function renderTask(task: CatalogTaskModel): string[] {
  const names = validatorNames(task);
  const doc = [`\`${task.name}\``, ...(task.description === undefined ? [] : [escapeComment(task.description)])].join(": ");
  const params = [...task.args, ...task.kwargs]
    .filter((p) => p.description !== undefined)
    .map((p) => ` * @param ${p.name} ${escapeComment(p.description ?? "")}`);
  const { retry, ...send } = task.options;
  const typeArgs = `${renderArgsTuple(task)}, ${renderSchemaType(task.result)}, ${renderKwargs(task)}`;
  const spec = [
    `  name: ${JSON.stringify(task.name)},`,
    `  args: ${printLiteral(task.args.map((p) => p.name))},`,
    `  requiredArgs: ${task.args.filter((p) => p.required).length},`,
    `  kwargs: ${printLiteral(task.kwargs.map((p) => p.name))},`,
    ...(task.varargs === undefined ? [] : ["  varargs: true,"]),
    ...(Object.keys(send).length === 0 ? [] : [`  defaults: ${printLiteral(send)},`]),
    ...(retry === undefined ? [] : [`  retry: ${printLiteral(retry)},`]),
    `  validateArguments: ${names.arguments},`,
    `  validateResult: ${names.result},`,
  ];
  return [
    ...(params.length === 0 ? [`/** ${doc} */`] : ["/**", ` * ${doc}`, ...params, " */"]),
    `export const ${task.exportName} = defineCatalogTask<${typeArgs}>({`,
    ...spec,
    "});",
  ];
}

function renderArgsTuple(task: CatalogTaskModel): string {
  const elements = task.args.map((p) => `${label(p)}${p.required ? "" : "?"}: ${renderSchemaType(p.schema, "  ")}`);
  if (task.varargs !== undefined) elements.push(`...args: ${arrayOf(renderSchemaType(task.varargs, "  "))}`);
  return `[${elements.join(", ")}]`;
}

function renderKwargs(task: CatalogTaskModel): string {
  const members = task.kwargs.map((p) => `readonly ${p.name}${p.required ? "" : "?"}: ${renderSchemaType(p.schema, "  ")}`);
  if (task.varkwargs !== undefined) members.push(`readonly [key: string]: unknown`);
  return members.length === 0 ? "{}" : `{ ${members.join("; ")} }`;
}

const RESERVED = new Set([
  "break",
  "case",
  "catch",
  "class",
  "const",
  "continue",
  "debugger",
  "default",
  "delete",
  "do",
  "else",
  "enum",
  "export",
  "extends",
  "false",
  "finally",
  "for",
  "function",
  "if",
  "import",
  "in",
  "instanceof",
  "new",
  "null",
  "return",
  "super",
  "switch",
  "this",
  "throw",
  "true",
  "try",
  "typeof",
  "var",
  "void",
  "while",
  "with",
]);

/** A tuple label for a parameter (a reserved word gets a trailing underscore). */
function label(parameter: CatalogParameterModel): string {
  return RESERVED.has(parameter.name) ? `${parameter.name}_` : parameter.name;
}

function arrayOf(type: string): string {
  return /[|&]/.test(type) ? `(${type})[]` : `${type}[]`;
}

/** A JSON value as a one-line TS literal: `["x", "y"]`, `{ queue: "math", priority: 5 }`. */
function printLiteral(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(printLiteral).join(", ")}]`;
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value).map(([key, item]) => `${/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? key : JSON.stringify(key)}: ${printLiteral(item)}`);
    return entries.length === 0 ? "{}" : `{ ${entries.join(", ")} }`;
  }
  return JSON.stringify(value);
}
