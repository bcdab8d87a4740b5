import type { Channel, Message } from "amqplib";

/** Settled tags kept out of order before the outstanding list is compacted (bounds memory behind a held delivery). */
const COMPACT_AFTER = 1024;
/** Acks held back at most, with no prefetch limit (prefetch 0). */
const MAX_HELD_ACKS = 64;

/**
 * The acks of one consumer channel, sent in batches: every ack of a batch whose tag lies below the lowest delivery
 * still outstanding goes out as one `basic.ack` with `multiple=true` on the highest of them; an ack above an
 * outstanding delivery (a held ETA task, a task still running with acks_late) goes out on its own. A batch is sent at
 * the first event-loop turn that adds no ack, or once it holds a quarter of the prefetch window (so the broker keeps
 * delivering): a worker starts about one task per turn, so a batch of one turn would mostly be one ack.
 *
 * Why: one `basic.ack` per message cost the worker a frame and an amqplib stream write per task, and the broker (on
 * the same cores) a command per task. kombu acks each message (`multiple=False`); a
 * multiple ack is wire-legal AMQP 0-9-1 and the broker's bookkeeping is the same: a delivery not acked yet (by tag
 * order below the acked one, since nothing outstanding is) stays unacked and is requeued when the channel or the
 * connection goes away. Rejects are sent at once, so a later multiple ack never covers a delivery meant to be
 * rejected.
 *
 * Delivery tags on a channel count up from 1 in delivery order, so "outstanding below the tag" is decided from the
 * list of delivered, unsettled tags.
 */
export class AckBatcher {
  /** Delivered tags in delivery order from `head` on; those in `settledEarly` are settled (removed lazily). */
  private tags: number[] = [];
  private head = 0;
  private readonly settledEarly = new Set<number>();
  private pending: Message[] = [];
  private scheduled = false;
  private ackedThisTurn = false;
  private closed = false;
  private maxHeld: number;

  constructor(
    private readonly channel: Channel,
    prefetch: number,
  ) {
    this.maxHeld = heldFor(prefetch);
  }

  /** The channel's prefetch changed (`basic.qos`): a batch stays within a quarter of it. */
  setPrefetch(prefetch: number): void {
    this.maxHeld = heldFor(prefetch);
  }

  /** A delivery arrived on the channel (call in delivery order). */
  delivered(message: Message): void {
    this.tags.push(message.fields.deliveryTag);
  }

  /** Acks `message` with the batch (see the class); nothing is written within this call. */
  ack(message: Message): void {
    if (this.closed) return;
    this.settle(message.fields.deliveryTag);
    this.pending.push(message);
    this.ackedThisTurn = true;
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.onTurn);
    }
  }

  private readonly onTurn = (): void => {
    this.scheduled = false;
    if (this.ackedThisTurn && this.pending.length < this.maxHeld && !this.closed) {
      this.ackedThisTurn = false;
      this.scheduled = true;
      setImmediate(this.onTurn);
      return;
    }
    this.flush();
  };

  /** Rejects `message` now (throws as amqplib's `reject` throws). */
  reject(message: Message, requeue: boolean): void {
    this.channel.reject(message, requeue);
    this.settle(message.fields.deliveryTag);
  }

  /** Sends the acks of this turn: one multiple ack for those below every outstanding delivery, the rest one by one. */
  flush(): void {
    this.ackedThisTurn = false;
    if (this.closed || this.pending.length === 0) return;
    const pending = this.pending;
    this.pending = [];
    const lowestOutstanding = this.lowestOutstanding();
    let covering: Message | null = null;
    let covered = 0;
    try {
      for (const message of pending) {
        const tag = message.fields.deliveryTag;
        if (tag >= lowestOutstanding) this.channel.ack(message, false);
        else {
          covered++;
          if (covering === null || tag > covering.fields.deliveryTag) covering = message;
        }
      }
      if (covering !== null) this.channel.ack(covering, covered > 1);
    } catch {
      // The channel is closing (amqplib refuses writes): the broker requeues what it had not seen acked, and the
      // channel's close handler reports the loss.
    }
  }

  /** The channel is gone: the broker requeued everything unacked, acks not sent yet included. */
  close(): void {
    this.closed = true;
    this.pending = [];
  }

  private settle(tag: number): void {
    if (this.head < this.tags.length && this.tags[this.head] === tag) {
      this.head++;
      this.skipSettled();
    } else {
      this.settledEarly.add(tag);
      if (this.settledEarly.size >= COMPACT_AFTER) this.compact();
    }
    if (this.head > COMPACT_AFTER && this.head * 2 > this.tags.length) {
      this.tags = this.tags.slice(this.head);
      this.head = 0;
    }
  }

  private skipSettled(): void {
    while (this.head < this.tags.length && this.settledEarly.delete(this.tags[this.head]!)) this.head++;
  }

  private compact(): void {
    this.tags = this.tags.slice(this.head).filter((tag) => !this.settledEarly.has(tag));
    this.head = 0;
    this.settledEarly.clear();
  }

  private lowestOutstanding(): number {
    return this.head < this.tags.length ? this.tags[this.head]! : Number.POSITIVE_INFINITY;
  }
}

/** A quarter of the prefetch window, at least 1 (prefetch 0: no limit). */
function heldFor(prefetch: number): number {
  return prefetch <= 0 ? MAX_HELD_ACKS : Math.max(1, Math.min(MAX_HELD_ACKS, Math.floor(prefetch / 4)));
}
