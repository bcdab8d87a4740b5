import { flattenReplies } from "../../../sdk/src/control/flatten-replies.js";
import type { ControlSerialization } from "../../../sdk/src/control/control-serialization.js";
import { inspect, type ControlClock } from "../../../sdk/src/control/inspect.js";
import type { MailboxSettings } from "../../../sdk/src/control/pidbox-entities.js";
import type { Transport } from "../../../sdk/src/transport/transport.js";
import type { WorkerState } from "../app/worker-state.js";
import { STDERR_LOG_SINK, type LogSink } from "../events/log-sink.js";
import { readRevokedIds } from "./read-revoked-ids.js";

export interface MingleOptions {
  readonly transport: Transport;
  readonly hostname: string;
  readonly state: WorkerState;
  /** The mailbox clock for the request/reply headers. Default: a fresh one. */
  readonly clock?: ControlClock;
  /** How long to wait for each next reply (Celery: 1 s). Default 1000. */
  readonly timeoutMs?: number;
  readonly mailbox?: Partial<MailboxSettings>;
  readonly log?: LogSink;
  /** The mailbox's serialization: hello sent as `task_serializer` (signed for `auth`), replies read by `accept_content`. */
  readonly serialization?: ControlSerialization;
}

export interface MingleResult {
  /** The nodes that replied with data. */
  readonly nodes: readonly string[];
}

/**
 * Celery's `Mingle` bootstep (C:celery/worker/consumer/mingle.py): broadcasts `hello(from_node, revoked)` with our
 * revoked ids (a list, oldest first: Celery 5.7's form, which 5.3 accepts too), then for each other node's reply
 * adjusts the worker clock (or forwards it when the reply has none) and merges its revoked ids (5.7 list or
 * <= 5.6 `{id: [stamp, id]}`). A reply that cannot be merged is logged and skipped.
 */
export async function runMingle(options: MingleOptions): Promise<MingleResult> {
  const { state, hostname } = options;
  const log = options.log ?? STDERR_LOG_SINK;
  log.info("mingle: searching for neighbors");
  const replies = await inspect(
    options.transport,
    "hello",
    { from_node: hostname, revoked: state.revoked.ids() },
    {
      ...options.serialization,
      timeoutMs: options.timeoutMs ?? 1000,
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.mailbox ? { mailbox: options.mailbox } : {}),
    },
  );
  const byNode = flattenReplies(replies);
  delete byNode[hostname];
  const nodes = Object.entries(byNode).filter(([, reply]) => isTruthy(reply));
  if (nodes.length === 0) {
    log.info("mingle: all alone");
    return { nodes: [] };
  }
  log.info(`mingle: sync with ${nodes.length} nodes`);
  for (const [node, reply] of nodes) {
    try {
      const { clock, revoked } = reply as { clock?: unknown; revoked?: unknown };
      if (typeof clock === "number" && clock !== 0) state.clock.adjust(clock);
      else state.clock.forward();
      const ids = readRevokedIds(revoked);
      if (ids.length > 0) state.revoked.update(ids);
    } catch (e) {
      log.error(`mingle: sync with ${node} failed`, e);
    }
  }
  log.info("mingle: sync complete");
  return { nodes: nodes.map(([node]) => node) };
}

function isTruthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === "") return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === "object") return Object.keys(value).length > 0;
  return true;
}
