import type { ExecutionOutcome } from "./execution-pool.js";
import { SoftTimeLimitExceeded } from "../errors/task-control-errors.js";
import { toExecutionOutcome } from "../execution/to-execution-outcome.js";

/** Default grace after the soft limit for the handler to settle on its own (see {@link LimitedRunOptions}). */
export const DEFAULT_SOFT_TIME_LIMIT_GRACE_MS = 1000;

export interface LimitedRunOptions {
  /**
   * After the soft limit aborts the signal, how long the handler may take to settle by itself (return a value after
   * catching `SoftTimeLimitExceeded` → success; throw → failure). When the grace ends first, the run fails with
   * `SoftTimeLimitExceeded` and the handler is abandoned. Default 1000 ms.
   */
  readonly softTimeLimitGraceMs?: number;
}

/** A handler invocation whose end can be forced: the building block of in-process and child-process limits. */
export interface LimitedRun {
  /** The signal given to the handler (made on first use). */
  readonly signal: AbortSignal;
  /** The outcome: the handler's own, or the one given to `stop()`. Never rejects. */
  readonly outcome: Promise<ExecutionOutcome>;
  /** Seconds since the handler was called. */
  runtimeSeconds(): number;
  /**
   * Soft time limit: aborts the signal with a `SoftTimeLimitExceeded` (what abortable work rejects with — an
   * `AbortError` from such work is reported as that `SoftTimeLimitExceeded`), then fails the run with it unless the
   * handler settles within the grace. No effect once settled.
   */
  softLimit(): void;
  /** Ends the run now with `outcome` and aborts the signal with `reason`; the handler is abandoned. */
  stop(outcome: ExecutionOutcome, reason: unknown): void;
}

/**
 * Calls `call(signal)` now (a synchronous throw is a failure) and returns the controllable run. `signal` makes the
 * run's AbortSignal on first call: most handlers never look at theirs, and one per task is a measurable cost.
 */
export function startLimitedRun(call: (signal: () => AbortSignal) => unknown, options: LimitedRunOptions = {}): LimitedRun {
  const graceMs = options.softTimeLimitGraceMs ?? DEFAULT_SOFT_TIME_LIMIT_GRACE_MS;
  let controller: AbortController | null = null;
  const controllerOf = (): AbortController => {
    if (controller === null) controller = new AbortController();
    return controller;
  };
  const signal = (): AbortSignal => controllerOf().signal;
  const abort = (reason: unknown): void => {
    const c = controllerOf();
    if (!c.signal.aborted) c.abort(reason);
  };
  const startedAt = performance.now();
  const runtimeSeconds = (): number => (performance.now() - startedAt) / 1000;
  let settled = false;
  let softReason: SoftTimeLimitExceeded | null = null;
  let graceTimer: NodeJS.Timeout | null = null;
  let resolveOutcome: (outcome: ExecutionOutcome) => void = () => undefined;
  const outcome = new Promise<ExecutionOutcome>((resolve) => {
    resolveOutcome = resolve;
  });
  const finish = (result: ExecutionOutcome): void => {
    if (settled) return;
    settled = true;
    if (graceTimer !== null) clearTimeout(graceTimer);
    resolveOutcome(result);
  };

  const succeed = (value: unknown): void => finish(toExecutionOutcome({ ok: true, value }, runtimeSeconds()));
  const fail = (error: unknown): void =>
    finish(toExecutionOutcome({ ok: false, error: softReason === null ? error : asSoftLimitError(error, softReason) }, runtimeSeconds()));
  // A synchronous handler's value settles the run at once: no promise and no microtask per task for the common case.
  let pending: PromiseLike<unknown> | null = null;
  let value: unknown;
  try {
    value = call(signal);
    if (isThenable(value)) pending = value;
  } catch (error) {
    // A synchronous throw (or a `then` getter that throws) fails the run, after this call returns as before.
    pending = Promise.reject(error);
  }
  if (pending === null) succeed(value);
  else Promise.resolve(pending).then(succeed, fail);

  return {
    get signal(): AbortSignal {
      return signal();
    },
    outcome,
    runtimeSeconds,
    softLimit(): void {
      if (settled || softReason !== null) return;
      const reason = new SoftTimeLimitExceeded();
      softReason = reason;
      abort(reason);
      graceTimer = setTimeout(() => finish({ kind: "failure", error: reason, runtimeSeconds: runtimeSeconds() }), graceMs);
    },
    stop(result: ExecutionOutcome, reason: unknown): void {
      finish(result);
      abort(reason);
    },
  };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === "object" || typeof value === "function") && value !== null && typeof (value as { then?: unknown }).then === "function";
}

/** After a soft limit, an `AbortError` (how `fetch`, timers/promises, streams report the abort) is the soft limit. */
function asSoftLimitError(error: unknown, reason: SoftTimeLimitExceeded): unknown {
  if (error === reason) return error;
  const e = error as { readonly name?: unknown; readonly code?: unknown; readonly cause?: unknown } | null;
  if (typeof e === "object" && e !== null && (e.name === "AbortError" || e.code === "ABORT_ERR") && (e.cause === undefined || e.cause === reason)) {
    return reason;
  }
  return error;
}
