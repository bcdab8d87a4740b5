import type { TaskSender } from "../../../sdk/src/client/task-sender.js";
import { CeleryProtoError } from "../../../sdk/src/errors/celery-proto-error.js";
import type { ResultStore } from "./result-store.js";

/**
 * Options of `createOutcomeRecorder`. Result-writing settings belong to the store (`result_extended`) and its result
 * backend (`result_expires`, chord settings), as they belong to the result backend in Celery.
 */
export interface OutcomeRecorderOptions {
  /** Publishes callbacks, chain steps, errbacks, chord bodies and retries (the worker's producer). */
  readonly sender: TaskSender;
  /** Where states are written. */
  readonly store: ResultStore;
  /** The worker's node name, stored in STARTED `{pid, hostname}`. Default: the request's `hostname`. */
  readonly hostname?: string;
  /** The pid stored in STARTED. Default: `process.pid`. */
  readonly pid?: number;
  /** `task_inherit_parent_priority`: messages a task's outcome publishes get its delivery priority. Default false. */
  readonly inheritParentPriority?: boolean;
}

export interface CompiledOutcomeRecorderOptions {
  readonly sender: TaskSender;
  readonly store: ResultStore;
  readonly hostname: string | null;
  readonly pid: number;
  readonly inheritParentPriority: boolean;
}

/** Applies the defaults; a missing sender or store is refused with `InvalidOption` naming it. */
export function compileOutcomeRecorderOptions(options: OutcomeRecorderOptions): CompiledOutcomeRecorderOptions {
  if (options.sender === undefined || options.sender === null)
    throw new CeleryProtoError("InvalidOption", "sender: a TaskSender is required (it publishes callbacks, chain steps and retries)");
  if (options.store === undefined || options.store === null)
    throw new CeleryProtoError("InvalidOption", "store: a ResultStore is required (createRedisResultStore or createRpcResultStore)");
  return Object.freeze({
    sender: options.sender,
    store: options.store,
    hostname: options.hostname ?? null,
    pid: options.pid ?? process.pid,
    inheritParentPriority: options.inheritParentPriority ?? false,
  });
}
