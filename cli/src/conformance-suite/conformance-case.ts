/**
 * Who produces and who consumes in a case: our producer → the Celery peer worker, the peer's producer → our worker,
 * our remote control → the peer worker, our beat → the peer worker, the peer's Celery beat → our worker, or the
 * peer worker's events → our event receiver (while our producer sends it a task).
 */
export type Direction = "ts-to-celery" | "celery-to-ts" | "control" | "ts-beat-to-celery" | "celery-beat-to-ts" | "events";

export const DIRECTIONS: readonly Direction[] = ["ts-to-celery", "celery-to-ts", "control", "ts-beat-to-celery", "celery-beat-to-ts", "events"];

/** The features a case may need and an implementation declares (`conformance/features.yaml`). */
export type FeatureName = "direction" | "broker" | "result_backend" | "queue_type" | "serializer" | "compression" | "canvas" | "beat" | "events";

export const FEATURE_NAMES: readonly FeatureName[] = [
  "direction",
  "broker",
  "result_backend",
  "queue_type",
  "serializer",
  "compression",
  "canvas",
  "beat",
  "events",
];

/** Feature → accepted values. For a case, any one of the listed values will do; a feature left out means any. */
export type FeatureSet = Readonly<Partial<Record<FeatureName, readonly string[]>>>;

/**
 * A canvas as cases write it: a task (`{task, args, kwargs, options}`, options by Celery's names) or one of
 * `{chain: [...]}`, `{group: [...]}`, `{chord: {header: [...], body}}`.
 */
export type CanvasNode =
  | {
      readonly task: string;
      readonly args: readonly unknown[];
      readonly kwargs: Readonly<Record<string, unknown>>;
      readonly options: Readonly<Record<string, unknown>>;
    }
  | { readonly chain: readonly CanvasNode[] }
  | { readonly group: readonly CanvasNode[] }
  | { readonly chord: { readonly header: readonly CanvasNode[]; readonly body: CanvasNode } };

/** One task sent by name, with send options by Celery's names (`countdown`, `expires`, `priority`, `serializer`, `link`, ...). */
export interface TaskInput {
  readonly kind: "task";
  readonly task: string;
  readonly args: readonly unknown[];
  readonly kwargs: Readonly<Record<string, unknown>>;
  readonly options: Readonly<Record<string, unknown>>;
  /** ts-to-celery: the runner revokes the task (our client's `revoke()`) right after sending it. */
  readonly revoke?: boolean;
}

/** A canvas applied as Celery's `apply_async` does. */
export interface CanvasInput {
  readonly kind: "canvas";
  readonly canvas: CanvasNode;
}

/** A remote-control command sent with a reply requested. */
export interface ControlInput {
  readonly kind: "control";
  readonly method: string;
  readonly arguments: Readonly<Record<string, unknown>>;
}

/**
 * ts-beat-to-celery: the schedule our beat runs, as a schedule file writes it (`entries`, optional `timezone`;
 * schemas/json/beat-schedule.schema.json). An entry without `options.queue` goes to the peer's queue.
 */
export interface BeatScheduleInput {
  readonly kind: "beat-schedule";
  readonly schedule: Readonly<Record<string, unknown>>;
}

/** celery-beat-to-ts: the task our worker must run (sent by the peer's Celery beat): by name, and by args / kwargs when given. */
export interface BeatTaskInput {
  readonly kind: "beat-task";
  readonly task: string;
  readonly args?: readonly unknown[];
  readonly kwargs?: Readonly<Record<string, unknown>>;
}

export type CaseInput = TaskInput | CanvasInput | ControlInput | BeatScheduleInput | BeatTaskInput;

/**
 * An expected task failure: the Python exception class name and, when given, `str(exc)`, the exception's module
 * (`builtins`) and the stored traceback (a string or a matcher such as `{$matches: <regex>}`).
 */
export interface ExpectedError {
  readonly type: string;
  readonly message?: string;
  readonly module?: string;
  readonly traceback?: unknown;
}

/** What a task (or a link callback) must end with. */
export interface TaskExpectation {
  /** Present when the case gives `result` (which may be null). */
  readonly result?: { readonly value: unknown };
  readonly error?: ExpectedError;
  readonly state?: string;
  /** Checks on fields of the result (a subset: fields not named are not compared), for `peer.request`. */
  readonly request?: Readonly<Record<string, unknown>>;
  /** Seconds from sending to the result: bounds. */
  readonly elapsed?: { readonly min?: number; readonly max?: number };
}

/** What a control command's replies must look like. `each` is compared (as a subset) with every node's reply. */
export interface RepliesExpectation {
  readonly min?: number;
  readonly max?: number;
  readonly each?: unknown;
}

/**
 * events: one event the receiver must get. Task events (`task-*`) are those of the case's task (`uuid` = its id) and
 * must come in the listed order; other events (`worker-*`) must come from the peer node (`--peer-node`), anywhere.
 * `fields` is compared with the event's body as a subset (matchers allowed).
 */
export interface EventExpectation {
  readonly type: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

export interface CaseExpectation extends TaskExpectation {
  /** The first `link` callback's own outcome (ts-to-celery and celery-to-ts task inputs with `options.link`). */
  readonly link?: TaskExpectation;
  /** The first `link_error` errback's own outcome, when Celery runs it as a task (ts-to-celery task inputs with `options.link_error`). */
  readonly linkError?: TaskExpectation;
  readonly replies?: RepliesExpectation;
  /** ts-beat-to-celery: how many sends of our beat to await (`min`, default 1); the task expectations hold for each. */
  readonly sends?: { readonly min: number };
  /** ts-beat-to-celery: seconds between consecutive sends: bounds. */
  readonly interval?: { readonly min?: number; readonly max?: number };
  /** events: the events our receiver must get (task events in order). */
  readonly events?: readonly EventExpectation[];
}

/** One conformance case, as loaded from `conformance/cases/*.yaml`. */
export interface ConformanceCase {
  /** Unique, path-like: `ts-to-celery/add`. */
  readonly name: string;
  readonly direction: Direction;
  readonly description?: string;
  readonly features: FeatureSet;
  readonly input: CaseInput;
  readonly expect: CaseExpectation;
  /** Seconds this case may take; default: the run's `--timeout`. */
  readonly timeout?: number;
  /** The file the case came from (for messages). */
  readonly file: string;
}
