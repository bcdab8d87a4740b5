/** The environment variable that names the configuration when no `--config` / `config` option is given. */
export const CELERY_PROTO_CONFIG_VARIABLE = "CELERY_PROTO_CONFIG";

/** The configuration to read: the `--config` flag, else `CELERY_PROTO_CONFIG`, else null. Empty values count as unset. */
export function resolveConfigSource(flag: string | null | undefined, env: Readonly<Record<string, string | undefined>> = process.env): string | null {
  if (flag !== undefined && flag !== null && flag !== "") return flag;
  const fromEnv = env[CELERY_PROTO_CONFIG_VARIABLE];
  return fromEnv === undefined || fromEnv === "" ? null : fromEnv;
}
