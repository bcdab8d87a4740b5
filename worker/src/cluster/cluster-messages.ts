/** What a node process tells its consumer processes over IPC. */
export type NodeToConsumerMessage =
  | { readonly type: "stop"; readonly cold: boolean }
  /** A remote-control request that concerns consumption, to dispatch locally and answer with `control-reply`. */
  | { readonly type: "control"; readonly id: number; readonly method: string; readonly arguments: Readonly<Record<string, unknown>> };

/** What a consumer process tells its node over IPC. */
export type ConsumerToNodeMessage =
  | { readonly type: "ready" }
  | { readonly type: "control-reply"; readonly id: number; readonly reply: unknown }
  /** Pushed once per heartbeat interval (never per task), for the node's `worker-heartbeat`. */
  | ({ readonly type: "counts" } & ConsumerCounts);

/** What a consumer process's `worker-heartbeat` would report: tasks running now, tasks processed since it started. */
export interface ConsumerCounts {
  readonly active: number;
  readonly processed: number;
}

export function isNodeToConsumerMessage(value: unknown): value is NodeToConsumerMessage {
  const m = value as { type?: unknown; cold?: unknown; id?: unknown; method?: unknown; arguments?: unknown } | null;
  if (typeof m !== "object" || m === null) return false;
  if (m.type === "stop") return typeof m.cold === "boolean";
  return m.type === "control" && typeof m.id === "number" && typeof m.method === "string" && typeof m.arguments === "object" && m.arguments !== null;
}

export function isConsumerToNodeMessage(value: unknown): value is ConsumerToNodeMessage {
  const m = value as { type?: unknown; id?: unknown; active?: unknown; processed?: unknown } | null;
  if (typeof m !== "object" || m === null) return false;
  if (m.type === "counts") return isCount(m.active) && isCount(m.processed);
  return m.type === "ready" || (m.type === "control-reply" && typeof m.id === "number");
}

function isCount(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}
