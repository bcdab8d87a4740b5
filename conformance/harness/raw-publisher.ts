import amqplib from "amqplib";
import { Redis } from "ioredis";
import type { AmqpPublish } from "../../sdk/src/codec/amqp/encode-amqp-publish.js";
// The header typing only (PyFloat → double, bigint → long): publishing itself stays a plain amqplib call.
import { encodeFieldTable } from "../../sdk/src/transport/amqp/encode-field-table.js";

/**
 * Plain-client publishing for conformance tests: raw LPUSH and raw basic.publish, no Celery and no SDK transport,
 * so a test proves the codec's bytes alone are what a Python worker needs.
 */
export class RawRedisPublisher {
  readonly redis: Redis;
  constructor(url: string) {
    this.redis = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 2 });
  }
  async lpush(key: string, envelope: string): Promise<void> {
    await this.redis.lpush(key, envelope);
  }
  async close(): Promise<void> {
    await this.redis.quit();
  }
}

export class RawAmqpPublisher {
  private constructor(
    private readonly connection: amqplib.ChannelModel,
    readonly channel: amqplib.ConfirmChannel,
  ) {}

  static async connect(url: string): Promise<RawAmqpPublisher> {
    const connection = await amqplib.connect(url);
    const channel = await connection.createConfirmChannel();
    return new RawAmqpPublisher(connection, channel);
  }

  /** Declares a queue the way kombu declares Celery's default one: durable, bound to a direct exchange of its name. */
  async declareCeleryQueue(queue: string, args: Record<string, unknown> = {}): Promise<void> {
    await this.channel.assertExchange(queue, "direct", { durable: true, autoDelete: false });
    await this.channel.assertQueue(queue, { durable: true, exclusive: false, autoDelete: false, arguments: args });
    await this.channel.bindQueue(queue, queue, queue);
  }

  async publish(message: AmqpPublish): Promise<void> {
    const p = message.properties;
    await new Promise<void>((resolve, reject) => {
      this.channel.publish(
        message.exchange,
        message.routingKey,
        Buffer.from(message.body),
        {
          contentType: p.content_type,
          contentEncoding: p.content_encoding,
          correlationId: p.correlation_id,
          replyTo: p.reply_to === "" ? undefined : p.reply_to,
          deliveryMode: p.delivery_mode,
          priority: p.priority,
          expiration: p.expiration,
          headers: encodeFieldTable(p.headers ?? {}),
        },
        (err) => (err ? reject(err) : resolve()),
      );
    });
  }

  async close(): Promise<void> {
    await this.channel.close();
    await this.connection.close();
  }
}
