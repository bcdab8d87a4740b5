import type { ChildProcess } from "node:child_process";
import { TASK_LOG } from "../logging/task-log-messages.js";
import type { WorkerLogger } from "../logging/worker-logger.js";
import { describeExitStatus } from "../pool/signal-names.js";
import { type ConsumerCounts, type NodeToConsumerMessage, type RevokedState, isConsumerToNodeMessage } from "./cluster-messages.js";
import type { ConsumerChildSpec } from "./consumer-child-spec.js";
import { splitConcurrency } from "./split-concurrency.js";

export interface ConsumerClusterOptions {
  /** How many consumer processes (>= 1). */
  readonly processes: number;
  /** The node's concurrency, shared out between them (`splitConcurrency`). */
  readonly concurrency: number;
  /** Forks one consumer process with an IPC channel (e.g. the running `proto worker` bin, told `spec` by its environment). */
  readonly fork: (spec: ConsumerChildSpec) => ChildProcess;
  /**
   * The node's revoked ids and stamps, handed to each child before it consumes (a replacement included); the node
   * resolves it once it started (statedb loaded, mingle done), so that the first children get what mingle merged.
   */
  readonly revoked: () => Promise<RevokedState>;
  readonly logger: WorkerLogger;
}

/** The consumer processes of one node, kept at their number until `stop`. */
export interface ConsumerCluster {
  /** Resolves once every first-generation child said it is ready (consuming); rejects if one exits before. */
  readonly ready: Promise<void>;
  /** The pids of the live children. */
  pids(): readonly number[];
  /**
   * The node's counts for its `worker-heartbeat`, from what the children last pushed: tasks running in the live
   * children, tasks processed by every child this node started (a replaced child's count is kept).
   */
  counts(): ConsumerCounts;
  /**
   * Forwards a remote-control request to every live child, which dispatches it locally; resolves with the replies of
   * those that answered within `timeoutMs` (a child that exits or stays silent is left out).
   */
  request(method: string, args: Readonly<Record<string, unknown>>, timeoutMs?: number): Promise<unknown[]>;
  /**
   * Warm (let running tasks finish) or cold stop of every child, as the node itself stops; a cold stop while a warm
   * one runs escalates it. Resolves once every child exited.
   */
  stop(options?: { readonly cold?: boolean }): Promise<void>;
}

/**
 * Forks the consumer processes of `proto worker --consumer-processes N`. A child that exits without being asked to
 * (killed, crashed) is logged as billiard logs a lost pool process (C:billiard/pool.py `_join_exited_workers`) and
 * replaced; what it held comes back from the broker as after a crashed worker.
 */
export function startConsumerCluster(options: ConsumerClusterOptions): ConsumerCluster {
  const shares = splitConcurrency(options.concurrency, options.processes);
  const children = new Map<number, ChildProcess>();
  const exited = new Map<number, Promise<void>>();
  let stopping: "warm" | "cold" | null = null;
  let resolveReady: () => void = () => undefined;
  let rejectReady: (error: Error) => void = () => undefined;
  const ready = new Promise<void>((resolve, reject) => {
    resolveReady = resolve;
    rejectReady = reject;
  });
  ready.catch(() => undefined);
  const notReady = new Set(shares.map((_, index) => index));
  const awaiting = new Map<number, (reply: unknown) => void>();
  let nextRequest = 0;
  const lastCounts = new Map<ChildProcess, ConsumerCounts>();
  let processedByExited = 0;

  const spawn = (index: number): void => {
    const child = options.fork({ index, concurrency: shares[index] ?? 1 });
    children.set(index, child);
    child.on("message", (message: unknown) => {
      if (!isConsumerToNodeMessage(message)) return;
      if (message.type === "control-reply") {
        awaiting.get(message.id)?.(message.reply);
        return;
      }
      if (message.type === "starting") {
        void options.revoked().then((revoked) => {
          const answer: NodeToConsumerMessage = { type: "revoked", ...revoked };
          if (child.connected)
            child.send(answer, (error) => error && options.logger.warning(`consumer process ${index + 1}: could not send the revoked ids: ${error.message}`));
        });
        return;
      }
      if (message.type === "counts") {
        lastCounts.set(child, { active: message.active, processed: message.processed });
        return;
      }
      if (notReady.delete(index) && notReady.size === 0) resolveReady();
    });
    exited.set(
      index,
      new Promise<void>((resolve) =>
        child.once("exit", (code, signal) => {
          if (children.get(index) === child) children.delete(index);
          processedByExited += lastCounts.get(child)?.processed ?? 0;
          lastCounts.delete(child);
          resolve();
          if (stopping !== null) return;
          options.logger.error(TASK_LOG.processExited(`ConsumerProcess-${index + 1}`, child.pid ?? 0, describeExitStatus(code, signal)));
          if (notReady.has(index)) {
            rejectReady(new Error(`consumer process ${index + 1} exited with ${describeExitStatus(code, signal)} before it was ready`));
            return;
          }
          spawn(index);
        }),
      ),
    );
  };
  for (let index = 0; index < shares.length; index++) spawn(index);

  const tell = (child: ChildProcess, message: NodeToConsumerMessage, fallback: NodeJS.Signals): void => {
    if (child.connected) child.send(message, (error) => error && child.kill(fallback));
    else child.kill(fallback);
  };

  return {
    ready,
    pids: () => [...children.values()].flatMap((c) => (c.pid === undefined ? [] : [c.pid])),
    counts: () => {
      let active = 0;
      let processed = processedByExited;
      for (const counts of lastCounts.values()) {
        active += counts.active;
        processed += counts.processed;
      }
      return { active, processed };
    },
    async request(method, args, timeoutMs = 5_000) {
      const asked = [...children.values()].filter((child) => child.connected);
      const replies = await Promise.all(
        asked.map(
          (child) =>
            new Promise<{ readonly reply: unknown } | null>((resolve) => {
              const id = nextRequest++;
              const done = (answer: { readonly reply: unknown } | null): void => {
                clearTimeout(timer);
                awaiting.delete(id);
                child.off("exit", onExit);
                resolve(answer);
              };
              const onExit = (): void => done(null);
              const timer = setTimeout(() => done(null), timeoutMs);
              awaiting.set(id, (reply) => done({ reply }));
              child.once("exit", onExit);
              const message: NodeToConsumerMessage = { type: "control", id, method, arguments: args };
              child.send(message, (error) => error && done(null));
            }),
        ),
      );
      return replies.flatMap((answer) => (answer === null ? [] : [answer.reply]));
    },
    async stop({ cold = false } = {}) {
      if (stopping === "cold" || (stopping === "warm" && !cold)) {
        await Promise.all(exited.values());
        return;
      }
      stopping = cold ? "cold" : "warm";
      for (const child of children.values()) tell(child, { type: "stop", cold }, cold ? "SIGQUIT" : "SIGTERM");
      await Promise.all(exited.values());
    },
  };
}
