/** What a node process tells its consumer processes over IPC. */
export type NodeToConsumerMessage = { readonly type: "stop"; readonly cold: boolean };

/** What a consumer process tells its node over IPC. */
export type ConsumerToNodeMessage = { readonly type: "ready" };

export function isNodeToConsumerMessage(value: unknown): value is NodeToConsumerMessage {
  const m = value as { type?: unknown; cold?: unknown } | null;
  return typeof m === "object" && m !== null && m.type === "stop" && typeof m.cold === "boolean";
}

export function isConsumerToNodeMessage(value: unknown): value is ConsumerToNodeMessage {
  const m = value as { type?: unknown } | null;
  return typeof m === "object" && m !== null && m.type === "ready";
}
