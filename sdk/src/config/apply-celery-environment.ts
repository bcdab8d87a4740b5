import type { ImplementedSettingName } from "./implemented-celery-settings.js";

/**
 * The environment variables Celery reads over the configuration (celery/app/utils.py `Settings.broker_url` and
 * `Settings.result_backend`): a non-empty value replaces the configured setting.
 */
export const CELERY_ENVIRONMENT_SETTINGS: Readonly<Record<string, ImplementedSettingName>> = {
  CELERY_BROKER_URL: "broker_url",
  CELERY_RESULT_BACKEND: "result_backend",
};

/**
 * `settings` (by new names) with `CELERY_BROKER_URL` / `CELERY_RESULT_BACKEND` of `env` applied over them, as Celery
 * applies them: the environment beats the configuration file, command-line flags beat the environment. Empty
 * variables count as unset. Returns a new object; `settings` is not changed.
 */
export function applyCeleryEnvironment<T extends Readonly<Record<string, unknown>>>(settings: T, env: Readonly<Record<string, string | undefined>>): T {
  const result: Record<string, unknown> = { ...settings };
  for (const [variable, setting] of Object.entries(CELERY_ENVIRONMENT_SETTINGS)) {
    const value = env[variable];
    if (value !== undefined && value !== "") result[setting] = value;
  }
  return result as T;
}
