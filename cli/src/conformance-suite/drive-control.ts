import { inspect } from "../../../sdk/src/control/inspect.js";
import type { CaseEnvironment } from "./case-environment.js";
import type { ControlInput } from "./conformance-case.js";
import type { Observation } from "./observation.js";

/** control: our remote control sends the command (reply requested) to the peer worker (or every worker) and collects the replies. */
export async function driveControl(env: CaseEnvironment, input: ControlInput, timeoutMs: number): Promise<Observation> {
  const replies = await inspect(env.client.transport, input.method, input.arguments, {
    destination: env.peerNode === null ? null : [env.peerNode],
    timeoutMs: Math.min(timeoutMs, 2000),
    mailbox: env.mailbox,
  });
  return { replies };
}
