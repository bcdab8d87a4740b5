import { isSchemaObject } from "./ajv-type-checks.js";

/**
 * A quick check of a protocol-2 task body (`TaskBodyV2` in `schemas/json/task-message-v2.schema.json`) that is true
 * only for values `validateTaskBodyV2` accepts: `[args, kwargs, embed]` whose embed is null or has no canvas
 * (callbacks, errbacks, chain: absent, null or empty; chord absent or null). Anything else, canvas included, goes to
 * the full validator.
 */
export function quickAcceptsTaskBody(value: unknown): boolean {
  if (!Array.isArray(value) || value.length !== 3) return false;
  const embed: unknown = value[2];
  return Array.isArray(value[0]) && isSchemaObject(value[1]) && (embed === null || isEmptyEmbed(embed));
}

function isEmptyEmbed(value: unknown): boolean {
  if (!isSchemaObject(value)) return false;
  const chord = value["chord"];
  return isNoSignatures(value["callbacks"]) && isNoSignatures(value["errbacks"]) && isNoSignatures(value["chain"]) && (chord === undefined || chord === null);
}

function isNoSignatures(value: unknown): boolean {
  return value === undefined || value === null || (Array.isArray(value) && value.length === 0);
}
