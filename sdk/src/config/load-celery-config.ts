import { readFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parse as parseYaml } from "yaml";
import { CeleryProtoError } from "../errors/celery-proto-error.js";
import { ensureTypeScriptSupport, nativeTypeScriptHint } from "../modules/load-typescript-support.js";
import { type ResolvedCelerySettings, resolveCelerySettings } from "./resolve-celery-settings.js";
import { CELERY_PROTO_CONFIG_VARIABLE, resolveConfigSource } from "./resolve-config-source.js";

const DATA_EXTENSIONS = new Set([".json", ".yaml", ".yml"]);
const MODULE_EXTENSIONS = new Set([".js", ".mjs", ".cjs", ".ts", ".mts", ".cts"]);
const EXPECTED = "a .json, .yaml or .yml file of Celery settings, or a .js, .mjs, .cjs, .ts or .mts module exporting `config`";

export interface LoadCeleryConfigOptions {
  /** The configuration file or module (the `--config` flag); default: `CELERY_PROTO_CONFIG` of `env`, else none. */
  readonly file?: string | null | undefined;
  /** Default `process.env`: names the file (`CELERY_PROTO_CONFIG`) and overrides URLs (`CELERY_BROKER_URL`, `CELERY_RESULT_BACKEND`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Settings from command-line flags, over everything else. */
  readonly overrides?: Readonly<Record<string, unknown>>;
}

export interface LoadedCeleryConfig extends ResolvedCelerySettings {
  /** The absolute path of the configuration read, or null when none was given (Celery's defaults, env, overrides). */
  readonly source: string | null;
}

/**
 * The settings object of a configuration file or module, as written (not yet resolved): a `.json`, `.yaml` or `.yml`
 * file holding one object of Celery settings, or a JavaScript/TypeScript module exporting `config` (or a default
 * export object). TypeScript modules load through tsx installed next to them, or Node's type stripping.
 *
 * @throws CeleryProtoError `InvalidOption` naming the file: missing, unreadable, not JSON/YAML, no `config` export.
 */
export async function loadCelerySettings(source: string): Promise<Readonly<Record<string, unknown>>> {
  const file = path.resolve(source);
  const extension = path.extname(file).toLowerCase();
  let value: unknown;
  if (DATA_EXTENSIONS.has(extension)) value = await readDataFile(file, extension);
  else if (MODULE_EXTENSIONS.has(extension)) value = await importConfigModule(file);
  else throw new CeleryProtoError("InvalidOption", `config: ${file} is not ${EXPECTED}`);
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    const got = value === null ? "null" : Array.isArray(value) ? "a list" : typeof value;
    throw new CeleryProtoError("InvalidOption", `config: ${file} must hold one object of Celery settings ({"broker_url": ...}), got ${got}`);
  }
  return value as Readonly<Record<string, unknown>>;
}

/**
 * Everything an entry point needs: finds the configuration (`file`, else `CELERY_PROTO_CONFIG`), loads it and
 * resolves it with Celery's defaults, the environment and the overrides. Precedence: overrides (flags) >
 * environment (`CELERY_BROKER_URL`, `CELERY_RESULT_BACKEND`) > configuration > Celery's defaults. A refused value's
 * error names the file on a last line `(in <file>)`.
 */
export async function loadCeleryConfig(options: LoadCeleryConfigOptions = {}): Promise<LoadedCeleryConfig> {
  const env = options.env ?? process.env;
  const source = resolveConfigSource(options.file, env);
  const raw = source === null ? {} : await loadCelerySettings(source);
  const file = source === null ? null : path.resolve(source);
  try {
    return { ...resolveCelerySettings(raw, { env, overrides: options.overrides ?? {} }), source: file };
  } catch (e) {
    if (file === null || !CeleryProtoError.is(e)) throw e;
    throw new CeleryProtoError(e.code, `${e.message}\n(in ${file})`, { details: e.details, cause: e });
  }
}

async function readDataFile(file: string, extension: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    throw new CeleryProtoError("InvalidOption", `config: cannot read ${file}: ${(e as Error).message}`, { cause: e });
  }
  try {
    return extension === ".json" ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    const format = extension === ".json" ? "JSON" : "YAML";
    throw new CeleryProtoError("InvalidOption", `config: ${file} is not valid ${format}: ${(e as Error).message}`, { cause: e });
  }
}

async function importConfigModule(file: string): Promise<unknown> {
  try {
    await readFile(file);
  } catch (e) {
    throw new CeleryProtoError("InvalidOption", `config: cannot read ${file}: ${(e as Error).message}`, { cause: e });
  }
  const mode = await ensureTypeScriptSupport(file, undefined, { option: "config", flag: "--config" });
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (e) {
    throw new CeleryProtoError("InvalidOption", `config: importing ${file} failed: ${(e as Error).message}${nativeTypeScriptHint(mode)}`, { cause: e });
  }
  if (module["config"] !== undefined) return module["config"];
  const fallback = module["default"];
  if (typeof fallback === "object" && fallback !== null && !Array.isArray(fallback)) {
    const nested = (fallback as Record<string, unknown>)["config"];
    return nested !== undefined ? nested : fallback;
  }
  throw new CeleryProtoError(
    "InvalidOption",
    `config: ${file} exports no \`config\`: export the settings as \`export const config = { broker_url: ... }\` (or as the default export object)`,
  );
}

export { CELERY_PROTO_CONFIG_VARIABLE, resolveConfigSource };
