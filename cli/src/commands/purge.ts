import { createInterface } from "node:readline/promises";
import { Command, Flags } from "@oclif/core";
import { CeleryProtoError } from "../../../sdk/src/errors/celery-proto-error.js";
import type { Transport } from "../../../sdk/src/transport/transport.js";
import type { LoadedCeleryConfig } from "../../../sdk/src/config/load-celery-config.js";
import { createQueueTable } from "../../../sdk/src/routing/create-queue-table.js";
import { toRoutingSettings } from "../../../sdk/src/routing/to-routing-settings.js";
import { BROKER_FLAGS, connectBroker, loadBrokerFlagsConfig } from "../remote/connect-broker.js";

const plural = (n: number, word: string): string => `${n} ${n === 1 ? word : `${word}s`}`;

export default class Purge extends Command {
  static override summary = "Delete every waiting message from task queues, as `celery purge` does.";
  static override description =
    "Purges the -Q queues (default: celery) minus the -X ones, after a confirmation unless --force, and prints " +
    '"Purged N messages from M known task queues." (or "No messages purged from M queues."). Messages already ' +
    "delivered to a worker are not touched. There is no undo.";
  static override examples = ["<%= config.bin %> purge -Q reports,celery --force --broker redis://localhost:6379/0"];
  static override flags = {
    queues: Flags.string({
      char: "Q",
      description: "comma-separated queue names to purge [default: the configuration's task_queues, else task_default_queue (celery)]",
    }),
    "exclude-queues": Flags.string({ char: "X", description: "comma-separated queue names not to purge" }),
    force: Flags.boolean({ char: "f", description: "do not ask for confirmation", default: false }),
    ...BROKER_FLAGS,
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Purge);
    const list = (text: string | undefined): string[] =>
      (text ?? "")
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s !== "");
    const excluded = new Set(list(flags["exclude-queues"]));
    let config: LoadedCeleryConfig;
    try {
      config = await loadBrokerFlagsConfig(flags);
    } catch (e) {
      process.stderr.write(`${CeleryProtoError.from(e).describe()}\n`);
      return this.exit(1);
    }
    // As `celery purge`: the app's queues (app.amqp.queues) unless -Q names others.
    const known = flags.queues === undefined ? appQueueNames(config) : list(flags.queues);
    const names = [...new Set(known)].filter((q) => !excluded.has(q)).sort();
    if (names.length === 0) return;
    if (
      !flags.force &&
      !(await confirm(
        `WARNING: This will remove all tasks from ${plural(names.length, "queue")}: ${names.join(", ")}.\n         There is no undo for this operation!\n\n(to skip this prompt use the -f option)\nAre you sure you want to delete all tasks? [y/N]: `,
      ))
    ) {
      process.stderr.write("Aborted!\n");
      return this.exit(1);
    }
    let transport: Transport | undefined;
    let messages = 0;
    try {
      transport = await connectBroker(flags, config);
      // As `celery purge`: a queue the broker does not know counts as 0.
      for (const queue of names) messages += await purgeOne(transport, queue);
    } catch (e) {
      process.stderr.write(`${CeleryProtoError.from(e).describe()}\n`);
      await transport?.close();
      return this.exit(1);
    }
    await transport.close();
    this.log(
      messages > 0
        ? `Purged ${plural(messages, "message")} from ${names.length} known task ${names.length === 1 ? "queue" : "queues"}.`
        : `No messages purged from ${plural(names.length, "queue")}.`,
    );
  }
}

/** The app's queues: task_queues, or the default queue when task_queues is empty (Celery's `app.amqp.queues`). */
function appQueueNames(config: LoadedCeleryConfig): string[] {
  return createQueueTable(toRoutingSettings(config.settings))
    .list()
    .map((q) => q.name);
}

async function purgeOne(transport: Transport, queue: string): Promise<number> {
  try {
    return await transport.purge(queue);
  } catch (e) {
    if (transport.kind === "amqp" && /NOT_FOUND|404/.test(String((e as Error).message))) return 0;
    throw e;
  }
}

async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) {
    process.stderr.write(question);
    return false;
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}
