import { safeRepr } from "../../../sdk/src/codec/repr/safe-repr.js";
import { filterHiddenSettings, maskUrlPassword } from "../../../sdk/src/config/filter-hidden-settings.js";
import { CELERY_SETTINGS_VERSION } from "../../../sdk/src/config/gen/celery-settings-table.js";
import type { LoadedCeleryConfig } from "../../../sdk/src/config/load-celery-config.js";

export interface CeleryReportInput {
  readonly config: LoadedCeleryConfig;
  /** celery-proto's version. */
  readonly version: string;
  /** Every setting with its default too, instead of only those the configuration, environment or flags set. */
  readonly withDefaults?: boolean;
  /** Node (`process.version`), system (`process.platform`), architecture and kernel release (`os.release()`). */
  readonly runtime: { readonly node: string; readonly system: string; readonly arch: string; readonly kernel: string };
}

/**
 * `celery report`'s text (celery/app/utils.py `bugreport`): software and platform, the configuration file, the
 * transport and result backend, then a blank line and one `key: value` line per setting (Python repr, sorted),
 * secrets masked as Celery masks them (`filter_hidden_settings`). Like Celery, only the settings that differ from
 * the defaults (set by the configuration, the environment or flags) unless `withDefaults`.
 */
export function formatCeleryReport(input: CeleryReportInput): string {
  const { settings, configured, source } = input.config;
  const broker = typeof settings.broker_url === "string" ? settings.broker_url : null;
  const backend = typeof settings.result_backend === "string" && settings.result_backend !== "" ? settings.result_backend : "disabled";
  const names = (input.withDefaults === true ? Object.keys(settings) : [...configured]).sort();
  const shown = filterHiddenSettings(Object.fromEntries(names.map((name) => [name, settings[name]])));
  const lines = [
    `software -> celery-proto:${input.version} node:${input.runtime.node}`,
    `            settings of celery:${CELERY_SETTINGS_VERSION}`,
    `platform -> system:${input.runtime.system} arch:${input.runtime.arch}`,
    `            kernel version:${input.runtime.kernel}`,
    `config   -> ${source ?? "none (Celery's defaults, environment and flags)"}`,
    `settings -> transport:${transportOf(broker)} results:${String(maskUrlPassword(backend))}`,
    "",
    ...names.map((name) => `${name}: ${safeRepr(shown[name], { maxlen: Number.MAX_SAFE_INTEGER, maxlevels: 100 })}`),
  ];
  return `${lines.join("\n")}\n`;
}

/** kombu's transport name of a broker URL: its scheme (`amqp` when no broker is configured, Celery's default). */
function transportOf(url: string | null): string {
  if (url === null || url === "") return "amqp";
  const match = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url);
  return match === null ? "amqp" : match[1]!.toLowerCase();
}
