import type { EffectiveCelerySettings } from "../../../sdk/src/config/implemented-celery-settings.js";
import type { TaskOptions } from "./task-options.js";

/** What the configuration says about task options: worker-wide defaults, and `task_annotations` by task name. */
export interface ConfiguredTaskOptions {
  /** `task_acks_late`, `task_track_started`, ... as defaults of every task. */
  readonly defaults: TaskOptions;
  /** The annotations of one task, applied over the task's own options (Celery sets them on the task class). */
  annotationsOf(name: string): TaskOptions;
  /** Annotation attributes this worker cannot apply, one sentence each. */
  readonly warnings: readonly string[];
}

/** Celery task attributes (as `task_annotations` names them) → `TaskOptions`. */
const ANNOTATION_NAMES: Readonly<Record<string, keyof TaskOptions>> = {
  max_retries: "maxRetries",
  default_retry_delay: "defaultRetryDelay",
  retry_backoff: "retryBackoff",
  retry_backoff_max: "retryBackoffMax",
  retry_jitter: "retryJitter",
  acks_late: "acksLate",
  reject_on_worker_lost: "rejectOnWorkerLost",
  retry_on_worker_lost: "retryOnWorkerLost",
  acks_on_failure_or_timeout: "acksOnFailureOrTimeout",
  acks_on_failure: "acksOnFailure",
  acks_on_timeout: "acksOnTimeout",
  track_started: "trackStarted",
  ignore_result: "ignoreResult",
  store_errors_even_if_ignored: "storeErrorsEvenIfIgnored",
  rate_limit: "rateLimit",
  time_limit: "timeLimit",
  soft_time_limit: "softTimeLimit",
  serializer: "serializer",
  autoretry_for: "autoretryFor",
};

/**
 * The task options a configuration sets. Annotations follow Celery's `Task.annotate`: the first `task_annotations`
 * map naming the task, then the first one with `"*"`, each setting its attributes in turn (so `"*"` wins over the
 * task's own entry, as in Celery).
 */
export function taskOptionsFromConfig(settings: EffectiveCelerySettings): ConfiguredTaskOptions {
  const warnings: string[] = [];
  const defaults: TaskOptions = {
    acksLate: settings.task_acks_late,
    trackStarted: settings.task_track_started,
    ignoreResult: settings.task_ignore_result,
    acksOnFailureOrTimeout: settings.task_acks_on_failure_or_timeout,
    ...(settings.task_acks_on_failure === null ? {} : { acksOnFailure: settings.task_acks_on_failure }),
    ...(settings.task_acks_on_timeout === null ? {} : { acksOnTimeout: settings.task_acks_on_timeout }),
    ...(settings.task_reject_on_worker_lost === null ? {} : { rejectOnWorkerLost: settings.task_reject_on_worker_lost }),
    retryOnWorkerLost: settings.task_retry_on_worker_lost,
    ...(isResultSerializer(settings.result_serializer) ? { serializer: settings.result_serializer } : {}),
  };
  if (!isResultSerializer(settings.result_serializer)) {
    warnings.push(
      `result_serializer: ${JSON.stringify(settings.result_serializer)} is not one celery-proto writes (json, msgpack, yaml); results are written as json`,
    );
  }
  const raw = settings.task_annotations;
  const maps: readonly Readonly<Record<string, Readonly<Record<string, unknown>>>>[] = raw === null ? [] : Array.isArray(raw) ? raw : [raw as never];
  const converted = maps.map((map, i) =>
    Object.fromEntries(
      Object.entries(map).map(([task, attributes]) => [
        task,
        toTaskOptions(attributes, `task_annotations${maps.length > 1 ? `[${i}]` : ""}.${task}`, warnings),
      ]),
    ),
  );
  return {
    defaults,
    warnings,
    annotationsOf(name) {
      const exact = converted.find((map) => map[name] !== undefined)?.[name];
      const any = converted.find((map) => map["*"] !== undefined)?.["*"];
      return { ...exact, ...any };
    },
  };
}

function toTaskOptions(attributes: Readonly<Record<string, unknown>>, where: string, warnings: string[]): TaskOptions {
  const options: Record<string, unknown> = {};
  for (const [attribute, value] of Object.entries(attributes)) {
    const name = ANNOTATION_NAMES[attribute];
    if (name === undefined) warnings.push(`${where}.${attribute}: a task attribute celery-proto's worker does not implement; ignored`);
    else options[name] = value;
  }
  return options as TaskOptions;
}

function isResultSerializer(name: unknown): name is "json" | "msgpack" | "yaml" {
  return name === "json" || name === "msgpack" || name === "yaml";
}
