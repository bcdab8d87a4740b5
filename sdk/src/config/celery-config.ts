import type { CelerySettings } from "./celery-settings.js";
import { isResolvedCeleryConfig } from "./is-resolved-celery-config.js";
import { type ResolvedCelerySettings, resolveCelerySettings } from "./resolve-celery-settings.js";

/**
 * A configuration as the entry points take it (`createClient`, `createWorker`, the beat service): Celery settings by
 * Celery's names (old uppercase names too), or a configuration already loaded and resolved (`loadCeleryConfig`).
 */
export type CeleryConfigInput = CelerySettings | ResolvedCelerySettings;

/** Resolved settings for an entry point's `config` option: Celery's defaults when none is given. */
export function toResolvedCeleryConfig(input: CeleryConfigInput | undefined): ResolvedCelerySettings {
  if (input === undefined) return resolveCelerySettings({});
  if (isResolvedCeleryConfig(input)) return input;
  return resolveCelerySettings(input);
}
