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
  const run = new ControllableRun(options.softTimeLimitGraceMs ?? DEFAULT_SOFT_TIME_LIMIT_GRACE_MS);
  run.start(call);
  return run;
}

/** One run's state, with its behaviour on the prototype: one object per task rather than a closure per member. */
class ControllableRun implements LimitedRun {
  readonly outcome: Promise<ExecutionOutcome>;
  private readonly startedAt = performance.now();
  private controller: AbortController | null = null;
  private settled = false;
  private softReason: SoftTimeLimitExceeded | null = null;
  private graceTimer: NodeJS.Timeout | null = null;
  private resolveOutcome: (outcome: ExecutionOutcome) => void = () => undefined;

  constructor(private readonly graceMs: number) {
    this.outcome = new Promise<ExecutionOutcome>((resolve) => {
      this.resolveOutcome = resolve;
    });
  }

  get signal(): AbortSignal {
    return this.controllerOf().signal;
  }

  start(call: (signal: () => AbortSignal) => unknown): void {
    let pending: PromiseLike<unknown> | null = null;
    let value: unknown;
    try {
      value = call(() => this.signal);
      if (isThenable(value)) pending = value;
    } catch (error) {
      // A synchronous throw (or a `then` getter that throws) fails the run, after this call returns as before.
      pending = Promise.reject(error);
    }
    // A synchronous handler's value settles the run at once: no promise and no microtask per task for the common case.
    if (pending === null) this.succeed(value);
    else
      Promise.resolve(pending).then(
        (v) => this.succeed(v),
        (error: unknown) => this.fail(error),
      );
  }

  runtimeSeconds(): number {
    return (performance.now() - this.startedAt) / 1000;
  }

  softLimit(): void {
    if (this.settled || this.softReason !== null) return;
    const reason = new SoftTimeLimitExceeded();
    this.softReason = reason;
    this.abort(reason);
    this.graceTimer = setTimeout(() => this.finish({ kind: "failure", error: reason, runtimeSeconds: this.runtimeSeconds() }), this.graceMs);
  }

  stop(result: ExecutionOutcome, reason: unknown): void {
    this.finish(result);
    this.abort(reason);
  }

  private succeed(value: unknown): void {
    this.finish(toExecutionOutcome({ ok: true, value }, this.runtimeSeconds()));
  }

  private fail(error: unknown): void {
    const softReason = this.softReason;
    this.finish(toExecutionOutcome({ ok: false, error: softReason === null ? error : asSoftLimitError(error, softReason) }, this.runtimeSeconds()));
  }

  private finish(result: ExecutionOutcome): void {
    if (this.settled) return;
    this.settled = true;
    if (this.graceTimer !== null) clearTimeout(this.graceTimer);
    this.resolveOutcome(result);
  }

  private controllerOf(): AbortController {
    this.controller ??= new AbortController();
    return this.controller;
  }

  private abort(reason: unknown): void {
    const controller = this.controllerOf();
    if (!controller.signal.aborted) controller.abort(reason);
  }
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
