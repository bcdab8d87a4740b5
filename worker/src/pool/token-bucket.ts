import { parseRateLimit } from "./parse-rate-limit.js";

/** Monotonic seconds (Python's `time.monotonic()`), the default clock of buckets and the rate limiter. */
export function monotonicSeconds(): number {
  return performance.now() / 1000;
}

/**
 * kombu's token bucket (K:kombu/utils/limits.py `TokenBucket`), number for number: `fillRate` tokens per second up to
 * `capacity`, starting full. The clock is injectable (seconds, monotonic) so behaviour can be replayed exactly.
 */
export class TokenBucket {
  readonly fillRate: number;
  readonly capacity: number;
  private tokens: number;
  private timestamp: number;

  constructor(
    fillRate: number,
    capacity = 1,
    private readonly now: () => number = monotonicSeconds,
  ) {
    this.capacity = capacity;
    this.tokens = capacity;
    this.fillRate = fillRate;
    this.timestamp = now();
  }

  /** Consumes `tokens` if that many are available now (all or nothing); kombu's `can_consume`. */
  canConsume(tokens = 1): boolean {
    if (tokens <= this.currentTokens()) {
      this.tokens -= tokens;
      return true;
    }
    return false;
  }

  /** Seconds until `tokens` are available (0 when they are now); kombu's `expected_time`. */
  expectedTime(tokens = 1): number {
    const available = this.currentTokens();
    const wanted = pyMax(tokens, available);
    return (wanted - available) / this.fillRate;
  }

  /**
   * kombu's `_get_tokens`: refills by elapsed time and always advances the timestamp, as kombu 5.7 does (kombu 5.3
   * advanced it only while refilling, so a bucket that sat full granted a second token right after the first).
   */
  private currentTokens(): number {
    const now = this.now();
    if (this.tokens < this.capacity) {
      const delta = this.fillRate * (now - this.timestamp);
      this.tokens = pyMin(this.capacity, this.tokens + delta);
    }
    this.timestamp = now;
    return this.tokens;
  }
}

/** Options of {@link createTokenBucket}. */
export interface TokenBucketOptions {
  /** Maximum tokens (burst). Default 1, as Celery's worker uses for task rate limits. */
  readonly capacity?: number;
  /** Monotonic clock in seconds. Default `performance.now() / 1000`. */
  readonly now?: () => number;
}

/**
 * The bucket Celery's consumer builds for a task's `rate_limit` (`bucket_for_task`): null when there is no limit,
 * else a capacity-1 bucket filling at the parsed rate per second.
 */
export function createTokenBucket(rate: string | number | null | undefined, options: TokenBucketOptions = {}): TokenBucket | null {
  const fillRate = parseRateLimit(rate);
  if (fillRate === 0) return null;
  return new TokenBucket(fillRate, options.capacity ?? 1, options.now);
}

/** Python's `min(a, b)`: `a` unless `b < a` (so a NaN `b` gives `a`, unlike Math.min). */
function pyMin(a: number, b: number): number {
  return b < a ? b : a;
}

/** Python's `max(a, b)`: `a` unless `b > a`. */
function pyMax(a: number, b: number): number {
  return b > a ? b : a;
}
