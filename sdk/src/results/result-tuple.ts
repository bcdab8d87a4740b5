import type { ResultNode, ResultTuple } from "../gen/json-schema/types.js";

/** The tuple of a group with plain members and no parents: `[[gid, null], [[[tid, null], null], ...]]`. */
export function createGroupTuple(groupId: string, taskIds: readonly string[]): ResultTuple {
  return [[groupId, null], taskIds.map((id): ResultTuple => [[id, null], null])];
}

/** The id in a tuple's node (`[id, parent]` or a bare id, which `result_from_tuple` also accepts). */
export function resultNodeId(node: ResultNode): string {
  return typeof node === "string" ? node : node[0];
}

/** The parent tuple in a tuple's node, or null. */
export function resultNodeParent(node: ResultNode): ResultTuple | null {
  return typeof node === "string" ? null : node[1];
}
