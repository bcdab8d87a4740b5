import { Flags } from "@oclif/core";
import { type LoadedCeleryConfig, loadCeleryConfig } from "../../sdk/src/config/load-celery-config.js";

/** `--config`: the Celery configuration every command reads (default: `CELERY_PROTO_CONFIG`). */
export const configFlag = Flags.string({
  description:
    "Celery settings by Celery's names (broker_url, task_routes, ...; old uppercase names too): a .json/.yaml file or a .js/.mjs/.cjs/.ts module exporting `config` [default: $CELERY_PROTO_CONFIG]",
  helpValue: "FILE",
});

const written = new Set<string>();

/**
 * Loads the configuration named by `--config` (else `CELERY_PROTO_CONFIG`) and resolves it with Celery's defaults,
 * `CELERY_BROKER_URL` / `CELERY_RESULT_BACKEND` and the settings given by flags (`overrides`, by Celery's names;
 * `undefined` values are skipped). Each warning goes to stderr once per process as `celery-proto: warning: <text>`.
 *
 * @throws CeleryProtoError `InvalidOption` for an unreadable configuration or a refused value.
 */
export async function loadCommandConfig(
  flagValue: string | undefined,
  overrides: Readonly<Record<string, unknown>> = {},
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<LoadedCeleryConfig> {
  const loaded = await loadCeleryConfig({ file: flagValue, env, overrides });
  writeConfigWarnings(loaded.warnings);
  return loaded;
}

/** Writes each configuration warning to stderr once per process, as `celery-proto: warning: <text>`. */
export function writeConfigWarnings(warnings: readonly string[]): void {
  for (const warning of warnings) {
    if (written.has(warning)) continue;
    written.add(warning);
    process.stderr.write(`celery-proto: warning: ${warning}\n`);
  }
}
