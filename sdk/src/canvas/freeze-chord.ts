import { CeleryProtoError } from "../errors/celery-proto-error.js";
import { makeGroup } from "./construct-signature.js";
import type { FreezeContext } from "./freeze-context.js";
import { freezeGroupMutable } from "./freeze-group.js";
import { freezeMutable, type FreezeParams } from "./freeze-signature.js";
import type { FrozenResult } from "./frozen-result.js";
import { bodyOf, headerOf, type MutableSignature } from "./mutable-signature.js";

/**
 * Celery's `_chord.freeze`: the header becomes a group (if it was a list) frozen with `chord` = the body; the chord's
 * `task_id` becomes the header group id; the body is frozen with the given id, group id, chord and index, and the
 * first result of the body without a parent gets the header group as parent. Returns the body's result.
 */
export function freezeChordMutable(ctx: FreezeContext, sig: MutableSignature, params: FreezeParams): FrozenResult | null {
  let header = headerOf(sig);
  if (Array.isArray(header)) {
    header = makeGroup(header);
    sig.kwargs["header"] = header;
  }
  const body = bodyOf(sig);
  const headerParts = freezeGroupMutable(ctx, header, { parentId: params.parentId, rootId: params.rootId, chord: body });
  sig.options["task_id"] = header.options["task_id"];
  if (body === null) return null;
  const bodyResult = freezeMutable(ctx, body, {
    id: params.id,
    rootId: params.rootId,
    chord: params.chord,
    groupId: params.groupId,
    groupIndex: params.groupIndex,
  });
  const seen = new Set<string>();
  for (let node = bodyResult; node !== null; node = node.parent) {
    if (seen.has(node.id)) throw new CeleryProtoError("InvalidOption", "chord: recursive result parents");
    seen.add(node.id);
    if (node.parent === null) {
      node.parent = headerParts.result;
      break;
    }
  }
  return bodyResult;
}
