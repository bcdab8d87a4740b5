import type { Channel } from "amqplib";
import { CeleryProtoError } from "../../errors/celery-proto-error.js";
import type { ExchangeBindSpec, QueueBindSpec } from "../binding-spec.js";
import { encodeFieldTable, type AmqplibFieldTable } from "./encode-field-table.js";

/** The exact arguments of one `queue.bind`. */
export interface QueueBindDeclaration {
  readonly queue: string;
  readonly exchange: string;
  readonly routingKey: string;
  readonly arguments: AmqplibFieldTable;
}

/** The exact arguments of one `exchange.bind` (`destination` receives from `source`). */
export interface ExchangeBindDeclaration {
  readonly destination: string;
  readonly source: string;
  readonly routingKey: string;
  readonly arguments: AmqplibFieldTable;
}

/** Checks a queue binding and types its arguments as py-amqp writes them. Refuses what RabbitMQ would with `InvalidOption`. */
export function resolveQueueBind(spec: QueueBindSpec): QueueBindDeclaration {
  named("queue", spec.queue);
  // The default exchange "" takes no bindings (RabbitMQ: 403 ACCESS_REFUSED).
  named("exchange", spec.exchange);
  return {
    queue: spec.queue,
    exchange: spec.exchange,
    routingKey: routingKeyOf(spec.routingKey),
    arguments: encodeFieldTable(spec.arguments ?? {}, "/arguments"),
  };
}

/** Checks an exchange-to-exchange binding and types its arguments as py-amqp writes them. */
export function resolveExchangeBind(spec: ExchangeBindSpec): ExchangeBindDeclaration {
  named("destination", spec.destination);
  named("source", spec.source);
  return {
    destination: spec.destination,
    source: spec.source,
    routingKey: routingKeyOf(spec.routingKey),
    arguments: encodeFieldTable(spec.arguments ?? {}, "/arguments"),
  };
}

/** `queue.bind`. */
export async function bindAmqpQueue(channel: Channel, declaration: QueueBindDeclaration): Promise<void> {
  await channel.bindQueue(declaration.queue, declaration.exchange, declaration.routingKey, declaration.arguments);
}

/** `exchange.bind`. */
export async function bindAmqpExchange(channel: Channel, declaration: ExchangeBindDeclaration): Promise<void> {
  await channel.bindExchange(declaration.destination, declaration.source, declaration.routingKey, declaration.arguments);
}

function named(field: string, value: unknown): void {
  if (typeof value !== "string" || value === "") throw new CeleryProtoError("InvalidOption", `${field}: a binding needs a non-empty name`);
}

function routingKeyOf(value: unknown): string {
  if (typeof value !== "string") throw new CeleryProtoError("InvalidOption", "routingKey: must be a string");
  return value;
}
