import { applyAsync } from "../../../sdk/src/canvas/apply-async.js";
import { toSendTaskOptions } from "../../../sdk/src/canvas/to-send-task-options.js";
import type { AsyncResult } from "../../../sdk/src/results/async-result.js";
import { buildCanvas } from "./build-canvas.js";
import type { CaseEnvironment } from "./case-environment.js";
import type { CanvasInput, TaskInput } from "./conformance-case.js";
import type { Observation, TaskObservation } from "./observation.js";
import { observeHandle } from "./observe-result.js";
import { prepareTaskInput } from "./prepare-task-input.js";

/** How long after the task's callback (or the probe task) an `ignore_result` task's stored state is read. */
const IGNORED_SETTLE_MS = 500;
const READY_STATES = new Set(["SUCCESS", "FAILURE", "REVOKED"]);

/**
 * ts-to-celery: our client sends the task (or applies the canvas) to the Celery peer's queue and reads the result from
 * our backend. `input.revoke`: the task is revoked right after it is sent. A task sent with `ignore_result` is not
 * awaited (nothing should be stored): its first link callback is, else a `peer.noop` sent after it to the same queue;
 * then its stored state is read once (PENDING: nothing stored).
 */
export async function driveTsToCelery(env: CaseEnvironment, input: TaskInput | CanvasInput, timeoutMs: number): Promise<Observation> {
  const sentAt = Date.now();
  const left = (): number => Math.max(1, timeoutMs - (Date.now() - sentAt));
  if (input.kind === "canvas") {
    const handle = await applyAsync(buildCanvas(input.canvas, env.peerQueue), env.client);
    return { task: await observeHandle(handle, sentAt, left()) };
  }
  const prepared = prepareTaskInput(input);
  const sig = buildCanvas(prepared.node, env.peerQueue);
  const options = toSendTaskOptions(sig.options);
  const handle = await env.client.enqueue(sig.task, sig.args, sig.kwargs, options);
  if (input.revoke === true) await handle.revoke();
  const callback = async (id: string | null): Promise<TaskObservation | undefined> =>
    id === null ? undefined : await observeHandle(env.client.result(id), sentAt, left());
  let task: TaskObservation;
  let link: TaskObservation | undefined;
  if (options.ignoreResult === true) {
    link = await callback(prepared.linkId);
    if (link === undefined)
      await env.client.enqueue("peer.noop", [], {}, { queue: options.queue ?? env.peerQueue }).then((probe) => probe.get({ timeoutMs: left() }));
    task = await observeIgnored(handle, sentAt, left);
  } else {
    task = await observeHandle(handle, sentAt, left());
    link = await callback(prepared.linkId);
  }
  const linkError = await callback(prepared.linkErrorId);
  return { task, ...(link === undefined ? {} : { link }), ...(linkError === undefined ? {} : { linkError }) };
}

/** The stored state of a task sent with `ignore_result`, read once after a pause; its outcome only if one was stored anyway. */
async function observeIgnored(handle: AsyncResult<unknown>, sentAt: number, left: () => number): Promise<TaskObservation> {
  await new Promise((resolve) => setTimeout(resolve, IGNORED_SETTLE_MS));
  const state = await handle.state();
  if (READY_STATES.has(state)) return observeHandle(handle, sentAt, left());
  return { state, elapsedSeconds: (Date.now() - sentAt) / 1000 };
}
