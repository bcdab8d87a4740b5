import type { CompiledRedisOptions } from "./compile-redis-options.js";
import { priorityStep } from "./read-message-priority.js";

/**
 * Every Redis key and PUB/SUB channel name kombu's Redis transport uses, computed exactly as kombu does
 * (K:kombu/transport/redis.py). Names returned here already carry `global_keyprefix`, as kombu's prefixing client
 * sends them; `queueFromListKey` and `exchangeFromChannel` undo that for replies.
 */
export interface RedisKeyLayout {
  /** `global_keyprefix`. */
  readonly prefix: string;
  readonly sep: string;
  readonly prioritySteps: readonly number[];
  /** The fanout prefix after `{db}` formatting, without `global_keyprefix` (e.g. `/0.`). */
  readonly fanoutPrefix: string;
  /** The list a message of `priority` (already 0..9) is pushed to: `_q_for_pri(queue, priority)`. */
  listFor(queue: string, priority: number): string;
  /** Every priority list of a queue, in step order (what purge, delete and PEXPIRE touch). */
  listsOf(queue: string): string[];
  /** BRPOP keys: for each step ascending, for each queue in the given (rotated) order. */
  brpopKeys(queues: readonly string[]): string[];
  /** `_kombu.binding.<exchange>`. */
  bindingKey(exchange: string): string;
  /** `_kombu.binding_permanent.<exchange>` (kombu >= 5.7: marks tables the binding sweep must keep). */
  bindingPermanentKey(exchange: string): string;
  /** `_kombu.binding_deadlines` (kombu >= 5.7: per-exchange deadlines of tables bound by expiring queues). */
  readonly bindingDeadlinesKey: string;
  /** `"<routing key>\x06\x16<pattern>\x06\x16<queue>"` (not prefixed: it is a set member). */
  bindingMember(routingKey: string, pattern: string, queue: string): string;
  readonly unackedKey: string;
  readonly unackedIndexKey: string;
  readonly unackedMutexKey: string;
  /** `_get_publish_topic`: `prefix + fanoutPrefix + exchange [+ "/" + routing key when fanout_patterns]`. */
  fanoutChannel(exchange: string, routingKey: string): string;
  /** The PSUBSCRIBE pattern of a fanout binding: as `fanoutChannel` with `#` in the key replaced by `*`. */
  fanoutPattern(exchange: string, routingKey: string): string;
  /** The queue a BRPOP reply key belongs to: strip the prefix, then `rsplit(sep, 1)[0]`. */
  queueFromListKey(key: string): string;
  /** The exchange of a received fanout channel (kombu `_receive_one`): strip the prefix, `/db.` and `/key`. */
  exchangeFromChannel(channel: string): string;
}

/** Builds the layout for one database number (the db formats the fanout prefix). */
export function createRedisKeyLayout(options: CompiledRedisOptions, db: number): RedisKeyLayout {
  const prefix = options.globalKeyprefix;
  const sep = options.sep;
  const steps = options.prioritySteps;
  const fanoutPrefix = options.fanoutPrefix === false ? "" : formatFanoutPrefix(options.fanoutPrefix === true ? "/{db}." : options.fanoutPrefix, db);
  const listFor = (queue: string, priority: number): string => {
    const step = priorityStep(steps, priority);
    return step ? `${prefix}${queue}${sep}${step}` : `${prefix}${queue}`;
  };
  const topic = (exchange: string, routingKey: string): string =>
    routingKey !== "" && options.fanoutPatterns ? `${prefix}${fanoutPrefix}${exchange}/${routingKey}` : `${prefix}${fanoutPrefix}${exchange}`;
  return Object.freeze({
    prefix,
    sep,
    prioritySteps: steps,
    fanoutPrefix,
    listFor,
    listsOf: (queue: string) => steps.map((step) => listFor(queue, step)),
    brpopKeys: (queues: readonly string[]) => steps.flatMap((step) => queues.map((queue) => listFor(queue, step))),
    bindingKey: (exchange: string) => `${prefix}_kombu.binding.${exchange}`,
    bindingPermanentKey: (exchange: string) => `${prefix}_kombu.binding_permanent.${exchange}`,
    bindingDeadlinesKey: `${prefix}_kombu.binding_deadlines`,
    bindingMember: (routingKey: string, pattern: string, queue: string) => [routingKey, pattern, queue].join(sep),
    unackedKey: prefix + options.unackedKey,
    unackedIndexKey: prefix + options.unackedIndexKey,
    unackedMutexKey: prefix + options.unackedMutexKey,
    fanoutChannel: topic,
    fanoutPattern: (exchange: string, routingKey: string) => topic(exchange, routingKey.replace(/#/g, "*")),
    queueFromListKey: (key: string) => {
      const bare = key.startsWith(prefix) ? key.slice(prefix.length) : key;
      const at = bare.lastIndexOf(sep);
      return at < 0 ? bare : bare.slice(0, at);
    },
    exchangeFromChannel: (channel: string) => {
      let bare = channel.startsWith(prefix) ? channel.slice(prefix.length) : channel;
      if (bare.startsWith("/")) {
        const dot = bare.indexOf(".");
        bare = dot < 0 ? "" : bare.slice(dot + 1);
      }
      const slash = bare.indexOf("/");
      return slash < 0 ? bare : bare.slice(0, slash);
    },
  });
}

/** Python `prefix.format(db=db)` for the only placeholders kombu's fanout prefix may hold. */
function formatFanoutPrefix(template: string, db: number): string {
  return template.replace(/\{\{|\}\}|\{db\}/g, (token) => (token === "{{" ? "{" : token === "}}" ? "}" : String(db)));
}
