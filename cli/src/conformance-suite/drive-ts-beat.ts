import { BeatService } from "../../../sdk/src/beat/beat-service.js";
import { compileBeatSchedule } from "../../../sdk/src/beat/load-beat-schedule.js";
import type { AsyncResult } from "../../../sdk/src/results/async-result.js";
import { isPlainRecord } from "./case-field-error.js";
import type { CaseEnvironment } from "./case-environment.js";
import type { BeatScheduleInput } from "./conformance-case.js";
import type { Observation } from "./observation.js";
import { MemoryBeatStateStore } from "../../../sdk/src/beat/memory-beat-state-store.js";
import { observeHandle } from "./observe-result.js";

/** Longest sleep of the case's beat between checks, seconds: it stops promptly, and sub-second schedules run on time. */
const MAX_INTERVAL_SECONDS = 1;

/**
 * ts-beat-to-celery: our beat (`proto beat`'s BeatService, state in memory) runs the case's schedule in-process until it
 * has sent `sends` tasks (default 1), then stops; an entry without `options.queue` goes to the peer's queue. The
 * Celery peer worker runs them; their results are read from our backend, and the seconds between sends are measured.
 *
 * @throws Error naming how many sends came when fewer than `sends` did within the case's time.
 */
export async function driveTsBeat(env: CaseEnvironment, input: BeatScheduleInput, sends: number, timeoutMs: number): Promise<Observation> {
  const started = Date.now();
  const schedule = compileBeatSchedule(routedToPeer(input.schedule, env.peerQueue), "schedule");
  const sent: { readonly handle: AsyncResult<unknown>; readonly at: number }[] = [];
  const service: BeatService = new BeatService({
    schedule,
    store: new MemoryBeatStateStore(),
    maxIntervalSeconds: MAX_INTERVAL_SECONDS,
    send: async (entry) => {
      const handle = await env.client.enqueue(entry.task, entry.args, entry.kwargs, entry.options);
      sent.push({ handle, at: Date.now() });
      if (sent.length >= sends) service.stop();
      return handle.id;
    },
  });
  // Stop before the suite's own time-out would abandon the case with the beat still running.
  const limit = setTimeout(() => service.stop(), Math.max(0, timeoutMs - 500));
  try {
    await service.run();
  } finally {
    clearTimeout(limit);
    service.stop();
  }
  if (sent.length < sends) throw new Error(`our beat sent ${sent.length} of the ${sends} tasks awaited within ${(timeoutMs / 1000).toFixed(1)} s`);
  const awaited = sent.slice(0, sends);
  const left = (): number => Math.max(1, timeoutMs - (Date.now() - started));
  const outcomes = [];
  for (const { handle, at } of awaited) outcomes.push(await observeHandle(handle, at, left()));
  const intervals = awaited.slice(1).map((s, i) => (s.at - (awaited[i]?.at ?? s.at)) / 1000);
  return { ...(outcomes[0] === undefined ? {} : { task: outcomes[0] }), sends: outcomes, intervals };
}

/** The schedule with `options.queue` set to the peer's queue on every entry that names no queue (nor exchange). */
function routedToPeer(schedule: Readonly<Record<string, unknown>>, peerQueue: string): Record<string, unknown> {
  const entries = isPlainRecord(schedule["entries"]) ? schedule["entries"] : {};
  const routed: Record<string, unknown> = {};
  for (const [name, entry] of Object.entries(entries)) {
    if (!isPlainRecord(entry)) {
      routed[name] = entry;
      continue;
    }
    const options = isPlainRecord(entry["options"]) ? entry["options"] : {};
    routed[name] = options["queue"] === undefined && options["exchange"] === undefined ? { ...entry, options: { ...options, queue: peerQueue } } : entry;
  }
  return { ...schedule, entries: routed };
}
