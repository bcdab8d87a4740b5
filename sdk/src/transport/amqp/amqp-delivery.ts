import type { Channel, ConsumeMessage } from "amqplib";
import type { RawTaskParts } from "../../codec/task/raw-task-parts.js";
import { CeleryProtoError } from "../../errors/celery-proto-error.js";
import type { Delivery } from "../transport.js";
import type { AckBatcher } from "./ack-batcher.js";
import { toRawTaskParts } from "./to-raw-task-parts.js";

/** What a delivery asks of the consumer it came from. */
export interface DeliverySource {
  /** The consumer's open channel now (null once it closed or was cancelled). */
  readonly openChannel: Channel | null;
}

/**
 * One message consumed from a queue, settled at most once, only on the channel it came from: once that channel is
 * gone the broker has requeued the message, and `ack()`/`reject()` reject with `TransportClosed`. With noAck, settling
 * does nothing. One object per message (no closures), as the worker holds one per task in the prefetch window.
 */
export class AmqpDelivery implements Delivery {
  readonly message: RawTaskParts;
  private settled = false;

  constructor(
    private readonly source: DeliverySource,
    private readonly channel: Channel,
    /** The channel's acks; null with noAck. */
    private readonly acks: AckBatcher | null,
    readonly queue: string,
    private readonly msg: ConsumeMessage,
  ) {
    this.message = toRawTaskParts(msg);
  }

  ack(): Promise<void> {
    const refused = this.claim();
    if (refused !== undefined) return refused;
    try {
      this.acks?.ack(this.msg);
      return Promise.resolve();
    } catch (e) {
      return this.failed(e);
    }
  }

  reject(requeue: boolean): Promise<void> {
    const refused = this.claim();
    if (refused !== undefined) return refused;
    try {
      this.acks?.reject(this.msg, requeue);
      return Promise.resolve();
    } catch (e) {
      return this.failed(e);
    }
  }

  /** Marks it settled; a promise to return instead when there is nothing to send or it cannot be sent. */
  private claim(): Promise<void> | undefined {
    // A second ack would make the broker close the channel.
    if (this.acks === null || this.settled) return Promise.resolve();
    this.settled = true;
    if (this.source.openChannel === this.channel) return undefined;
    return Promise.reject(
      new CeleryProtoError(
        "TransportClosed",
        `cannot settle a delivery from queue ${JSON.stringify(this.queue)}: its channel closed, and the broker has requeued it`,
      ),
    );
  }

  private failed(e: unknown): Promise<void> {
    return Promise.reject(
      new CeleryProtoError(
        "TransportClosed",
        `cannot settle a delivery from queue ${JSON.stringify(this.queue)}: ${e instanceof Error ? e.message : String(e)}`,
        {
          cause: e,
        },
      ),
    );
  }
}
