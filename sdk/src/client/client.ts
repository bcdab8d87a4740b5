import { CeleryProtoError } from "../errors/celery-proto-error.js";
import { checkKnownOptions } from "../errors/check-known-options.js";
import { AsyncResult } from "../results/async-result.js";
import { GroupResult } from "../results/group-result.js";
import type { ResultBackend } from "../results/result-backend.js";
import type { Transport } from "../transport/transport.js";
import type { CeleryClient } from "./celery-client.js";
import { SEND_TASK_OPTION_NAMES } from "./send-task-option-names.js";
import type { SendTaskOptions } from "./send-task-options.js";
import type { TaskDescriptor } from "./task-descriptor.js";
import type { TaskSender } from "./task-sender.js";

/**
 * The producer API: enqueue tasks for Celery workers (Python or TypeScript) and read their results.
 * Create one with `createClient()`; close it when done. A `bigint` argument is sent as an exact Python int; results
 * read back an integer beyond ±2^53 as a `bigint` (see `AsyncResult`).
 */
export class Client implements TaskSender {
  constructor(private readonly sender: CeleryClient) {}

  get backend(): ResultBackend {
    return this.sender.backend;
  }

  get transport(): Transport {
    return this.sender.transport;
  }

  /**
   * Enqueues a task by descriptor or name with every apply_async option; resolves once the broker has the message.
   * `enqueue(add, [2, 3], {}, { countdown: 10 })` → `AsyncResult<number>` for a `TaskDescriptor<[number, number], number>`.
   */
  enqueue<A extends readonly unknown[], R, K extends Readonly<Record<string, unknown>>>(
    task: TaskDescriptor<A, R, K>,
    args: NoInfer<A>,
    kwargs?: NoInfer<Partial<K>>,
    options?: SendTaskOptions,
  ): Promise<AsyncResult<R>>;
  enqueue(task: string, args?: readonly unknown[], kwargs?: Readonly<Record<string, unknown>>, options?: SendTaskOptions): Promise<AsyncResult<unknown>>;
  async enqueue(
    task: string | TaskDescriptor<readonly unknown[], unknown, Readonly<Record<string, unknown>>>,
    args: readonly unknown[] = [],
    kwargs: Readonly<Record<string, unknown>> = {},
    options: SendTaskOptions = {},
  ): Promise<AsyncResult<unknown>> {
    const descriptor = typeof task === "string" ? null : task;
    const name = descriptor === null ? task : descriptor.name;
    if (typeof name !== "string" || name === "") throw new CeleryProtoError("InvalidOption", "task: a task name or descriptor is required");
    checkKnownOptions(options, SEND_TASK_OPTION_NAMES, "an enqueue option");
    if (descriptor?.defaults !== undefined)
      checkKnownOptions(descriptor.defaults, SEND_TASK_OPTION_NAMES, `an enqueue option (in the defaults of ${JSON.stringify(name)})`);
    descriptor?.validate?.(args, kwargs);
    const id = await this.sender.sendTask(name, args, kwargs, { ...descriptor?.defaults, ...options });
    return new AsyncResult(id, this.sender);
  }

  async sendTask(name: string, args: readonly unknown[], kwargs: Readonly<Record<string, unknown>>, options: SendTaskOptions): Promise<string> {
    checkKnownOptions(options, SEND_TASK_OPTION_NAMES, "an enqueue option");
    return this.sender.sendTask(name, args, kwargs, options);
  }

  broadcast(method: string, args: Readonly<Record<string, unknown>>): Promise<void> {
    return this.sender.broadcast(method, args);
  }

  /** A handle on an existing task's result, by id. */
  result<T = unknown>(id: string): AsyncResult<T> {
    return new AsyncResult<T>(id, this.sender);
  }

  /** A handle on a group's results (`GroupResult.restore` when only the id is known). */
  async restoreGroup<T = unknown>(groupId: string): Promise<GroupResult<T> | null> {
    return GroupResult.restore<T>(groupId, this.sender);
  }

  close(): Promise<void> {
    return this.sender.close();
  }
}
