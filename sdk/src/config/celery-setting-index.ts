import { CELERY_SETTINGS_TABLE, type CelerySettingSpec } from "./gen/celery-settings-table.js";

/** Every Celery setting by its (new) name. */
export const CELERY_SETTING_BY_NAME: ReadonlyMap<string, CelerySettingSpec> = new Map(CELERY_SETTINGS_TABLE.map((spec) => [spec.name, spec]));

/** Celery's `_TO_NEW_KEY`: old uppercase name → new name (`CELERY_ROUTES` → `task_routes`). */
export const NEW_SETTING_NAME_BY_OLD: ReadonlyMap<string, string> = new Map(CELERY_SETTINGS_TABLE.flatMap((spec) => spec.old.map((old) => [old, spec.name])));

/** Celery's `_TO_OLD_KEY`: new name → old uppercase name. */
export const OLD_SETTING_NAME_BY_NEW: ReadonlyMap<string, string> = new Map(
  CELERY_SETTINGS_TABLE.flatMap((spec) => spec.old.map((old) => [spec.name, old] as const)),
);
