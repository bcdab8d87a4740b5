import { PyFloat } from "../../../sdk/src/codec/json/python-values.js";
import { CeleryProtoError } from "../../../sdk/src/errors/celery-proto-error.js";
import { commandNames, REMOTE_COMMANDS, type ArgType, type RemoteCommand } from "./remote-commands.js";

export interface CompiledCommand {
  /** The worker's method name (`active_queues`). */
  readonly method: string;
  readonly arguments: Record<string, unknown>;
}

/**
 * `celery inspect|control`'s `_compile_arguments`: the command name (`-` or `_`) must be of the given kind; words fill
 * the typed positional arguments in order, the rest go to the variadic argument as a list. Too many words for a
 * command without one is a usage error.
 */
export function compileArguments(type: RemoteCommand["type"], command: string, words: readonly string[]): CompiledCommand {
  const method = command.replaceAll("-", "_");
  const meta = REMOTE_COMMANDS[method];
  if (meta === undefined || meta.type !== type) {
    throw new CeleryProtoError(
      "InvalidOption",
      `${type} command ${JSON.stringify(command)} not recognized. Available ${type} commands: ${commandNames(type).join(", ")}`,
    );
  }
  const args: Record<string, unknown> = {};
  let i = 0;
  for (; i < words.length && i < meta.args.length; i++) {
    const [name, argType] = meta.args[i]!;
    args[name] = convert(words[i]!, argType, `${command} ${name}`);
  }
  const rest = words.slice(i);
  if (meta.variadic !== undefined) args[meta.variadic] = rest;
  else if (rest.length > 0) {
    throw new CeleryProtoError("InvalidOption", `${command}: takes arguments ${meta.signature ?? "(none)"}, got ${words.length}`);
  }
  return { method, arguments: args };
}

function convert(word: string, type: ArgType, what: string): unknown {
  switch (type) {
    case "str":
      return word;
    case "int": {
      if (!/^[-+]?\d+$/.test(word.trim())) throw new CeleryProtoError("InvalidOption", `${what}: must be an integer, got ${JSON.stringify(word)}`);
      return Number(word);
    }
    case "float": {
      const n = Number(word);
      if (word.trim() === "" || !Number.isFinite(n)) throw new CeleryProtoError("InvalidOption", `${what}: must be a number, got ${JSON.stringify(word)}`);
      // Python's float(): the request carries `10.0`, not `10`.
      return new PyFloat(n);
    }
    case "bool": {
      const v = word.trim().toLowerCase();
      if (["y", "yes", "t", "true", "on", "1"].includes(v)) return true;
      if (["n", "no", "f", "false", "off", "0"].includes(v)) return false;
      throw new CeleryProtoError("InvalidOption", `${what}: must be true or false, got ${JSON.stringify(word)}`);
    }
  }
}
