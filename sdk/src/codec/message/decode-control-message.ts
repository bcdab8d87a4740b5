import type { ControlReply, ControlRequest } from "../../gen/json-schema/types.js";
import { validateControlReply, validateControlRequest } from "../../gen/json-schema/control-validators.js";
import type { DecodeOptions, RawTaskParts } from "../task/raw-task-parts.js";
import { assertValid } from "../validate/assert-valid.js";
import { decodeMessageBody } from "./decode-message-body.js";

export type ControlMessage =
  | { readonly type: "request"; readonly request: ControlRequest; readonly headers: Readonly<Record<string, unknown>> }
  | { readonly type: "reply"; readonly reply: ControlReply; readonly headers: Readonly<Record<string, unknown>> };

/** Decodes a pidbox message: a broadcast request (`{"method", ...}`) or a worker's `{nodename: reply}`. */
export function decodeControlMessage(parts: RawTaskParts, options: DecodeOptions = {}): ControlMessage {
  const { raw, value, headers } = decodeMessageBody(parts, options);
  if (typeof raw === "object" && raw !== null && !Array.isArray(raw) && "method" in raw) {
    assertValid(validateControlRequest, raw, "InvalidMessage", "control request", "/body");
    return { type: "request", request: value as ControlRequest, headers };
  }
  assertValid(validateControlReply, raw, "InvalidMessage", "control reply", "/body");
  return { type: "reply", reply: value as ControlReply, headers };
}
