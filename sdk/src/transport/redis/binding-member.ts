import type { RedisBinding } from "./broker-state.js";
import type { RedisChannelContext } from "./redis-channel-context.js";
import { keyToPattern } from "./topic-pattern.js";

/** kombu 5.7 keeps a binding table at least this long (ms) after its last refresh (`MIN_BINDING_TTL`). */
const MIN_BINDING_TTL_MS = 60 * 60 * 1000;

/**
 * The binding-table member kombu's `_queue_bind` writes for `queue` bound to `binding`: routing key, the exchange
 * type's `prepare_bind` pattern (topic: `key_to_pattern`, otherwise empty) and the queue, joined with `sep`.
 */
export function bindingMemberFor(ctx: RedisChannelContext, queue: string, binding: RedisBinding): string {
  const pattern = ctx.state.typeOf(binding.exchange) === "topic" ? keyToPattern(binding.routingKey, ctx.options.topicPatternFlavor) : "";
  return ctx.layout.bindingMember(binding.routingKey, pattern, queue);
}

/** kombu 5.7 `_binding_ttl`: how long (ms) a binding of an expiring queue lives without refresh. */
export function bindingTtlMs(expiresMs: number): number {
  return Math.max(expiresMs * 2, MIN_BINDING_TTL_MS);
}
