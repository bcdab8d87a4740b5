import type { Redis } from "ioredis";

/** The envelopes waiting for one list's next `LPUSH`, and the promise every one of their publishes awaits. */
interface PendingPush {
  readonly envelopes: string[];
  readonly done: Promise<void>;
  resolve(): void;
  reject(error: unknown): void;
}

/** Redis takes any number of values per LPUSH; this only keeps one command from holding Redis for long. */
const MAX_VALUES_PER_PUSH = 1000;

/**
 * Sends the LPUSHes made to one list in the same turn of the event loop as one `LPUSH list e1 … eN`. Redis pushes the
 * values in argument order, so consumers popping from the tail (kombu's BRPOP, our POP_MANY) get them in the order
 * they were published, exactly as with one LPUSH each; every publish still resolves only once Redis has answered.
 * Without it every publish is a socket write of its own: with many publishes in flight those writes were about a
 * third of a producer's CPU. A single publish waits one `process.nextTick` (after the microtasks queued with it).
 */
export class ListPushBatcher {
  private pending = new Map<string, PendingPush>();
  private scheduled = false;

  constructor(private readonly commands: Redis) {}

  push(list: string, envelope: string): Promise<void> {
    let batch = this.pending.get(list);
    if (batch === undefined || batch.envelopes.length >= MAX_VALUES_PER_PUSH) {
      if (batch !== undefined) this.send(list, batch);
      batch = newPendingPush();
      this.pending.set(list, batch);
    }
    batch.envelopes.push(envelope);
    if (!this.scheduled) {
      this.scheduled = true;
      process.nextTick(this.flush);
    }
    return batch.done;
  }

  /** Sends what waits now (also run by the scheduled tick); the transport's `close()` calls it before disconnecting. */
  readonly flush = (): void => {
    this.scheduled = false;
    const pending = this.pending;
    this.pending = new Map();
    for (const [list, batch] of pending) this.send(list, batch);
  };

  private send(list: string, batch: PendingPush): void {
    this.commands.lpush(list, ...batch.envelopes).then(() => batch.resolve(), batch.reject);
  }
}

function newPendingPush(): PendingPush {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const done = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { envelopes: [], done, resolve, reject };
}
