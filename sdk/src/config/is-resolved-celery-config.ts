import type { CelerySettings } from "./celery-settings.js";
import type { ResolvedCelerySettings } from "./resolve-celery-settings.js";

/** True for a configuration already resolved (`resolveCelerySettings`, `loadCeleryConfig`), false for raw settings. */
export function isResolvedCeleryConfig(input: CelerySettings | ResolvedCelerySettings): input is ResolvedCelerySettings {
  const candidate = input as Partial<ResolvedCelerySettings>;
  return typeof candidate.settings === "object" && candidate.settings !== null && Array.isArray(candidate.warnings) && Array.isArray(candidate.configured);
}
