import amqplib from "amqplib";
import { Redis } from "ioredis";
import type { AmqpPublish } from "../../sdk/src/codec/amqp/encode-amqp-publish.js";
import { PyFloat } from "../../sdk/src/codec/json/python-values.js";

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
          headers: toAmqpTable(p.headers ?? {}) as Record<string, unknown>,
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

/** Marks floats Python must see as floats with amqplib's type trapdoor; everything else amqplib encodes as py-amqp reads it. */
function toAmqpTable(value: unknown): unknown {
  if (value instanceof PyFloat) return { "!": "double", value: value.value };
  if (Array.isArray(value)) return value.map(toAmqpTable);
  if (value !== null && typeof value === "object" && !(value instanceof Uint8Array)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toAmqpTable(v)]));
  }
  return value;
}
