import { RemoteTaskError } from "../../../sdk/src/codec/exceptions/remote-task-error.js";
import { AsyncResult } from "../../../sdk/src/results/async-result.js";
import type { GroupResult } from "../../../sdk/src/results/group-result.js";
import type { TaskObservation } from "./observation.js";
import type { PeerResult } from "./peer-producer.js";
import { toPlain } from "./to-plain.js";
import { isPlainRecord } from "./case-field-error.js";

/** Waits for one of our result handles (within `timeoutMs`) and describes how it ended. */
export async function observeHandle(handle: AsyncResult<unknown> | GroupResult<unknown>, sentAt: number, timeoutMs: number): Promise<TaskObservation> {
  const value = await handle.get({ timeoutMs, propagate: false });
  const elapsedSeconds = (Date.now() - sentAt) / 1000;
  const state = handle instanceof AsyncResult ? await handle.state() : null;
  if (value instanceof RemoteTaskError) {
    const { excType: type, message, excModule: module, traceback } = value;
    return { state, error: { type, message, ...(module === null ? {} : { module }), ...(traceback === null ? {} : { traceback }) }, elapsedSeconds };
  }
  return { state: state ?? "SUCCESS", result: toPlain(value), elapsedSeconds };
}

/**
 * The peer producer's `/result` answer for task `id` as an observation (an exception result is `{type, message}`).
 *
 * @throws Error when the result was not ready within the `timeoutSeconds` asked for.
 */
export function observePeerResult(answer: PeerResult, id: string, timeoutSeconds: number, sentAt: number): TaskObservation {
  const elapsedSeconds = (Date.now() - sentAt) / 1000;
  if (answer.timeout === true) throw new Error(`the result of task ${id} was not ready within ${timeoutSeconds.toFixed(1)} s (Celery's AsyncResult.get)`);
  const r = answer.result;
  if (answer.state !== "SUCCESS" && isPlainRecord(r) && typeof r["type"] === "string")
    return {
      state: answer.state,
      error: {
        type: r["type"],
        message: typeof r["message"] === "string" ? r["message"] : String(r["message"] ?? ""),
        ...(typeof r["module"] === "string" ? { module: r["module"] } : {}),
        ...(typeof answer.traceback === "string" ? { traceback: answer.traceback } : {}),
      },
      elapsedSeconds,
    };
  return { state: answer.state, result: toPlain(r), elapsedSeconds };
}
