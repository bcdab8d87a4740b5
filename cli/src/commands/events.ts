import { eventQueueOptionsOf } from "../../../sdk/src/events/event-queue-options.js";
import { Command, Flags } from "@oclif/core";
import { encodeKombuJson } from "../../../sdk/src/codec/json/kombu-json.js";
import { CeleryProtoError } from "../../../sdk/src/errors/celery-proto-error.js";
import type { EventReceiver } from "../../../sdk/src/events/event-receiver-options.js";
import { EventState } from "../../../sdk/src/events/event-state.js";
import { receiveEvents } from "../../../sdk/src/events/receive-events.js";
import type { Transport } from "../../../sdk/src/transport/transport.js";
import { EventDumper } from "../events/event-dumper.js";
import { renderLiveView } from "../events/render-live-view.js";
import { BROKER_FLAGS, connectBroker, loadBrokerFlagsConfig } from "../remote/connect-broker.js";

export default class Events extends Command {
  static override summary = "Watch the event stream of workers (Python or TypeScript), as `celery events` does.";
  static override description =
    "Without --dump: a live view of workers and tasks, redrawn every --interval seconds (on a terminal the screen is " +
    "refreshed in place; otherwise each snapshot is printed in turn). --dump prints every event as `celery events " +
    "--dump` does; --json prints one JSON object per event instead. Workers must send task events (-E or " +
    "`proto control enable-events`); worker heartbeats come regardless. Runs until interrupted.";
  static override examples = [
    "<%= config.bin %> events --broker redis://localhost:6379/0",
    "<%= config.bin %> events --dump",
    "<%= config.bin %> events --json | jq .type",
  ];
  static override flags = {
    dump: Flags.boolean({ char: "d", description: "print each event as a line", default: false }),
    json: Flags.boolean({ char: "j", description: "print each event as a JSON object (one per line)", default: false }),
    interval: Flags.string({ description: "live view: seconds between redraws", default: "1" }),
    "max-tasks": Flags.integer({ description: "live view: how many of the most recent tasks to show", default: 20 }),
    ...BROKER_FLAGS,
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Events);
    const interval = Number(flags.interval);
    const live = !flags.dump && !flags.json;
    const tty = process.stdout.isTTY === true;
    const dumper = new EventDumper();
    const state = new EventState();
    let transport: Transport | undefined;
    let receiver: EventReceiver | undefined;
    try {
      if (!(interval > 0))
        throw new CeleryProtoError("InvalidOption", `--interval: must be a positive number of seconds, got ${JSON.stringify(flags.interval)}`);
      const config = await loadBrokerFlagsConfig(flags);
      const s = config.settings;
      transport = await connectBroker(flags, config);
      receiver = await receiveEvents(
        transport,
        (event) => {
          if (flags.json) process.stdout.write(`${encodeKombuJson(event)}\n`);
          else if (flags.dump) process.stdout.write(`${dumper.format(event)}\n`);
          else state.event(event);
        },
        {
          // The app's event settings, as `celery events` reads them from app.conf.
          ...eventQueueOptionsOf(s),
          onInvalidEvent: (e) => process.stderr.write(`${e.describe()}\n`),
        },
      );
      // Celery prints this before connecting; here it also says the receiver is listening.
      if (flags.dump && !flags.json) process.stdout.write("-> evdump: starting capture...\n");
    } catch (e) {
      process.stderr.write(`${CeleryProtoError.from(e).describe()}\n`);
      await transport?.close();
      return this.exit(1);
    }
    const draw = (): void => {
      const view = renderLiveView(state, { maxTasks: flags["max-tasks"], width: process.stdout.columns ?? 120 });
      process.stdout.write(tty ? `\x1b[H\x1b[2J${view}\n` : `${view}\n\n`);
    };
    const timer = live ? setInterval(draw, interval * 1000) : null;
    await new Promise<void>((resolve) => {
      process.once("SIGINT", resolve);
      process.once("SIGTERM", resolve);
    });
    if (timer !== null) clearInterval(timer);
    await receiver.stop();
    await transport.close();
  }
}
