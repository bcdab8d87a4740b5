import type { RedisChannelContext } from "./redis-channel-context.js";
import { toTransportError } from "./to-transport-error.js";

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * kombu's ack (`QoS.ack`: `ZREM unacked_index <tag>; HDEL unacked <tag>` in one pipeline), with the acks settled
 * in the same event-loop turn sent as one `MULTI; ZREM index t1 t2 ...; HDEL unacked t1 t2 ...; EXEC`. Same effect
 * on Redis as one pipeline per tag, one write instead of many; each `remove()` resolves when its tag is gone.
 */
export class UnackedRemover {
  private tags: string[] = [];
  private waiters: Waiter[] = [];
  private scheduled = false;
  private inFlight = new Set<Promise<void>>();

  constructor(private readonly ctx: RedisChannelContext) {}

  remove(tag: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.tags.push(tag);
      this.waiters.push({ resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Resolves once every `remove()` made so far has reached Redis (or failed). */
  async drain(): Promise<void> {
    if (this.scheduled) this.flush();
    await Promise.allSettled([...this.inFlight]);
  }

  private flush(): void {
    this.scheduled = false;
    const tags = this.tags;
    const waiters = this.waiters;
    if (tags.length === 0) return;
    this.tags = [];
    this.waiters = [];
    const { commands, layout } = this.ctx;
    const sent = commands
      .multi()
      .zrem(layout.unackedIndexKey, ...tags)
      .hdel(layout.unackedKey, ...tags)
      .exec()
      .then((results) => {
        const failed = results?.find(([err]) => err !== null);
        if (failed !== undefined) throw failed[0];
        for (const w of waiters) w.resolve();
      })
      .catch((e: unknown) => {
        const error = toTransportError(e, "ack");
        for (const w of waiters) w.reject(error);
      });
    this.inFlight.add(sent);
    void sent.finally(() => this.inFlight.delete(sent));
  }
}
