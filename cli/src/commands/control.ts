import { Args, Command, Flags } from "@oclif/core";
import { CeleryProtoError } from "../../../sdk/src/errors/celery-proto-error.js";
import { compileArguments } from "../remote/compile-arguments.js";
import { commandNames } from "../remote/remote-commands.js";
import { REMOTE_FLAGS } from "../remote/remote-flags.js";
import { runRemote } from "../remote/run-remote.js";

export default class Control extends Command {
  static override summary = "Send a remote-control command to workers (Python or TypeScript), as `celery control` does.";
  static override description =
    `Commands: ${commandNames("control").join(", ")}. Prints each worker's reply; with --json, the list of {node: reply} \`celery control --json\` prints. Exits 69 when no worker replied (always for shutdown: workers do not answer it).`;
  static override examples = [
    "<%= config.bin %> control revoke 2f1c... 9e0a... --terminate --signal SIGKILL",
    "<%= config.bin %> control rate-limit tasks.add 10/s -d celery@host1",
    "<%= config.bin %> control time-limit tasks.crunch 60 90",
    "<%= config.bin %> control add-consumer reports",
  ];
  static override strict = false;
  static override args = {
    command: Args.string({
      description:
        "revoke, rate-limit, time-limit, shutdown, add-consumer, cancel-consumer, enable-events, disable-events, pool-grow, pool-shrink, heartbeat, ...",
      required: true,
    }),
  };
  static override flags = {
    ...REMOTE_FLAGS,
    terminate: Flags.boolean({ description: "revoke: also terminate the tasks if they are running", default: false }),
    signal: Flags.string({ description: "revoke --terminate: the signal to send (TERM, KILL, SIGUSR1, ...)" }),
  };

  async run(): Promise<void> {
    const { args, argv, flags } = await this.parse(Control);
    let compiled;
    try {
      compiled = compileArguments("control", args.command, (argv as string[]).slice(1));
      if ((flags.terminate || flags.signal !== undefined) && compiled.method !== "revoke") {
        throw new CeleryProtoError("InvalidOption", "--terminate/--signal: only for `control revoke`");
      }
      if (flags.signal !== undefined && !flags.terminate) throw new CeleryProtoError("InvalidOption", "--signal: needs --terminate");
    } catch (e) {
      process.stderr.write(`${CeleryProtoError.from(e).describe()}\n`);
      return this.exit(2);
    }
    // As `app.control.revoke(ids, terminate=True, signal=...)` sends them.
    const extra = flags.terminate ? { terminate: true, signal: flags.signal ?? "SIGTERM" } : {};
    await runRemote(this, { method: compiled.method, arguments: { ...compiled.arguments, ...extra }, flags, style: "control" });
  }
}
