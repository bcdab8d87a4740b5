import { fork } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { Command, Flags } from "@oclif/core";
import { CeleryProtoError } from "../../../sdk/src/errors/celery-proto-error.js";
import { nameFlags } from "../name-flags.js";
import { parseTransportOptions } from "../parse-transport-options.js";
import { queueExchange } from "../../../sdk/src/transport/queue-spec.js";
import { createWorker } from "../../../worker/src/create-worker.js";
import { serveWorkerMetrics } from "../../../worker/src/metrics/serve-worker-metrics.js";
import { maskBrokerUrl } from "../../../sdk/src/transport/mask-broker-url.js";
import type { CompiledWorkerOptions, PidboxServices, WorkerOptions } from "../../../worker/src/worker-options.js";
import { CONNECTION_TIMEOUT_FLAG_NAME, parseConnectionTimeoutMs } from "../remote/connect-broker.js";
import { importTaskModule, loadTaskModule } from "../../../worker/src/load-task-module.js";
import { runSetupWorker } from "../../../worker/src/run-setup-worker.js";
import { beatScheduleFromSettings } from "../../../sdk/src/beat/load-beat-schedule.js";
import { resolveConfigSource } from "../../../sdk/src/config/resolve-config-source.js";
import { type ResolvedCelerySettings, resolveCelerySettings } from "../../../sdk/src/config/resolve-celery-settings.js";
import { configFlag, loadCommandConfig, writeConfigWarnings } from "../config-flags.js";
import { formatStartupBanner } from "../../../worker/src/logging/format-startup-banner.js";
import type { Worker } from "../../../worker/src/worker.js";
import { expandNodeName } from "../../../worker/src/expand-node-name.js";
import { type ConsumerCluster, startConsumerCluster } from "../../../worker/src/cluster/start-consumer-cluster.js";
import { CONSUMER_CHILD_ENV, type ConsumerChildSpec, formatConsumerChildSpec, readConsumerChildSpec } from "../../../worker/src/cluster/consumer-child-spec.js";
import { followNodeProcess } from "../../../worker/src/cluster/follow-node-process.js";
import { forwardingCommands } from "../../../worker/src/cluster/forwarding-commands.js";
import { serveConsumerControl } from "../../../worker/src/cluster/serve-consumer-control.js";
import { startBrokerPidbox } from "../../../worker/src/worker-defaults.js";
import { DEFAULT_WORKER_OPTIONS } from "../../../worker/src/worker-options.js";
import { parseLogLevel } from "../../../worker/src/logging/log-level.js";
import { createCeleryLogger } from "../../../worker/src/logging/worker-logger.js";
import { acquirePidfile, type Pidfile } from "../worker-flags/acquire-pidfile.js";
import { formatNodePath } from "../worker-flags/format-node-path.js";
import { openLogfile, type Logfile } from "../worker-flags/open-logfile.js";
import { parseAutoscale } from "../worker-flags/parse-autoscale.js";
import { startEmbeddedBeat, type EmbeddedBeat } from "../worker-flags/start-embedded-beat.js";

/** The flag behind each worker option the command sets (and `app:`, how task module errors begin). */
const WORKER_FLAG_NAMES: Readonly<Record<string, string>> = {
  app: "--app (-A)",
  taskModule: "--app (-A)",
  queues: "--queues (-Q)",
  concurrency: "--concurrency (-c)",
  hostname: "--hostname (-n)",
  events: "--task-events (-E)",
  logLevel: "--loglevel (-l)",
  pool: "--pool (-P)",
  authLayout: "--auth-layout",
  prefetchMultiplier: "--prefetch-multiplier",
  broker: "--broker (-b)",
  backend: "--backend",
  brokerTransportOptions: "--broker-transport-options",
  statedb: "--statedb",
  excludeQueues: "--exclude-queues (-X)",
  autoscale: "--autoscale",
  maxTasksPerChild: "--max-tasks-per-child",
  maxMemoryPerChild: "--max-memory-per-child",
  timeLimit: "--time-limit",
  softTimeLimit: "--soft-time-limit",
  tracing: "--otel",
  consumerProcesses: "--consumer-processes",
};

/** How `serveWorkerMetrics`' option errors name the flags. */
const METRICS_FLAG_NAMES: Readonly<Record<string, string>> = { port: "--metrics-port", host: "--metrics-host" };

/** `-O`: Celery's scheduling optimizations; this worker always hands a task to the first free execution, as `fair` does. */
const OPTIMIZATIONS = ["default", "fair"];

export default class WorkerCommand extends Command {
  static override summary = "Run a Celery worker for TypeScript task handlers.";
  static override description =
    "Consumes Celery task messages (from Python or TypeScript producers) and runs the handlers of the -A module, which exports " +
    'register(registry) or tasks = { "name": handler | { handler, options } }, and optionally setupWorker(worker), called before ' +
    "the worker starts, to subscribe to its lifecycle events (worker.on). The first SIGTERM/SIGINT is a warm shutdown " +
    "(running tasks finish); a second one, or SIGQUIT, is a cold shutdown: running tasks are aborted and every message not yet " +
    "acknowledged is requeued (waiting, ETA and acks_late tasks); a running task acknowledged when it started (the default, " +
    "acks_late off) is not redelivered, as in Celery. A broker that cannot be reached at start-up is retried as Celery does (--broker-connection-max-retries), " +
    "and a signal stops the worker while it retries.";
  static override examples = [
    "<%= config.bin %> worker -A ./tasks.ts -l info --broker redis://localhost:6379/0 --backend redis://localhost:6379/1",
    "<%= config.bin %> worker -A ./dist/tasks.js -Q default,reports -c 8 -n reports@%h -E",
    "<%= config.bin %> worker -A ./dist/tasks.js -P process --autoscale 10,2 --max-tasks-per-child 100 --time-limit 300",
    "<%= config.bin %> worker -A ./dist/tasks.js -c 50 --consumer-processes 2",
    "<%= config.bin %> worker -A ./tasks.ts -B --schedule beat-schedule.yaml --pidfile %n.pid --logfile %n%I.log",
  ];
  static override flags = {
    app: Flags.string({ char: "A", description: "task module (path to a .js/.ts file) exporting register(registry) or tasks", required: true }),
    config: configFlag,
    queues: Flags.string({
      char: "Q",
      description: "comma-separated queues to consume [default: every queue of task_queues, else task_default_queue (celery)]",
    }),
    concurrency: Flags.integer({ char: "c", description: "simultaneous executions (default: 50 with the async pool, the number of CPUs with -P process)" }),
    hostname: Flags.string({ char: "n", description: "node name, name@host (%h, %n, %d expanded)", default: "celery@%h" }),
    "task-events": Flags.boolean({ char: "E", description: "send task events (for Flower, celery events) [default: worker_send_task_events]" }),
    loglevel: Flags.string({ char: "l", description: "DEBUG, INFO, WARNING, ERROR or CRITICAL", default: "WARNING" }),
    pool: Flags.string({ char: "P", description: "where handlers run", options: ["async", "process"], default: "async" }),
    "consumer-processes": Flags.integer({
      description:
        "consumer processes under this one node name, to use more than one core: this process runs remote control, heartbeats, mingle and gossip and forks N children that consume the queues, each with 1/N of -c (and so of the prefetch); a child that dies is logged and replaced",
      default: 1,
      min: 1,
    }),
    "prefetch-multiplier": Flags.integer({ description: "prefetch = concurrency × this (0 = no limit) [default: worker_prefetch_multiplier, 4]" }),
    broker: Flags.string({ char: "b", description: "broker URL [default: $CELERY_BROKER_URL, else the configuration's broker_url]" }),
    backend: Flags.string({
      description: "result backend URL (a Redis one must connect at start-up, within --broker-connection-timeout)",
    }),
    "broker-transport-options": Flags.string({ description: 'kombu transport options as JSON, e.g. {"visibility_timeout": 3600}' }),
    "broker-connection-timeout": Flags.string({
      description: "seconds one attempt to connect to the broker (or the Redis result backend) may take (Celery's broker_connection_timeout) [default: 4]",
    }),
    "broker-connection-retry-on-startup": Flags.boolean({
      description:
        "retry a broker that cannot be reached at start-up, as Celery does (broker_connection_retry_on_startup); --no-broker-connection-retry-on-startup fails at once [default: true]",
      allowNo: true,
    }),
    "broker-connection-max-retries": Flags.string({
      description: "start-up retries before giving up (broker_connection_max_retries); 'none' retries forever [default: 100]",
    }),
    statedb: Flags.string({ description: "file keeping revoked task ids across restarts" }),
    "without-heartbeat": Flags.boolean({ description: "do not send worker heartbeat events", default: false }),
    "without-mingle": Flags.boolean({ description: "do not sync revoked ids with other workers at start", default: false }),
    "without-gossip": Flags.boolean({ description: "do not track the other workers from their events (no gossip queue)", default: false }),
    "auth-layout": Flags.string({
      description:
        "with task_serializer='auth': sign what the worker sends (replies, callbacks, retries) for Celery 5.5+ peers or Celery 5.3/5.4 peers (verifying reads both)",
      options: ["5.5", "5.3"],
      default: "5.5",
    }),
    "exclude-queues": Flags.string({ char: "X", description: "comma-separated queues not to consume (taken out of -Q)" }),
    autoscale: Flags.string({
      description: "MAX,MIN: grow the pool up to MAX executions under load, shrink to MIN after 30 s idle (worker_autoscaler); overrides -c",
    }),
    "max-tasks-per-child": Flags.integer({ description: "replace a pool process after this many tasks (worker_max_tasks_per_child; -P process)" }),
    "max-memory-per-child": Flags.integer({
      description: "replace a pool process whose resident memory is above this many KiB after a task (worker_max_memory_per_child; -P process)",
    }),
    "time-limit": Flags.string({ description: "hard time limit, seconds, for tasks that set none (task_time_limit)" }),
    "soft-time-limit": Flags.string({ description: "soft time limit, seconds, for tasks that set none (task_soft_time_limit)" }),
    optimization: Flags.string({ char: "O", description: "scheduling: default or fair (both hand a task to the first free execution)" }),
    beat: Flags.boolean({
      char: "B",
      description: "also run beat in this process (--schedule, else the configuration's beat_schedule), as celery worker -B",
      default: false,
    }),
    schedule: Flags.string({ description: "with -B: the beat schedule file (JSON or YAML, as proto beat reads) [default: the configuration's beat_schedule]" }),
    "schedule-state": Flags.string({ char: "s", description: "with -B: beat's state file (last run times)", default: "celerybeat-schedule.json" }),
    pidfile: Flags.string({ description: "write the pid here (%n, %h, %i expanded); refuse to start if it names a live process" }),
    logfile: Flags.string({ char: "f", description: "append the log to this file instead of stderr (%n, %h, %I expanded)" }),
    otel: Flags.boolean({
      description:
        "trace with OpenTelemetry as opentelemetry-instrumentation-celery does (needs @opentelemetry/api and an SDK registered before the worker starts, e.g. node --import ./otel-setup.js)",
      default: false,
    }),
    "otel-span-links": Flags.boolean({
      description: "with --otel: start each run span as a new trace linked to the producer's (use_span_links)",
      default: false,
    }),
    "metrics-port": Flags.integer({ description: "serve Prometheus metrics at http://<metrics-host>:<port>/metrics (off by default)" }),
    "metrics-host": Flags.string({
      description: "address of the metrics endpoint; 0.0.0.0 in a container (it has no authentication, hence loopback by default)",
      default: "127.0.0.1",
    }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(WorkerCommand);
    let worker: Worker;
    let consumerChild: ConsumerChildSpec | null = null;
    let cluster: ConsumerCluster | null = null;
    let clusterConcurrency = 0;
    let nodeStarted: () => void = () => undefined;
    const nodeStart = new Promise<void>((resolve) => {
      nodeStarted = resolve;
    });
    let config: ResolvedCelerySettings;
    let pidfile: Pidfile | null = null;
    let logfile: Logfile | null = null;
    try {
      if (flags["otel-span-links"] && !flags.otel) throw new CeleryProtoError("InvalidOption", "--otel-span-links: needs --otel");
      const app = await importTaskModule(flags.app);
      config = await WorkerCommand.loadConfig(flags.config, app.module.config, app.file);
      const extra = WorkerCommand.poolOptions(flags, config);
      consumerChild = readConsumerChildSpec(process.env);
      const clustered = consumerChild === null && flags["consumer-processes"] > 1;
      if (clustered && flags.autoscale !== undefined)
        throw new CeleryProtoError(
          "InvalidOption",
          "--consumer-processes: cannot be combined with --autoscale (give a fixed -c, shared out between the processes)",
        );
      // -c, else the configuration's worker_concurrency, else the pool's default: what one process would run.
      const configured = config.settings.worker_concurrency;
      clusterConcurrency =
        flags.concurrency ??
        (typeof configured === "number" && configured > 0
          ? configured
          : flags.pool === "process"
            ? os.availableParallelism()
            : DEFAULT_WORKER_OPTIONS.asyncConcurrency);
      const nodename = expandNodeName(flags.hostname);
      if (flags.logfile !== undefined) logfile = openLogfile(formatNodePath(flags.logfile, nodename));
      worker = createWorker({
        config,
        ...(flags.broker === undefined ? {} : { broker: flags.broker }),
        ...(flags.backend === undefined ? {} : { backend: flags.backend }),
        ...(flags["broker-transport-options"] === undefined ? {} : { brokerTransportOptions: parseTransportOptions(flags["broker-transport-options"]) }),
        ...WorkerCommand.connectionOptions(flags),
        ...(flags.queues === undefined ? {} : { queues: splitList(flags.queues) }),
        ...(flags.concurrency === undefined ? {} : { concurrency: flags.concurrency }),
        hostname: flags.hostname,
        ...(flags["task-events"] === undefined ? {} : { events: flags["task-events"] }),
        logLevel: flags.loglevel,
        pool: flags.pool as "async" | "process",
        taskModule: flags.app,
        ...(flags["prefetch-multiplier"] === undefined ? {} : { prefetchMultiplier: flags["prefetch-multiplier"] }),
        ...(flags.statedb === undefined ? {} : { statedb: flags.statedb }),
        ...(flags.otel ? { tracing: { useSpanLinks: flags["otel-span-links"] } } : {}),
        heartbeat: !flags["without-heartbeat"],
        mingle: !flags["without-mingle"],
        gossip: !flags["without-gossip"],
        authLayout: flags["auth-layout"] as "5.5" | "5.3",
        ...extra,
        // The node of --consumer-processes: consumes nothing; its pool stays idle (the children run the tasks).
        // Its remote control forwards what concerns consumption to the children and merges their replies.
        ...(clustered
          ? {
              consumeTasks: false,
              heartbeatCounts: () => cluster?.counts() ?? { active: 0, processed: 0 },
              pool: "async" as const,
              concurrency: clusterConcurrency,
              control: (services: PidboxServices) =>
                startBrokerPidbox(
                  services,
                  forwardingCommands(() => cluster),
                ),
            }
          : {}),
        // One of its children: consumes with its share of -c; the node does remote control, heartbeats, mingle, gossip.
        ...(consumerChild === null
          ? {}
          : { concurrency: consumerChild.concurrency, heartbeat: false, mingle: false, gossip: false, control: serveConsumerControl, statedb: null }),
        ...(logfile === null ? {} : { logger: createCeleryLogger({ level: parseLogLevel(flags.loglevel), write: logfile.write }) }),
      });
      await loadTaskModule(flags.app, worker.registry);
      await runSetupWorker(app.module, app.file, worker);
      if (flags["metrics-port"] !== undefined && consumerChild === null)
        await serveWorkerMetrics(worker, { port: flags["metrics-port"], host: flags["metrics-host"] }).catch((e: unknown) => {
          throw nameFlags(e, METRICS_FLAG_NAMES);
        });
      if (clustered) cluster = WorkerCommand.forkConsumers(flags["consumer-processes"], clusterConcurrency, worker, nodeStart);
      if (flags.pidfile !== undefined && consumerChild === null) pidfile = acquirePidfile(formatNodePath(flags.pidfile, nodename));
    } catch (e) {
      process.stderr.write(`${CeleryProtoError.from(nameFlags(e, WORKER_FLAG_NAMES)).describe()}\n`);
      this.exit(1);
    }
    if (consumerChild === null)
      process.stdout.write(this.banner(worker, flags.app, cluster === null ? {} : { pool: flags.pool, concurrency: clusterConcurrency }));
    let signals = 0;
    const onSignal = (cold: boolean): void => {
      signals += 1;
      const coldStop = cold || signals > 1;
      if (consumerChild === null) process.stdout.write(coldStop ? "worker: Cold shutdown (MainProcess)\n" : "worker: Warm shutdown (MainProcess)\n");
      // The node stops its consumers first (warm: their running tasks finish), then itself (worker-offline once).
      const consumersStopped = cluster?.stop({ cold: coldStop }) ?? Promise.resolve();
      void consumersStopped.then(() => worker.stop({ cold: coldStop }));
    };
    process.on("SIGTERM", () => onSignal(false));
    // A terminal's Ctrl-C reaches the whole process group: a consumer process stops when its node tells it to.
    process.on("SIGINT", () => consumerChild === null && onSignal(false));
    process.on("SIGQUIT", () => onSignal(true));
    const node = consumerChild === null ? null : followNodeProcess(worker, worker.logger);
    let beat: EmbeddedBeat | null = null;
    try {
      // The node first (remote control, mingle, heartbeats: its `ready.` means it answers), then its consumers, which
      // wait for the node's revoked ids (mingle's included) before they consume.
      if (cluster !== null) {
        await worker.start();
        nodeStarted();
        await cluster.ready;
      } else {
        await node?.syncRevoked();
        await worker.start();
      }
      node?.ready();
      if (flags.beat && consumerChild === null)
        beat = await startEmbeddedBeat({
          schedule: flags.schedule ?? beatScheduleFromSettings(config.settings),
          stateFile: flags["schedule-state"],
          broker: flags,
          config: withWorkerBroker(config, worker.options),
          logger: worker.logger,
        });
    } catch (e) {
      await cluster?.stop({ cold: true });
      await worker.stop();
      pidfile?.release();
      // Stopped by a signal while it was still connecting: a normal shutdown.
      if (signals > 0) this.exit(0);
      worker.logger.critical(`Unrecoverable error: ${CeleryProtoError.from(nameFlags(e, WORKER_FLAG_NAMES)).describe()}`);
      logfile?.close();
      this.exit(1);
    }
    // A broker socket keeps the process alive; memory:// has none, so hold it open until the worker stops.
    const keepAlive = setInterval(() => undefined, 1 << 30);
    await worker.stopped;
    // Also after the `shutdown` control command, which stops the node's worker.
    await cluster?.stop();
    await beat?.stop();
    clearInterval(keepAlive);
    pidfile?.release();
    logfile?.close();
    this.exit(0);
  }

  /** `--autoscale`, `--max-*-per-child`, `--time-limit`s, `-X`, `-O`, and `-B` needing `--schedule`, as worker options. */
  private static poolOptions(
    flags: {
      readonly autoscale?: string | undefined;
      readonly "max-tasks-per-child"?: number | undefined;
      readonly "max-memory-per-child"?: number | undefined;
      readonly "time-limit"?: string | undefined;
      readonly "soft-time-limit"?: string | undefined;
      readonly "exclude-queues"?: string | undefined;
      readonly optimization?: string | undefined;
      readonly beat: boolean;
      readonly schedule?: string | undefined;
    },
    config: ResolvedCelerySettings,
  ): WorkerOptions {
    if (flags.optimization !== undefined && !OPTIMIZATIONS.includes(flags.optimization))
      throw new CeleryProtoError("InvalidOption", `-O: must be one of ${OPTIMIZATIONS.join(", ")}, got ${JSON.stringify(flags.optimization)}`);
    if (flags.beat && flags.schedule === undefined && Object.keys(config.settings.beat_schedule).length === 0)
      throw new CeleryProtoError(
        "InvalidOption",
        "--schedule: -B runs beat in the worker, which needs a schedule file (JSON or YAML, as proto beat reads) or beat_schedule in the configuration",
      );
    return {
      ...(flags.autoscale === undefined ? {} : { autoscale: parseAutoscale(flags.autoscale) }),
      ...(flags["max-tasks-per-child"] === undefined ? {} : { maxTasksPerChild: flags["max-tasks-per-child"] }),
      ...(flags["max-memory-per-child"] === undefined ? {} : { maxMemoryPerChild: flags["max-memory-per-child"] }),
      ...(flags["time-limit"] === undefined ? {} : { timeLimit: parseSeconds(flags["time-limit"], "--time-limit") }),
      ...(flags["soft-time-limit"] === undefined ? {} : { softTimeLimit: parseSeconds(flags["soft-time-limit"], "--soft-time-limit") }),
      ...(flags["exclude-queues"] === undefined ? {} : { excludeQueues: splitList(flags["exclude-queues"]) }),
    };
  }

  /**
   * The app's configuration: `--config` (else `CELERY_PROTO_CONFIG`), else the task module's `config` export, else
   * Celery's defaults; `CELERY_BROKER_URL` / `CELERY_RESULT_BACKEND` over it. Warnings go to stderr once.
   */
  private static async loadConfig(flag: string | undefined, moduleConfig: unknown, moduleFile: string): Promise<ResolvedCelerySettings> {
    if (resolveConfigSource(flag) !== null || moduleConfig === undefined) return loadCommandConfig(flag);
    try {
      const resolved = resolveCelerySettings(moduleConfig, { env: process.env });
      writeConfigWarnings(resolved.warnings);
      return resolved;
    } catch (e) {
      const error = CeleryProtoError.from(e, "InvalidOption");
      throw new CeleryProtoError(error.code, `${error.message}\n(in the config export of ${moduleFile})`, { details: error.details, cause: e });
    }
  }

  /** The broker connection flags as worker options; errors and logs name the flags. */
  private static connectionOptions(flags: {
    readonly "broker-connection-timeout"?: string | undefined;
    readonly "broker-connection-retry-on-startup"?: boolean | undefined;
    readonly "broker-connection-max-retries"?: string | undefined;
  }): WorkerOptions {
    const connectTimeoutMs = parseConnectionTimeoutMs(flags["broker-connection-timeout"]);
    const retry = flags["broker-connection-retry-on-startup"];
    const maxRetries = flags["broker-connection-max-retries"];
    return {
      ...(connectTimeoutMs === undefined ? {} : { connectTimeoutMs }),
      ...(retry === undefined ? {} : { brokerConnectionRetryOnStartup: retry }),
      ...(maxRetries === undefined ? {} : { brokerConnectionMaxRetries: parseMaxRetries(maxRetries) }),
      connectSettingNames: { connectTimeout: CONNECTION_TIMEOUT_FLAG_NAME, maxRetries: "--broker-connection-max-retries", backend: "--backend" },
    };
  }

  /**
   * Forks the node's consumer processes: this same command (bin, arguments and Node flags), told by `CONSUMER_CHILD_ENV`
   * which child it is and its share of `-c`; they log to the same output. They consume once `nodeStart` resolved (the
   * node started), with its revoked ids.
   */
  private static forkConsumers(processes: number, concurrency: number, worker: Worker, nodeStart: Promise<void>): ConsumerCluster {
    const script = process.argv[1];
    if (script === undefined) throw new CeleryProtoError("InvalidOption", "--consumer-processes: cannot tell which script this process runs (process.argv[1])");
    return startConsumerCluster({
      processes,
      concurrency,
      logger: worker.logger,
      revoked: async () => {
        await nodeStart;
        return { revoked: worker.state.revoked.toJSON(), stamps: Object.fromEntries(worker.revokedStamps) };
      },
      fork: (spec) =>
        fork(script, process.argv.slice(2), {
          execArgv: process.execArgv,
          env: { ...process.env, [CONSUMER_CHILD_ENV]: formatConsumerChildSpec(spec) },
          stdio: ["ignore", "inherit", "inherit", "ipc"],
        }),
    });
  }

  private banner(worker: Worker, app: string, node: { readonly pool?: string; readonly concurrency?: number }): string {
    const o = worker.options;
    return formatStartupBanner({
      hostname: worker.hostname,
      version: this.config.version,
      app: path.relative(process.cwd(), path.resolve(app)) || app,
      transport: typeof o.broker === "string" ? maskBrokerUrl(o.broker) : `${o.broker.kind}://`,
      results: o.backend === null ? "disabled://" : maskBrokerUrl(o.backend),
      concurrency: node.concurrency ?? o.concurrency,
      pool: node.pool ?? o.pool,
      taskEvents: o.events,
      queues: o.queues.map((q) => {
        const exchange = queueExchange(q);
        return { name: q.name, exchange: exchange?.name ?? "", exchangeType: exchange?.type ?? "direct", routingKey: q.routingKey ?? q.name };
      }),
      tasks: worker.registry.names(),
      withTasks: worker.logger.isEnabledFor("INFO"),
    });
  }
}

/** `--broker-connection-max-retries`: an integer >= 0, or `none` (Celery's None) to retry forever. */
function parseMaxRetries(text: string): number {
  if (/^(none|inf|infinity)$/i.test(text.trim())) return Infinity;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0)
    throw new CeleryProtoError("InvalidOption", `--broker-connection-max-retries: must be an integer >= 0 or none, got ${JSON.stringify(text)}`);
  return n;
}

/** `a, b,,c` → `["a", "b", "c"]`. */
function splitList(text: string): string[] {
  return text
    .split(",")
    .map((q) => q.trim())
    .filter((q) => q !== "");
}

/** `--time-limit 1.5` → 1.5; refuses anything but a number of seconds > 0, naming `flag`. */
function parseSeconds(text: string, flag: string): number {
  const n = Number(text);
  if (text.trim() === "" || !Number.isFinite(n) || n <= 0)
    throw new CeleryProtoError("InvalidOption", `${flag}: must be a number of seconds > 0, got ${JSON.stringify(text)}`);
  return n;
}

/** The configuration with the broker the worker connected to (flags included), for what publishes beside it (`-B`). */
function withWorkerBroker(config: ResolvedCelerySettings, o: CompiledWorkerOptions): ResolvedCelerySettings {
  const timeout = o.connectTimeoutMs === undefined ? {} : { broker_connection_timeout: o.connectTimeoutMs / 1000 };
  return {
    ...config,
    settings: {
      ...config.settings,
      ...(typeof o.broker === "string" ? { broker_url: o.broker } : {}),
      broker_transport_options: { ...o.brokerTransportOptions },
      ...timeout,
    },
    configured: [...config.configured, ...Object.keys(timeout)],
  };
}
