import type { ExecutionLimits, ExecutionOutcome } from "./execution-pool.js";
import { TimeLimitExceeded } from "../errors/task-control-errors.js";
import { startLimitedRun, type LimitedRunOptions } from "./start-limited-run.js";

export interface RunWithLimitsOptions extends LimitedRunOptions {
  /**
   * `revoke --terminate` for an in-process run: when aborted, the run ends at once with
   * `{kind: "terminated", signal}` (`signal` = the abort reason when it is a string such as "SIGTERM", else "SIGTERM")
   * and the handler's signal is aborted with the same reason.
   */
  readonly terminate?: AbortSignal;
}

/**
 * Runs a handler in this process under Celery's time limits (seconds; null or 0 = none, as Celery treats a falsy limit):
 * - soft: the handler's signal aborts with `SoftTimeLimitExceeded`; a handler that catches it and returns succeeds,
 *   one that lets it propagate fails with it, one that does not react within the grace fails with it (and is abandoned);
 * - hard: resolves `{kind: "time-limit", seconds}` and abandons the handler (its signal aborts with `TimeLimitExceeded`).
 *
 * In-process hard limits cannot stop code that never yields: a synchronous CPU loop blocks the event loop, so no timer
 * fires until it returns. That is what the process pool (`createProcessPool`) is for — it kills the child process.
 * Abandoned handlers keep running in the background until they finish or honour their signal.
 */
export async function runWithLimits(
  call: (signal: AbortSignal) => unknown,
  limits: ExecutionLimits,
  options: RunWithLimitsOptions = {},
): Promise<ExecutionOutcome> {
  const run = startLimitedRun((signal) => call(signal()), options);
  const timers: NodeJS.Timeout[] = [];
  const soft = activeLimit(limits.soft);
  const hard = activeLimit(limits.hard);
  if (soft !== null) timers.push(setTimeout(() => run.softLimit(), soft * 1000));
  if (hard !== null) {
    timers.push(
      setTimeout(() => run.stop({ kind: "time-limit", seconds: hard, runtimeSeconds: run.runtimeSeconds() }, new TimeLimitExceeded(hard)), hard * 1000),
    );
  }
  const terminate = options.terminate;
  const onTerminate = (): void => {
    const reason: unknown = terminate?.reason;
    run.stop({ kind: "terminated", signal: typeof reason === "string" ? reason : "SIGTERM" }, reason);
  };
  if (terminate?.aborted === true) onTerminate();
  else terminate?.addEventListener("abort", onTerminate, { once: true });
  try {
    return await run.outcome;
  } finally {
    for (const timer of timers) clearTimeout(timer);
    terminate?.removeEventListener("abort", onTerminate);
  }
}

/** Longest timer Node can arm (2^31-1 ms, ~24.8 days); a longer limit could never fire in practice and is ignored. */
const MAX_TIMER_SECONDS = 2_147_483;

/** A limit in seconds that is in force: Celery ignores falsy (null, 0) limits. */
export function activeLimit(seconds: number | null | undefined): number | null {
  return typeof seconds === "number" && Number.isFinite(seconds) && seconds > 0 && seconds <= MAX_TIMER_SECONDS ? seconds : null;
}
