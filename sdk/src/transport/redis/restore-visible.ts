import { randomBytes } from "node:crypto";
import { CeleryProtoError } from "../../errors/celery-proto-error.js";
import type { RedisChannelContext } from "./redis-channel-context.js";
import { RELEASE_LOCK } from "./redis-scripts.js";
import { restoreByTag } from "./restore-by-tag.js";
import { toTransportError } from "./to-transport-error.js";

/** Options of one `restoreVisible` sweep. */
export interface RestoreVisibleOptions {
  /** Max tags restored (kombu's `num`). Default: `transportOptions.unacked_restore_limit` (`null` = all). */
  readonly limit?: number | null;
  /** Offset into the newest-first list of expired tags; used with `limit` only (kombu's `start`). Default `0`. */
  readonly start?: number;
  /** Seconds a delivery may stay unacknowledged. Default: `transportOptions.visibility_timeout` (3600). */
  readonly visibilityTimeout?: number;
}

/** What one sweep did. */
export interface RestoreVisibleResult {
  /** Messages pushed back to their queues. */
  readonly restored: number;
  /** Tags whose restore failed (each also reported through `onEvent`). */
  readonly failed: number;
  /** Another process held `unacked_mutex`, so nothing was done (kombu's `MutexHeld`). */
  readonly mutexHeld: boolean;
}

/** Anything carrying the channel context (a `RedisTransport`). */
export interface RestoreVisibleTarget {
  readonly context: RedisChannelContext;
}

/**
 * kombu's `QoS.restore_visible` (K:kombu/transport/redis.py): under the `unacked_mutex` lock (`SET NX PX`, released by
 * token), every tag in `unacked_index` scored at or before `now - visibility_timeout` (newest first:
 * `ZRANGE unacked_index <ceil> 0 BYSCORE REV [LIMIT start num] WITHSCORES`) is restored to the front of its queues
 * (`RPUSH`), marked redelivered. Python workers run this at startup and about every 100 s; a TS worker should too.
 * It restores every process's expired deliveries, not only this one's.
 */
export async function restoreVisible(target: RestoreVisibleTarget, options: RestoreVisibleOptions = {}): Promise<RestoreVisibleResult> {
  const ctx = target.context;
  const { commands, layout } = ctx;
  const limit = options.limit === undefined ? ctx.options.unackedRestoreLimit : options.limit;
  const visibility = options.visibilityTimeout ?? ctx.options.visibilityTimeout;
  const token = randomBytes(16).toString("hex");
  let acquired: string | null;
  try {
    acquired = await commands.set(layout.unackedMutexKey, token, "PX", Math.trunc(ctx.options.unackedMutexExpire * 1000), "NX");
  } catch (e) {
    throw toTransportError(e, `SET ${layout.unackedMutexKey} NX`);
  }
  if (acquired !== "OK") return { restored: 0, failed: 0, mutexHeld: true };
  let restored = 0;
  let failed = 0;
  try {
    const ceil = Date.now() / 1000 - visibility;
    const args: string[] = [layout.unackedIndexKey, String(ceil), "0", "BYSCORE", "REV"];
    if (limit !== null) args.push("LIMIT", String(options.start ?? 0), String(limit));
    args.push("WITHSCORES");
    let reply: unknown;
    try {
      reply = await commands.call("ZRANGE", ...args);
    } catch (e) {
      throw toTransportError(e, `ZRANGE ${layout.unackedIndexKey} BYSCORE REV`);
    }
    for (const tag of tagsOf(reply)) {
      try {
        if (await restoreByTag(ctx, tag)) restored++;
      } catch (e) {
        failed++;
        ctx.options.onEvent({ type: "error", error: CeleryProtoError.from(e, "BrokerError") });
      }
    }
  } finally {
    await commands.eval(RELEASE_LOCK, 1, layout.unackedMutexKey, token).catch(() => undefined);
  }
  return { restored, failed, mutexHeld: false };
}

/** Members of a ZRANGE ... WITHSCORES reply, flat (RESP2) or as pairs (RESP3). */
function tagsOf(reply: unknown): string[] {
  if (!Array.isArray(reply)) return [];
  if (reply.every((item) => Array.isArray(item))) return reply.map((pair) => String((pair as unknown[])[0]));
  return reply.filter((_, i) => i % 2 === 0).map(String);
}
