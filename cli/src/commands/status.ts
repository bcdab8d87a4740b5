import { Command } from "@oclif/core";
import { REMOTE_FLAGS } from "../remote/remote-flags.js";
import { runRemote } from "../remote/run-remote.js";

export default class Status extends Command {
  static override summary = "List the workers (Python or TypeScript) that answer a ping, as `celery status` does.";
  static override description = "Prints `->  node: OK` for each worker and `N nodes online.`; exits 69 when none answered.";
  static override examples = ["<%= config.bin %> status --broker redis://localhost:6379/0", "<%= config.bin %> status --json -t 2"];
  static override flags = REMOTE_FLAGS;

  async run(): Promise<void> {
    const { flags } = await this.parse(Status);
    await runRemote(this, { method: "ping", arguments: {}, flags, style: "status" });
  }
}
