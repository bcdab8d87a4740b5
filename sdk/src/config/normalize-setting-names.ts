import { CeleryProtoError } from "../errors/celery-proto-error.js";
import { CELERY_SETTING_BY_NAME, NEW_SETTING_NAME_BY_OLD, OLD_SETTING_NAME_BY_NEW } from "./celery-setting-index.js";

/** The result of reading a configuration's names as Celery does. */
export interface NormalizedSettingNames {
  /** The settings by new names (a new name given next to its old one wins, as in Celery); unknown names as given. */
  readonly settings: Readonly<Record<string, unknown>>;
  /** The old names the configuration used (Celery deprecates them). */
  readonly oldNames: readonly string[];
}

/**
 * Maps old uppercase setting names to the new ones, refusing a mix of the two styles as Celery's `detect_settings`
 * (celery/app/utils.py) does: the style most names use wins (new on a tie), and every name of the other style is
 * listed with its rename unless the configuration also holds that rename. The message is Celery's.
 */
export function normalizeSettingNames(raw: Readonly<Record<string, unknown>>): NormalizedSettingNames {
  const have = new Set(Object.keys(raw));
  const inNew = [...have].filter((key) => CELERY_SETTING_BY_NAME.has(key));
  const inOld = [...have].filter((key) => NEW_SETTING_NAME_BY_OLD.has(key));
  const oldStyle = inOld.length > 0 && inOld.length > inNew.length;
  const left = oldStyle ? inNew : inOld;
  const convert = oldStyle ? OLD_SETTING_NAME_BY_NEW : NEW_SETTING_NAME_BY_OLD;
  const reallyLeft = left.filter((key) => !have.has(convert.get(key)!)).sort();
  if (reallyLeft.length > 0) {
    const renames = reallyLeft.map((key) => `${key.padEnd(36)} -> ${convert.get(key)!}`).join("\n");
    const message = oldStyle
      ? `Cannot mix new setting names with old setting names, please\nrename the following settings to use the old format:\n\n${renames}\n\nOr change all of the settings to use the new format :)`
      : `Cannot mix new and old setting keys, please rename the\nfollowing settings to the new format:\n\n${renames}`;
    throw new CeleryProtoError("InvalidOption", message, {
      details: reallyLeft.map((key) => ({ path: `/${key}`, keyword: "mixedSettingNames", message: `rename ${key} to ${convert.get(key)!}` })),
    });
  }
  const settings: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    const name = NEW_SETTING_NAME_BY_OLD.get(key);
    if (name === undefined) settings[key] = value;
    else if (!have.has(name)) settings[name] = value;
  }
  return { settings, oldNames: inOld.filter((key) => !have.has(NEW_SETTING_NAME_BY_OLD.get(key)!)) };
}
