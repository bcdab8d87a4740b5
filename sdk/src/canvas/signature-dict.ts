import { CeleryProtoError } from "../errors/celery-proto-error.js";
import type { Signature as SignatureDict } from "../gen/json-schema/types.js";
import { reconstruct } from "./construct-signature.js";
import { isPlainObject, type MutableSignature } from "./mutable-signature.js";
import type { Signature } from "./signature.js";
import { signatureKind } from "./signature-kind.js";

export type { SignatureDict };

/**
 * The signature as the plain dict Python's `Signature.__json__()` returns (and the wire carries): `task`, `args`,
 * `kwargs`, `options` (Celery's option names), `subtask_type`, `immutable`; nested signatures as dicts.
 * Values without a JSON form (Date, PyDecimal...) are kept for the codec to encode, as kombu does.
 */
export function toSignatureDict(sig: Signature): SignatureDict {
  return plainCopy(sig) as SignatureDict;
}

/**
 * Reads a signature dict written by Python (`sig.__json__()`, an embed callback, a chain step) or by
 * `toSignatureDict`, as Celery's `signature(dict)` / `Signature.from_dict` does: dispatch on `subtask_type` (then on
 * the task name, since Celery writes `subtask_type: null` for chunks/map/starmap); chains and groups rebuilt from
 * their tasks, a chord's group header read as its list of tasks. Missing `args`/`kwargs`/`options`/`immutable` get
 * their defaults. Refuses anything that is not a signature (`InvalidMessage`, naming the path).
 */
export function fromSignatureDict(dict: unknown): Signature {
  return normalizeSignature(dict, "signature", "InvalidMessage") as Signature;
}

/** Internal: a checked, defaulted working copy of a signature-like value (canvases rebuilt as Celery's from_dict). */
export function normalizeSignature(value: unknown, path: string, code: "InvalidMessage" | "InvalidOption" = "InvalidOption"): MutableSignature {
  return normalize(value, path, code, true);
}

function normalize(value: unknown, path: string, code: "InvalidMessage" | "InvalidOption", rebuild: boolean): MutableSignature {
  if (!isPlainObject(value) || typeof value["task"] !== "string" || value["task"] === "") {
    throw new CeleryProtoError(code, `${path}: expected a signature ({"task": "<name>", "args": [...], "kwargs": {...}, "options": {...}})`);
  }
  const args = value["args"] ?? [];
  const kwargs = value["kwargs"] ?? {};
  const options = value["options"] ?? {};
  if (!Array.isArray(args)) throw new CeleryProtoError(code, `${path}.args: must be a list`);
  if (!isPlainObject(kwargs)) throw new CeleryProtoError(code, `${path}.kwargs: must be an object`);
  if (!isPlainObject(options)) throw new CeleryProtoError(code, `${path}.options: must be an object`);
  let kind;
  try {
    kind = signatureKind({ task: value["task"], subtask_type: value["subtask_type"] });
  } catch (error) {
    throw new CeleryProtoError(code, `${path}.subtask_type: ${(error as Error).message}`);
  }
  const sig: MutableSignature = {
    task: value["task"],
    args: [...args],
    kwargs: { ...kwargs },
    options: { ...options },
    subtask_type: (value["subtask_type"] ?? null) as MutableSignature["subtask_type"],
    immutable: value["immutable"] === true,
  };
  const k = sig.kwargs;
  if (kind === "chain" || kind === "group") {
    const tasks = k["tasks"] ?? [];
    if (!Array.isArray(tasks)) throw new CeleryProtoError(code, `${path}.kwargs.tasks: must be a list of signatures`);
    k["tasks"] = tasks.map((t, i) => normalize(t, `${path}.kwargs.tasks[${i}]`, code, true));
  } else if (kind === "chord") {
    const header = k["header"] ?? [];
    k["header"] = Array.isArray(header)
      ? header.map((t, i) => normalize(t, `${path}.kwargs.header[${i}]`, code, true))
      : normalize(header, `${path}.kwargs.header`, code, true);
    k["body"] = k["body"] === null || k["body"] === undefined ? null : normalize(k["body"], `${path}.kwargs.body`, code, true);
  } else if (kind === "chunks" || kind === "xmap" || kind === "xstarmap") {
    if (isPlainObject(k["task"])) k["task"] = normalize(k["task"], `${path}.kwargs.task`, code, false);
  }
  const o = sig.options;
  for (const key of ["link", "link_error"]) {
    const cb = o[key];
    if (cb === null || cb === undefined) continue;
    o[key] = Array.isArray(cb)
      ? cb.map((s, i) => normalize(s, `${path}.options.${key}[${i}]`, code, false))
      : normalize(cb, `${path}.options.${key}`, code, false);
  }
  if (Array.isArray(o["chain"])) o["chain"] = o["chain"].map((s, i) => normalize(s, `${path}.options.chain[${i}]`, code, false));
  if (isPlainObject(o["chord"])) o["chord"] = normalize(o["chord"], `${path}.options.chord`, code, false);
  return rebuild ? reconstruct(sig) : sig;
}

/** A plain-data copy without undefined-valued keys (JSON has none). */
function plainCopy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plainCopy);
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = plainCopy(v);
    return out;
  }
  return value;
}
