import type { Redis } from "ioredis";
import { disconnectRedis } from "./disconnect-redis.js";

/** Called with the envelope text and the channel it came on (as published, prefix included). */
export type FanoutHandler = (envelope: string, channel: string) => void;

/**
 * The transport's one PUB/SUB connection (kombu's `subclient`): PSUBSCRIBEs each pattern once, however many
 * subscriptions share it, and hands every `pmessage` to the handlers of its pattern. ioredis re-subscribes after a
 * reconnection; messages published meanwhile are lost, as with kombu (PUB/SUB keeps nothing).
 */
export class FanoutSubscriber {
  private connection: Redis | null = null;
  private readonly handlers = new Map<string, Set<FanoutHandler>>();

  constructor(
    private readonly connect: () => Redis,
    private readonly onHandlerError: (error: unknown) => void,
  ) {}

  /** PSUBSCRIBEs `pattern` (already prefixed); resolves once Redis confirmed it, with the function that undoes it. */
  async subscribe(pattern: string, handler: FanoutHandler): Promise<() => Promise<void>> {
    const connection = this.ensureConnection();
    let set = this.handlers.get(pattern);
    if (set === undefined) {
      set = new Set();
      this.handlers.set(pattern, set);
      set.add(handler);
      try {
        await connection.psubscribe(pattern);
      } catch (e) {
        set.delete(handler);
        if (set.size === 0) this.handlers.delete(pattern);
        throw e;
      }
    } else {
      set.add(handler);
    }
    const handlers = set;
    let done = false;
    return async () => {
      if (done) return;
      done = true;
      handlers.delete(handler);
      if (handlers.size === 0 && this.handlers.get(pattern) === handlers) {
        this.handlers.delete(pattern);
        if (connection.status === "ready") await connection.punsubscribe(pattern).catch(() => undefined);
      }
    };
  }

  async close(): Promise<void> {
    this.handlers.clear();
    const connection = this.connection;
    this.connection = null;
    if (connection === null) return;
    if (connection.status === "ready") await connection.quit().catch(() => undefined);
    disconnectRedis(connection);
  }

  private ensureConnection(): Redis {
    if (this.connection !== null) return this.connection;
    const connection = this.connect();
    connection.on("pmessage", (pattern: string, channel: string, message: string) => {
      for (const handler of this.handlers.get(pattern) ?? []) {
        try {
          handler(message, channel);
        } catch (e) {
          this.onHandlerError(e);
        }
      }
    });
    this.connection = connection;
    return connection;
  }
}
