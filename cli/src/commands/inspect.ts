import { Args, Command } from "@oclif/core";
import { CeleryProtoError } from "../../../sdk/src/errors/celery-proto-error.js";
import { compileArguments } from "../remote/compile-arguments.js";
import { commandNames } from "../remote/remote-commands.js";
import { REMOTE_FLAGS } from "../remote/remote-flags.js";
import { runRemote } from "../remote/run-remote.js";

export default class Inspect extends Command {
  static override summary = "Ask workers (Python or TypeScript) about their state, as `celery inspect` does.";
  static override description =
    `Commands: ${commandNames("inspect").join(", ")}. Prints each worker's reply and "N nodes online."; with --json, the {node: reply} object \`celery inspect --json\` prints. Exits 69 when no worker replied.`;
  static override examples = [
    "<%= config.bin %> inspect ping --broker redis://localhost:6379/0",
    "<%= config.bin %> inspect active-queues -d celery@host1 --json",
    "<%= config.bin %> inspect query-task 2f1c... 9e0a... -t 5",
  ];
  static override strict = false;
  static override args = {
    command: Args.string({
      description: "ping, active, reserved, scheduled, registered, stats, revoked, active-queues, query-task, conf, clock, report, ...",
      required: true,
    }),
  };
  static override flags = REMOTE_FLAGS;

  async run(): Promise<void> {
    const { args, argv, flags } = await this.parse(Inspect);
    let compiled;
    try {
      compiled = compileArguments("inspect", args.command, (argv as string[]).slice(1));
    } catch (e) {
      process.stderr.write(`${CeleryProtoError.from(e).describe()}\n`);
      return this.exit(2);
    }
    await runRemote(this, { ...compiled, flags, style: "inspect" });
  }
}
