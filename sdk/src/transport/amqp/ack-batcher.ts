import type { Channel, Message } from "amqplib";

/** Settled tags kept out of order before the outstanding list is compacted (bounds memory behind a held delivery). */
const COMPACT_AFTER = 1024;

/**
 * The acks of one consumer channel, sent once per event-loop turn: every ack of the turn whose tag lies below the
 * lowest delivery still outstanding goes out as one `basic.ack` with `multiple=true` on the highest of them; an ack
 * above an outstanding delivery (a held ETA task, a task still running with acks_late) goes out on its own.
 *
 * Why: one `basic.ack` per message cost the worker a frame, an amqplib stream write and broker work per task; a turn
 * of a draining worker acks tens of messages in delivery order. kombu acks each message (`multiple=False`); a
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
  private closed = false;

  constructor(private readonly channel: Channel) {}

  /** A delivery arrived on the channel (call in delivery order). */
  delivered(message: Message): void {
    this.tags.push(message.fields.deliveryTag);
  }

  /** Acks `message` at the end of this event-loop turn (throws only if the channel refuses writes now). */
  ack(message: Message): void {
    if (this.closed) return;
    this.settle(message.fields.deliveryTag);
    this.pending.push(message);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Rejects `message` now (throws as amqplib's `reject` throws). */
  reject(message: Message, requeue: boolean): void {
    this.channel.reject(message, requeue);
    this.settle(message.fields.deliveryTag);
  }

  /** Sends the acks of this turn: one multiple ack for those below every outstanding delivery, the rest one by one. */
  flush(): void {
    this.scheduled = false;
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
