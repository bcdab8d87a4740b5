import os from "node:os";
import { resolveAcceptList } from "../../sdk/src/codec/body/content-types.js";
import { DEFAULT_BROKER_URL } from "../../sdk/src/client/compile-client-options.js";
import { CeleryProtoError } from "../../sdk/src/errors/celery-proto-error.js";
import type { QueueSpec } from "../../sdk/src/transport/queue-spec.js";
import { toResolvedCeleryConfig } from "../../sdk/src/config/celery-config.js";
import { isResolvedCeleryConfig } from "../../sdk/src/config/is-resolved-celery-config.js";
import { createQueueTable } from "../../sdk/src/routing/create-queue-table.js";
import { toRoutingSettings } from "../../sdk/src/routing/to-routing-settings.js";
import { applyWorkerConfig } from "./apply-worker-config.js";
import { loadMessageSigning } from "../../sdk/src/security/load-message-signing.js";
import { brokerFamily } from "./describe-broker.js";
import { expandNodeName } from "./expand-node-name.js";
import { parseLogLevel } from "./logging/log-level.js";
import { DEFAULT_SUCCESSFUL_REQUESTS_LIMITS, type SuccessfulRequestsLimits } from "./app/worker-state.js";
import { DEFAULT_WORKER_OPTIONS, type AutoscaleOptions, type CompiledAutoscale, type CompiledWorkerOptions, type WorkerOptions } from "./worker-options.js";
import type { WorkerTracingOptions } from "./tracing/tracing-options.js";

const KNOWN_OPTIONS: ReadonlySet<string> = new Set([
  "config",
  "broker",
  "backend",
  "brokerTransportOptions",
  "brokerUseSsl",
  "redisBackendUseSsl",
  "connectTimeoutMs",
  "brokerConnectionRetryOnStartup",
  "brokerConnectionMaxRetries",
  "connectSettingNames",
  "queues",
  "excludeQueues",
  "concurrency",
  "autoscale",
  "maxTasksPerChild",
  "maxMemoryPerChild",
  "timeLimit",
  "softTimeLimit",
  "prefetchMultiplier",
  "etaTaskLimit",
  "hostname",
  "pool",
  "events",
  "accept",
  "authLayout",
  "logLevel",
  "logger",
  "statedb",
  "heartbeat",
  "heartbeatCounts",
  "mingle",
  "gossip",
  "consumeTasks",
  "disableRateLimits",
  "registry",
  "outcomes",
  "eventDispatcher",
  "control",
  "processPool",
  "taskModule",
  "tracing",
]);

/**
 * Applies the defaults (and `CELERY_BROKER_URL` / `CELERY_RESULT_BACKEND`), checks every option and freezes the
 * result. A bad or unknown option is refused with `InvalidOption` naming it.
 */
export function compileWorkerOptions(given: WorkerOptions = {}, env: NodeJS.ProcessEnv = process.env): CompiledWorkerOptions {
  if (typeof given !== "object" || given === null) throw invalid("options", "must be an object");
  for (const key of Object.keys(given)) if (!KNOWN_OPTIONS.has(key)) throw invalid(key, `is not a worker option (known: ${[...KNOWN_OPTIONS].join(", ")})`);
  const config = toResolvedCeleryConfig(given.config);
  const queueTable = createQueueTable(toRoutingSettings(config.settings));
  const options = applyWorkerConfig(given, config, queueTable, env);
  const d = DEFAULT_WORKER_OPTIONS;
  const broker = options.broker ?? (env["CELERY_BROKER_URL"] || undefined) ?? DEFAULT_BROKER_URL;
  if (typeof broker === "string" ? broker.trim() === "" : typeof broker?.consume !== "function") throw invalid("broker", "must be a broker URL or a Transport");
  if (options.brokerTransportOptions !== undefined && (typeof broker !== "string" || brokerFamily(broker) !== "redis")) {
    throw invalid("brokerTransportOptions", "only a redis:// broker URL takes kombu transport options here (configure a Transport yourself for anything else)");
  }
  const connectTimeoutMs = options.connectTimeoutMs;
  if (connectTimeoutMs !== undefined && !(Number.isFinite(connectTimeoutMs) && connectTimeoutMs > 0))
    throw invalid("connectTimeoutMs", `must be a positive number of milliseconds, got ${String(connectTimeoutMs)}`);
  const maxRetries = options.brokerConnectionMaxRetries ?? d.brokerConnectionMaxRetries;
  if (!(maxRetries === Infinity || (Number.isSafeInteger(maxRetries) && maxRetries >= 0)))
    throw invalid("brokerConnectionMaxRetries", `must be an integer >= 0 or Infinity, got ${String(maxRetries)}`);
  const backend = options.backend === undefined ? ((env["CELERY_RESULT_BACKEND"] || undefined) ?? d.backend) : options.backend;
  if (backend !== null && typeof backend !== "string") throw invalid("backend", "must be a result backend URL or null");
  const autoscale = compileAutoscale(options.autoscale ?? d.autoscale);
  const pool = options.pool ?? d.pool;
  if (pool !== "async" && pool !== "process") throw invalid("pool", `must be "async" or "process", got ${JSON.stringify(pool)}`);
  const concurrency = autoscale?.max ?? options.concurrency ?? (pool === "async" ? d.asyncConcurrency : os.availableParallelism());
  if (!Number.isSafeInteger(concurrency) || concurrency < 1) throw invalid("concurrency", `must be an integer >= 1, got ${String(concurrency)}`);
  const prefetchMultiplier = options.prefetchMultiplier ?? d.prefetchMultiplier;
  if (!Number.isSafeInteger(prefetchMultiplier) || prefetchMultiplier < 0)
    throw invalid("prefetchMultiplier", `must be an integer >= 0 (0 = no prefetch limit), got ${String(prefetchMultiplier)}`);
  const etaTaskLimit = options.etaTaskLimit ?? d.etaTaskLimit;
  if (etaTaskLimit !== null && (!Number.isSafeInteger(etaTaskLimit) || etaTaskLimit < 1)) throw invalid("etaTaskLimit", "must be an integer >= 1 or null");
  const maxTasksPerChild = positiveIntegerOrNull("maxTasksPerChild", options.maxTasksPerChild ?? d.maxTasksPerChild);
  const maxMemoryPerChild = positiveIntegerOrNull("maxMemoryPerChild", options.maxMemoryPerChild ?? d.maxMemoryPerChild);
  for (const [name, value] of [
    ["maxTasksPerChild", maxTasksPerChild],
    ["maxMemoryPerChild", maxMemoryPerChild],
  ] as const) {
    // The async pool runs tasks in the worker process: there is no child to replace (Celery's threads and solo pools
    // ignore the setting silently; refusing says what was meant).
    if (value !== null && pool !== "process") throw invalid(name, 'replaces process-pool children: use it with pool: "process" (-P process)');
  }
  const timeLimit = secondsOrNull("timeLimit", options.timeLimit ?? d.timeLimit);
  const softTimeLimit = secondsOrNull("softTimeLimit", options.softTimeLimit ?? d.softTimeLimit);
  const hostnamePattern = options.hostname ?? d.hostname;
  if (typeof hostnamePattern !== "string" || hostnamePattern.trim() === "") throw invalid("hostname", "must be a non-empty node name such as name@host");
  const accept = options.accept ?? d.accept;
  if (!Array.isArray(accept) || accept.length === 0) throw invalid("accept", "must be a non-empty list of serializer names");
  try {
    resolveAcceptList(accept);
  } catch (e) {
    throw invalid("accept", CeleryProtoError.from(e).message);
  }
  const authLayout = options.authLayout ?? "5.5";
  if (authLayout !== "5.5" && authLayout !== "5.3") throw invalid("authLayout", 'must be "5.5" (Celery 5.5 and later) or "5.3" (Celery 5.3/5.4)');
  const signing = loadMessageSigning(accept, config.settings, authLayout);
  const logLevel = parseLogLevel(options.logLevel ?? d.logLevel);
  const statedb = options.statedb ?? d.statedb;
  if (statedb !== null && (typeof statedb !== "string" || statedb === "")) throw invalid("statedb", "must be a file path or null");
  for (const flag of ["events", "heartbeat", "mingle", "gossip", "disableRateLimits", "brokerConnectionRetryOnStartup"] as const) {
    const value = options[flag];
    if (value !== undefined && typeof value !== "boolean") throw invalid(flag, "must be true or false");
  }
  if (options.heartbeatCounts !== undefined && typeof options.heartbeatCounts !== "function")
    throw invalid("heartbeatCounts", "must be a function returning { active, processed }");
  if (options.control !== undefined && options.control !== false && typeof options.control !== "function")
    throw invalid("control", "must be a pidbox factory or false");
  if (options.processPool !== undefined && typeof options.processPool !== "function") throw invalid("processPool", "must be a pool factory");
  const taskModule = options.taskModule ?? null;
  if (taskModule !== null && (typeof taskModule !== "string" || taskModule === "")) throw invalid("taskModule", "must be the path of a task module or null");
  if (pool === "process" && taskModule === null && options.processPool === undefined) {
    throw invalid(
      "taskModule",
      'the process pool loads the tasks in its child processes: give the task module path (proto worker -A sets it), or use pool: "async"',
    );
  }
  return Object.freeze({
    config,
    configWarnings: given.config === undefined || isResolvedCeleryConfig(given.config) ? [] : config.warnings,
    queueTable,
    broker,
    backend: backend === "" ? null : backend,
    brokerTransportOptions: Object.freeze({ ...options.brokerTransportOptions }),
    brokerUseSsl: options.brokerUseSsl ?? false,
    redisBackendUseSsl: options.redisBackendUseSsl ?? null,
    connectTimeoutMs,
    brokerConnectionRetryOnStartup: options.brokerConnectionRetryOnStartup ?? d.brokerConnectionRetryOnStartup,
    brokerConnectionMaxRetries: maxRetries,
    connectSettingNames: Object.freeze({
      connectTimeout: options.connectSettingNames?.connectTimeout ?? "connectTimeoutMs",
      maxRetries: options.connectSettingNames?.maxRetries ?? "brokerConnectionMaxRetries",
      backend: options.connectSettingNames?.backend ?? "backend",
      brokerUseSsl: options.connectSettingNames?.brokerUseSsl ?? "brokerUseSsl",
      redisBackendUseSsl: options.connectSettingNames?.redisBackendUseSsl ?? "redisBackendUseSsl",
    }),
    queues: excludeQueues(compileQueues(options.queues ?? d.queues), options.excludeQueues),
    concurrency,
    autoscale,
    maxTasksPerChild,
    maxMemoryPerChild,
    timeLimit,
    softTimeLimit,
    prefetchMultiplier,
    etaTaskLimit,
    hostname: expandNodeName(hostnamePattern.trim()),
    pool,
    events: options.events ?? d.events,
    accept: Object.freeze([...accept]),
    verifier: signing.verifier,
    signer: signing.signer,
    logLevel,
    logger: options.logger ?? null,
    statedb,
    heartbeat: options.heartbeat ?? d.heartbeat,
    heartbeatCounts: options.heartbeatCounts ?? null,
    mingle: options.mingle ?? d.mingle,
    gossip: options.gossip ?? d.gossip,
    consumeTasks: options.consumeTasks ?? d.consumeTasks,
    disableRateLimits: options.disableRateLimits ?? d.disableRateLimits,
    registry: options.registry ?? null,
    outcomes: options.outcomes ?? null,
    eventDispatcher: options.eventDispatcher ?? null,
    control: options.control ?? null,
    processPool: options.processPool ?? null,
    taskModule,
    tracing: compileTracing(options.tracing),
    successfulRequests: successfulRequestsLimits(env),
  });
}

/** Celery reads the bounds of `successful_requests` from the environment (C:celery/worker/state.py). */
function successfulRequestsLimits(env: NodeJS.ProcessEnv): SuccessfulRequestsLimits {
  const d = DEFAULT_SUCCESSFUL_REQUESTS_LIMITS;
  return Object.freeze({
    maxlen: limitFromEnv(env, "CELERY_WORKER_SUCCESSFUL_MAX", d.maxlen, true),
    expiresSeconds: limitFromEnv(env, "CELERY_WORKER_SUCCESSFUL_EXPIRES", d.expiresSeconds, false),
  });
}

function limitFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number, integer: boolean): number {
  const text = env[name];
  if (text === undefined) return fallback;
  const value = text.trim() === "" ? Number.NaN : Number(text);
  const valid = integer ? Number.isSafeInteger(value) : Number.isFinite(value);
  if (!valid || value < 0) {
    const reason = `expected ${integer ? "an integer" : "a number"} >= 0 (0 = no limit), got ${JSON.stringify(text)}`;
    throw new CeleryProtoError("InvalidOption", `${name}: ${reason}`, { details: [{ path: `/env/${name}`, keyword: "env", message: reason }] });
  }
  return value;
}

function compileTracing(tracing: boolean | WorkerTracingOptions | undefined): WorkerTracingOptions | null {
  if (tracing === undefined || tracing === false) return null;
  if (tracing === true) return Object.freeze({ useSpanLinks: false });
  if (typeof tracing !== "object" || tracing === null) throw invalid("tracing", "must be true, false or { useSpanLinks }");
  if (tracing.useSpanLinks !== undefined && typeof tracing.useSpanLinks !== "boolean") throw invalid("tracing", "useSpanLinks must be a boolean");
  return Object.freeze({ useSpanLinks: tracing.useSpanLinks ?? false });
}

function compileQueues(queues: readonly (string | QueueSpec)[]): readonly QueueSpec[] {
  if (!Array.isArray(queues) || queues.length === 0) throw invalid("queues", "must name at least one queue");
  const specs = queues.map((q, i) => {
    const spec: QueueSpec = typeof q === "string" ? { name: q.trim() } : q;
    if (typeof spec?.name !== "string" || spec.name === "") throw invalid(`queues[${i}]`, "must be a non-empty queue name or a QueueSpec with a name");
    return Object.freeze({ ...spec });
  });
  const names = new Set(specs.map((s) => s.name));
  if (names.size !== specs.length) throw invalid("queues", "lists a queue twice");
  return Object.freeze(specs);
}

/** `-X`: the queues left once the excluded ones are taken out; at least one must remain. */
function excludeQueues(queues: readonly QueueSpec[], excluded: readonly string[] | undefined): readonly QueueSpec[] {
  if (excluded === undefined) return queues;
  if (!Array.isArray(excluded) || excluded.some((name) => typeof name !== "string")) throw invalid("excludeQueues", "must be a list of queue names");
  const drop = new Set(excluded.map((name) => name.trim()));
  const left = queues.filter((q) => !drop.has(q.name));
  if (left.length === 0)
    throw invalid("excludeQueues", `leaves no queue to consume (queues: ${queues.map((q) => q.name).join(", ")}; excluded: ${[...drop].join(", ")})`);
  return Object.freeze(left);
}

function compileAutoscale(autoscale: AutoscaleOptions | null): CompiledAutoscale | null {
  if (autoscale === null) return null;
  if (typeof autoscale !== "object") throw invalid("autoscale", "must be {max, min?, keepaliveSeconds?} or null");
  const { max, min = 0, keepaliveSeconds = DEFAULT_WORKER_OPTIONS.autoscaleKeepaliveSeconds } = autoscale;
  if (!Number.isSafeInteger(max) || max < 1) throw invalid("autoscale", `max must be an integer >= 1, got ${String(max)}`);
  if (!Number.isSafeInteger(min) || min < 0 || min > max) throw invalid("autoscale", `min must be an integer from 0 to max (${max}), got ${String(min)}`);
  if (typeof keepaliveSeconds !== "number" || !(keepaliveSeconds > 0)) throw invalid("autoscale", "keepaliveSeconds must be a number > 0");
  return Object.freeze({ max, min, keepaliveSeconds });
}

function positiveIntegerOrNull(option: string, value: number | null): number | null {
  if (value !== null && (!Number.isSafeInteger(value) || value < 1)) throw invalid(option, `must be an integer >= 1 or null, got ${String(value)}`);
  return value;
}

function secondsOrNull(option: string, value: number | null): number | null {
  if (value !== null && (typeof value !== "number" || !Number.isFinite(value) || value <= 0))
    throw invalid(option, `must be a number of seconds > 0 or null, got ${String(value)}`);
  return value;
}

function invalid(option: string, reason: string): CeleryProtoError {
  return new CeleryProtoError("InvalidOption", `${option}: ${reason}`, { details: [{ path: `/${option}`, keyword: "option", message: reason }] });
}
