import { receiveEvents } from "../../../sdk/src/events/receive-events.js";
import type { CaseEnvironment } from "./case-environment.js";
import type { EventExpectation, TaskInput } from "./conformance-case.js";
import { checkEvents } from "./check-events.js";
import { driveTsToCelery } from "./drive-ts-to-celery.js";
import { interpolate } from "./interpolate.js";
import type { Observation } from "./observation.js";

type Event = Readonly<Record<string, unknown>>;

/**
 * events: our event receiver listens on the run's broker (through our client's transport) while our client sends
 * the task to the peer worker. It keeps the events of that task (`uuid` = its id) and the worker events of the peer
 * node (`--peer-node`; without it, the node that sent the task's first event), until they match `expected` (its
 * `${peer_node}` replaced by that node) or the time is up.
 */
export async function driveEvents(env: CaseEnvironment, input: TaskInput, expected: readonly EventExpectation[], timeoutMs: number): Promise<Observation> {
  const startedAt = Date.now();
  const taskId = String(input.options["task_id"]);
  const taskEvents: Event[] = [];
  const all: Event[] = [];
  let wake: (() => void) | null = null;
  const receiver = await receiveEvents(env.client.transport, (event) => {
    if (event.type.startsWith("task-")) {
      if (event["uuid"] !== taskId) return;
      taskEvents.push({ ...event });
    }
    all.push({ ...event });
    wake?.();
  });
  const node = (): string | null => env.peerNode ?? (taskEvents[0]?.["hostname"] as string | undefined) ?? null;
  const relevant = (): Event[] => {
    const n = node();
    return all.filter((e) => String(e["type"]).startsWith("task-") || (n !== null && e["hostname"] === n));
  };
  const unmet = (): number => {
    const n = node();
    return n === null ? 1 : checkEvents(interpolate(expected, { peer_node: n }), relevant()).length;
  };
  try {
    const observed = await driveTsToCelery(env, input, timeoutMs);
    while (unmet() > 0) {
      const left = timeoutMs - (Date.now() - startedAt);
      if (left <= 0) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = null;
    }
    const n = node();
    return { ...observed, events: relevant(), ...(n === null ? {} : { peerNode: n }) };
  } finally {
    await receiver.stop();
  }
}
