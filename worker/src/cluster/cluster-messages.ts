/** What a node process tells its consumer processes over IPC. */
export type NodeToConsumerMessage =
  | { readonly type: "stop"; readonly cold: boolean }
  /** A remote-control request that concerns consumption, to dispatch locally and answer with `control-reply`. */
  | { readonly type: "control"; readonly id: number; readonly method: string; readonly arguments: Readonly<Record<string, unknown>> }
  /** The answer to `starting`: what the node has revoked so far, for the child to discard before it consumes. */
  | ({ readonly type: "revoked" } & RevokedState);

/** The node's revoked ids (id → when, as `LimitedSet.toJSON`) and `revoke_by_stamped_headers` entries. */
export interface RevokedState {
  readonly revoked: Readonly<Record<string, number>>;
  readonly stamps: Readonly<Record<string, readonly unknown[]>>;
}

/** What a consumer process tells its node over IPC. */
export type ConsumerToNodeMessage =
  /** Sent before it consumes: the node answers with `revoked`. */
  | { readonly type: "starting" }
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
  const m = value as { type?: unknown; cold?: unknown; id?: unknown; method?: unknown; arguments?: unknown; revoked?: unknown; stamps?: unknown } | null;
  if (typeof m !== "object" || m === null) return false;
  if (m.type === "stop") return typeof m.cold === "boolean";
  if (m.type === "revoked") return isRecord(m.revoked) && isRecord(m.stamps);
  return m.type === "control" && typeof m.id === "number" && typeof m.method === "string" && typeof m.arguments === "object" && m.arguments !== null;
}

export function isConsumerToNodeMessage(value: unknown): value is ConsumerToNodeMessage {
  const m = value as { type?: unknown; id?: unknown; active?: unknown; processed?: unknown } | null;
  if (typeof m !== "object" || m === null) return false;
  if (m.type === "counts") return isCount(m.active) && isCount(m.processed);
  return m.type === "starting" || m.type === "ready" || (m.type === "control-reply" && typeof m.id === "number");
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}
