import { CeleryProtoError } from "../errors/celery-proto-error.js";
import { SERIALIZERS } from "../codec/body/content-types.js";
import { COMPRESSION_MIME_TYPES } from "../codec/body/compression.js";
import { createQueueTable } from "../routing/create-queue-table.js";
import { createTaskRouter } from "../routing/create-task-router.js";
import type { RoutingSettings } from "../routing/routing-settings.js";
import { toRoutingSettings } from "../routing/to-routing-settings.js";
import { isResolvedCeleryConfig } from "../config/is-resolved-celery-config.js";
import { CLIENT_DEFAULT_SETTINGS, type ClientSettings } from "./client-default-settings.js";
import type { CompressionName } from "../codec/body/compression.js";
import type { TaskSerializerName } from "../codec/body/content-types.js";
import type { KombuRedisOptions } from "../transport/redis/kombu-redis-options.js";
import type { ClientOptions, CompiledClientOptions } from "./client-options.js";
import { toTaskRouters } from "./task-routes.js";

/** Celery's default broker URL. */
export const DEFAULT_BROKER_URL = "amqp://guest:guest@localhost:5672//";

/**
 * Applies the configuration, the CELERY_BROKER_URL / CELERY_RESULT_BACKEND variables and Celery's defaults under the
 * options, checks, and freezes. A configuration given as a path must be loaded first (`createClient` does).
 */
export function compileClientOptions(options: ClientOptions = {}, env: NodeJS.ProcessEnv = process.env): CompiledClientOptions {
  const config = options.config;
  if (config !== undefined && (typeof config === "string" || !isResolvedCeleryConfig(config))) {
    throw invalid("config", "give a resolved configuration here (resolveCelerySettings, loadCeleryConfig); createClient takes files and raw settings too");
  }
  // Without a configuration, Celery's defaults of the settings a client reads: the settings table is not loaded.
  const s: ClientSettings = config?.settings ?? CLIENT_DEFAULT_SETTINGS;
  const configured = (name: string): boolean => config?.configured.includes(name) ?? false;
  const serializer = (options.serializer ?? s.task_serializer) as TaskSerializerName;
  if (!(serializer in SERIALIZERS) && serializer !== "auth")
    throw invalid("serializer", `unknown serializer ${JSON.stringify(serializer)}; use json, msgpack, yaml or auth`);
  const signer = options.signer ?? null;
  if (serializer === "auth" && signer === null) {
    throw invalid(
      "signer",
      "serializer 'auth' signs with a signer: createClient loads it from security_key and security_certificate; here give loadMessageSigner(settings) from celery-proto/security",
    );
  }
  const compression = (options.compression === undefined ? s.task_compression : options.compression) as CompressionName | null;
  if (compression !== null && !(compression in COMPRESSION_MIME_TYPES)) throw invalid("compression", `unknown compression ${JSON.stringify(compression)}`);
  const routingQueue = options.routing?.task_default_queue;
  if (options.defaultQueue !== undefined && routingQueue !== undefined && routingQueue !== options.defaultQueue) {
    throw invalid("defaultQueue", `conflicts with routing.task_default_queue (${JSON.stringify(routingQueue)}); give one of them`);
  }
  const base = toRoutingSettings(s);
  const defaultQueue = options.defaultQueue ?? routingQueue ?? base.task_default_queue;
  if (defaultQueue === "") throw invalid("defaultQueue", "must be a non-empty queue name");
  const resultExpires = options.resultExpires ?? s.result_expires ?? 86400;
  if (!(resultExpires >= 0)) throw invalid("resultExpires", "must be a number of seconds >= 0");
  const connectTimeoutMs = options.connectTimeoutMs ?? (configured("broker_connection_timeout") ? s.broker_connection_timeout * 1000 : undefined);
  if (connectTimeoutMs !== undefined && !(Number.isFinite(connectTimeoutMs) && connectTimeoutMs > 0))
    throw invalid("connectTimeoutMs", "must be a positive number of milliseconds");
  const queues = new Map((options.queues ?? []).map((q) => [q.name, q]));
  if (queues.size !== (options.queues ?? []).length) throw invalid("queues", "two queues share a name");
  const routing: RoutingSettings = Object.freeze({ ...base, ...options.routing, task_default_queue: defaultQueue });
  const queueTable = createQueueTable(routing, options.queues ?? []);
  const router = createTaskRouter(routing, queueTable, toTaskRouters(options.routes));
  return Object.freeze({
    broker: options.broker ?? (env["CELERY_BROKER_URL"] || undefined) ?? s.broker_url ?? DEFAULT_BROKER_URL,
    brokerTransportOptions: Object.freeze({ ...(s.broker_transport_options as KombuRedisOptions) }),
    brokerUseSsl: s.broker_use_ssl,
    redisBackendUseSsl: s.redis_backend_use_ssl,
    backend: options.backend === undefined ? ((env["CELERY_RESULT_BACKEND"] || undefined) ?? s.result_backend ?? null) : options.backend,
    defaultQueue,
    queues,
    routes: options.routes,
    routing,
    queueTable,
    router,
    serializer,
    signer,
    compression,
    jsonFlavor: options.jsonFlavor ?? "kombu5.3",
    sendSentEvent: options.sendSentEvent ?? s.task_send_sent_event,
    resultExpires,
    connectTimeoutMs,
  });
}

function invalid(option: string, reason: string): CeleryProtoError {
  return new CeleryProtoError("InvalidOption", `${option}: ${reason}`, { details: [{ path: `/${option}`, keyword: "option", message: reason }] });
}
