import { applyAsync } from "../../../sdk/src/canvas/apply-async.js";
import { toSendTaskOptions } from "../../../sdk/src/canvas/to-send-task-options.js";
import { buildCanvas } from "./build-canvas.js";
import type { CaseEnvironment } from "./case-environment.js";
import type { CanvasInput, TaskInput } from "./conformance-case.js";
import type { Observation } from "./observation.js";
import { observeHandle } from "./observe-result.js";
import { prepareTaskInput } from "./prepare-task-input.js";

/** ts-to-celery: our client sends the task (or applies the canvas) to the Celery peer's queue and reads the result from our backend. */
export async function driveTsToCelery(env: CaseEnvironment, input: TaskInput | CanvasInput, timeoutMs: number): Promise<Observation> {
  const sentAt = Date.now();
  const left = (): number => Math.max(1, timeoutMs - (Date.now() - sentAt));
  if (input.kind === "canvas") {
    const handle = await applyAsync(buildCanvas(input.canvas, env.peerQueue), env.client);
    return { task: await observeHandle(handle, sentAt, left()) };
  }
  const prepared = prepareTaskInput(input);
  const sig = buildCanvas(prepared.node, env.peerQueue);
  const handle = await env.client.enqueue(sig.task, sig.args, sig.kwargs, toSendTaskOptions(sig.options));
  const task = await observeHandle(handle, sentAt, left());
  if (prepared.linkId === null) return { task };
  return { task, link: await observeHandle(env.client.result(prepared.linkId), sentAt, left()) };
}
