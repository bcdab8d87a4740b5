import type { LoadedCeleryConfig } from "../../../sdk/src/config/load-celery-config.js";
import { mailboxSettingsOf } from "../../../sdk/src/control/pidbox-entities.js";
import { createWorker } from "../../../worker/src/create-worker.js";
import { createCeleryLogger } from "../../../worker/src/logging/worker-logger.js";
import type { Worker } from "../../../worker/src/worker.js";
import { connectClient } from "../connect-client.js";
import type { BrokerFlagValues } from "../remote/connect-broker.js";
import type { CaseEnvironment } from "./case-environment.js";
import { peerProducer } from "./peer-producer.js";
import { registerPeerTasks } from "./peer-tasks.js";
import { WorkerRunLog } from "./worker-run-log.js";

export interface SessionOptions {
  readonly flags: BrokerFlagValues;
  /** The run's configuration (broker and result backend resolved). */
  readonly config: LoadedCeleryConfig;
  readonly producerUrl: string;
  readonly peerQueue: string;
  readonly tsQueue: string;
  readonly peerNode: string | null;
  /** Where our worker's log lines go (WARNING and above). Default: dropped. */
  readonly workerLog?: (line: string) => void;
}

/** A connected environment for the drivers, and `close` to stop our worker (if started) and disconnect. */
export interface ConformanceSession {
  readonly env: CaseEnvironment;
  close(): Promise<void>;
}

/**
 * Connects our client to the run's broker and result backend and prepares (without starting) our worker: it starts
 * on the first celery-to-ts case, consuming `tsQueue` with the TypeScript peer tasks, accepting json, msgpack and
 * yaml, without remote control (control cases are for the peer).
 */
export async function openSession(options: SessionOptions): Promise<ConformanceSession> {
  const client = await connectClient(options.flags, undefined, {}, options.config);
  const s = options.config.settings;
  let worker: Worker | null = null;
  const workerRuns = new WorkerRunLog();
  let starting: Promise<void> | null = null;
  const ensureWorker = (): Promise<void> => {
    starting ??= (async () => {
      worker = createWorker({
        config: options.config,
        queues: [options.tsQueue],
        accept: ["json", "msgpack", "yaml"],
        concurrency: 8,
        hostname: `celery-proto-conformance-${process.pid}@%h`,
        mingle: false,
        heartbeat: false,
        // Control cases address the Celery peer: our worker does not answer them.
        control: false,
        logger: createCeleryLogger({ level: "WARNING", write: options.workerLog ?? (() => undefined) }),
      });
      registerPeerTasks(worker.registry, workerRuns);
      await worker.start();
    })();
    return starting;
  };
  return {
    env: {
      client,
      peer: peerProducer(options.producerUrl),
      peerQueue: options.peerQueue,
      tsQueue: options.tsQueue,
      peerNode: options.peerNode,
      mailbox: mailboxSettingsOf(s),
      ensureWorker,
      workerRuns,
    },
    async close() {
      const w = worker as Worker | null;
      if (w !== null) await w.stop().catch(() => undefined);
      await client.close().catch(() => undefined);
    },
  };
}
