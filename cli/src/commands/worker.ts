import path from "node:path";
import { Command, Flags } from "@oclif/core";
import { CeleryProtoError } from "../../../sdk/src/errors/celery-proto-error.js";
import { nameFlags } from "../name-flags.js";
import { parseTransportOptions } from "../parse-transport-options.js";
import { queueExchange } from "../../../sdk/src/transport/queue-spec.js";
import { createWorker } from "../../../worker/src/create-worker.js";
import { maskBrokerUrl } from "../../../sdk/src/transport/mask-broker-url.js";
import type { WorkerOptions } from "../../../worker/src/worker-options.js";
import { CONNECTION_TIMEOUT_FLAG_NAME, parseConnectionTimeoutMs } from "../remote/connect-broker.js";
import { loadTaskModule } from "../../../worker/src/load-task-module.js";
import { formatStartupBanner } from "../../../worker/src/logging/format-startup-banner.js";
import type { Worker } from "../../../worker/src/worker.js";

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
  prefetchMultiplier: "--prefetch-multiplier",
  broker: "--broker (-b)",
  backend: "--backend",
  brokerTransportOptions: "--broker-transport-options",
  statedb: "--statedb",
};

export default class WorkerCommand extends Command {
  static override summary = "Run a Celery worker for TypeScript task handlers.";
  static override description =
    "Consumes Celery task messages (from Python or TypeScript producers) and runs the handlers of the -A module, which exports " +
    'register(registry) or tasks = { "name": handler | { handler, options } }. The first SIGTERM/SIGINT is a warm shutdown ' +
    "(running tasks finish); a second one, or SIGQUIT, is a cold shutdown: running tasks are aborted and every message not yet " +
    "acknowledged is requeued (waiting, ETA and acks_late tasks); a running task acknowledged when it started (the default, " +
    "acks_late off) is not redelivered, as in Celery. A broker that cannot be reached at start-up is retried as Celery does (--broker-connection-max-retries), " +
    "and a signal stops the worker while it retries.";
  static override examples = [
    "<%= config.bin %> worker -A ./tasks.ts -l info --broker redis://localhost:6379/0 --backend redis://localhost:6379/1",
    "<%= config.bin %> worker -A ./dist/tasks.js -Q default,reports -c 8 -n reports@%h -E",
  ];
  static override flags = {
    app: Flags.string({ char: "A", description: "task module (path to a .js/.ts file) exporting register(registry) or tasks", required: true }),
    queues: Flags.string({ char: "Q", description: "comma-separated queues to consume", default: "celery" }),
    concurrency: Flags.integer({ char: "c", description: "simultaneous executions (default: number of CPUs)" }),
    hostname: Flags.string({ char: "n", description: "node name, name@host (%h, %n, %d expanded)", default: "celery@%h" }),
    "task-events": Flags.boolean({ char: "E", description: "send task events (for Flower, celery events)", default: false }),
    loglevel: Flags.string({ char: "l", description: "DEBUG, INFO, WARNING, ERROR or CRITICAL", default: "WARNING" }),
    pool: Flags.string({ char: "P", description: "where handlers run", options: ["async", "process"], default: "async" }),
    "prefetch-multiplier": Flags.integer({ description: "prefetch = concurrency × this (0 = no limit)", default: 4 }),
    broker: Flags.string({ char: "b", description: "broker URL", env: "CELERY_BROKER_URL" }),
    backend: Flags.string({
      description: "result backend URL (a Redis one must connect at start-up, within --broker-connection-timeout)",
      env: "CELERY_RESULT_BACKEND",
    }),
    "broker-transport-options": Flags.string({ description: 'kombu transport options as JSON, e.g. {"visibility_timeout": 3600}' }),
    "broker-connection-timeout": Flags.string({
      description: "seconds one attempt to connect to the broker (or the Redis result backend) may take (Celery's broker_connection_timeout) [default: 4]",
    }),
    "broker-connection-retry-on-startup": Flags.boolean({
      description:
        "retry a broker that cannot be reached at start-up, as Celery does (broker_connection_retry_on_startup); --no-broker-connection-retry-on-startup fails at once",
      default: true,
      allowNo: true,
    }),
    "broker-connection-max-retries": Flags.string({
      description: "start-up retries before giving up (broker_connection_max_retries); 'none' retries forever",
      default: "100",
    }),
    statedb: Flags.string({ description: "file keeping revoked task ids across restarts" }),
    "without-heartbeat": Flags.boolean({ description: "do not send worker heartbeat events", default: false }),
    "without-mingle": Flags.boolean({ description: "do not sync revoked ids with other workers at start", default: false }),
    "without-gossip": Flags.boolean({ description: "accepted for Celery compatibility (no gossip is done)", default: false }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(WorkerCommand);
    let worker: Worker;
    try {
      worker = createWorker({
        ...(flags.broker === undefined ? {} : { broker: flags.broker }),
        ...(flags.backend === undefined ? {} : { backend: flags.backend }),
        ...(flags["broker-transport-options"] === undefined ? {} : { brokerTransportOptions: parseTransportOptions(flags["broker-transport-options"]) }),
        ...WorkerCommand.connectionOptions(flags),
        queues: flags.queues
          .split(",")
          .map((q) => q.trim())
          .filter((q) => q !== ""),
        ...(flags.concurrency === undefined ? {} : { concurrency: flags.concurrency }),
        hostname: flags.hostname,
        events: flags["task-events"],
        logLevel: flags.loglevel,
        pool: flags.pool as "async" | "process",
        taskModule: flags.app,
        prefetchMultiplier: flags["prefetch-multiplier"],
        ...(flags.statedb === undefined ? {} : { statedb: flags.statedb }),
        heartbeat: !flags["without-heartbeat"],
        mingle: !flags["without-mingle"],
      });
      await loadTaskModule(flags.app, worker.registry);
    } catch (e) {
      process.stderr.write(`${CeleryProtoError.from(nameFlags(e, WORKER_FLAG_NAMES)).describe()}\n`);
      this.exit(1);
    }
    process.stdout.write(this.banner(worker, flags.app));
    let signals = 0;
    const onSignal = (cold: boolean): void => {
      signals += 1;
      if (cold || signals > 1) {
        process.stdout.write("worker: Cold shutdown (MainProcess)\n");
        void worker.stop({ cold: true });
      } else {
        process.stdout.write("worker: Warm shutdown (MainProcess)\n");
        void worker.stop();
      }
    };
    process.on("SIGTERM", () => onSignal(false));
    process.on("SIGINT", () => onSignal(false));
    process.on("SIGQUIT", () => onSignal(true));
    try {
      await worker.start();
    } catch (e) {
      // Stopped by a signal while it was still connecting: a normal shutdown.
      if (signals > 0) this.exit(0);
      worker.logger.critical(`Unrecoverable error: ${CeleryProtoError.from(nameFlags(e, WORKER_FLAG_NAMES)).describe()}`);
      this.exit(1);
    }
    // A broker socket keeps the process alive; memory:// has none, so hold it open until the worker stops.
    const keepAlive = setInterval(() => undefined, 1 << 30);
    await worker.stopped;
    clearInterval(keepAlive);
    this.exit(0);
  }

  /** The broker connection flags as worker options; errors and logs name the flags. */
  private static connectionOptions(flags: {
    readonly "broker-connection-timeout"?: string | undefined;
    readonly "broker-connection-retry-on-startup": boolean;
    readonly "broker-connection-max-retries": string;
  }): WorkerOptions {
    const connectTimeoutMs = parseConnectionTimeoutMs(flags["broker-connection-timeout"]);
    return {
      ...(connectTimeoutMs === undefined ? {} : { connectTimeoutMs }),
      brokerConnectionRetryOnStartup: flags["broker-connection-retry-on-startup"],
      brokerConnectionMaxRetries: parseMaxRetries(flags["broker-connection-max-retries"]),
      connectSettingNames: { connectTimeout: CONNECTION_TIMEOUT_FLAG_NAME, maxRetries: "--broker-connection-max-retries", backend: "--backend" },
    };
  }

  private banner(worker: Worker, app: string): string {
    const o = worker.options;
    return formatStartupBanner({
      hostname: worker.hostname,
      version: this.config.version,
      app: path.relative(process.cwd(), path.resolve(app)) || app,
      transport: typeof o.broker === "string" ? maskBrokerUrl(o.broker) : `${o.broker.kind}://`,
      results: o.backend === null ? "disabled://" : maskBrokerUrl(o.backend),
      concurrency: o.concurrency,
      pool: o.pool,
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
