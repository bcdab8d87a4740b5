// celery-proto/config: a Celery app's configuration by Celery's setting names, read from a file or module and
// resolved as Celery 5.7 does (old names, defaults, checks). createClient, createWorker and every proto command take
// what this reads; it is a subpath of its own so that a producer without a configuration never loads it.
export { loadCeleryConfig, loadCelerySettings, resolveConfigSource, type LoadCeleryConfigOptions, type LoadedCeleryConfig } from "./load-celery-config.js";
export { resolveCelerySettings, type ResolveCelerySettingsOptions, type ResolvedCelerySettings } from "./resolve-celery-settings.js";
export { IMPLEMENTED_CELERY_SETTINGS, type EffectiveCelerySettings, type ImplementedSettingName } from "./implemented-celery-settings.js";
export { filterHiddenSettings } from "./filter-hidden-settings.js";
export type { CeleryConfigInput } from "./celery-config.js";
export type { CelerySettings, QueueSetting, ExchangeSetting, BindingSetting, RouteSetting, RouteMap, ExchangeType } from "./celery-settings.js";
