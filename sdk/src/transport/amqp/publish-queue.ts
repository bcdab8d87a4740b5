import type { AmqpProperties } from "../../codec/amqp/amqp-message.js";
import type { CeleryProtoError } from "../../errors/celery-proto-error.js";
import type { PublishFrames } from "./encode-publish-frames.js";

/** One accepted `publish()` call, until the broker confirms it or it is refused. */
export interface PendingPublish {
  readonly exchange: string;
  readonly routingKey: string;
  readonly content: Buffer;
  /** The method, content-header (and small body) frames, encoded once when published. */
  readonly encoded: PublishFrames;
  /** The message's properties and the exchange's delivery mode, for amqplib's own publish when its internals differ. */
  readonly properties: AmqpProperties;
  readonly defaultDeliveryMode: 1 | 2 | undefined;
  readonly resolve: () => void;
  readonly reject: (error: CeleryProtoError) => void;
  /** How many publish channels closed (by a channel error) while this message was unconfirmed on them. */
  channelFailures: number;
}

/** A FIFO of publishes waiting to be written (O(1) at both ends; `unshiftAll` puts unconfirmed ones back in front). */
export class PublishQueue {
  private items: (PendingPublish | undefined)[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: PendingPublish): void {
    this.items.push(item);
  }

  shift(): PendingPublish | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined;
    this.head++;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** Puts `items` (in their order) before everything queued. */
  unshiftAll(items: readonly PendingPublish[]): void {
    if (items.length === 0) return;
    this.items = [...items, ...this.items.slice(this.head)];
    this.head = 0;
  }

  /** Empties the queue, returning what was in it. */
  drain(): PendingPublish[] {
    const out = this.items.slice(this.head).filter((x): x is PendingPublish => x !== undefined);
    this.items = [];
    this.head = 0;
    return out;
  }
}
