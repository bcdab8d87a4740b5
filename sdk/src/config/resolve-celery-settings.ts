import { CeleryProtoError } from "../errors/celery-proto-error.js";
import { nearestName } from "../errors/nearest-name.js";
import { applyCeleryEnvironment } from "./apply-celery-environment.js";
import { CELERY_SETTING_BY_NAME, NEW_SETTING_NAME_BY_OLD } from "./celery-setting-index.js";
import { checkCelerySettingValue } from "./check-celery-setting-value.js";
import { CELERY_SETTINGS_TABLE } from "./gen/celery-settings-table.js";
import { type EffectiveCelerySettings, IMPLEMENTED_CELERY_SETTINGS, type ImplementedSettingName } from "./implemented-celery-settings.js";
import { normalizeSettingNames } from "./normalize-setting-names.js";

export interface ResolveCelerySettingsOptions {
  /**
   * The environment. Its `CELERY_BROKER_URL` and `CELERY_RESULT_BACKEND` (when not empty) override the configuration's
   * `broker_url` and `result_backend`, as in Celery. Default: no environment is read (pass `process.env` for Celery's
   * behaviour).
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * Settings that override the configuration and the environment: command-line flags. New or old names; `undefined`
   * values are skipped. Precedence: overrides > env > configuration > Celery's defaults.
   */
  readonly overrides?: Readonly<Record<string, unknown>>;
}

export interface ResolvedCelerySettings {
  readonly settings: EffectiveCelerySettings;
  /** What was ignored or deprecated, one sentence each, in the configuration's order. */
  readonly warnings: readonly string[];
  /** The settings the configuration, the environment or the overrides set (the others hold Celery's defaults), sorted. */
  readonly configured: readonly string[];
}

/**
 * Reads a configuration by Celery's setting names as Celery 5.7 does: old uppercase names are renamed (a mix of old
 * and new names is refused with Celery's message), every Celery setting the configuration leaves out takes Celery's
 * default (recorded from celery/app/defaults.py), and the values of the settings celery-proto implements are checked.
 * Unknown names and Celery settings celery-proto does not implement are kept, with a warning each.
 *
 * @throws CeleryProtoError `InvalidOption` naming the setting, for a mix of old and new names or a value of the wrong
 * shape (`task_queues/0/name: expected a non-empty string, got 3`).
 */
export function resolveCelerySettings(raw: unknown, options: ResolveCelerySettingsOptions = {}): ResolvedCelerySettings {
  if (!isRecord(raw)) {
    throw new CeleryProtoError("InvalidOption", `configuration: expected an object of Celery settings, got ${raw === null ? "null" : typeof raw}`);
  }
  const { settings: named, oldNames } = normalizeSettingNames(withoutUndefined(raw));
  const warnings: string[] = [];
  if (oldNames.length > 0) {
    const renames = oldNames.map((old) => `${old} -> ${NEW_SETTING_NAME_BY_OLD.get(old)!}`).join(", ");
    warnings.push(`old setting names are deprecated by Celery (scheduled for removal in 6.0); use the new names: ${renames}`);
  }
  let given: Record<string, unknown> = { ...named };
  if (options.env !== undefined) given = applyCeleryEnvironment(given, options.env);
  for (const [key, value] of Object.entries(withoutUndefined(options.overrides ?? {}))) {
    given[NEW_SETTING_NAME_BY_OLD.get(key) ?? key] = value;
  }

  const effective: Record<string, unknown> = {};
  for (const spec of CELERY_SETTINGS_TABLE) effective[spec.name] = spec.default;
  for (const [key, value] of Object.entries(given)) {
    const spec = CELERY_SETTING_BY_NAME.get(key);
    if (spec === undefined) {
      // An uppercase name was most likely meant as an old one (CELERY_ROUTE → CELERY_ROUTES).
      const candidates = key === key.toUpperCase() ? [...NEW_SETTING_NAME_BY_OLD.keys(), ...CELERY_SETTING_BY_NAME.keys()] : CELERY_SETTING_BY_NAME.keys();
      const nearest = nearestName(key, candidates);
      warnings.push(`${key}: not a Celery setting${nearest === null ? "" : ` (did you mean ${nearest}?)`}; ignored`);
    } else if (!IMPLEMENTED_CELERY_SETTINGS.has(key as ImplementedSettingName)) {
      warnings.push(`${key}: not implemented by celery-proto; ignored`);
    } else {
      checkCelerySettingValue(key as ImplementedSettingName, value);
      if (spec.deprecateBy !== undefined && value !== null) {
        const alternative = spec.alternative === undefined ? "" : `; use ${spec.alternative}`;
        warnings.push(`${key}: deprecated by Celery ${spec.deprecateBy} (removal in ${spec.removeBy ?? "a later version"})${alternative}`);
      }
    }
    effective[key] = value;
  }
  return {
    settings: deepFreeze(clonePlain(effective)) as EffectiveCelerySettings,
    warnings,
    configured: Object.keys(given).sort(),
  };
}

function withoutUndefined(record: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A copy of the arrays and plain objects in `value` (other values, e.g. functions of unknown settings, are kept). */
function clonePlain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(clonePlain);
  if (isRecord(value) && [Object.prototype, null].includes(Object.getPrototypeOf(value) as object | null)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, clonePlain(v)]));
  }
  return value;
}

function deepFreeze(value: unknown): unknown {
  if (Array.isArray(value) || (isRecord(value) && [Object.prototype, null].includes(Object.getPrototypeOf(value) as object | null))) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
