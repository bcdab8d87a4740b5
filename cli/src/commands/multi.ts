import { Command } from "@oclif/core";
import { CeleryProtoError } from "../../../sdk/src/errors/celery-proto-error.js";
import { MultiCluster } from "../multi/multi-cluster.js";
import { parseMultiArgv } from "../multi/parse-multi-argv.js";

export default class MultiCommand extends Command {
  static override summary = "Start, stop and restart several detached workers, like celery multi.";
  static override description =
    "proto multi start|stop|stopwait|restart|kill|show NODES... [worker flags]. NODES are names (w1 → w1@<host>; name@host kept) " +
    "or one count (3 → celery1..celery3). Each node runs `proto worker -n <node> --pidfile %n.pid --logfile %n%I.log [worker flags]` " +
    "detached, in the current directory (--pidfile/--logfile change the patterns; %n is the node's name). start waits until each " +
    "node wrote its pidfile; stop sends SIGTERM (a warm shutdown) and returns; stopwait waits until the nodes exited; restart is " +
    "stopwait then start; kill sends SIGKILL; show prints the commands. stop/stopwait/restart take a signal as -INT, -9, ... " +
    "Give stop the same names and --pidfile as start. -q/--quiet and --nosplash quieten the output.";
  static override strict = false;
  static override examples = [
    "<%= config.bin %> multi start w1 w2 -A ./tasks.ts -b redis://localhost:6379/0 -l info",
    "<%= config.bin %> multi start 3 -A ./dist/tasks.js -P process -c 4 --pidfile /var/run/proto/%n.pid --logfile /var/log/proto/%n%I.log",
    "<%= config.bin %> multi stopwait w1 w2",
    "<%= config.bin %> multi restart w1 w2 -A ./tasks.ts",
  ];

  async run(): Promise<void> {
    let exitCode = 0;
    try {
      const invocation = parseMultiArgv(this.argv);
      const out = (text: string): void => void process.stdout.write(text);
      const cluster = new MultiCluster(invocation.nodes, {
        // The same program as this one: node with its options, then this CLI's entry script.
        executable: [process.execPath, ...process.execArgv, process.argv[1] ?? "proto"],
        write: invocation.quiet ? () => undefined : out,
      });
      if (invocation.command === "show") {
        out(`${cluster.commandLines().join("\n")}\n`);
        return;
      }
      if (!invocation.nosplash && !invocation.quiet) out(`celery multi v${this.config.version} (celery-proto)\n`);
      switch (invocation.command) {
        case "start":
          exitCode = (await cluster.start()) > 0 ? 1 : 0;
          break;
        case "stop":
          await cluster.stop(invocation.signal);
          break;
        case "stopwait":
          await cluster.stopwait(invocation.signal);
          break;
        case "restart":
          exitCode = (await cluster.restart(invocation.signal)) > 0 ? 1 : 0;
          break;
        case "kill":
          await cluster.kill();
          break;
      }
    } catch (e) {
      process.stderr.write(`${CeleryProtoError.from(e, "InvalidOption").describe()}\n`);
      exitCode = 1;
    }
    if (exitCode !== 0) this.exit(exitCode);
  }
}
