import { CeleryProtoError } from "../errors/celery-proto-error.js";
import { SERIALIZERS } from "../codec/body/content-types.js";
import { COMPRESSION_MIME_TYPES } from "../codec/body/compression.js";
import { createQueueTable } from "../routing/create-queue-table.js";
import { createTaskRouter } from "../routing/create-task-router.js";
import { CELERY_ROUTING_DEFAULTS, type RoutingSettings } from "../routing/routing-settings.js";
import type { ClientOptions, CompiledClientOptions } from "./client-options.js";
import { toTaskRouters } from "./task-routes.js";

/** Celery's default broker URL. */
export const DEFAULT_BROKER_URL = "amqp://guest:guest@localhost:5672//";

/** Applies Celery's defaults (and the CELERY_BROKER_URL / CELERY_RESULT_BACKEND variables), checks, and freezes. */
export function compileClientOptions(options: ClientOptions = {}, env: NodeJS.ProcessEnv = process.env): CompiledClientOptions {
  const serializer = options.serializer ?? "json";
  if (!(serializer in SERIALIZERS)) throw invalid("serializer", `unknown serializer ${JSON.stringify(serializer)}; use json, msgpack or yaml`);
  const compression = options.compression ?? null;
  if (compression !== null && !(compression in COMPRESSION_MIME_TYPES)) throw invalid("compression", `unknown compression ${JSON.stringify(compression)}`);
  const routingQueue = options.routing?.task_default_queue;
  if (options.defaultQueue !== undefined && routingQueue !== undefined && routingQueue !== options.defaultQueue) {
    throw invalid("defaultQueue", `conflicts with routing.task_default_queue (${JSON.stringify(routingQueue)}); give one of them`);
  }
  const defaultQueue = options.defaultQueue ?? routingQueue ?? "celery";
  if (defaultQueue === "") throw invalid("defaultQueue", "must be a non-empty queue name");
  const resultExpires = options.resultExpires ?? 86400;
  if (!(resultExpires >= 0)) throw invalid("resultExpires", "must be a number of seconds >= 0");
  const connectTimeoutMs = options.connectTimeoutMs;
  if (connectTimeoutMs !== undefined && !(Number.isFinite(connectTimeoutMs) && connectTimeoutMs > 0))
    throw invalid("connectTimeoutMs", "must be a positive number of milliseconds");
  const queues = new Map((options.queues ?? []).map((q) => [q.name, q]));
  if (queues.size !== (options.queues ?? []).length) throw invalid("queues", "two queues share a name");
  const routing: RoutingSettings = Object.freeze({ ...CELERY_ROUTING_DEFAULTS, ...options.routing, task_default_queue: defaultQueue });
  const queueTable = createQueueTable(routing, options.queues ?? []);
  const router = createTaskRouter(routing, queueTable, toTaskRouters(options.routes));
  return Object.freeze({
    broker: options.broker ?? env["CELERY_BROKER_URL"] ?? DEFAULT_BROKER_URL,
    backend: options.backend === undefined ? (env["CELERY_RESULT_BACKEND"] ?? null) : options.backend,
    defaultQueue,
    queues,
    routes: options.routes,
    routing,
    queueTable,
    router,
    serializer,
    compression,
    jsonFlavor: options.jsonFlavor ?? "kombu5.3",
    sendSentEvent: options.sendSentEvent ?? false,
    resultExpires,
    connectTimeoutMs,
  });
}

function invalid(option: string, reason: string): CeleryProtoError {
  return new CeleryProtoError("InvalidOption", `${option}: ${reason}`, { details: [{ path: `/${option}`, keyword: "option", message: reason }] });
}
