import type { Channel } from "amqplib";
import { CeleryProtoError } from "../../errors/celery-proto-error.js";
import { queueArguments, queueExchange, type ExchangeSpec, type QueueSpec } from "../queue-spec.js";
import { encodeFieldTable, type AmqplibFieldTable } from "./encode-field-table.js";

/** The exact arguments of one `exchange.declare`, as kombu's `Exchange.declare()` sends them. */
export interface ExchangeDeclaration {
  readonly name: string;
  readonly type: ExchangeSpec["type"];
  readonly durable: boolean;
  readonly autoDelete: boolean;
  readonly arguments: AmqplibFieldTable;
}

/** `queue.declare` (+ its exchange and `queue.bind`), as kombu's `Queue.declare()` sends them. */
export interface QueueDeclaration {
  readonly name: string;
  readonly durable: boolean;
  readonly exclusive: boolean;
  readonly autoDelete: boolean;
  readonly arguments: AmqplibFieldTable;
  /** null: no binding (the queue is reached through the default exchange only). */
  readonly exchange: ExchangeDeclaration | null;
  readonly routingKey: string;
  /** Arguments of the main `queue.bind` (kombu's `binding_arguments`). */
  readonly bindingArguments: AmqplibFieldTable;
  /** kombu's `bindings`: each declares its exchange (unless named `""`) and binds the queue, after the main binding. */
  readonly bindings: readonly BindingDeclaration[];
  /** kombu's `no_declare`: nothing is sent. */
  readonly noDeclare: boolean;
}

/** One extra binding of a queue (kombu's `binding.declare()` + `binding.bind()`). */
export interface BindingDeclaration {
  readonly exchange: ExchangeDeclaration;
  readonly routingKey: string;
  readonly arguments: AmqplibFieldTable;
}

/**
 * Resolves an exchange spec with kombu's defaults (`Exchange`: durable=True, auto_delete=False); argument values are
 * typed as py-amqp writes them. Refuses what kombu cannot declare either with `InvalidOption`.
 */
export function resolveExchangeDeclaration(spec: ExchangeSpec): ExchangeDeclaration {
  return {
    name: spec.name,
    type: spec.type,
    durable: spec.durable ?? true,
    autoDelete: spec.autoDelete ?? false,
    arguments: encodeFieldTable(spec.arguments ?? {}, "/arguments"),
  };
}

/**
 * Resolves a queue spec with Celery's defaults (durable, not exclusive, not auto-deleted, bound to a direct exchange
 * of its name with its name as routing key) and kombu's argument conversion (`queueArguments()`).
 */
export function resolveQueueDeclaration(spec: QueueSpec): QueueDeclaration {
  if (spec.name === "") throw new CeleryProtoError("InvalidOption", "name: a queue spec needs a name (server-named queues are not supported)");
  const exchange = queueExchange(spec);
  const args = queueArguments(spec);
  if (args["x-queue-type"] === "quorum" && (spec.durable === false || spec.autoDelete === true || spec.exclusive === true)) {
    throw new CeleryProtoError("InvalidOption", `queueType: quorum queue ${JSON.stringify(spec.name)} must be durable, not exclusive and not auto-deleted`);
  }
  return {
    name: spec.name,
    durable: spec.durable ?? true,
    exclusive: spec.exclusive ?? false,
    autoDelete: spec.autoDelete ?? false,
    arguments: encodeFieldTable(args, "/arguments"),
    exchange: exchange === null || exchange.name === "" ? null : resolveExchangeDeclaration(exchange),
    routingKey: spec.routingKey ?? spec.name,
    bindingArguments: encodeFieldTable(spec.bindingArguments ?? {}, "/bindingArguments"),
    bindings: (spec.bindings ?? []).map((b, i) => ({
      exchange: resolveExchangeDeclaration(b.exchange),
      routingKey: b.routingKey ?? "",
      arguments: encodeFieldTable(b.arguments ?? {}, `/bindings/${i}/arguments`),
    })),
    noDeclare: spec.noDeclare ?? false,
  };
}

/** `exchange.declare` with the resolved flags. The default exchange `""` cannot be declared; kombu skips it too. */
export async function declareAmqpExchange(channel: Channel, declaration: ExchangeDeclaration): Promise<void> {
  if (declaration.name === "") return;
  await channel.assertExchange(declaration.name, declaration.type, {
    durable: declaration.durable,
    autoDelete: declaration.autoDelete,
    internal: false,
    arguments: declaration.arguments,
  });
}

/**
 * kombu's `Queue.declare()`: the exchange, then `queue.declare`, then `queue.bind` with the routing key and the
 * binding arguments, then for each extra binding its exchange and a `queue.bind`. Nothing with `noDeclare`.
 */
export async function declareAmqpQueue(channel: Channel, declaration: QueueDeclaration): Promise<void> {
  if (declaration.noDeclare) return;
  if (declaration.exchange !== null) await declareAmqpExchange(channel, declaration.exchange);
  await channel.assertQueue(declaration.name, {
    durable: declaration.durable,
    exclusive: declaration.exclusive,
    autoDelete: declaration.autoDelete,
    arguments: declaration.arguments,
  });
  if (declaration.exchange !== null) await channel.bindQueue(declaration.name, declaration.exchange.name, declaration.routingKey, declaration.bindingArguments);
  for (const binding of declaration.bindings) {
    await declareAmqpExchange(channel, binding.exchange);
    await channel.bindQueue(declaration.name, binding.exchange.name, binding.routingKey, binding.arguments);
  }
}

/** Whether a declared queue is a quorum queue (which does not support global QoS). */
export function isQuorumDeclaration(declaration: QueueDeclaration): boolean {
  const type = declaration.arguments["x-queue-type"];
  return type === "quorum";
}
