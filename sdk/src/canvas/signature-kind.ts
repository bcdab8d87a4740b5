import { CeleryProtoError } from "../errors/celery-proto-error.js";

/** The `subtask_type` values Celery registers (`Signature.TYPES`). */
export const SUBTASK_TYPES = ["chain", "group", "chord", "chunks", "xmap", "xstarmap"] as const;
export type SubtaskType = (typeof SUBTASK_TYPES)[number];

/** What a signature is: one task, or one of the canvas primitives. */
export type SignatureKind = "task" | SubtaskType;

const KIND_BY_TASK_NAME: Readonly<Record<string, SubtaskType>> = {
  "celery.chain": "chain",
  "celery.group": "group",
  "celery.chord": "chord",
  "celery.chunks": "chunks",
  "celery.map": "xmap",
  "celery.starmap": "xstarmap",
};

/**
 * The kind of a signature: its `subtask_type` when set (Celery's `Signature.from_dict` dispatch; an unknown one is
 * refused as Celery's KeyError would), else by task name, because Celery writes `subtask_type: null` for
 * chunks/map/starmap dicts.
 */
export function signatureKind(sig: { readonly task: string; readonly subtask_type?: unknown }): SignatureKind {
  const type = sig.subtask_type;
  if (type !== null && type !== undefined && type !== "") {
    if (typeof type !== "string" || !(SUBTASK_TYPES as readonly string[]).includes(type)) {
      throw new CeleryProtoError("InvalidMessage", `signature subtask_type ${JSON.stringify(type)} is not one Celery knows (${SUBTASK_TYPES.join(", ")})`);
    }
    return type as SubtaskType;
  }
  return KIND_BY_TASK_NAME[sig.task] ?? "task";
}
