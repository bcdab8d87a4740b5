import type { ControlRequest } from "../../../sdk/src/gen/json-schema/types.js";
import { checkCommandArguments } from "./check-command-arguments.js";
import type { ControlCommand } from "./control-command.js";
import type { ControlContext } from "./control-context.js";
import { PythonError, reprThrown } from "./python-error.js";

/**
 * kombu's `Node.dispatch` (K:kombu/pidbox.py): runs `method` with `arguments` and resolves with what to reply:
 * the handler's value, `{"error": repr(exc)}` when it raised (an unknown method is `KeyError('<method>')`), or
 * `NO_REPLY` (shutdown). Never rejects.
 */
export async function dispatchControlRequest(
  context: ControlContext,
  commands: ReadonlyMap<string, ControlCommand>,
  request: Pick<ControlRequest, "method" | "arguments">,
): Promise<unknown> {
  try {
    const command = commands.get(request.method);
    if (command === undefined) throw new PythonError("KeyError", request.method);
    const args = request.arguments ?? {};
    checkCommandArguments(command, args);
    return await command.run(context, args);
  } catch (e) {
    const repr = reprThrown(e);
    context.log.error(`pidbox command error: ${repr}`, e instanceof PythonError ? undefined : e);
    return { error: repr };
  }
}
