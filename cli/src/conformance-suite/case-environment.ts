import type { Client } from "../../../sdk/src/client/client.js";
import type { MailboxSettings } from "../../../sdk/src/control/pidbox-entities.js";
import type { PeerProducer } from "./peer-producer.js";
import type { WorkerRunLog } from "./worker-run-log.js";

/** What the drivers run cases with: our client, the peer's producer, the queues and the control settings. */
export interface CaseEnvironment {
  /** Our producer (and result backend), connected to the run's broker. */
  readonly client: Client;
  /** The Celery peer's producer server. */
  readonly peer: PeerProducer;
  /** The queue the Celery peer worker consumes. */
  readonly peerQueue: string;
  /** The queue our in-process worker consumes (celery-to-ts cases). */
  readonly tsQueue: string;
  /** The peer worker's node name, to address control commands to it alone; null: every worker. */
  readonly peerNode: string | null;
  readonly mailbox: Partial<MailboxSettings>;
  /** Starts our worker on `tsQueue` (once); the celery-to-ts driver calls it before its first case. */
  readonly ensureWorker: () => Promise<void>;
  /** The runs of our worker's peer tasks (celery-beat-to-ts cases wait there); absent: not recorded. */
  readonly workerRuns?: WorkerRunLog;
}
