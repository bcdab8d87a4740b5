import { isDeepStrictEqual } from "node:util";
import type { CaseEnvironment } from "./case-environment.js";
import type { BeatTaskInput } from "./conformance-case.js";
import type { Observation } from "./observation.js";
import type { WorkerRun } from "./worker-run-log.js";

/**
 * celery-beat-to-ts: starts our worker on the ts queue (if not yet) and waits until it has run the task the Celery
 * peer's beat sends (by name, args and kwargs when the case gives them; a run earlier in the session counts too). The
 * observation is that run: its value or error, and the request it ran with (`expect.request` is checked against it).
 *
 * @throws Error saying what to check on the peer when no such task ran within the case's time.
 */
export async function driveCeleryBeat(env: CaseEnvironment, input: BeatTaskInput, timeoutMs: number): Promise<Observation> {
  const runs = env.workerRuns;
  if (runs === undefined) throw new Error("this environment does not record our worker's runs (celery-beat-to-ts needs them)");
  const started = Date.now();
  await env.ensureWorker();
  const matches = (run: WorkerRun): boolean =>
    run.task === input.task &&
    (input.args === undefined || isDeepStrictEqual(run.request["args"], input.args)) &&
    (input.kwargs === undefined || isDeepStrictEqual(run.request["kwargs"], input.kwargs));
  const waitMs = Math.max(0, timeoutMs - 500 - (Date.now() - started));
  const run = await runs.waitFor(matches, waitMs);
  if (run === null) {
    const what = `${input.task}${input.args === undefined ? "" : `(${input.args.map((a) => JSON.stringify(a)).join(", ")})`}`;
    throw new Error(
      `no task from Celery beat within ${(timeoutMs / 1000).toFixed(1)} s (awaited ${what} on our worker's queue ${env.tsQueue}): ` +
        `is the peer's beat role running with PEER_BEAT_QUEUE=${env.tsQueue}?`,
    );
  }
  const state = run.error === undefined ? "SUCCESS" : "FAILURE";
  return {
    task: {
      state,
      ...(run.error === undefined ? { result: run.result } : { error: run.error }),
      request: run.request,
      elapsedSeconds: 0,
    },
  };
}
