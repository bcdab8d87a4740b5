import type { RedisChannelContext } from "./redis-channel-context.js";
import { toTransportError } from "./to-transport-error.js";

/** The acks gathered in one event-loop turn, and the one promise every `remove()` of that turn returns. */
interface Batch {
  readonly tags: string[];
  readonly done: Promise<void>;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * kombu's ack (`QoS.ack`: `ZREM unacked_index <tag>; HDEL unacked <tag>` in one pipeline), with the acks settled
 * in the same event-loop turn sent as one `MULTI; ZREM index t1 t2 ...; HDEL unacked t1 t2 ...; EXEC`. Same effect
 * on Redis as one pipeline per tag, one write instead of many; each `remove()` resolves when its tag is gone. The
 * tags of one turn share one promise (they are removed, or fail, together): one promise per ack is a measurable cost.
 */
export class UnackedRemover {
  private batch: Batch | null = null;
  private inFlight = new Set<Promise<void>>();

  constructor(private readonly ctx: RedisChannelContext) {}

  remove(tag: string): Promise<void> {
    if (this.batch === null) {
      this.batch = newBatch();
      setImmediate(() => this.flush());
    }
    this.batch.tags.push(tag);
    return this.batch.done;
  }

  /** Resolves once every `remove()` made so far has reached Redis (or failed). */
  async drain(): Promise<void> {
    this.flush();
    await Promise.allSettled([...this.inFlight]);
  }

  private flush(): void {
    const batch = this.batch;
    if (batch === null) return;
    this.batch = null;
    const { commands, layout } = this.ctx;
    const sent = commands
      .multi()
      .zrem(layout.unackedIndexKey, ...batch.tags)
      .hdel(layout.unackedKey, ...batch.tags)
      .exec()
      .then((results) => {
        const failed = results?.find(([err]) => err !== null);
        if (failed !== undefined) throw failed[0];
        batch.resolve();
      })
      .catch((e: unknown) => batch.reject(toTransportError(e, "ack")));
    this.inFlight.add(sent);
    void sent.finally(() => this.inFlight.delete(sent));
  }
}

function newBatch(): Batch {
  let resolve: () => void = () => undefined;
  let reject: (error: unknown) => void = () => undefined;
  const done = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { tags: [], done, resolve, reject };
}
