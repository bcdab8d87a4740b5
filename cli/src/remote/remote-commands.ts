/** How a command-line word becomes an argument value (Celery's `Panel.meta` arg types). */
export type ArgType = "str" | "int" | "float" | "bool";

export interface RemoteCommand {
  readonly type: "inspect" | "control";
  /** Positional arguments in order, as `celery inspect|control` converts them. */
  readonly args: readonly (readonly [name: string, type: ArgType])[];
  /** The argument that takes the remaining words as a list. */
  readonly variadic?: string;
  /** Usage shown in `--help` (Celery's `signature`). */
  readonly signature?: string;
}

/**
 * The visible remote-control commands of Celery 5.7's worker (C:celery/worker/control.py `Panel.meta`), which
 * `proto inspect` / `proto control` accept (with `-` or `_`: `active-queues` = `active_queues`).
 */
export const REMOTE_COMMANDS: Readonly<Record<string, RemoteCommand>> = {
  active: { type: "inspect", args: [] },
  active_queues: { type: "inspect", args: [] },
  clock: { type: "inspect", args: [] },
  conf: { type: "inspect", args: [["with_defaults", "bool"]], signature: "[include_defaults=False]" },
  memdump: { type: "inspect", args: [["samples", "int"]], signature: "[n_samples=10]" },
  memsample: { type: "inspect", args: [] },
  objgraph: {
    type: "inspect",
    args: [
      ["type", "str"],
      ["num", "int"],
      ["max_depth", "int"],
    ],
    signature: "[object_type=Request] [num=200 [max_depth=10]]",
  },
  ping: { type: "inspect", args: [] },
  query_task: { type: "inspect", args: [], variadic: "ids", signature: "[id1 [id2 [... [idN]]]]" },
  registered: { type: "inspect", args: [], variadic: "taskinfoitems", signature: "[attr1 [attr2 [... [attrN]]]]" },
  report: { type: "inspect", args: [] },
  reserved: { type: "inspect", args: [] },
  revoked: { type: "inspect", args: [] },
  scheduled: { type: "inspect", args: [] },
  stats: { type: "inspect", args: [] },
  add_consumer: {
    type: "control",
    args: [
      ["queue", "str"],
      ["exchange", "str"],
      ["exchange_type", "str"],
      ["routing_key", "str"],
    ],
    signature: "<queue> [exchange [type [routing_key]]]",
  },
  autoscale: {
    type: "control",
    args: [
      ["max", "int"],
      ["min", "int"],
    ],
    signature: "[max [min]]",
  },
  cancel_consumer: { type: "control", args: [["queue", "str"]], signature: "<queue>" },
  disable_events: { type: "control", args: [] },
  election: { type: "control", args: [] },
  enable_events: { type: "control", args: [] },
  heartbeat: { type: "control", args: [] },
  pool_grow: { type: "control", args: [["n", "int"]], signature: "[N=1]" },
  pool_restart: { type: "control", args: [] },
  pool_shrink: { type: "control", args: [["n", "int"]], signature: "[N=1]" },
  rate_limit: {
    type: "control",
    args: [
      ["task_name", "str"],
      ["rate_limit", "str"],
    ],
    signature: "<task_name> <rate_limit (e.g., 5/s | 5/m | 5/h)>",
  },
  revoke: { type: "control", args: [], variadic: "task_id", signature: "[id1 [id2 [... [idN]]]]" },
  revoke_by_stamped_headers: { type: "control", args: [], variadic: "headers", signature: "[key1=value1 [key2=value2 [... [keyN=valueN]]]]" },
  shutdown: { type: "control", args: [] },
  terminate: { type: "control", args: [["signal", "str"]], variadic: "task_id", signature: "<signal> [id1 [id2 [... [idN]]]]" },
  time_limit: {
    type: "control",
    args: [
      ["task_name", "str"],
      ["soft", "float"],
      ["hard", "float"],
    ],
    signature: "<task_name> <soft_secs> [hard_secs]",
  },
};

/** The names of one kind's commands, sorted, with `-` as the CLI shows them. */
export function commandNames(type: RemoteCommand["type"]): string[] {
  return Object.entries(REMOTE_COMMANDS)
    .filter(([, c]) => c.type === type)
    .map(([name]) => name.replaceAll("_", "-"))
    .sort();
}
