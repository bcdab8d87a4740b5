import type { CeleryEvent } from "../../gen/json-schema/types.js";
import { validateEventMessage } from "../../gen/json-schema/event-validators.js";
import type { DecodeOptions, RawTaskParts } from "../task/raw-task-parts.js";
import { assertValid } from "../validate/assert-valid.js";
import { decodeMessageBody } from "./decode-message-body.js";

/**
 * Decodes a `celeryev` message: one event, or a `task.multi` batch (a JSON list), always returned as a list.
 * The sender's hostname header is kept beside the events.
 */
export function decodeEventMessage(parts: RawTaskParts, options: DecodeOptions = {}): { events: CeleryEvent[]; hostname: string | null } {
  const { raw, value, headers } = decodeMessageBody(parts, options);
  assertValid(validateEventMessage, raw, "InvalidMessage", "event message", "/body");
  const events = (Array.isArray(value) ? value : [value]) as CeleryEvent[];
  const hostname = headers["hostname"];
  return { events, hostname: typeof hostname === "string" ? hostname : null };
}
