import { toSignatureDict } from "../../../sdk/src/canvas/signature-dict.js";
import { buildCanvas } from "./build-canvas.js";
import type { CaseEnvironment } from "./case-environment.js";
import type { CanvasInput, TaskInput } from "./conformance-case.js";
import type { Observation } from "./observation.js";
import { observePeerResult } from "./observe-result.js";
import { prepareTaskInput } from "./prepare-task-input.js";

/**
 * celery-to-ts: the Celery peer's producer sends the task (Celery's `send_task`) or applies the canvas to our worker's
 * queue; Celery's `AsyncResult.get` (the peer's `/result`, typed: Python's types as `$py` tags) reads what our worker stored.
 */
export async function driveCeleryToTs(env: CaseEnvironment, input: TaskInput | CanvasInput, timeoutMs: number): Promise<Observation> {
  await env.ensureWorker();
  const sentAt = Date.now();
  const leftSeconds = (): number => Math.max(0.5, (timeoutMs - (Date.now() - sentAt)) / 1000 - 0.5);
  const outcome = async (id: string) => {
    const seconds = leftSeconds();
    return observePeerResult(await env.peer.result(id, seconds, true), id, seconds, sentAt);
  };
  if (input.kind === "canvas") return { task: await outcome(await env.peer.canvas(toSignatureDict(buildCanvas(input.canvas, env.tsQueue)))) };
  const prepared = prepareTaskInput(input);
  const sig = toSignatureDict(buildCanvas(prepared.node, env.tsQueue));
  const id = await env.peer.send(sig.task, sig.args, sig.kwargs, sig.options);
  const task = await outcome(id);
  if (prepared.linkId === null) return { task };
  return { task, link: await outcome(prepared.linkId) };
}
