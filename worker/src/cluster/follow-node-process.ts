import type { WorkerLogger } from "../logging/worker-logger.js";
import { type ConsumerToNodeMessage, isNodeToConsumerMessage } from "./cluster-messages.js";

/** How often a consumer process pushes its counts: the node's heartbeat interval (`startHeartbeat`'s default freq). */
export const COUNTS_INTERVAL_MS = 2_000;

/** What a consumer process does when its node asks, and what it counts for the node's heartbeat. */
export interface FollowedWorker {
  stop(options: { readonly cold?: boolean }): Promise<void>;
  readonly state: {
    readonly active: { readonly size: number };
    readonly processed: number;
    readonly revoked: { update(entries: Readonly<Record<string, number>>): void };
  };
  readonly revokedStamps: Map<string, unknown[]>;
}

/**
 * A consumer process's side of the node's IPC channel: it stops (warm or cold) when the node says so, and cold at once
 * when the channel closes without a word (the node died): a consumer is never left consuming without its node; what it
 * had not acknowledged goes back to the queue. `syncRevoked()`, before it consumes, waits for the node's revoked ids and
 * stamps, which the node sends once it started (statedb and mingle merged): no child runs what was revoked before it
 * started. If the node dies first, the child exits without having consumed. `ready()` tells the node it consumes, then pushes its counts (running,
 * processed) once per heartbeat interval, for the node's `worker-heartbeat`.
 */
export function followNodeProcess(worker: FollowedWorker, logger: WorkerLogger): { syncRevoked(): Promise<void>; ready(): void } {
  let asked = false;
  let reporting: NodeJS.Timeout | null = null;
  const stopReporting = (): void => {
    if (reporting !== null) clearInterval(reporting);
    reporting = null;
  };
  const send = (message: ConsumerToNodeMessage): void => {
    if (process.connected) process.send?.(message);
  };
  const reportCounts = (): void => send({ type: "counts", active: worker.state.active.size, processed: worker.state.processed });
  process.on("message", (message: unknown) => {
    if (!isNodeToConsumerMessage(message) || message.type !== "stop") return;
    asked = true;
    void worker.stop({ cold: message.cold }).finally(() => {
      reportCounts();
      stopReporting();
    });
  });
  let consuming = false;
  process.on("disconnect", () => {
    stopReporting();
    if (asked) return;
    if (!consuming) {
      logger.warning("consumer process: the node process is gone before this process consumed; exiting");
      process.exit(1);
    }
    logger.warning("consumer process: the node process is gone; cold shutdown (unacknowledged tasks go back to the queue)");
    void worker.stop({ cold: true });
  });
  return {
    syncRevoked: () =>
      new Promise<void>((resolve) => {
        const onRevoked = (message: unknown): void => {
          if (!isNodeToConsumerMessage(message) || message.type !== "revoked") return;
          process.off("message", onRevoked);
          worker.state.revoked.update(message.revoked);
          for (const [header, values] of Object.entries(message.stamps)) worker.revokedStamps.set(header, [...values]);
          resolve();
        };
        process.on("message", onRevoked);
        send({ type: "starting" });
      }),
    ready() {
      consuming = true;
      send({ type: "ready" });
      reportCounts();
      reporting = setInterval(reportCounts, COUNTS_INTERVAL_MS);
      reporting.unref();
    },
  };
}
