import { BUILTIN_COMMANDS } from "../control/builtin-commands.js";
import { ok, type ControlCommand } from "../control/control-command.js";
import { maybeList } from "../control/maybe-list.js";
import type { ConsumerCluster } from "./start-consumer-cluster.js";

/** How the node answers a command that concerns consumption, from its own reply and its consumer processes' replies. */
type Merge = (local: () => Promise<unknown>, children: readonly unknown[]) => Promise<unknown>;

const concatenated: Merge = async (local, children) => [...maybeList(await local()), ...children.flatMap((reply) => maybeList(reply))];
const unioned: Merge = async (local, children) => [...new Set([...maybeList(await local()), ...children.flatMap((reply) => maybeList(reply))])];
const mergedObjects: Merge = async (local, children) => Object.assign({}, await local(), ...children.filter(isRecord));
/** Applied in the node too (it keeps the registry's options and the revoked set for mingle and statedb): its reply. */
const nodeReply: Merge = (local) => local();
/** Only the consumers hold it (queues consumed, pool size): the first consumer's reply stands for the node's. */
const firstConsumer: Merge = async (local, children) => (children.length > 0 ? children[0] : local());

/** `revoke`/`terminate` with terminate: the ids terminated in any consumer process, in Celery's reply form. */
const terminated: Merge = async (local, children) => {
  const reply = await local();
  const ids = children.flatMap((child) => {
    const text = isRecord(child) && typeof child["ok"] === "string" ? child["ok"] : "";
    return text.startsWith("terminate: ") && text !== "terminate: tasks unknown" ? text.slice("terminate: ".length).split(", ") : [];
  });
  return ids.length > 0 ? ok(`terminate: ${[...new Set(ids)].join(", ")}`) : reply;
};

/** `stats`: the node's, with the consumers' task totals summed and their pool processes listed. */
const stats: Merge = async (local, children) => {
  const node = await local();
  if (!isRecord(node)) return node;
  const total: Record<string, number> = {};
  const processes: unknown[] = [];
  for (const child of children.filter(isRecord)) {
    for (const [name, n] of Object.entries(isRecord(child["total"]) ? child["total"] : {})) total[name] = (total[name] ?? 0) + Number(n);
    const pool = child["pool"];
    if (isRecord(pool)) processes.push(...maybeList(pool["processes"]));
  }
  const pool = isRecord(node["pool"]) ? node["pool"] : {};
  return { ...node, total, pool: { ...pool, processes } };
};

const MERGES: Readonly<Record<string, Merge>> = {
  active: concatenated,
  reserved: concatenated,
  scheduled: concatenated,
  revoked: unioned,
  query_task: mergedObjects,
  stats,
  revoke: nodeReply,
  terminate: terminated,
  revoke_by_stamped_headers: nodeReply,
  rate_limit: nodeReply,
  time_limit: nodeReply,
  enable_events: nodeReply,
  disable_events: nodeReply,
  pool_grow: firstConsumer,
  pool_shrink: firstConsumer,
  add_consumer: firstConsumer,
  cancel_consumer: firstConsumer,
  active_queues: firstConsumer,
  autoscale: firstConsumer,
};

/** Commands whose node-side run is skipped: the node consumes nothing and has no pool to resize. */
const CONSUMERS_ONLY = new Set(["pool_grow", "pool_shrink", "add_consumer", "cancel_consumer", "active_queues", "autoscale"]);

/**
 * The built-in commands that concern consumption, as the node of `--consumer-processes` runs them: each request is
 * forwarded to every consumer process (which dispatches it with its own state) and the replies are merged into the
 * node's one reply (`active`/`reserved`/`scheduled` concatenated, `revoked` unioned, `stats` totals summed, ...).
 * `ping`, `clock`, `hello`, `heartbeat`, `election`, `shutdown`, `conf`, `registered` stay the node's own.
 */
export function forwardingCommands(cluster: () => ConsumerCluster | null): ControlCommand[] {
  return BUILTIN_COMMANDS.flatMap((command): ControlCommand[] => {
    const merge = MERGES[command.name];
    if (merge === undefined) return [];
    return [
      {
        ...command,
        run: async (context, args) => {
          const running = cluster();
          const children = running === null ? [] : await running.request(command.name, args);
          const local = async (): Promise<unknown> => {
            if (CONSUMERS_ONLY.has(command.name) && children.length > 0) return null;
            return command.run(context, args);
          };
          const revokeTerminates = command.name === "revoke" && args["terminate"] === true;
          return (revokeTerminates ? terminated : merge)(local, children);
        },
      },
    ];
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
