import { CeleryProtoError } from "../../../sdk/src/errors/celery-proto-error.js";
import { checkKnownOptions } from "../../../sdk/src/errors/check-known-options.js";
import type { TaskDescriptor } from "../../../sdk/src/client/task-descriptor.js";
import type { TaskHandler } from "./task-handler.js";
import type { ConfiguredTaskOptions } from "./task-options-from-config.js";
import { DEFAULT_TASK_OPTIONS, TASK_OPTION_NAMES, type TaskOptions } from "./task-options.js";

/** A registered task: its handler and its options with Celery's defaults applied. */
export interface RegisteredTask {
  readonly name: string;
  readonly handler: TaskHandler;
  readonly options: Required<Omit<TaskOptions, "serializer" | "pool">> & Pick<TaskOptions, "serializer" | "pool">;
  /** Validation of received arguments (from a descriptor); throws a CeleryProtoError naming the argument. */
  readonly validate?: (args: readonly unknown[], kwargs: Readonly<Record<string, unknown>>) => void;
}

/** The tasks a worker can run, by name. Runtime changes (`rate_limit`, `time_limit` control commands) go through `update`. */
export class TaskRegistry {
  private readonly tasks = new Map<string, RegisteredTask>();
  /** The options each task was registered with, to re-layer them when the configuration's defaults change. */
  private readonly given = new Map<string, TaskOptions>();
  private configured: ConfiguredTaskOptions | null = null;

  /** Registers a handler under a task name or a descriptor (whose validator then checks received arguments). */
  register<A extends readonly unknown[], R, K extends Readonly<Record<string, unknown>>>(
    task: string | TaskDescriptor<A, R, K>,
    handler: TaskHandler<A, K, R>,
    options: TaskOptions = {},
  ): RegisteredTask {
    const name = typeof task === "string" ? task : task.name;
    if (typeof name !== "string" || name === "") throw new CeleryProtoError("InvalidOption", "task: a non-empty task name is required");
    if (this.tasks.has(name)) throw new CeleryProtoError("InvalidOption", `task: ${JSON.stringify(name)} is already registered`);
    checkKnownOptions(options, TASK_OPTION_NAMES, `a task option of ${JSON.stringify(name)}`);
    this.given.set(name, options);
    const entry: RegisteredTask = {
      name,
      handler: handler as unknown as TaskHandler,
      options: this.layer(name, options),
      ...(typeof task !== "string" && task.validate !== undefined ? { validate: task.validate } : {}),
    };
    this.tasks.set(name, entry);
    return entry;
  }

  /**
   * Applies a configuration's task options to every task, registered or to come: Celery's defaults, then the
   * configuration's (`task_acks_late`, ...), then the task's own options, then its `task_annotations`.
   */
  configure(configured: ConfiguredTaskOptions): void {
    this.configured = configured;
    for (const [name, entry] of this.tasks) this.tasks.set(name, { ...entry, options: this.layer(name, this.given.get(name) ?? {}) });
  }

  get(name: string): RegisteredTask | undefined {
    return this.tasks.get(name);
  }

  has(name: string): boolean {
    return this.tasks.has(name);
  }

  /** Changes options of a registered task (remote control `rate_limit` / `time_limit`). */
  update(name: string, options: Partial<TaskOptions>): RegisteredTask | undefined {
    const current = this.tasks.get(name);
    if (current === undefined) return undefined;
    const next = { ...current, options: { ...current.options, ...dropUndefined(options) } };
    this.tasks.set(name, next);
    return next;
  }

  private layer(name: string, options: TaskOptions): RegisteredTask["options"] {
    return layerOf(this.configured, name, options);
  }

  /** Registered names, sorted (as `inspect registered` lists them). */
  names(): string[] {
    return [...this.tasks.keys()].sort();
  }
}

function layerOf(configured: ConfiguredTaskOptions | null, name: string, options: TaskOptions): RegisteredTask["options"] {
  const bound = { ...DEFAULT_TASK_OPTIONS, ...dropUndefined(configured?.defaults ?? {}), ...dropUndefined(options) };
  // C:celery/app/task.py `bind`: acks_on_failure and acks_on_timeout fall back to acks_on_failure_or_timeout before
  // `annotate` runs, so an annotated acks_on_failure_or_timeout no longer changes them (as in Celery 5.7).
  return {
    ...bound,
    acksOnFailure: bound.acksOnFailure ?? bound.acksOnFailureOrTimeout,
    acksOnTimeout: bound.acksOnTimeout ?? bound.acksOnFailureOrTimeout,
    ...dropUndefined(configured?.annotationsOf(name) ?? {}),
  };
}

function dropUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
