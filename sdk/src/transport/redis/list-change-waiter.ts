import type { Redis } from "ioredis";

/** The channel Redis sends client-side tracking invalidations to, for a RESP2 client that redirects them. */
const INVALIDATE_CHANNEL = "__redis__:invalidate";

/**
 * Wakes an idle consumer when one of its lists changes, without taking anything from them. kombu waits with BRPOP,
 * which pops: a worker killed between that pop and its `unacked` record loses the message. Here the consumer only
 * ever takes messages with `POP_MANY`, which records them in `unacked` in the same script, and waits in between with
 * Redis client-side tracking (Redis >= 6): `CLIENT TRACKING ON BCAST NOLOOP PREFIX <list>...` on the fetching
 * connection, its invalidations redirected to a subscriber connection of this waiter's own. A change by the
 * fetching connection itself (its pops) is not reported (`NOLOOP`).
 *
 * Tracking is switched on only while the consumer is idle (`watch()` after an empty fetch, then one more fetch to
 * cover what arrived in between) and off again once fetches keep finding messages (`unwatch()`), so that a busy fleet
 * does not send every worker a notification for every push and pop of the others.
 */
export class ListChangeWaiter {
  private changed = false;
  private notify: (() => void) | null = null;
  /** The subscriber's `CLIENT ID` for its current connection, and whether tracking redirects there now. */
  private subscriberId: string | null = null;
  private trackingConnectionCloses = -1;
  private trackingSubscriberId: string | null = null;

  private constructor(
    private readonly subscriber: Redis,
    private readonly prefixes: readonly string[],
  ) {}

  /**
   * Connects the subscriber (its `CLIENT ID`, then `SUBSCRIBE`, again after each reconnection) and switches tracking
   * on for `fetching`. When the server refuses tracking (Redis < 6, an ACL, a proxy) it returns the server's reason,
   * having closed what it opened: the caller then waits with BRPOP as kombu does. A connection failure is thrown.
   */
  static async start(subscriber: Redis, fetching: Redis, fetchingCloses: number, keys: readonly string[]): Promise<ListChangeWaiter | string> {
    const waiter = new ListChangeWaiter(subscriber, prefixesOf(keys));
    subscriber.on("message", (channel: string) => {
      if (channel === INVALIDATE_CHANNEL) waiter.wake();
    });
    try {
      await subscriber.connect();
      await waiter.subscribe();
      subscriber.on("ready", () => void waiter.subscribe().catch(() => undefined));
      await waiter.watch(fetching, fetchingCloses);
      return waiter;
    } catch (e) {
      subscriber.disconnect();
      if (e instanceof Error && e.name === "ReplyError") return e.message;
      throw e;
    }
  }

  /** Forget earlier changes: called before each fetch, so a change after it is seen by the next `wait`. */
  arm(): void {
    this.changed = false;
  }

  /** Whether tracking reports changes to the subscriber now (neither connection was replaced since `watch`). */
  watching(fetchingCloses: number): boolean {
    return this.trackingSubscriberId !== null && this.trackingSubscriberId === this.subscriberId && this.trackingConnectionCloses === fetchingCloses;
  }

  /**
   * Tracking on for the lists, redirected to the subscriber's current connection (again when either connection was
   * replaced since: a new connection has no tracking, and a reconnected subscriber has a new id).
   */
  async watch(fetching: Redis, fetchingCloses: number): Promise<void> {
    if (this.watching(fetchingCloses)) return;
    const redirect = this.subscriberId;
    if (redirect === null) throw new Error("the tracking subscriber is not connected");
    // ON again with the same prefixes is refused as overlapping: switch it off first.
    if (this.trackingConnectionCloses === fetchingCloses) await fetching.call("CLIENT", "TRACKING", "OFF");
    this.trackingSubscriberId = null;
    await fetching.call("CLIENT", "TRACKING", "ON", "REDIRECT", redirect, "BCAST", "NOLOOP", ...this.prefixes.flatMap((p) => ["PREFIX", p]));
    this.trackingConnectionCloses = fetchingCloses;
    this.trackingSubscriberId = redirect;
  }

  /** Tracking off: the consumer is busy and fetches again without waiting. */
  async unwatch(fetching: Redis, fetchingCloses: number): Promise<void> {
    if (this.trackingSubscriberId === null) return;
    this.trackingSubscriberId = null;
    if (this.trackingConnectionCloses === fetchingCloses) await fetching.call("CLIENT", "TRACKING", "OFF");
  }

  /** Resolves on a change since `arm()`, on `wake()`, or after `timeoutMs` (a poll, should a notification be lost). */
  async wait(timeoutMs: number): Promise<void> {
    if (this.changed) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.wake(), timeoutMs);
      this.notify = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** Ends a wait now (a change, or the consumer being cancelled). */
  wake(): void {
    this.changed = true;
    const notify = this.notify;
    this.notify = null;
    notify?.();
  }

  close(): void {
    this.wake();
    this.subscriber.disconnect();
  }

  private async subscribe(): Promise<void> {
    if (this.subscriber.status !== "ready") return;
    this.subscriberId = null;
    const id = String(await this.subscriber.call("CLIENT", "ID"));
    await this.subscriber.subscribe(INVALIDATE_CHANNEL);
    this.subscriberId = id;
    // Whatever changed while the subscriber was away went unreported.
    this.wake();
  }
}

/** The keys as tracking prefixes: a key that starts with another key is covered by it (Redis refuses overlaps). */
function prefixesOf(keys: readonly string[]): string[] {
  const sorted = [...new Set(keys)].sort();
  const prefixes: string[] = [];
  for (const key of sorted) {
    const last = prefixes[prefixes.length - 1];
    if (last === undefined || !key.startsWith(last)) prefixes.push(key);
  }
  return prefixes;
}
