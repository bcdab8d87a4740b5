import { indexCommands } from "../control/builtin-commands.js";
import type { ControlContext } from "../control/control-context.js";
import { dispatchControlRequest } from "../control/dispatch-control-request.js";
import type { PidboxServices, RunningPidbox } from "../worker-options.js";
import { type ConsumerToNodeMessage, isNodeToConsumerMessage } from "./cluster-messages.js";

/**
 * A consumer process's remote control (its worker's `control` factory): no mailbox on the broker; the requests its
 * node forwards over IPC are dispatched here with this process's own state, pool and queues, and answered over IPC
 * for the node to merge into the node's one reply. REVOKED is stored by the node (`onRevoked` is not called here).
 */
export function serveConsumerControl(services: PidboxServices): Promise<RunningPidbox> {
  const commands = indexCommands();
  const specs = new Map(services.options.queues.map((q) => [q.name, q]));
  const context: ControlContext = {
    hostname: services.hostname,
    state: services.state,
    control: services.control,
    registry: services.registry,
    dispatcher: services.events,
    transport: services.transport,
    revokedStamps: services.revokedStamps,
    pool: services.pool,
    onRevoked: null,
    onRateLimitChanged: services.onRateLimitChanged,
    settings: () => ({ broker_transport: services.transport.kind, worker_concurrency: services.control.concurrency() }),
    describeQueue: (name) => specs.get(name) ?? services.options.queueTable.find(name) ?? { name },
    log: services.logger,
  };
  let tail: Promise<void> = Promise.resolve();
  const onMessage = (message: unknown): void => {
    if (!isNodeToConsumerMessage(message) || message.type !== "control") return;
    tail = tail.then(async () => {
      const reply = await dispatchControlRequest(context, commands, { method: message.method, arguments: { ...message.arguments } });
      const answer: ConsumerToNodeMessage = { type: "control-reply", id: message.id, reply };
      process.send?.(answer);
    });
  };
  process.on("message", onMessage);
  return Promise.resolve({
    close: async () => {
      process.off("message", onMessage);
      await tail;
    },
  });
}
