import type { SubtaskType } from "./signature-kind.js";

/**
 * A Celery signature: one task call (or a canvas of them) as data, in exactly the shape of Python's
 * `Signature.__json__()` dict. Option keys are Celery's snake_case names (`task_id`, `group_id`, `link_error`,
 * `countdown`, ...), so a signature built here can be a callback of a Python task and the other way round.
 * Nested signatures (`kwargs.tasks`, `kwargs.header`, `kwargs.body`, `options.link`, `options.chord`, ...) are
 * `Signature`s too. Values are never mutated by this module: every operation returns a new signature.
 *
 * Build them with `signature()`, `taskRef(name).s(...)`, `chain()`, `group()`, `chord()`, `chunks()`, `map()`,
 * `starmap()`, or read them with `fromSignatureDict()`.
 */
export interface Signature {
  /** The registered task name, or `celery.chain` / `celery.group` / `celery.chord` / `celery.chunks` / `celery.map` / `celery.starmap`. */
  readonly task: string;
  /** Positional arguments; partial args given when applying are prepended unless `immutable`. */
  readonly args: readonly unknown[];
  /** Keyword arguments (for canvases: `tasks`, `header`/`body`/`kwargs`, `task`/`it`/`n`). */
  readonly kwargs: Readonly<Record<string, unknown>>;
  /** apply_async options by Celery's (snake_case) names. */
  readonly options: WireOptions;
  /** `chain`, `group` or `chord` for those; null for a task and (as Celery writes them) for chunks/map/starmap. */
  readonly subtask_type: SubtaskType | null;
  /** When true, partial args/kwargs are not merged in when the signature is applied (`.si()`). */
  readonly immutable: boolean;
}

/** Signature options keyed by Celery's apply_async names (`task_id`, `link_error`, `routing_key`, ...). */
export type WireOptions = Readonly<Record<string, unknown>>;
