import type { WorkerLogger } from "../logging/worker-logger.js";
import { type ConsumerToNodeMessage, isNodeToConsumerMessage } from "./cluster-messages.js";

/** What a consumer process does when its node asks. */
export interface FollowedWorker {
  stop(options: { readonly cold?: boolean }): Promise<void>;
}

/**
 * A consumer process's side of the node's IPC channel: it stops (warm or cold) when the node says so, and cold at once
 * when the channel closes without a word (the node died): a consumer is never left consuming without its node; what it
 * had not acknowledged goes back to the queue. `ready()` tells the node it consumes.
 */
export function followNodeProcess(worker: FollowedWorker, logger: WorkerLogger): { ready(): void } {
  let asked = false;
  process.on("message", (message: unknown) => {
    if (!isNodeToConsumerMessage(message) || message.type !== "stop") return;
    asked = true;
    void worker.stop({ cold: message.cold });
  });
  process.on("disconnect", () => {
    if (asked) return;
    logger.warning("consumer process: the node process is gone; cold shutdown (unacknowledged tasks go back to the queue)");
    void worker.stop({ cold: true });
  });
  return {
    ready() {
      const message: ConsumerToNodeMessage = { type: "ready" };
      process.send?.(message);
    },
  };
}
