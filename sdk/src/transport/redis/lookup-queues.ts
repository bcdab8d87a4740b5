import { compileTopicPattern } from "./topic-pattern.js";
import type { RedisChannelContext } from "./redis-channel-context.js";

const compiled = new Map<string, RegExp | null>();

/**
 * kombu's `Channel._lookup(exchange, routing_key)`: the anon exchange names the queue; otherwise read the binding
 * table (`SMEMBERS _kombu.binding.<exchange>`) and match by the exchange's type as declared in this process (direct
 * when undeclared): direct = equal keys, topic = the stored regex, fanout = every queue. No match gives
 * `[deadletter_queue]` when one is configured, else nothing (the message is dropped, as kombu does).
 */
export async function lookupQueues(ctx: RedisChannelContext, exchange: string, routingKey: string): Promise<string[]> {
  const deadletter = ctx.options.deadletterQueue;
  if (exchange === "") return [routingKey !== "" ? routingKey : (deadletter ?? "")];
  const members = await ctx.commands.smembers(ctx.layout.bindingKey(exchange));
  const type = ctx.state.typeOf(exchange);
  const queues = new Set<string>();
  for (const member of members) {
    const parts = member.split(ctx.layout.sep);
    if (parts.length !== 3) continue;
    const [key, pattern, queue] = parts as [string, string, string];
    if (type === "fanout") queues.add(queue);
    else if (type === "direct") {
      if (key === routingKey) queues.add(queue);
    } else if (matchTopic(pattern, routingKey) && queue !== "" && queue !== deadletter) queues.add(queue);
  }
  if (queues.size === 0 && deadletter !== null) return [deadletter];
  return [...queues];
}

function matchTopic(pattern: string, routingKey: string): boolean {
  let re = compiled.get(pattern);
  if (re === undefined) {
    re = compileTopicPattern(pattern);
    if (compiled.size > 1000) compiled.clear();
    compiled.set(pattern, re);
  }
  return re !== null && re.test(routingKey);
}
