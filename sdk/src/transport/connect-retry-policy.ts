import { CeleryProtoError } from "../errors/celery-proto-error.js";

/**
 * How `createTransport` retries a broker it cannot connect to at start-up, after Celery's worker
 * (`broker_connection_retry_on_startup`, `broker_connection_max_retries`) and kombu's `ensure_connection` intervals.
 */
export interface ConnectRetryPolicy {
  /** Retries after the first failed attempt (Celery's `broker_connection_max_retries`); `Infinity` retries forever. Default 100. */
  readonly maxRetries?: number;
  /** Delay before the first retry, in ms (kombu's `interval_start`). Default 2000. */
  readonly intervalStartMs?: number;
  /** Added to the delay for each further retry, in ms (kombu's `interval_step`). Default 2000. */
  readonly intervalStepMs?: number;
  /** Longest delay, in ms (kombu's `interval_max`). Default 30000. */
  readonly intervalMaxMs?: number;
}

/** `ConnectRetryPolicy` with its defaults applied and checked. */
export interface CompiledConnectRetryPolicy {
  readonly maxRetries: number;
  readonly intervalStartMs: number;
  readonly intervalStepMs: number;
  readonly intervalMaxMs: number;
}

/** Celery's and kombu's defaults: 100 retries, 2 s, 4 s, 6 s ... at most 30 s apart. */
export const DEFAULT_CONNECT_RETRY_POLICY: CompiledConnectRetryPolicy = Object.freeze({
  maxRetries: 100,
  intervalStartMs: 2000,
  intervalStepMs: 2000,
  intervalMaxMs: 30_000,
});

/** Applies the defaults; a bad value is `InvalidOption` naming `retry.<field>`. */
export function compileConnectRetryPolicy(policy: ConnectRetryPolicy): CompiledConnectRetryPolicy {
  const d = DEFAULT_CONNECT_RETRY_POLICY;
  const compiled = {
    maxRetries: check("maxRetries", policy.maxRetries ?? d.maxRetries, true),
    intervalStartMs: check("intervalStartMs", policy.intervalStartMs ?? d.intervalStartMs, false),
    intervalStepMs: check("intervalStepMs", policy.intervalStepMs ?? d.intervalStepMs, false),
    intervalMaxMs: check("intervalMaxMs", policy.intervalMaxMs ?? d.intervalMaxMs, false),
  };
  return Object.freeze(compiled);
}

/** kombu's `retry_over_time` interval before retry `retry` (1-based): start + (retry-1)·step, at most max. */
export function retryDelayMs(policy: CompiledConnectRetryPolicy, retry: number): number {
  return Math.min(policy.intervalStartMs + Math.max(0, retry - 1) * policy.intervalStepMs, policy.intervalMaxMs);
}

function check(field: string, value: number, integer: boolean): number {
  const ok = typeof value === "number" && value >= 0 && (value === Infinity ? integer : Number.isFinite(value) && (!integer || Number.isInteger(value)));
  if (!ok)
    throw new CeleryProtoError(
      "InvalidOption",
      `retry.${field}: must be ${integer ? "an integer >= 0 or Infinity" : "a number of milliseconds >= 0"} (got ${String(value)})`,
    );
  return value;
}
