import { Args, Command, Flags, loadHelpClass } from "@oclif/core";

/** `proto help [command]`: oclif core's help, as `proto <command> --help` shows it (what @oclif/plugin-help adds). */
export default class Help extends Command {
  static override summary = "Display help for <%= config.bin %> or one of its commands.";
  static override examples = ["<%= config.bin %> help", "<%= config.bin %> help enqueue", "<%= config.bin %> help worker"];
  static override args = { command: Args.string({ description: "command to show help for", required: false }) };
  static override flags = {
    "nested-commands": Flags.boolean({ char: "n", description: "include all nested commands in the output", default: false }),
  };
  // The command may be several words (topics) followed by anything: everything goes to the help class.
  static override strict = false;

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(Help);
    const HelpClass = await loadHelpClass(this.config);
    await new HelpClass(this.config, { all: flags["nested-commands"] }).showHelp(argv as string[]);
  }
}
