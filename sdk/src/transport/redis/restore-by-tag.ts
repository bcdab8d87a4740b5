import { CeleryProtoError } from "../../errors/celery-proto-error.js";
import { lookupQueues } from "./lookup-queues.js";
import { dumpPythonJson } from "./python-json-tree.js";
import { readMessagePriority } from "./read-message-priority.js";
import type { RedisChannelContext } from "./redis-channel-context.js";
import { RESTORE_BY_TAG } from "./redis-scripts.js";
import { toTransportError } from "./to-transport-error.js";
import { decodeUnackedEntry, markRedelivered, payloadPriority, type UnackedEntry } from "./unacked-entry.js";

/** Where and what a restore pushes: the priority lists of every queue the entry routes to, and the marked envelope. */
interface RestorePlan {
  readonly lists: string[];
  readonly text: string;
}

const MAX_ATTEMPTS = 16;

/**
 * kombu's `QoS.restore_by_tag(tag, leftmost)`: atomically remove `tag` from `unacked`/`unacked_index` and push its
 * envelope, marked redelivered, back to every queue `(exchange, routing_key)` routes to — `RPUSH` (front of the queue,
 * consumed next) by default, `LPUSH` (back) when `leftmost` (what `reject(requeue=True)` uses). A tag with no entry
 * just has its index entries removed. Resolves with whether a message was pushed.
 */
export async function restoreByTag(ctx: RedisChannelContext, tag: string, leftmost = false): Promise<boolean> {
  const { layout } = ctx;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    let raw: string | null;
    try {
      raw = await ctx.commands.hget(layout.unackedKey, tag);
    } catch (e) {
      throw toTransportError(e, `HGET ${layout.unackedKey}`);
    }
    const plan = raw === null ? { lists: [], text: "" } : await planRestore(ctx, decodeUnackedEntry(raw));
    let done: unknown;
    try {
      done = await ctx.commands.eval(
        RESTORE_BY_TAG,
        2 + plan.lists.length,
        layout.unackedKey,
        layout.unackedIndexKey,
        ...plan.lists,
        tag,
        raw ?? "",
        raw === null ? "0" : "1",
        leftmost ? "L" : "R",
        plan.text,
      );
    } catch (e) {
      throw toTransportError(e, `restore of delivery tag ${tag}`);
    }
    if (done === 1) return plan.lists.length > 0;
  }
  throw new CeleryProtoError("BrokerError", `restore of delivery tag ${tag}: the unacked entry kept changing (${MAX_ATTEMPTS} attempts)`);
}

/**
 * Pushes an entry that never made it into `unacked` (its bookkeeping failed) the way a restore would, so a requeue
 * or a shutdown does not lose it.
 */
export async function pushRestoredEntry(ctx: RedisChannelContext, entry: UnackedEntry, leftmost: boolean): Promise<void> {
  const plan = await planRestore(ctx, entry);
  if (plan.lists.length === 0) return;
  const multi = ctx.commands.multi();
  for (const list of plan.lists) {
    if (leftmost) multi.lpush(list, plan.text);
    else multi.rpush(list, plan.text);
  }
  try {
    await multi.exec();
  } catch (e) {
    throw toTransportError(e, "restore push");
  }
}

/** kombu's `_do_restore_message` up to the push: mark redelivered, look the queues up, pick each priority list. */
async function planRestore(ctx: RedisChannelContext, entry: UnackedEntry): Promise<RestorePlan> {
  if (!markRedelivered(entry.payload)) {
    // kombu logs "Could not restore message" and still commits the removal: the message is gone.
    ctx.options.onEvent({
      type: "error",
      error: new CeleryProtoError("InvalidEnvelope", "could not restore an unacked message: its headers are not a mapping (kombu drops it too)"),
    });
    return { lists: [], text: "" };
  }
  const queues = await lookupQueues(ctx, entry.exchange, entry.routingKey);
  const priority = readMessagePriority(payloadPriority(entry.payload));
  return { lists: queues.map((q) => ctx.layout.listFor(q, priority)), text: dumpPythonJson(entry.payload) };
}
