import { Flags } from "@oclif/core";
import { CeleryProtoError } from "../../../sdk/src/errors/celery-proto-error.js";
import { BROKER_FLAGS } from "./connect-broker.js";

/** The flags `celery inspect|control|status` take (Remote Control Options), plus the broker. */
export const REMOTE_FLAGS = {
  ...BROKER_FLAGS,
  destination: Flags.string({ char: "d", description: "comma-separated node names that must answer (default: every worker)" }),
  timeout: Flags.string({ char: "t", description: "seconds to wait for each next reply", default: "1.0" }),
  json: Flags.boolean({ char: "j", description: "print the replies as JSON, exactly as `celery ... --json` does", default: false }),
  "auth-layout": Flags.string({
    description: "with task_serializer='auth': sign the request for Celery 5.5+ workers or Celery 5.3/5.4 workers (replies of both are verified)",
    options: ["5.5", "5.3"],
    default: "5.5",
  }),
};

/** `-d a@h,b@h` → `["a@h", "b@h"]` (null when not given). */
export function parseDestination(text: string | undefined): string[] | null {
  if (text === undefined) return null;
  const nodes = text
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  return nodes.length > 0 ? nodes : null;
}

/** `-t 1.5` → 1500 ms. */
export function parseTimeoutMs(text: string): number {
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds <= 0)
    throw new CeleryProtoError("InvalidOption", `--timeout: must be a positive number of seconds, got ${JSON.stringify(text)}`);
  return seconds * 1000;
}
