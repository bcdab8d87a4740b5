import { createResultBackend } from "../results/create-result-backend.js";
import type { ResultBackend } from "../results/result-backend.js";
import { isResolvedCeleryConfig } from "../config/is-resolved-celery-config.js";
import { resolveConfigSource } from "../config/resolve-config-source.js";
import type { ResolvedCelerySettings } from "../config/resolve-celery-settings.js";
import { brokerFamily } from "../transport/broker-scheme.js";
import { createTransport } from "../transport/create-transport.js";
import { CeleryClient } from "./celery-client.js";
import { Client } from "./client.js";
import type { ClientOptions } from "./client-options.js";
import { compileClientOptions } from "./compile-client-options.js";

/**
 * Connects a producer. URLs are Celery's (`broker_url`, `result_backend`), defaulting to the CELERY_BROKER_URL and
 * CELERY_RESULT_BACKEND environment variables. Rejects within `connectTimeoutMs` (default 4 s) when the broker or a
 * Redis result backend cannot be reached, naming the server. Only the modules of the brokers named are loaded.
 *
 *     const client = await createClient({ broker: "redis://localhost:6379/0", backend: "redis://localhost:6379/1" });
 *     const result = await client.enqueue("tasks.add", [2, 3]);
 *     console.log(await result.get({ timeoutMs: 10_000 }));
 */
export async function createClient(options: ClientOptions = {}): Promise<Client> {
  const file = typeof options.config === "string" ? options.config : options.config === undefined ? resolveConfigSource(undefined) : null;
  // The loader (YAML, TypeScript support) is loaded only when a file is named. CELERY_BROKER_URL and
  // CELERY_RESULT_BACKEND are applied by compileClientOptions, over the file.
  let config: ResolvedCelerySettings | undefined;
  if (file !== null) config = await (await import("../config/load-celery-config.js")).loadCeleryConfig({ file, env: {} });
  else if (options.config !== undefined && typeof options.config !== "string")
    config = isResolvedCeleryConfig(options.config)
      ? options.config
      : (await import("../config/resolve-celery-settings.js")).resolveCelerySettings(options.config);
  // What this call read or resolved is its to report (a configuration passed in resolved was reported by its loader).
  if (config !== undefined && config !== options.config) for (const warning of config.warnings) process.emitWarning(warning, { type: "CeleryProtoWarning" });
  const tracer = options.tracing === true ? await (await import("../tracing/create-otel-publish-tracer.js")).createOtelPublishTracer() : null;
  // Message signing is loaded only by a client that signs.
  const signs = options.signer === undefined && (options.serializer ?? config?.settings.task_serializer) === "auth";
  const signer = signs ? (await import("../security/message-signing.js")).loadMessageSigner(config?.settings ?? {}, options.authLayout) : options.signer;
  const compiled = compileClientOptions({ ...options, ...(config === undefined ? {} : { config }), ...(signer === undefined ? {} : { signer }) });
  const timeout = compiled.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: compiled.connectTimeoutMs };
  const ownsTransport = typeof compiled.broker === "string";
  const transportOptions =
    typeof compiled.broker === "string" && brokerFamily(compiled.broker) === "redis" && Object.keys(compiled.brokerTransportOptions).length > 0
      ? { transportOptions: compiled.brokerTransportOptions }
      : {};
  const ssl = { brokerUseSsl: compiled.brokerUseSsl, settingNames: { brokerUseSsl: "broker_use_ssl" } };
  const transport = typeof compiled.broker === "string" ? await createTransport(compiled.broker, { ...timeout, ...transportOptions, ...ssl }) : compiled.broker;
  let backend: ResultBackend;
  try {
    backend =
      compiled.backend === null || typeof compiled.backend === "string"
        ? await createResultBackend(compiled.backend, transport, compiled.resultExpires, {
            ...timeout,
            redisUseSsl: compiled.redisBackendUseSsl,
            redisUseSslSetting: "redis_backend_use_ssl",
          })
        : compiled.backend;
  } catch (e) {
    if (ownsTransport) await transport.close().catch(() => undefined);
    throw e;
  }
  return new Client(new CeleryClient(transport, backend, compiled, tracer));
}
