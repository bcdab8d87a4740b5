import { readFile } from "node:fs/promises";
import { parse as parseYaml } from "yaml";
import type { SendTaskOptions } from "../client/send-task-options.js";
import { safeRepr } from "../codec/repr/safe-repr.js";
import { REPR_MAXSIZE } from "../codec/task/create-task-message.js";
import { collectIssues } from "../codec/validate/assert-valid.js";
import { CeleryProtoError } from "../errors/celery-proto-error.js";
import type { BeatEntry, BeatEntryOptions, BeatScheduleFile } from "../gen/json-schema/types.js";
import { validateBeatScheduleFile } from "../gen/json-schema/beat-validators.js";
import { CrontabSchedule, parseCronExpression } from "./crontab-schedule.js";
import { IntervalSchedule } from "./interval-schedule.js";
import type { Schedule } from "./schedule-state.js";
import { SolarSchedule } from "./solar-schedule.js";
import { assertTimeZone } from "./zoned-wall-time.js";

/** One compiled schedule entry: what beat publishes, and when. */
export interface BeatEntryDefinition {
  readonly name: string;
  readonly task: string;
  readonly schedule: Schedule;
  readonly args: readonly unknown[];
  readonly kwargs: Readonly<Record<string, unknown>>;
  /** apply_async options, plus Celery 5.7 beat's `celery_beat_task: true` header. */
  readonly options: SendTaskOptions;
}

export interface BeatScheduleDefinition {
  readonly timeZone: string;
  /** Enabled entries, in file order. */
  readonly entries: readonly BeatEntryDefinition[];
}

/** Reads and compiles a beat schedule file (JSON or YAML, `schemas/json/beat-schedule.schema.json`). */
export async function loadBeatSchedule(file: string): Promise<BeatScheduleDefinition> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    throw new CeleryProtoError("InvalidOption", `schedule file ${JSON.stringify(file)} cannot be read: ${(e as Error).message}`, { cause: e });
  }
  let raw: unknown;
  try {
    raw = parseYaml(text); // YAML 1.2 is a superset of JSON: one parser for both
  } catch (e) {
    throw new CeleryProtoError("InvalidOption", `schedule file ${JSON.stringify(file)} is neither JSON nor YAML: ${(e as Error).message}`, { cause: e });
  }
  return compileBeatSchedule(raw, file);
}

/** Validates a parsed schedule file and compiles its schedules; errors name the entry and field. */
export function compileBeatSchedule(raw: unknown, what = "schedule file"): BeatScheduleDefinition {
  const issues = collectIssues(validateBeatScheduleFile, raw);
  if (issues.length > 0) {
    // A schedule is one of several shapes, so ajv reports every shape's complaint; lead with the one about a value.
    const shapeOnly = new Set(["required", "additionalProperties", "oneOf", "anyOf", "allOf"]);
    const sorted = [...issues.filter((i) => !shapeOnly.has(i.keyword)), ...issues.filter((i) => shapeOnly.has(i.keyword))];
    const first = sorted[0]!;
    throw new CeleryProtoError("InvalidOption", `${what} invalid: ${first.path || "/"} ${first.message}`, { details: sorted });
  }
  const file = raw as BeatScheduleFile;
  // Celery's app.timezone: the `timezone` setting, else UTC with enable_utc (the default), else the local zone.
  const timeZone = file.timezone ?? (file.enable_utc === false ? Intl.DateTimeFormat().resolvedOptions().timeZone : "UTC");
  assertTimeZone(timeZone);
  const entries: BeatEntryDefinition[] = [];
  for (const [name, entry] of Object.entries(file.entries)) {
    if (entry.enabled === false) continue;
    try {
      entries.push({
        name,
        task: entry.task,
        schedule: compileSchedule(entry, timeZone, file.cron_starting_deadline ?? null),
        args: entry.args ?? [],
        kwargs: entry.kwargs ?? {},
        options: {
          ...toSendTaskOptions(entry.options ?? {}),
          // Celery beat passes the entry's args as a list, so its argsrepr is `[1, 2]`, not apply_async's tuple `(1, 2)`.
          argsrepr: safeRepr(entry.args ?? [], { maxlen: REPR_MAXSIZE }),
        },
      });
    } catch (e) {
      const err = CeleryProtoError.from(e, "InvalidOption");
      throw new CeleryProtoError(err.code, `entries.${name}: ${err.message}`, { cause: e });
    }
  }
  return { timeZone, entries };
}

function compileSchedule(entry: BeatEntry, timeZone: string, deadline: number | null): Schedule {
  const s = entry.schedule;
  if ("every" in s) return new IntervalSchedule(s.every, { relative: s.relative ?? false, timeZone });
  if ("crontab" in s) return new CrontabSchedule(s.crontab, { timeZone, startingDeadlineSeconds: deadline });
  if ("cron" in s) return new CrontabSchedule(parseCronExpression(s.cron), { timeZone, startingDeadlineSeconds: deadline });
  return new SolarSchedule(s.solar, s.lat, s.lon);
}

function toSendTaskOptions(o: BeatEntryOptions): SendTaskOptions {
  return {
    ...(o.queue === undefined ? {} : { queue: o.queue }),
    ...(o.exchange === undefined ? {} : { exchange: o.exchange }),
    ...(o.routing_key === undefined ? {} : { routingKey: o.routing_key }),
    ...(o.priority === undefined ? {} : { priority: o.priority }),
    ...(o.expires === undefined ? {} : { expires: o.expires }),
    ...(o.countdown === undefined ? {} : { countdown: o.countdown }),
    ...(o.time_limit === undefined ? {} : { timeLimit: o.time_limit }),
    ...(o.soft_time_limit === undefined ? {} : { softTimeLimit: o.soft_time_limit }),
    ...(o.ignore_result === undefined ? {} : { ignoreResult: o.ignore_result }),
    ...(o.serializer === undefined ? {} : { serializer: o.serializer }),
    // Celery 5.7 beat marks every message it sends (C:celery/beat.py apply_async); 5.3 did not.
    headers: { ...(o.headers ?? {}), celery_beat_task: true },
  };
}

/**
 * The schedule a configuration holds (`beat_schedule`, in `timezone` / `enable_utc`), compiled as a schedule file
 * is; errors name `beat_schedule` and the entry.
 */
export function beatScheduleFromSettings(settings: {
  readonly beat_schedule?: unknown;
  readonly timezone?: string | null;
  readonly enable_utc?: boolean;
}): BeatScheduleDefinition {
  return compileBeatSchedule(
    {
      ...(settings.timezone === undefined || settings.timezone === null ? {} : { timezone: settings.timezone }),
      ...(settings.enable_utc === undefined ? {} : { enable_utc: settings.enable_utc }),
      entries: settings.beat_schedule ?? {},
    },
    "beat_schedule",
  );
}
