import { Args, Command, Flags } from "@oclif/core";
import { BeatService, type BeatLogLevel } from "../../../sdk/src/beat/beat-service.js";
import { type BeatStateStore, FileBeatStateStore } from "../../../sdk/src/beat/beat-state-store.js";
import { type BeatScheduleDefinition, beatScheduleFromSettings, loadBeatSchedule } from "../../../sdk/src/beat/load-beat-schedule.js";
import { RedisBeatLease } from "../../../sdk/src/beat/redis-beat-lease.js";
import { CeleryProtoError } from "../../../sdk/src/errors/celery-proto-error.js";
import { maskBrokerUrl } from "../../../sdk/src/transport/mask-broker-url.js";
import { configFlag } from "../config-flags.js";
import { connectClient } from "../connect-client.js";
import {
  CONNECTION_TIMEOUT_FLAG,
  CONNECTION_TIMEOUT_FLAG_NAME,
  DEFAULT_BROKER,
  loadBrokerFlagsConfig,
  parseConnectionTimeoutMs,
} from "../remote/connect-broker.js";

const LEVELS: readonly BeatLogLevel[] = ["DEBUG", "INFO", "WARNING", "ERROR"];

export default class BeatCommand extends Command {
  static override summary = "Send periodic tasks on a schedule, like celery beat (to Python or TypeScript workers).";
  static override description =
    "Reads a schedule file (JSON or YAML; schemas/json/beat-schedule.schema.json), or the configuration's beat_schedule, of interval and crontab entries and publishes " +
    "each due task with the normal Celery protocol. Last-run times and run counts are kept in --schedule-state; a run missed " +
    "during downtime fires once, then re-anchors. SIGHUP reloads the schedule file; SIGTERM/SIGINT stop cleanly. With " +
    "--lock, any number of beat processes elect one leader through a Redis lease and share their state in Redis, so each due " +
    "task is sent exactly once and a standby takes over within --lock-lease seconds when the leader dies.";
  static override examples = [
    "<%= config.bin %> beat beat-schedule.yaml --broker redis://localhost:6379/0 -l info",
    "<%= config.bin %> beat beat-schedule.json --schedule-state /var/lib/beat/state.json --lock redis://localhost:6379/0",
    "<%= config.bin %> beat --config celeryconfig.json -l info",
  ];
  static override args = {
    schedule: Args.string({ description: "schedule file (JSON or YAML) [default: the configuration's beat_schedule]", required: false }),
  };
  static override flags = {
    config: configFlag,
    broker: Flags.string({ char: "b", description: "broker URL (default: $CELERY_BROKER_URL, else the configuration's broker_url)" }),
    "schedule-state": Flags.string({
      char: "s",
      description: "state file (last run times, run counts); with --lock the state is kept in Redis instead",
      default: "celerybeat-schedule.json",
    }),
    "max-interval": Flags.string({ description: "longest sleep between schedule checks, seconds [default: beat_max_loop_interval, else 300]" }),
    lock: Flags.string({
      description:
        "Redis URL for leader election among several beats (state is then shared in Redis); connected at start-up within --broker-connection-timeout",
    }),
    "lock-key": Flags.string({ description: "Redis key of the lock (one per schedule)", default: "celery-proto:beat:lock" }),
    "lock-lease": Flags.string({ description: "lease seconds: a standby takes over at most this long after the leader dies", default: "10" }),
    loglevel: Flags.string({ char: "l", description: "DEBUG, INFO, WARNING or ERROR", default: "WARNING" }),
    ...CONNECTION_TIMEOUT_FLAG,
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(BeatCommand);
    const threshold = LEVELS.indexOf(flags.loglevel.toUpperCase() as BeatLogLevel);
    const log = (level: BeatLogLevel, message: string): void => {
      if (LEVELS.indexOf(level) < (threshold < 0 ? 1 : threshold)) return;
      process.stdout.write(`[${formatLogTime(new Date())}: ${level}/MainProcess] ${message}\n`);
    };
    let service: BeatService;
    let close: () => Promise<void>;
    let reloadSchedule: () => Promise<BeatScheduleDefinition> = async () => {
      throw new CeleryProtoError("InvalidOption", "schedule: not loaded yet");
    };
    try {
      const config = await loadBrokerFlagsConfig(flags);
      const configuredInterval = config.settings.beat_max_loop_interval;
      const maxInterval =
        flags["max-interval"] === undefined ? (configuredInterval > 0 ? configuredInterval : 300) : toSeconds(flags["max-interval"], "--max-interval");
      const loadSchedule = async (): Promise<BeatScheduleDefinition> => {
        if (args.schedule !== undefined) return loadBeatSchedule(args.schedule);
        if (Object.keys(config.settings.beat_schedule).length === 0) {
          throw new CeleryProtoError(
            "InvalidOption",
            "schedule: give a schedule file, or a configuration (--config, CELERY_PROTO_CONFIG) with beat_schedule entries",
          );
        }
        return beatScheduleFromSettings(config.settings);
      };
      reloadSchedule = loadSchedule;
      const schedule = await loadSchedule();
      const client = await connectClient(flags, null, {}, config);
      let store: BeatStateStore = new FileBeatStateStore(flags["schedule-state"]);
      let lease: RedisBeatLease | undefined;
      let lockConnected = false;
      if (flags.lock !== undefined) {
        const connectTimeoutMs = parseConnectionTimeoutMs(flags["broker-connection-timeout"]);
        lease = new RedisBeatLease({
          url: flags.lock,
          key: flags["lock-key"],
          leaseMs: atLeast(toSeconds(flags["lock-lease"], "--lock-lease"), MIN_LEASE_SECONDS, "--lock-lease") * 1000,
          ...(connectTimeoutMs === undefined ? {} : { connectTimeoutMs }),
          // Until connected, the failure below says it all.
          onError: (e) => {
            if (lockConnected) log("WARNING", `beat: lock connection: ${e.message}`);
          },
        });
        await lease.whenConnected({ connectTimeoutSetting: CONNECTION_TIMEOUT_FLAG_NAME, urlSetting: "--lock" });
        lockConnected = true;
        store = lease;
      }
      service = new BeatService({
        schedule,
        store,
        ...(lease === undefined ? {} : { lease }),
        maxIntervalSeconds: maxInterval,
        log,
        send: async (entry) => (await client.enqueue(entry.task, entry.args, entry.kwargs, entry.options)).id,
      });
      close = async () => {
        await lease?.close();
        await client.close();
      };
      process.stdout.write(
        `celery beat v${this.config.version} is starting.\n` +
          `LocalTime -> ${formatLogTime(new Date())}\nConfiguration ->\n` +
          `    . broker -> ${maskBrokerUrl(config.settings.broker_url ?? DEFAULT_BROKER)}\n` +
          `    . scheduler -> ${lease === undefined ? `file ${flags["schedule-state"]}` : `redis lease ${flags["lock-key"]}`}\n` +
          `    . timezone -> ${schedule.timeZone}\n    . maxinterval -> ${maxInterval} seconds\n`,
      );
    } catch (e) {
      process.stderr.write(`${CeleryProtoError.from(e, "InvalidOption").describe()}\n`);
      this.exit(1);
    }
    log("INFO", "beat: Starting...");
    process.on("SIGHUP", () => {
      reloadSchedule().then(
        (s) => service.reload(s),
        (e: unknown) => log("ERROR", `beat: schedule not reloaded: ${CeleryProtoError.from(e).describe()}`),
      );
    });
    const stop = (): void => {
      log("INFO", "beat: Shutting down...");
      service.stop();
    };
    process.on("SIGTERM", stop);
    process.on("SIGINT", stop);
    await service.run();
    await close();
    this.exit(0);
  }
}

/** RedisBeatLease's shortest lease (`leaseMs` >= 300). */
const MIN_LEASE_SECONDS = 0.3;

function atLeast(seconds: number, min: number, flag: string): number {
  if (seconds < min) throw new CeleryProtoError("InvalidOption", `${flag}: must be at least ${min} seconds, got ${seconds}`);
  return seconds;
}

function toSeconds(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new CeleryProtoError("InvalidOption", `${flag}: must be a number of seconds > 0, got ${JSON.stringify(text)}`);
  return n;
}

/** Python logging's asctime: `2025-01-31 04:00:00,123` (local time, as Celery logs). */
function formatLogTime(d: Date): string {
  const p = (n: number, w = 2): string => String(n).padStart(w, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())},${p(d.getMilliseconds(), 3)}`;
}
