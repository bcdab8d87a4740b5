import { release } from "node:os";
import { Command, Flags } from "@oclif/core";
import { CeleryProtoError } from "../../../sdk/src/errors/celery-proto-error.js";
import { configFlag, loadCommandConfig } from "../config-flags.js";
import { formatCeleryReport } from "../report/format-celery-report.js";

export default class Report extends Command {
  static override summary = "Show versions and the effective Celery configuration, secrets masked, as `celery report` does.";
  static override description =
    "Reads --config (else $CELERY_PROTO_CONFIG), $CELERY_BROKER_URL, $CELERY_RESULT_BACKEND and the flags (flags > environment > file > Celery's defaults) and prints the software and platform, then one `setting: value` line per setting set (sorted; --with-defaults: every setting). Passwords in URLs and settings whose names contain API, TOKEN, KEY, SECRET, PASS, SIGNATURE or DATABASE are masked as Celery masks them. Warnings about unknown or unimplemented settings go to stderr.";
  static override examples = [
    "<%= config.bin %> report --config celeryconfig.yaml",
    "CELERY_PROTO_CONFIG=celeryconfig.json <%= config.bin %> report --with-defaults",
  ];
  static override flags = {
    config: configFlag,
    broker: Flags.string({ char: "b", description: "broker URL (Celery's broker_url), over the configuration and $CELERY_BROKER_URL" }),
    "result-backend": Flags.string({ description: "result backend URL (Celery's result_backend), over the configuration and $CELERY_RESULT_BACKEND" }),
    "with-defaults": Flags.boolean({ description: "also print the settings left at Celery's defaults", default: false }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Report);
    let text: string;
    try {
      const config = await loadCommandConfig(flags.config, { broker_url: flags.broker, result_backend: flags["result-backend"] });
      text = formatCeleryReport({
        config,
        version: this.config.version,
        withDefaults: flags["with-defaults"],
        runtime: { node: process.version, system: process.platform, arch: process.arch, kernel: release() },
      });
    } catch (e) {
      process.stderr.write(`${CeleryProtoError.from(e, "InvalidOption").describe()}\n`);
      return this.exit(1);
    }
    process.stdout.write(text);
  }
}
