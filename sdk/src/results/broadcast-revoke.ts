import { CeleryProtoError } from "../errors/celery-proto-error.js";
import type { ResultApp } from "./result-app.js";
import type { RevokeOptions } from "./revoke-options.js";

/**
 * Sends Celery's `revoke` remote-control command with the arguments `app.control.revoke()` sends:
 * `{"task_id": <id or list of ids>, "terminate": false, "signal": "SIGTERM"}` by default.
 */
export async function broadcastRevoke(app: ResultApp, taskId: string | readonly string[], options: RevokeOptions = {}): Promise<void> {
  if (app.broadcast === undefined) {
    throw new CeleryProtoError("InvalidOption", "revoke() needs an app that can broadcast remote-control commands (pass a TaskSender as the result's app)");
  }
  await app.broadcast("revoke", {
    task_id: typeof taskId === "string" ? taskId : [...taskId],
    terminate: options.terminate ?? false,
    signal: options.signal ?? "SIGTERM",
  });
}
