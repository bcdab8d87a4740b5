import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { CeleryProtoError } from "../../sdk/src/errors/celery-proto-error.js";
import { checkKnownOptions } from "../../sdk/src/errors/check-known-options.js";
import type { TaskHandler } from "./app/task-handler.js";
import type { TaskOptions } from "./app/task-options.js";
import type { TaskRegistry } from "./app/task-registry.js";
import type { Worker } from "./worker.js";
import { ensureTypeScriptSupport, nativeTypeScriptHint } from "../../sdk/src/modules/load-typescript-support.js";

/** One entry of a `tasks` export: a handler, or a handler with its Celery task options. */
export type TaskModuleEntry = TaskHandler | { readonly handler: TaskHandler; readonly options?: TaskOptions };

/**
 * What `proto worker -A <module>` loads (the "app"). A module exports either or both of:
 * - `register(registry)`: a function (sync or async) that registers tasks on the worker's `TaskRegistry`;
 * - `tasks`: `{ "<task name>": handler | { handler, options } }`.
 * A `default` export may be either form too (a function is a `register`, an object a `tasks` map or a module-shaped
 * object with `register`/`tasks`). It may also export `config`: the app's Celery settings (by Celery's names), which
 * `proto worker` uses when no `--config` is given; and `setupWorker(worker)` (sync or async), which `proto worker`
 * calls in its main process once the worker is created and its tasks registered, before it starts: the place to
 * subscribe to its lifecycle events (`worker.on("task:failed", ...)`, `worker:ready` included). Process-pool children
 * load the module only to register tasks and never call it. A `setupWorker` that throws or rejects stops the start.
 */
export interface TaskModule {
  readonly register?: (registry: TaskRegistry) => void | Promise<void>;
  readonly tasks?: Readonly<Record<string, TaskModuleEntry>>;
  readonly config?: unknown;
  readonly setupWorker?: (worker: Worker) => void | Promise<void>;
  readonly default?: unknown;
}

const EXTENSIONS = ["", ".ts", ".mts", ".js", ".mjs"];

/**
 * Imports a task module by path (relative to `cwd`; a `.ts` module through tsx or Node's type stripping, see
 * `ensureTypeScriptSupport`) and registers its tasks on
 * `registry`. Returns the resolved file. Refuses with `InvalidOption` naming `app` when the file is missing, fails to
 * import, or exports neither `register` nor `tasks`.
 */
export async function loadTaskModule(spec: string, registry: TaskRegistry, cwd: string = process.cwd()): Promise<string> {
  const { file, module } = await importTaskModule(spec, cwd);
  if (!(await applyModule(module, registry)) && !(await applyDefault(module.default, registry))) {
    throw new CeleryProtoError("InvalidOption", `app: ${file} exports neither register(registry) nor tasks ({ "name": handler | { handler, options } })`);
  }
  return file;
}

/**
 * Imports a task module by path without registering anything (a later `loadTaskModule` gets the same module
 * instance), e.g. to read its `config` export first. Refuses as `loadTaskModule` does, naming `app`.
 */
export async function importTaskModule(spec: string, cwd: string = process.cwd()): Promise<{ readonly file: string; readonly module: TaskModule }> {
  const file = resolveModule(spec, cwd);
  const mode = await ensureTypeScriptSupport(file);
  try {
    return { file, module: (await import(pathToFileURL(file).href)) as TaskModule };
  } catch (e) {
    throw new CeleryProtoError("InvalidOption", `app: cannot import ${file}: ${e instanceof Error ? e.message : String(e)}${nativeTypeScriptHint(mode)}`, {
      cause: e,
    });
  }
}

function resolveModule(spec: string, cwd: string): string {
  if (typeof spec !== "string" || spec.trim() === "") throw new CeleryProtoError("InvalidOption", "app: a module path is required (-A ./tasks.ts)");
  const base = path.resolve(cwd, spec);
  for (const ext of EXTENSIONS) {
    const candidate = base + ext;
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  throw new CeleryProtoError("InvalidOption", `app: no module at ${base} (tried ${EXTENSIONS.map((e) => (e === "" ? "as given" : e)).join(", ")})`);
}

async function applyModule(module: TaskModule, registry: TaskRegistry): Promise<boolean> {
  let applied = false;
  if (typeof module.register === "function") {
    await module.register(registry);
    applied = true;
  }
  if (module.tasks !== undefined) {
    registerTasks(module.tasks, registry);
    applied = true;
  }
  return applied;
}

async function applyDefault(value: unknown, registry: TaskRegistry): Promise<boolean> {
  if (typeof value === "function") {
    await (value as (registry: TaskRegistry) => unknown)(registry);
    return true;
  }
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as TaskModule;
  if (typeof candidate.register === "function" || (typeof candidate.tasks === "object" && candidate.tasks !== null)) return applyModule(candidate, registry);
  registerTasks(value as Record<string, TaskModuleEntry>, registry);
  return true;
}

const ENTRY_KEYS: ReadonlySet<string> = new Set(["handler", "options"]);

function registerTasks(tasks: Readonly<Record<string, TaskModuleEntry>>, registry: TaskRegistry): void {
  if (typeof tasks !== "object" || tasks === null) throw new CeleryProtoError("InvalidOption", "app: `tasks` must be an object of task name → handler");
  for (const [name, entry] of Object.entries(tasks)) {
    if (typeof entry === "function") registry.register(name, entry);
    else if (typeof entry === "object" && entry !== null && typeof entry.handler === "function") {
      checkKnownOptions(entry, ENTRY_KEYS, `a key of tasks[${JSON.stringify(name)}] ({ handler, options })`);
      registry.register(name, entry.handler, entry.options ?? {});
    } else throw new CeleryProtoError("InvalidOption", `app: tasks[${JSON.stringify(name)}] must be a handler or { handler, options }`);
  }
}
