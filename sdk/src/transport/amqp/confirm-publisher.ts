import type { Channel, ConfirmChannel } from "amqplib";
import { CeleryProtoError } from "../../errors/celery-proto-error.js";
import { createEncodedPublishSender, type EncodedPublishSender } from "./encoded-publish-sender.js";
import type { PendingPublish } from "./publish-queue.js";
import { toPublishOptions } from "./to-publish-options.js";

/** An AMQP error as amqplib reports a broker's `channel.close` (reply code and text). */
export type AmqpChannelError = Error & { readonly code?: number };

export interface PublisherHooks {
  /** The channel's write buffer drained: more can be sent. */
  onWritable(): void;
  /**
   * The channel closed. `unconfirmed` were written but never confirmed (in publish order); `channelError` is the
   * broker's reason when the broker closed the channel itself (e.g. 404 for a missing exchange), null when the
   * connection went away or the transport closed it.
   */
  onClosed(unconfirmed: PendingPublish[], channelError: AmqpChannelError | null): void;
}

/**
 * One publishing channel. With confirms (the default) it is a ConfirmChannel and a publish resolves on the broker's
 * `basic.ack`, rejects with `PublishRejected` on `basic.nack`; without, it resolves once written to the socket.
 * Respects amqplib's back-pressure (`publish()` returning false → wait for `drain`).
 */
export class ConfirmPublisher {
  private readonly inFlight = new Set<PendingPublish>();
  private writable = true;
  private closed = false;
  private channelError: AmqpChannelError | null = null;
  private idleWaiters: (() => void)[] = [];
  /** Writes pre-encoded frames; null when amqplib's internals differ (then every publish goes through amqplib). */
  private readonly sendEncoded: EncodedPublishSender | null;

  constructor(
    private readonly channel: Channel | ConfirmChannel,
    private readonly confirms: boolean,
    private readonly hooks: PublisherHooks,
  ) {
    this.sendEncoded = createEncodedPublishSender(channel, confirms);
    channel.on("error", (e: AmqpChannelError) => {
      this.channelError = e;
    });
    // Runs before amqplib's own 'close' listener fails every unconfirmed callback with "channel closed", so those
    // callbacks can tell a lost confirm (keep it for onClosed) from a nack.
    channel.prependListener("close", () => {
      this.closed = true;
    });
    channel.on("close", () => {
      const unconfirmed = [...this.inFlight];
      this.inFlight.clear();
      this.notifyIdle();
      this.hooks.onClosed(unconfirmed, this.channelError);
    });
    channel.on("drain", () => {
      this.writable = true;
      this.hooks.onWritable();
    });
  }

  /** True while the channel is open and its write buffer is below the high-water mark. */
  get canSend(): boolean {
    return !this.closed && this.writable;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  get unconfirmedCount(): number {
    return this.inFlight.size;
  }

  /**
   * Writes one message. Returns false when the channel is already closed (the caller keeps the message for the
   * next channel). A message amqplib cannot encode (e.g. headers over its 64 KiB table buffer) is rejected with
   * `EncodeError` and counts as handled.
   */
  send(p: PendingPublish): boolean {
    let ok: boolean;
    try {
      const sent =
        this.sendEncoded === null ? null : this.sendEncoded(p.encoded, p.content, this.confirms ? (err: unknown) => this.onConfirm(p, err) : undefined);
      ok = sent ?? this.publishThroughAmqplib(p);
    } catch (e) {
      if (this.closed || (e instanceof Error && e.name === "IllegalOperationError")) return false;
      p.reject(new CeleryProtoError("EncodeError", `the message could not be encoded for AMQP: ${e instanceof Error ? e.message : String(e)}`, { cause: e }));
      return true;
    }
    if (this.confirms) this.inFlight.add(p);
    else p.resolve();
    if (!ok) this.writable = false;
    return true;
  }

  /** amqplib's own publish: when its internals differ, or on a closed channel (it raises `IllegalOperationError`). */
  private publishThroughAmqplib(p: PendingPublish): boolean {
    const options = toPublishOptions(p.properties, p.defaultDeliveryMode);
    return this.confirms
      ? (this.channel as ConfirmChannel).publish(p.exchange, p.routingKey, p.content, options, (err: unknown) => this.onConfirm(p, err))
      : this.channel.publish(p.exchange, p.routingKey, p.content, options);
  }

  /** Resolves once every written message is confirmed (or the channel closed). */
  waitForConfirms(): Promise<void> {
    if (this.inFlight.size === 0 || this.closed) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    try {
      await this.channel.close();
    } catch {
      // Already closing or the connection is gone: the 'close' handler has run or will run.
    }
  }

  private onConfirm(p: PendingPublish, err: unknown): void {
    if (this.closed) return; // lost with the channel: handed to onClosed
    if (!this.inFlight.delete(p)) return;
    if (err === null || err === undefined) p.resolve();
    else
      p.reject(
        new CeleryProtoError(
          "PublishRejected",
          `the broker refused the message (basic.nack) published to exchange ${JSON.stringify(p.exchange)} with routing key ${JSON.stringify(p.routingKey)}`,
          { cause: err },
        ),
      );
    if (this.inFlight.size === 0) this.notifyIdle();
  }

  private notifyIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
