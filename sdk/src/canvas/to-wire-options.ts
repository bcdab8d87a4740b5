import { CeleryProtoError } from "../errors/celery-proto-error.js";
import type { CanvasOptions } from "./canvas-options.js";
import { OPTION_NAMES } from "./option-names.js";
import { normalizeSignature } from "./signature-dict.js";

/**
 * Converts options by TypeScript names to Celery's option dict (`id` → `task_id`, `linkError` → `link_error`,
 * `stamps` → `stamped_headers` + one key per stamp...). Undefined options are left out; signatures are normalized.
 * An unknown option name is refused, naming it.
 */
export function toWireOptions(options: CanvasOptions): Record<string, unknown> {
  const known = new Map<string, string>(OPTION_NAMES);
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(options)) {
    if (value === undefined) continue;
    if (name === "stamps") {
      if (value === null) continue;
      const stamps = value as Record<string, unknown>;
      out["stamped_headers"] = Object.keys(stamps);
      for (const [k, v] of Object.entries(stamps)) out[k] = v;
      continue;
    }
    const wire = known.get(name);
    if (wire === undefined)
      throw new CeleryProtoError(
        "InvalidOption",
        `${name}: not a signature option (use the TypeScript names of SendTaskOptions, e.g. id, groupId, linkError, routingKey)`,
      );
    out[wire] = wireValue(name, value);
  }
  return out;
}

function wireValue(name: string, value: unknown): unknown {
  if (value === null) return null;
  switch (name) {
    case "link":
    case "linkError":
      return Array.isArray(value) ? value.map((s) => normalizeSignature(s, name)) : normalizeSignature(value, name);
    case "chain":
      if (!Array.isArray(value)) throw new CeleryProtoError("InvalidOption", "chain: must be a list of signatures (next step last)");
      return value.map((s) => normalizeSignature(s, name));
    case "chord":
      return normalizeSignature(value, name);
    default:
      return value;
  }
}
