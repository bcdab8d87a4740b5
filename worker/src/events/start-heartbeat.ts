import { PyFloat } from "../../../sdk/src/codec/json/python-values.js";
import { CeleryProtoError } from "../../../sdk/src/errors/celery-proto-error.js";
import type { WorkerState } from "../app/worker-state.js";
import type { EventDispatcher } from "./event-dispatcher.js";
import { loadAverage } from "./load-average.js";
import { SOFTWARE_INFO } from "./software-info.js";

export interface HeartbeatOptions {
  /** Seconds between `worker-heartbeat` events (`celery worker --heartbeat-interval`). Default 2.0. */
  readonly freq?: number;
  /** What the events report as `active` and `processed`. Default: `state`'s (this process's tasks). */
  readonly counts?: () => HeartbeatCounts;
}

/** Celery's `len(active_requests)` (tasks running now) and `all_total_count[0]` (tasks processed since start). */
export interface HeartbeatCounts {
  readonly active: number;
  readonly processed: number;
}

/** A running heartbeat. */
export interface Heartbeat {
  /** Sends one `worker-heartbeat` now (what Celery's Heart sends on its timer). */
  beat(): void;
  /** Stops the timer and sends `worker-offline`; resolves once it was handed to the broker (if the dispatcher can tell). */
  stop(): Promise<void>;
}

/**
 * Celery's `Heart` (C:celery/worker/heartbeat.py): `worker-online` now, `worker-heartbeat` every `freq` seconds,
 * `worker-offline` on `stop()`, each with `freq, active, processed, loadavg, sw_ident, sw_ver, sw_sys` read from the
 * worker state. Python's `celery.events.state.State` holds a worker alive for `freq * 2` seconds after its last
 * heartbeat. The timer does not keep the process alive.
 */
export function startHeartbeat(dispatcher: EventDispatcher, state: WorkerState, options: HeartbeatOptions = {}): Heartbeat {
  const freq = options.freq ?? 2.0;
  if (!(typeof freq === "number" && Number.isFinite(freq) && freq > 0)) {
    throw new CeleryProtoError("InvalidOption", `freq: the heartbeat interval must be a positive number of seconds, not ${String(freq)}`);
  }
  const counts = options.counts ?? ((): HeartbeatCounts => ({ active: state.active.size, processed: state.processed }));
  const send = (type: string): void =>
    dispatcher.send(type, {
      freq: new PyFloat(freq),
      ...counts(),
      loadavg: loadAverage(),
      ...SOFTWARE_INFO,
    });
  send("worker-online");
  let timer: NodeJS.Timeout | null = setInterval(() => send("worker-heartbeat"), freq * 1000);
  timer.unref();
  return {
    beat: () => send("worker-heartbeat"),
    stop: async () => {
      if (timer === null) return;
      clearInterval(timer);
      timer = null;
      send("worker-offline");
      await dispatcher.flush?.();
    },
  };
}
