import { BeatService, type BeatLogLevel } from "../../../sdk/src/beat/beat-service.js";
import { FileBeatStateStore } from "../../../sdk/src/beat/beat-state-store.js";
import { type BeatScheduleDefinition, loadBeatSchedule } from "../../../sdk/src/beat/load-beat-schedule.js";
import type { LoadedCeleryConfig } from "../../../sdk/src/config/load-celery-config.js";
import type { ResolvedCelerySettings } from "../../../sdk/src/config/resolve-celery-settings.js";
import type { WorkerLogger } from "../../../worker/src/logging/worker-logger.js";
import { connectClient } from "../connect-client.js";
import type { BrokerFlagValues } from "../remote/connect-broker.js";

/** What `-B` needs: the schedule, the state file, the worker's broker flags and configuration. */
export interface EmbeddedBeatOptions {
  /** `--schedule`: the schedule file (JSON or YAML, as `proto beat` reads), or a schedule (the configuration's `beat_schedule`). */
  readonly schedule: string | BeatScheduleDefinition;
  /** `-s/--schedule-state`: last run times and counts. */
  readonly stateFile: string;
  readonly broker: BrokerFlagValues;
  /** The worker's configuration: beat publishes with its routing and settings. */
  readonly config: LoadedCeleryConfig | ResolvedCelerySettings;
  readonly logger: WorkerLogger;
}

/** The running embedded beat: `stop()` ends its loop, flushes its state and closes its broker connection. */
export interface EmbeddedBeat {
  stop(): Promise<void>;
}

/**
 * `proto worker -B`: Celery's embedded beat (`celery worker -B`, the `Beat` bootstep) — the `proto beat` service run
 * inside the worker process, publishing due tasks through its own client on the worker's broker and logging through
 * the worker's logger. It is started after the worker and stopped with it.
 */
export async function startEmbeddedBeat(options: EmbeddedBeatOptions): Promise<EmbeddedBeat> {
  const schedule = typeof options.schedule === "string" ? await loadBeatSchedule(options.schedule) : options.schedule;
  const client = await connectClient(options.broker, null, {}, { source: null, ...options.config });
  const configuredInterval = options.config.settings.beat_max_loop_interval;
  const service = new BeatService({
    schedule,
    store: new FileBeatStateStore(options.stateFile),
    ...(configuredInterval > 0 ? { maxIntervalSeconds: configuredInterval } : {}),
    log: (level: BeatLogLevel, message: string) => options.logger.log(level, message),
    send: async (entry) => (await client.enqueue(entry.task, entry.args, entry.kwargs, entry.options)).id,
  });
  options.logger.info("beat: Starting...");
  const running = service.run().catch((e: unknown) => options.logger.error("beat: the scheduler stopped", e));
  let stopping: Promise<void> | null = null;
  return {
    stop: () => {
      stopping ??= (async () => {
        options.logger.info("beat: Shutting down...");
        service.stop();
        await running;
        await client.close().catch(() => undefined);
      })();
      return stopping;
    },
  };
}
