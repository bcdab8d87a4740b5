import type { Channel, ChannelModel, ConsumeMessage } from "amqplib";
import { CeleryProtoError } from "../../errors/celery-proto-error.js";
import type { ConsumeOptions, Consumer, Delivery } from "../transport.js";
import { AckBatcher } from "./ack-batcher.js";
import { AmqpDelivery, type DeliverySource } from "./amqp-delivery.js";

/** What a consumer needs from the transport that owns it. */
export interface ConsumerHost {
  /** Whether to set prefetch per channel (`global=true`, Celery's choice on RabbitMQ) for these queues. */
  useGlobalQos(queues: readonly string[]): boolean;
  reportError(error: Error): void;
  /** The consumer's channel closed while the connection stayed up (e.g. a channel error): open a new one. */
  onChannelLost(consumer: AmqpConsumer, model: ChannelModel): void;
  /** The consumer was cancelled by its owner. */
  onCancelled(consumer: AmqpConsumer): void;
}

/** Celery: a prefetch above 65535 means "no limit" (basic.qos prefetch_count is 16 bits). */
const MAX_PREFETCH = 65_535;

/**
 * One `consume()` call: a channel with `basic.qos(prefetch, global)` and one `basic.consume` per queue, as Celery's
 * consumer sets it up. Re-attached to every new connection (and to a new channel after a channel error) until
 * cancelled. A delivery can only be settled on the channel it came from: once that channel is gone the broker has
 * requeued the message, and `ack()`/`reject()` reject with `TransportClosed`.
 */
export class AmqpConsumer implements Consumer, DeliverySource {
  private channel: Channel | null = null;
  /** The acks of the open channel (unused with noAck). */
  private acks: AckBatcher | null = null;
  private cancelled = false;
  private failed: CeleryProtoError | null = null;
  private readonly queueList: string[];
  /** The prefetch now: `options.prefetch` until `setPrefetch` changes it; re-applied on every new channel. */
  private prefetch: number;

  constructor(
    queues: readonly string[],
    private readonly onDelivery: (delivery: Delivery) => void,
    private readonly options: ConsumeOptions,
    private readonly host: ConsumerHost,
  ) {
    this.queueList = [...queues];
    this.prefetch = options.prefetch;
  }

  get queues(): readonly string[] {
    return this.queueList;
  }

  /** The open channel its deliveries can be settled on (null while detached or once cancelled). */
  get openChannel(): Channel | null {
    return this.channel;
  }

  /** True while it has an open channel with its consumers on it. */
  get isAttached(): boolean {
    return this.channel !== null;
  }

  get isCancelled(): boolean {
    return this.cancelled;
  }

  /** The `globalQos` its `consume()` call asked for; undefined: the transport decides. */
  get globalQos(): boolean | undefined {
    return this.options.globalQos;
  }

  /** Opens a channel on `model`, sets QoS and starts `basic.consume` on every queue. */
  async attach(model: ChannelModel): Promise<void> {
    if (this.cancelled) return;
    const channel = await model.createChannel();
    const acks = new AckBatcher(channel, toQosCount(this.prefetch));
    let lost = false;
    let ready = false;
    channel.on("error", (e: Error) => {
      // During setup the refusal reaches the caller of attach(); afterwards it is only reportable.
      if (ready)
        this.host.reportError(
          new CeleryProtoError("TransportClosed", `consumer channel for ${this.queueList.join(", ")} closed by the broker: ${e.message}`, { cause: e }),
        );
    });
    channel.on("close", () => {
      lost = true;
      acks.close();
      if (this.channel === channel) this.channel = null;
      // A channel that dies while being set up is reported to the caller of attach() instead.
      if (ready && !this.cancelled) this.host.onChannelLost(this, model);
    });
    // Deliveries may arrive (and be acked) before the last basic.consume returns.
    this.channel = channel;
    this.acks = acks;
    try {
      if (!this.options.noAck) await channel.prefetch(toQosCount(this.prefetch), this.useGlobalQos());
      for (const queue of this.queueList) {
        await channel.consume(queue, (msg) => this.handle(channel, acks, queue, msg), { noAck: this.options.noAck ?? false });
      }
    } catch (e) {
      if (this.channel === channel) this.channel = null;
      if (!lost) await channel.close().catch(() => undefined);
      throw e;
    }
    if (this.cancelled) {
      if (this.channel === channel) this.channel = null;
      await channel.close().catch(() => undefined);
      return;
    }
    ready = true;
    if (lost) throw new CeleryProtoError("TransportClosed", `consumer channel for ${this.queueList.join(", ")} closed while starting`);
  }

  /** The connection is gone (its channels with it). */
  detach(): void {
    this.channel = null;
  }

  /** Why the transport gave up on this consumer (its queue is gone, the broker refuses it), if it did. */
  get failure(): CeleryProtoError | null {
    return this.failed;
  }

  /** Stops this consumer for good because the broker refuses it; `failure` tells why. */
  async fail(error: CeleryProtoError): Promise<void> {
    if (this.cancelled) return;
    this.failed = error;
    await this.cancel();
  }

  /** `basic.qos` again on the open channel (Celery's `QoS.set`); a later channel starts with the new value. */
  async setPrefetch(prefetch: number): Promise<void> {
    if (typeof prefetch !== "number" || !(prefetch >= 0))
      throw new CeleryProtoError("InvalidOption", `prefetch: must be a number >= 0 (0 = unlimited), got ${String(prefetch)}`);
    this.prefetch = prefetch;
    this.acks?.setPrefetch(toQosCount(prefetch));
    const channel = this.channel;
    if (channel === null || this.options.noAck) return;
    try {
      await channel.prefetch(toQosCount(prefetch), this.useGlobalQos());
    } catch (e) {
      throw new CeleryProtoError(
        "TransportClosed",
        `basic.qos on the consumer channel for ${this.queueList.join(", ")} failed: ${e instanceof Error ? e.message : String(e)}`,
        { cause: e },
      );
    }
  }

  async cancel(): Promise<void> {
    if (this.cancelled) return;
    this.cancelled = true;
    this.host.onCancelled(this);
    const channel = this.channel;
    this.channel = null;
    // Acks of this turn go out before the close; closing the channel cancels its consumers, and the broker requeues
    // whatever was delivered and not settled.
    this.acks?.flush();
    if (channel !== null) await channel.close().catch(() => undefined);
  }

  private useGlobalQos(): boolean {
    return this.options.globalQos ?? this.host.useGlobalQos(this.queueList);
  }

  private handle(channel: Channel, acks: AckBatcher, queue: string, msg: ConsumeMessage | null): void {
    if (msg === null) {
      // basic.cancel from the broker: the queue was deleted (or, for quorum queues, failed over).
      const i = this.queueList.indexOf(queue);
      if (i >= 0) this.queueList.splice(i, 1);
      this.host.reportError(new CeleryProtoError("TransportClosed", `the broker cancelled the consumer of queue ${JSON.stringify(queue)} (queue deleted?)`));
      return;
    }
    const noAck = this.options.noAck ?? false;
    if (!noAck) acks.delivered(msg);
    const delivery = new AmqpDelivery(this, channel, noAck ? null : acks, queue, msg);
    try {
      this.onDelivery(delivery);
    } catch (e) {
      this.host.reportError(e instanceof Error ? e : new Error(String(e)));
    }
  }
}

/** The basic.qos prefetch_count for a prefetch: above 65535 means no limit (0), as Celery's QoS does. */
function toQosCount(prefetch: number): number {
  return prefetch > MAX_PREFETCH ? 0 : Math.max(0, Math.trunc(prefetch));
}
