import { CeleryProtoError } from "../../errors/celery-proto-error.js";

/** Milliseconds to wait before reconnect attempt `attempt` (1 = the first retry after a failure). */
export type BackoffFunction = (attempt: number) => number;

export interface ExponentialBackoffOptions {
  /** Delay before the first retry, in ms. Default 100. */
  readonly initialDelayMs?: number;
  /** Upper bound of any delay, in ms (jitter included). Default 10000. */
  readonly maxDelayMs?: number;
  /** Growth per attempt. Default 2. */
  readonly factor?: number;
  /** Random spread, 0..1: the delay is drawn from `[d·(1-jitter), d]`. Default 0.2. */
  readonly jitter?: number;
  /** Random source in [0, 1), for deterministic tests. Default `Math.random`. */
  readonly random?: () => number;
}

/** The defaults of {@link createExponentialBackoff}. */
export const DEFAULT_EXPONENTIAL_BACKOFF = Object.freeze({ initialDelayMs: 100, maxDelayMs: 10_000, factor: 2, jitter: 0.2 });

/**
 * `min(maxDelayMs, initialDelayMs · factor^(attempt-1))`, reduced by up to `jitter` so that many clients cut off by
 * the same broker restart do not reconnect in lockstep. Never exceeds `maxDelayMs`.
 */
export function createExponentialBackoff(options: ExponentialBackoffOptions = {}): BackoffFunction {
  const initial = options.initialDelayMs ?? DEFAULT_EXPONENTIAL_BACKOFF.initialDelayMs;
  const max = options.maxDelayMs ?? DEFAULT_EXPONENTIAL_BACKOFF.maxDelayMs;
  const factor = options.factor ?? DEFAULT_EXPONENTIAL_BACKOFF.factor;
  const jitter = options.jitter ?? DEFAULT_EXPONENTIAL_BACKOFF.jitter;
  const random = options.random ?? Math.random;
  if (!(initial >= 0) || !(max >= initial)) {
    throw new CeleryProtoError("InvalidOption", `initialDelayMs (${initial}) and maxDelayMs (${max}) must satisfy 0 <= initialDelayMs <= maxDelayMs`);
  }
  if (!(factor >= 1)) throw new CeleryProtoError("InvalidOption", `factor must be >= 1 (got ${factor})`);
  if (!(jitter >= 0 && jitter <= 1)) throw new CeleryProtoError("InvalidOption", `jitter must be within 0..1 (got ${jitter})`);
  return (attempt: number): number => {
    const exponent = Math.max(0, Math.floor(attempt) - 1);
    const base = Math.min(max, initial * factor ** exponent);
    return Math.round(base * (1 - jitter * random()));
  };
}
