/**
 * An AMQP message as celery-proto hands it around: the basic properties by their wire (snake_case) names, with
 * `headers` inside them as py-amqp exposes it, plus where it was delivered from.
 */
export interface AmqpMessage {
  readonly properties: AmqpProperties;
  readonly deliveryInfo?: { readonly exchange: string; readonly routingKey: string; readonly redelivered?: boolean } | null;
  readonly body: Uint8Array;
}

export interface AmqpProperties {
  readonly content_type?: string;
  readonly content_encoding?: string;
  readonly correlation_id?: string;
  readonly reply_to?: string;
  readonly delivery_mode?: number;
  readonly priority?: number;
  readonly expiration?: string;
  readonly headers?: Readonly<Record<string, unknown>> | null;
  readonly [other: string]: unknown;
}
