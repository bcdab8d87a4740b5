import { loadControlSerialization } from "../../../sdk/src/control/load-control-serialization.js";
import type { Command } from "@oclif/core";
import { encodeKombuJson } from "../../../sdk/src/codec/json/kombu-json.js";
import { inspect, type NodeReply } from "../../../sdk/src/control/inspect.js";
import { mailboxSettingsOf } from "../../../sdk/src/control/pidbox-entities.js";
import { flattenReplies } from "../../../sdk/src/control/flatten-replies.js";
import { CeleryProtoError } from "../../../sdk/src/errors/celery-proto-error.js";
import { formatNodeReply, nodesOnline } from "./format-reply.js";
import { connectBroker, loadBrokerFlagsConfig } from "./connect-broker.js";
import { parseDestination, parseTimeoutMs } from "./remote-flags.js";

/** sysexits `EX_UNAVAILABLE`, Celery's exit status when no node replied. */
export const EX_UNAVAILABLE = 69;

export interface RemoteRun {
  readonly method: string;
  readonly arguments: Readonly<Record<string, unknown>>;
  readonly flags: {
    readonly config?: string | undefined;
    readonly broker?: string | undefined;
    readonly "broker-transport-options"?: string | undefined;
    readonly destination?: string | undefined;
    readonly timeout: string;
    readonly json: boolean;
    readonly "auth-layout"?: string | undefined;
  };
  /**
   * How the output looks, after Celery's programs: `inspect` prints `{node: reply}` (flattened) with `--json`, else each
   * reply and `N nodes online.`; `control` prints the list of `{node: reply}`; `status` prints both with `--json`.
   */
  readonly style: "inspect" | "control" | "status";
}

/**
 * Sends one remote-control command with a reply requested, prints the replies as the matching `celery` program does,
 * and exits 69 with `Error: No nodes replied within time constraint` when none came (Celery's behaviour, also for
 * `shutdown`, which workers never answer).
 */
export async function runRemote(command: Command, run: RemoteRun): Promise<void> {
  let replies: NodeReply[];
  try {
    const destination = parseDestination(run.flags.destination);
    const timeoutMs = parseTimeoutMs(run.flags.timeout);
    const config = await loadBrokerFlagsConfig(run.flags);
    const transport = await connectBroker(run.flags, config);
    try {
      replies = await inspect(transport, run.method, run.arguments, {
        // The app's mailbox: requests as task_serializer (signed for auth), replies by accept_content.
        ...(await loadControlSerialization(config.settings, run.flags["auth-layout"] === "5.3" ? "5.3" : "5.5")),
        destination,
        timeoutMs,
        // The app's mailbox settings, as `celery inspect` reads them from app.conf.
        mailbox: mailboxSettingsOf(config.settings),
      });
    } finally {
      await transport.close();
    }
  } catch (e) {
    process.stderr.write(`${CeleryProtoError.from(e).describe()}\n`);
    return command.exit(EX_UNAVAILABLE);
  }
  if (!run.flags.json) for (const reply of replies) command.log(formatNodeReply(reply, run.style !== "status"));
  if (replies.length === 0) {
    process.stderr.write("Error: No nodes replied within time constraint\n");
    return command.exit(EX_UNAVAILABLE);
  }
  if (run.flags.json) command.log(encodeKombuJson(run.style === "control" ? replies : flattenReplies(replies)));
  if (run.style === "control" || (run.style === "inspect" && run.flags.json)) return;
  command.log(`\n${nodesOnline(Object.keys(flattenReplies(replies)).length)}`);
}
