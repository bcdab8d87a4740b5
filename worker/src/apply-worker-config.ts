import { brokerFamily } from "../../sdk/src/transport/broker-scheme.js";
import type { ResolvedCelerySettings } from "../../sdk/src/config/resolve-celery-settings.js";
import type { QueueTable } from "../../sdk/src/routing/create-queue-table.js";
import type { QueueSpec } from "../../sdk/src/transport/queue-spec.js";
import type { WorkerOptions } from "./worker-options.js";

/**
 * The worker options with what the configuration sets filled in where the options leave a field out, as `celery
 * worker` reads `app.conf`. Precedence: the options (flags) > `CELERY_BROKER_URL` / `CELERY_RESULT_BACKEND` > the
 * configuration > the worker's defaults. Queues: `-Q` names are looked up in the app's queue table (so a queue of
 * `task_queues` is declared with its exchange, routing key and arguments; a missing one is created as Celery does, or
 * refused with `task_create_missing_queues` off); without `-Q`, every queue of `task_queues`, else the default queue.
 */
export function applyWorkerConfig(options: WorkerOptions, config: ResolvedCelerySettings, table: QueueTable, env: NodeJS.ProcessEnv): WorkerOptions {
  const s = config.settings;
  const set = (name: string): boolean => config.configured.includes(name);
  const filled: Record<string, unknown> = {};
  const broker = options.broker ?? (env["CELERY_BROKER_URL"] || undefined) ?? s.broker_url ?? undefined;
  if (broker !== undefined) filled["broker"] = broker;
  if (options.backend === undefined) {
    const backend = (env["CELERY_RESULT_BACKEND"] || undefined) ?? s.result_backend ?? undefined;
    if (backend !== undefined) filled["backend"] = backend;
  }
  if (typeof broker === "string" && brokerFamily(broker) === "redis" && Object.keys(s.broker_transport_options).length > 0) {
    filled["brokerTransportOptions"] = s.broker_transport_options;
  }
  const sslNames: Record<string, string> = {};
  if (s.broker_use_ssl !== false) {
    filled["brokerUseSsl"] = s.broker_use_ssl;
    sslNames["brokerUseSsl"] = "broker_use_ssl";
  }
  if (s.redis_backend_use_ssl !== null) {
    filled["redisBackendUseSsl"] = s.redis_backend_use_ssl;
    sslNames["redisBackendUseSsl"] = "redis_backend_use_ssl";
  }
  if (Object.keys(sslNames).length > 0) filled["connectSettingNames"] = { ...sslNames, ...options.connectSettingNames };
  if (set("broker_connection_timeout")) filled["connectTimeoutMs"] = s.broker_connection_timeout * 1000;
  if (set("broker_connection_retry_on_startup") || set("broker_connection_retry")) {
    filled["brokerConnectionRetryOnStartup"] = s.broker_connection_retry_on_startup ?? s.broker_connection_retry;
  }
  if (set("broker_connection_max_retries")) filled["brokerConnectionMaxRetries"] = s.broker_connection_max_retries ?? Infinity;
  if (set("worker_concurrency") && s.worker_concurrency !== null && s.worker_concurrency > 0) filled["concurrency"] = s.worker_concurrency;
  if (set("worker_prefetch_multiplier")) filled["prefetchMultiplier"] = s.worker_prefetch_multiplier;
  if (set("worker_send_task_events")) filled["events"] = s.worker_send_task_events;
  if (set("accept_content")) filled["accept"] = s.accept_content;
  if (set("task_time_limit")) filled["timeLimit"] = s.task_time_limit;
  if (set("task_soft_time_limit")) filled["softTimeLimit"] = s.task_soft_time_limit;
  const fromConfig = Object.fromEntries(
    Object.entries(filled).filter(([key]) => key === "connectSettingNames" || (options as Record<string, unknown>)[key] === undefined),
  );
  // The setting names merge: the options' own win over those of the settings filled in here.
  const merged = fromConfig["connectSettingNames"] as WorkerOptions["connectSettingNames"];
  const names = merged === undefined ? {} : { connectSettingNames: merged };
  return { ...fromConfig, ...options, ...names, queues: consumedQueues(options.queues, table) };
}

function consumedQueues(queues: WorkerOptions["queues"], table: QueueTable): readonly (string | QueueSpec)[] {
  // Without -Q: the app's queues, which are task_queues, or the default queue when task_queues is empty.
  if (queues === undefined) return table.list();
  if (!Array.isArray(queues)) return queues;
  return queues.map((q) => (typeof q === "string" && q.trim() !== "" ? table.get(q.trim()) : q));
}
