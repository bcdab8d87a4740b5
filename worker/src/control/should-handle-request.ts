import type { ControlRequest } from "../../../sdk/src/gen/json-schema/types.js";
import { matchNodeName } from "./match-node-name.js";

/**
 * kombu's `Node.handle_message` routing (K:kombu/pidbox.py): a non-empty `destination` must contain this node;
 * otherwise, when both `pattern` and `matcher` are set, the node name must match; otherwise every node handles it.
 */
export function shouldHandleRequest(hostname: string, request: Pick<ControlRequest, "destination" | "pattern" | "matcher">): boolean {
  const { destination, pattern, matcher } = request;
  if (destination !== null && destination !== undefined && destination.length > 0) return destination.includes(hostname);
  if (pattern && matcher) return matchNodeName(hostname, pattern, matcher);
  return true;
}
