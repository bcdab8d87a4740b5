/** Celery's `HIDDEN_SETTINGS` (celery/app/utils.py): a setting whose name matches is shown masked. */
export const HIDDEN_SETTINGS = /API|TOKEN|KEY|SECRET|PASS|PROFANITIES_LIST|SIGNATURE|DATABASE|BEAT_DBURI/i;

/** Celery's mask of a hidden value. */
export const HIDDEN_SETTING_MASK = "********";

/**
 * Settings as `celery report` shows them (Celery's `filter_hidden_settings`): objects are filtered recursively; a key
 * matching `HIDDEN_SETTINGS` has its value replaced by `********`; a key containing `broker_url` or `backend` has the
 * password of its URL(s) masked. Lists are shown as they are, as in Celery. Unlike kombu's `as_uri`, the URL is
 * otherwise kept as written (no default port added, no query dropped).
 */
export function filterHiddenSettings(settings: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(settings)) result[key] = censorValue(key, value);
  return result;
}

/** A URL with the password of each `;`-separated alternate replaced by `mask`; other values unchanged. */
export function maskUrlPassword(value: unknown, mask: string = HIDDEN_SETTING_MASK): unknown {
  if (typeof value !== "string" || !value.includes("://")) return value;
  return value
    .split(";")
    .map((part) => part.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^:@/]*):([^@/]*)@/i, (_, scheme: string, user: string) => `${scheme}${user}:${mask}@`))
    .join(";");
}

function censorValue(key: string, value: unknown): unknown {
  if (typeof value === "object" && value !== null && !Array.isArray(value)) return filterHiddenSettings(value as Record<string, unknown>);
  if (HIDDEN_SETTINGS.test(key)) return HIDDEN_SETTING_MASK;
  const lower = key.toLowerCase();
  if (lower.includes("broker_url") || lower.includes("backend")) return maskUrlPassword(value);
  return value;
}
