import { randomUUID } from "node:crypto";
import type { CaseEnvironment } from "./case-environment.js";
import type { CaseInput, ConformanceCase } from "./conformance-case.js";
import { checkObservation } from "./check-observation.js";
import { driveCeleryBeat } from "./drive-celery-beat.js";
import { driveCeleryToTs } from "./drive-celery-to-ts.js";
import { driveControl } from "./drive-control.js";
import { driveEvents } from "./drive-events.js";
import { driveTsBeat } from "./drive-ts-beat.js";
import { driveTsToCelery } from "./drive-ts-to-celery.js";
import { interpolate, type CaseVariables } from "./interpolate.js";
import type { Observation } from "./observation.js";
import { resolveTimeVariables } from "./time-variables.js";

/**
 * Runs one case in `env` and returns its differences from what it expects. `${task_id}`, `${queue}` (where the task
 * goes), `${peer_queue}`, `${ts_queue}` and `${peer_node}` (`--peer-node`; for events cases without it, the node the
 * task's events came from) in the case's input and expectations are replaced first, and the time variables
 * `${now+S}` / `${unix+S}` (time-variables.ts) relative to the case's start.
 */
export async function runCase(env: CaseEnvironment, c: ConformanceCase, timeoutMs: number): Promise<string[]> {
  const taskId = randomUUID();
  const startMs = Date.now();
  const vars: CaseVariables = {
    task_id: taskId,
    queue: c.direction === "celery-to-ts" || c.direction === "celery-beat-to-ts" ? env.tsQueue : env.peerQueue,
    peer_queue: env.peerQueue,
    ts_queue: env.tsQueue,
    ...(env.peerNode === null ? {} : { peer_node: env.peerNode }),
  };
  let input = interpolate(resolveTimeVariables(c.input, startMs), vars) as CaseInput;
  if (input.kind === "task" && input.options["task_id"] === undefined) input = { ...input, options: { ...input.options, task_id: taskId } };
  const expect = interpolate(resolveTimeVariables(c.expect, startMs), vars);
  let observed: Observation;
  if (c.direction === "events" && input.kind === "task") observed = await driveEvents(env, input, expect.events ?? [], timeoutMs);
  else if (input.kind === "control") observed = await driveControl(env, input, timeoutMs);
  else if (input.kind === "beat-schedule") observed = await driveTsBeat(env, input, c.expect.sends?.min ?? 1, timeoutMs);
  else if (input.kind === "beat-task") observed = await driveCeleryBeat(env, input, timeoutMs);
  else if (c.direction === "celery-to-ts") observed = await driveCeleryToTs(env, input, timeoutMs);
  else observed = await driveTsToCelery(env, input, timeoutMs);
  return checkObservation(observed.peerNode === undefined ? expect : interpolate(expect, { peer_node: observed.peerNode }), observed);
}
