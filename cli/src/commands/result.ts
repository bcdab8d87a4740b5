import { Args, Command, Flags } from "@oclif/core";
import type { Client } from "../../../sdk/src/client/client.js";
import { RemoteTaskError } from "../../../sdk/src/codec/exceptions/remote-task-error.js";
import { encodeKombuJson } from "../../../sdk/src/codec/json/kombu-json.js";
import { toDisplayJson } from "../../../sdk/src/codec/json/to-display-json.js";
import { CeleryProtoError } from "../../../sdk/src/errors/celery-proto-error.js";
import { configFlag } from "../config-flags.js";
import { connectClient } from "../connect-client.js";
import { CONNECTION_TIMEOUT_FLAG, loadBrokerFlagsConfig } from "../remote/connect-broker.js";
import { isReadyState } from "../../../sdk/src/results/task-states.js";
import { nameTimeoutFlag } from "../name-flags.js";

export default class Result extends Command {
  static override summary = "Print a task's result from the result backend, as `celery result` does.";
  static override description =
    "Prints the return value as JSON. A FAILURE or REVOKED task prints its exception (and traceback) on stderr and exits 1. " +
    "Without --wait, a task that is not ready prints its state on stderr and exits 2; with --wait it waits for it " +
    "(up to --timeout). --json prints the stored result document instead ({status, result, traceback, ...}).";
  static override examples = [
    "<%= config.bin %> result 2f1c6a9e-... --backend redis://localhost:6379/1",
    "<%= config.bin %> result 2f1c6a9e-... --wait --timeout 30",
  ];
  static override args = { id: Args.string({ description: "task id", required: true }) };
  static override flags = {
    wait: Flags.boolean({ char: "w", description: "wait until the task is ready", default: false }),
    timeout: Flags.string({ description: "seconds to wait with --wait (default: forever)" }),
    json: Flags.boolean({ char: "j", description: "print the stored result document as JSON", default: false }),
    config: configFlag,
    backend: Flags.string({ description: "result backend URL (default: $CELERY_RESULT_BACKEND, else the configuration's result_backend)" }),
    broker: Flags.string({ char: "b", description: "broker URL (only the rpc:// backend uses it)" }),
    ...CONNECTION_TIMEOUT_FLAG,
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Result);
    let client: Client | undefined;
    let code = 0;
    try {
      const config = await loadBrokerFlagsConfig(flags, { result_backend: flags.backend });
      const backend = config.settings.result_backend;
      if (backend === null)
        throw new CeleryProtoError(
          "InvalidOption",
          "--backend: a result backend URL is required (or set CELERY_RESULT_BACKEND, or result_backend in --config)",
        );
      const timeoutMs = flags.timeout === undefined ? undefined : Number(flags.timeout) * 1000;
      if (timeoutMs !== undefined && !(timeoutMs >= 0))
        throw new CeleryProtoError("InvalidOption", `--timeout: must be a number of seconds, got ${JSON.stringify(flags.timeout)}`);
      // Only the rpc:// backend reads results through the broker; for the others, no broker connection is made.
      const rpc = /^rpc:/i.test(backend);
      const resultConfig = rpc ? config : await loadBrokerFlagsConfig({ ...flags, broker: "memory://" }, { result_backend: backend });
      client = await connectClient(flags, backend, {}, resultConfig);
      const result = client.result(args.id);
      if (flags.wait) await result.get({ propagate: false, ...(timeoutMs === undefined ? {} : { timeoutMs }) });
      const meta = await result.meta();
      if (flags.json) {
        this.log(encodeKombuJson(meta));
      } else if (!isReadyState(meta.status)) {
        process.stderr.write(`${args.id}: ${meta.status} (not ready; --wait waits for it)\n`);
        code = 2;
      } else {
        const value = await result.get({ propagate: false });
        if (RemoteTaskError.is(value)) {
          process.stderr.write(
            `${value.excModule === null || value.excModule === "builtins" ? "" : `${value.excModule}.`}${value.excType}: ${value.message}\n${value.traceback ?? ""}`,
          );
          code = 1;
        } else {
          this.log(toDisplayJson(value));
        }
      }
    } catch (e) {
      process.stderr.write(`${CeleryProtoError.from(flags.timeout === undefined ? e : nameTimeoutFlag(e, flags.timeout)).describe()}\n`);
      code = 1;
    }
    await client?.close();
    if (code !== 0) this.exit(code);
  }
}
