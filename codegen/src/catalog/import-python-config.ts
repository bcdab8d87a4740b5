import type { CelerySettings } from "../../../sdk/src/config/celery-settings.js";
import { CeleryProtoError } from "../../../sdk/src/errors/celery-proto-error.js";
import { type PythonAppOptions, runPythonAppScript } from "./run-python-script.js";

/** A value of the app's configuration that a JSON file cannot hold, left out of the settings. */
export interface LeftOutSetting {
  /** Where it was: the setting name, with an index or key (`task_routes[1]`, `beat_schedule['nightly']['options']['link']`). */
  readonly path: string;
  /** What it is and that it is left out. */
  readonly message: string;
}

export interface ImportedPythonConfig {
  /** The app's effective configuration by Celery's lowercase names, keys sorted (route maps keep their order). */
  readonly settings: CelerySettings;
  /** What could not be written, one entry per value left out. */
  readonly leftOut: readonly LeftOutSetting[];
}

/**
 * Imports a Celery app in Python and writes down what its `app.conf` resolves to, in the format of `CelerySettings`:
 * every Celery setting the project set or that differs from Celery's default, and always the resolved broker and
 * result backend URLs and the routing settings (`task_default_*`, `task_queues` as `app.amqp.queues` holds them,
 * `task_routes`). Old uppercase names are read through the new ones. Secrets are NOT masked.
 */
export async function importPythonConfig(options: PythonAppOptions): Promise<ImportedPythonConfig> {
  const document = await runPythonAppScript("describe_celery_config.py", options);
  if (!isRecord(document) || !isRecord(document["settings"]) || !Array.isArray(document["warnings"]))
    throw new CeleryProtoError("InvalidOption", `app: describe_celery_config.py printed no {settings, warnings} for ${options.app}`);
  const leftOut = document["warnings"].map((warning: unknown): LeftOutSetting => {
    if (!isRecord(warning) || typeof warning["path"] !== "string" || typeof warning["message"] !== "string")
      throw new CeleryProtoError("InvalidOption", `app: describe_celery_config.py printed a malformed warning: ${JSON.stringify(warning)}`);
    return { path: warning["path"], message: warning["message"] };
  });
  return { settings: document["settings"] as CelerySettings, leftOut };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
